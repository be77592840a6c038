//! `einv config check`: read the configuration as `einv serve` would (file, then `EINV_*`,
//! then flags), check every field, and print the effective settings with secrets redacted.
//! A bad value exits non-zero naming the field.

use std::process::ExitCode;

use crate::options::{PlatformOptions, ServeOptions};

/// `einv config` actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Check the configuration and print the effective settings (secrets redacted).
    Check {
        /// What a serving node reads.
        #[command(flatten)]
        serve: ServeOptions,
        /// Where the data lives.
        #[command(flatten)]
        platform: PlatformOptions,
    },
}

/// Runs `einv config`.
pub fn run(action: Action) -> anyhow::Result<ExitCode> {
    match action {
        Action::Check { serve, platform } => {
            let settings = serve.apply(platform.settings()?);
            let shown = settings.to_redacted_toml();
            settings.resolve()?;
            print!("{shown}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

//! `einv demo seed`: seed the demo data set without serving.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use einv_core::SystemClock;
use einv_server::{demo, startup};

use crate::options::PlatformOptions;

/// `einv demo` actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Seed the demo data set (once) and print the credentials as JSON.
    Seed(PlatformOptions),
}

/// Runs `einv demo`.
pub fn run(action: Action) -> anyhow::Result<ExitCode> {
    let Action::Seed(options) = action;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let config = options.config()?;
        let platform = startup::platform(&config, Arc::new(SystemClock)).await?;
        let credentials = demo::seed(&platform).await?;
        super::serve::write_demo_json(&config.data_dir, &credentials)?;
        println!("{}", serde_json::to_string_pretty(&credentials)?);
        Ok(ExitCode::SUCCESS)
    })
}

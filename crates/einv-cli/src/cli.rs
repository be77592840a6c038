//! The command line, as clap types. Script-facing shapes (issue 2) are kept stable:
//! `einv validate ban|invoice|carrier|love-code VALUE`, `einv prize --winning FILE NUMBER…`,
//! `einv qr decode TEXT`, each with `--json`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// einv: Taiwan e-invoice platform, sandbox and tools.
#[derive(Debug, Parser)]
#[command(name = "einv", version, about)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a business ID, invoice number, carrier or love code.
    Validate(crate::commands::validate::Args),
    /// Check invoice numbers against a period's winning numbers.
    Prize(crate::commands::prize::Args),
    /// Decode or encode proof-copy QR codes.
    Qr(crate::commands::qr::Args),
}

/// Options shared by the commands that open the data directory.
#[derive(Debug, clap::Args)]
pub struct DataDir {
    /// The data directory (SQLite database, demo.json).
    #[arg(long = "data", default_value = "./einv-data", env = "EINV_DATA")]
    pub dir: PathBuf,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}

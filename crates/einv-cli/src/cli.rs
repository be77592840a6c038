//! The command line, as clap types. Script-facing shapes (issue 2) are kept stable:
//! `einv validate ban|invoice|carrier|love-code VALUE`, `einv prize --winning FILE NUMBER…`,
//! `einv qr decode TEXT`, each with `--json`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use einv_core::flow::{FlowLimits, RateLimit};

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
    /// Run the Platform (`--demo` seeds demo data and prints credentials).
    Serve(crate::commands::serve::Args),
    /// Demo data.
    Demo(crate::commands::demo::Args),
    /// Bring the database schema up to date.
    Migrate(PlatformOptions),
    /// Import invoices (JSON Lines, MOF MIG XML) or a period's winning numbers.
    Import(crate::commands::import::Args),
    /// Write a synthetic data set of any size.
    Generate(crate::commands::generate::Args),
    /// Verify, purge or show the tamper-evident audit trail (R5.3, R6.4).
    Audit(crate::commands::audit::Args),
    /// Operator commands: reviewers, registry events, terms, announcements, terminations.
    Admin(crate::commands::admin::Args),
}

/// Where the Platform's data lives: shared by every command that opens it.
#[derive(Debug, Clone, clap::Args)]
pub struct PlatformOptions {
    /// The data directory (embedded SQLite database, server.key, demo.json).
    #[arg(long = "data", default_value = "./einv-data", env = "EINV_DATA")]
    pub data_dir: PathBuf,
    /// A database URL (postgres://…); default: the embedded SQLite file in the data directory.
    #[arg(long, env = "EINV_DATABASE_URL")]
    pub database_url: Option<String>,
    /// The server key (64 hex digits) that seals APIKeys; default: DATA/server.key.
    #[arg(long, env = "EINV_SERVER_KEY", hide_env_values = true)]
    pub server_key: Option<String>,
    /// A holiday calendar file (one YYYY-MM-DD per line); default: the built-in list.
    #[arg(long, env = "EINV_HOLIDAYS")]
    pub holidays: Option<PathBuf>,
    /// Flow control per caller IP address, CALLS/SECONDS (R4.6).
    #[arg(long, env = "EINV_LIMIT_IP", default_value = "600/60")]
    pub limit_ip: RateLimit,
    /// Flow control per AppID, CALLS/SECONDS (R4.6).
    #[arg(long, env = "EINV_LIMIT_APP", default_value = "6000/60")]
    pub limit_app: RateLimit,
    /// Redis URL, to share flow-control counts between several `einv serve` nodes.
    #[arg(long, env = "EINV_REDIS_URL")]
    pub redis_url: Option<String>,
}

impl PlatformOptions {
    /// The server's configuration.
    pub fn config(&self) -> einv_server::startup::Config {
        einv_server::startup::Config {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            server_key: self.server_key.clone(),
            holidays: self.holidays.clone(),
            flow_limits: FlowLimits {
                per_ip: self.limit_ip,
                per_app: self.limit_app,
            },
            redis_url: self.redis_url.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}

//! Where the Platform's data lives: the options every command that opens it shares. A leaf:
//! the commands depend on it, it depends on none of them.

use einv_server::startup::SecretString;
use std::path::PathBuf;

use einv_core::flow::{FlowLimits, RateLimit};

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
    #[arg(long, env = "EINV_SERVER_KEY", hide_env_values = true, value_parser = secret)]
    pub server_key: Option<SecretString>,
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

/// Reads a secret argument straight into a [`SecretString`], so `Debug` of the parsed command
/// line never shows it.
pub fn secret(text: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(text))
}

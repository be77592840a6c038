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
    /// Flow control per caller IP address, CALLS/SECONDS or CALLS/SECONDS/BURST (R4.6).
    #[arg(long, env = "EINV_LIMIT_IP", default_value = "600/60")]
    pub limit_ip: RateLimit,
    /// Flow control per AppID (the default; reviewers may set an AppID its own), CALLS/SECONDS or CALLS/SECONDS/BURST (R4.6).
    #[arg(long, env = "EINV_LIMIT_APP", default_value = "6000/60")]
    pub limit_app: RateLimit,
    /// Redis URL, to share flow-control counts between several `einv serve` nodes.
    #[arg(long, env = "EINV_REDIS_URL")]
    pub redis_url: Option<String>,
    /// Prefix of this Platform's Redis keys (several Platforms may share one Redis).
    #[arg(long, env = "EINV_REDIS_NAMESPACE", default_value = "einv")]
    pub redis_namespace: String,
    /// How many nodes share the limits: while Redis is unreachable each counts alone with
    /// this share of every limit.
    #[arg(long, env = "EINV_EXPECTED_NODES", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub expected_nodes: u32,
    /// How long connecting to Redis may take before the node starts counting alone (ms).
    #[arg(long, env = "EINV_REDIS_CONNECT_TIMEOUT_MS", default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub redis_connect_timeout_ms: u64,
    /// How often a node looks for limit changes made through any node (ms): the bound on
    /// how long a reviewer's change takes to apply everywhere.
    #[arg(long, env = "EINV_LIMITS_CHECK_MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=3_600_000))]
    pub limits_check_ms: u64,
    /// No flow control at all (R4.6 not enforced): the baseline of `bench/flow.sh`, never
    /// for serving.
    #[arg(long, hide = true)]
    pub no_flow_control_for_benchmarks: bool,
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
            flow: self.flow_options(),
        }
    }

    fn flow_options(&self) -> einv_server::startup::FlowOptions {
        let redis = einv_server::services::flow::RedisOptions {
            namespace: self.redis_namespace.clone(),
            expected_nodes: self.expected_nodes,
            connect_timeout: std::time::Duration::from_millis(self.redis_connect_timeout_ms),
            ..Default::default()
        };
        let check = i64::try_from(self.limits_check_ms).unwrap_or(i64::MAX);
        einv_server::startup::FlowOptions {
            redis,
            check_interval: Some(chrono::Duration::milliseconds(check)),
            off: self.no_flow_control_for_benchmarks,
        }
    }
}

/// Reads a secret argument straight into a [`SecretString`], so `Debug` of the parsed command
/// line never shows it.
pub fn secret(text: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(text))
}

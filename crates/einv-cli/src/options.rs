//! Where the Platform's data lives: the options every command that opens it shares. A leaf:
//! the commands depend on it, it depends on none of them.
//!
//! Each option is a flag with an `EINV_*` variable behind it (clap reads both, the flag
//! winning); what neither sets comes from the `--config` file, then the defaults
//! (`settings.rs`). So no option has a clap default: that would hide the file's value.

use std::net::SocketAddr;
use std::path::PathBuf;

use einv_core::flow::RateLimit;
use einv_server::startup::SecretString;

use crate::settings::{LogFormat, Resolved, Settings, SettingsError};

/// Where the data lives: shared by every command that opens it.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PlatformOptions {
    /// A TOML configuration file (see einv.example.toml); flags and EINV_* variables win over it.
    #[arg(long, env = "EINV_CONFIG")]
    pub config: Option<PathBuf>,
    /// The data directory (embedded SQLite database, server.key, demo.json) [default: ./einv-data].
    #[arg(long = "data", env = "EINV_DATA")]
    pub data_dir: Option<PathBuf>,
    /// A database URL (postgres://…); default: the embedded SQLite file in the data directory.
    #[arg(long, env = "EINV_DATABASE_URL", hide_env_values = true, value_parser = secret)]
    pub database_url: Option<SecretString>,
    /// The server key (64 hex digits) that seals APIKeys; default: DATA/server.key.
    #[arg(long, env = "EINV_SERVER_KEY", hide_env_values = true, value_parser = secret)]
    pub server_key: Option<SecretString>,
    /// A holiday calendar file (one YYYY-MM-DD per line); default: the built-in list.
    #[arg(long, env = "EINV_HOLIDAYS")]
    pub holidays: Option<PathBuf>,
    /// Flow control per caller IP address, CALLS/SECONDS or CALLS/SECONDS/BURST (R4.6) [default: 600/60].
    #[arg(long, env = "EINV_LIMIT_IP")]
    pub limit_ip: Option<RateLimit>,
    /// Flow control per AppID (the default; reviewers may set an AppID its own), CALLS/SECONDS
    /// or CALLS/SECONDS/BURST (R4.6) [default: 6000/60].
    #[arg(long, env = "EINV_LIMIT_APP")]
    pub limit_app: Option<RateLimit>,
    /// How often a node looks for limit changes made through any node (ms): the bound on
    /// how long a reviewer's change takes to apply everywhere [default: 1000].
    #[arg(long, env = "EINV_LIMITS_CHECK_MS", value_parser = clap::value_parser!(u64).range(0..=3_600_000))]
    pub limits_check_ms: Option<u64>,
    /// How long a node trusts its last check of the cache versions (ms): the bound on how long
    /// a change made on any node (a revoked consent or licence, a barred device) may go unseen
    /// here; 0 checks on every call [default: 250].
    #[arg(long, env = "EINV_CACHE_CHECK_MS", value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub cache_check_ms: Option<u64>,
    /// Redis URL, to share flow-control counts between several `einv serve` nodes.
    #[arg(long, env = "EINV_REDIS_URL", hide_env_values = true, value_parser = secret)]
    pub redis_url: Option<SecretString>,
    /// Prefix of this Platform's Redis keys (several Platforms may share one Redis) [default: einv].
    #[arg(long, env = "EINV_REDIS_NAMESPACE")]
    pub redis_namespace: Option<String>,
    /// How many nodes share the limits: while Redis is unreachable each counts alone with
    /// this share of every limit [default: 2].
    #[arg(long, env = "EINV_EXPECTED_NODES", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub expected_nodes: Option<u32>,
    /// How long connecting to Redis may take before the node starts counting alone (ms) [default: 2000].
    #[arg(long, env = "EINV_REDIS_CONNECT_TIMEOUT_MS", value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub redis_connect_timeout_ms: Option<u64>,
    /// No flow control at all (R4.6 not enforced): the baseline of `bench/flow.sh`, never
    /// for serving.
    #[arg(long, hide = true)]
    pub no_flow_control_for_benchmarks: bool,
}

/// What only a serving node reads.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServeOptions {
    /// The address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "EINV_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// The URL people reach the Platform at; session cookies are `Secure` when it is https.
    #[arg(long, env = "EINV_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// A proxy (address or CIDR block) whose X-Forwarded-For names the client; repeatable.
    #[arg(
        long = "trusted-proxy",
        env = "EINV_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Option<Vec<String>>,
    /// A token that lets `/metrics` be read from anywhere (`Authorization: Bearer TOKEN`);
    /// without it `/metrics` answers loopback callers only (docs/operations.md).
    #[arg(long, env = "EINV_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Log lines as text or JSON (one object per line, with the request ID) [default: text].
    #[arg(long, env = "EINV_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Whether this node runs the background jobs (each tick runs once across nodes) [default: true].
    #[arg(long, env = "EINV_JOBS")]
    pub jobs: Option<bool>,
    /// Months the audit trail is kept before the retention job purges it (R5.3: ≥ 6) [default: 6].
    #[arg(long, env = "EINV_AUDIT_RETENTION_MONTHS")]
    pub audit_retention_months: Option<u32>,
}

impl PlatformOptions {
    /// The file's settings with these options laid over them, unchecked.
    pub fn settings(&self) -> Result<Settings, SettingsError> {
        let mut s = Settings::load(self.config.as_deref())?;
        let d = &mut s.database;
        set(&mut d.data_dir, self.data_dir.clone());
        if self.database_url.is_some() {
            d.url.clone_from(&self.database_url);
        }
        if self.server_key.is_some() {
            d.server_key.clone_from(&self.server_key);
        }
        if self.holidays.is_some() {
            d.holidays.clone_from(&self.holidays);
        }
        set(&mut s.limits.per_ip, self.limit_ip);
        set(&mut s.limits.per_app, self.limit_app);
        set(&mut s.limits.check_ms, self.limits_check_ms);
        set(&mut s.cache.check_ms, self.cache_check_ms);
        if self.redis_url.is_some() {
            s.redis.url.clone_from(&self.redis_url);
        }
        set(&mut s.redis.namespace, self.redis_namespace.clone());
        set(&mut s.redis.expected_nodes, self.expected_nodes);
        set(
            &mut s.redis.connect_timeout_ms,
            self.redis_connect_timeout_ms,
        );
        Ok(s)
    }

    /// The server's configuration, checked.
    pub fn config(&self) -> anyhow::Result<einv_server::startup::Config> {
        let mut config = self.settings()?.resolve()?.platform;
        config.flow.off = self.no_flow_control_for_benchmarks;
        Ok(config)
    }
}

impl ServeOptions {
    /// `settings` with these options laid over them.
    pub fn apply(&self, mut s: Settings) -> Settings {
        set(&mut s.listen.address, self.listen);
        if self.public_url.is_some() {
            s.public.url.clone_from(&self.public_url);
        }
        set(&mut s.listen.trusted_proxies, self.trusted_proxies.clone());
        if self.metrics_token.is_some() {
            s.listen.metrics_token.clone_from(&self.metrics_token);
        }
        set(&mut s.logging.format, self.log_format);
        set(&mut s.background.enabled, self.jobs);
        set(&mut s.audit.retention_months, self.audit_retention_months);
        s
    }

    /// A serving node's checked configuration: file, then `EINV_*`, then flags.
    pub fn resolve(&self, platform: &PlatformOptions) -> Result<Resolved, SettingsError> {
        let mut resolved = self.apply(platform.settings()?).resolve()?;
        // A benchmark switch, deliberately not in the file: no deployment can carry it.
        resolved.platform.flow.off = platform.no_flow_control_for_benchmarks;
        Ok(resolved)
    }
}

fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *field = v;
    }
}

/// Reads a secret argument straight into a [`SecretString`], so `Debug` of the parsed command
/// line never shows it.
pub fn secret(text: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(text))
}

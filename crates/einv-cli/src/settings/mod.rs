//! The Platform's configuration: one typed section per area, read from a TOML file
//! (`--config einv.toml`, see `einv.example.toml`), overlaid by `EINV_*` environment variables
//! and then flags (clap reads both; a flag wins over its variable). Secrets are
//! [`SecretString`]s: `Debug` and `einv config check` never show them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use einv_core::flow::{FlowLimits, RateLimit};
use einv_server::services::jobs::BackgroundConfig;
use einv_server::startup::SecretString;
use serde::{Deserialize, Serialize};

mod check;
mod fields;

pub use check::Resolved;

/// Why the configuration cannot be used: always names the file or the field.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML for these settings (the message names the key and line).
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What and where.
        message: String,
    },
    /// A field has a value the Platform cannot use.
    #[error("{field}: {problem}")]
    Invalid {
        /// The field, as written in the file (`limits.per_ip`).
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
}

/// Every setting, by area.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Where the server listens.
    pub listen: ListenSettings,
    /// How people reach it.
    pub public: PublicSettings,
    /// Where the data lives.
    pub database: DatabaseSettings,
    /// Redis, shared by several nodes.
    pub redis: RedisSettings,
    /// Flow-control defaults (R4.6).
    pub limits: LimitsSettings,
    /// The audit trail (R5.3, R6.4).
    pub audit: AuditSettings,
    /// The hot path's caches (docs/hot-path.md).
    pub cache: CacheSettings,
    /// Background jobs inside `einv serve`.
    pub background: BackgroundConfig,
    /// Log lines.
    pub logging: LoggingSettings,
}

/// `[listen]`.
#[derive(Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListenSettings {
    /// The address `einv serve` listens on.
    pub address: SocketAddr,
    /// Proxies (addresses or CIDR blocks) whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<String>,
    /// A token that lets `/metrics` be read from anywhere; without one, loopback only.
    pub metrics_token: Option<String>,
}

impl Default for ListenSettings {
    fn default() -> Self {
        Self {
            address: SocketAddr::from(([127, 0, 0, 1], 8080)),
            trusted_proxies: Vec::new(),
            metrics_token: None,
        }
    }
}

/// `[public]`.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PublicSettings {
    /// The URL people reach the Platform at; cookies are `Secure` when it is https.
    pub url: Option<String>,
}

/// `[database]`.
#[derive(Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// The data directory (embedded SQLite database, server.key, demo.json).
    pub data_dir: PathBuf,
    /// A database URL (`postgres://…`); none means the embedded SQLite file. Secret: it may
    /// carry a password.
    #[serde(
        serialize_with = "fields::url",
        deserialize_with = "fields::read_secret"
    )]
    pub url: Option<SecretString>,
    /// The server key (64 hex digits) that seals APIKeys; none means `DATA/server.key`.
    #[serde(
        serialize_with = "fields::secret",
        deserialize_with = "fields::read_secret"
    )]
    pub server_key: Option<SecretString>,
    /// A holiday calendar file; none means the built-in list.
    pub holidays: Option<PathBuf>,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./einv-data"),
            url: None,
            server_key: None,
            holidays: None,
        }
    }
}

/// `[redis]`.
#[derive(Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedisSettings {
    /// Redis URL, to share flow-control counts and nonces between nodes. Secret.
    #[serde(
        serialize_with = "fields::url",
        deserialize_with = "fields::read_secret"
    )]
    pub url: Option<SecretString>,
    /// Prefix of this Platform's keys (several Platforms may share one Redis).
    pub namespace: String,
    /// How many nodes share the limits: while Redis is unreachable each counts alone with
    /// this share of every limit.
    pub expected_nodes: u32,
    /// How long connecting may take before the node counts alone, in milliseconds.
    pub connect_timeout_ms: u64,
}

impl Default for RedisSettings {
    fn default() -> Self {
        Self {
            url: None,
            namespace: "einv".to_owned(),
            expected_nodes: 2,
            connect_timeout_ms: 2000,
        }
    }
}

/// `[limits]`: CALLS/SECONDS each (R4.6).
#[derive(Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsSettings {
    /// Per caller IP address.
    #[serde(with = "fields::display")]
    pub per_ip: RateLimit,
    /// Per AppID (the default; reviewers may set an AppID its own).
    #[serde(with = "fields::display")]
    pub per_app: RateLimit,
    /// How often a node looks for limit changes made through any node, in milliseconds.
    pub check_ms: u64,
    /// Per AppID per service (R4.6 "where useful"): service name (R3.6) → CALLS/SECONDS[/BURST].
    /// A service not named has no limit beside the AppID's over all its calls.
    pub per_service: std::collections::BTreeMap<String, String>,
}

impl Default for LimitsSettings {
    fn default() -> Self {
        Self {
            per_ip: FlowLimits::default().per_ip,
            per_app: FlowLimits::default().per_app,
            check_ms: 1000,
            per_service: std::collections::BTreeMap::new(),
        }
    }
}

/// `[cache]`: how long a node trusts its last reading of the cache versions.
#[derive(Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheSettings {
    /// Milliseconds between version checks: the bound on how long a change made on any node
    /// (a revoked consent or licence, a barred device) may go unseen here. 0 checks on every
    /// call, at the cost of one query per call.
    pub check_ms: u64,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self { check_ms: 250 }
    }
}

/// `[audit]`.
#[derive(Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditSettings {
    /// Months the trail is kept before the retention job purges it (R5.3: at least 6).
    pub retention_months: u32,
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self {
            retention_months: einv_core::audit::Retention::MINIMUM_MONTHS,
        }
    }
}

/// How log lines are written.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, with the request's span fields (its `request_id`).
    Json,
}

/// `[logging]`.
#[derive(Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoggingSettings {
    /// Text or JSON lines.
    pub format: LogFormat,
    /// A `tracing` filter (`RUST_LOG` syntax); `RUST_LOG` itself wins over it.
    pub filter: String,
}

impl Default for LoggingSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            filter: "info,sqlx=warn,tower_http=warn".to_owned(),
        }
    }
}

impl Settings {
    /// The settings of `path`, or the defaults when there is no file.
    pub fn load(path: Option<&Path>) -> Result<Self, SettingsError> {
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| SettingsError::Parse {
            path: path.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })
    }

    /// The effective settings as TOML, secrets redacted.
    pub fn to_redacted_toml(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }
}

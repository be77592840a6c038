//! Building and running the Platform: configuration in, a listening server out.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use einv_core::claim::HolidayCalendar;
use einv_core::Clock;
use einv_store::Store;
use rand::RngCore;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;

use crate::http::client_ip::TrustedProxies;
use crate::services::{FlowControl, KeySealer, Platform};
use crate::{router, AppState};

/// The server key's type, for callers filling a [`Config`].
pub use secrecy::SecretString;

/// Where the Platform keeps its things and how it reaches its database.
#[derive(Debug, Clone)]
pub struct Config {
    /// The data directory: the SQLite file, `server.key`, `demo.json`.
    pub data_dir: PathBuf,
    /// A database URL; none means the embedded SQLite file `einv.db` in the data directory.
    pub database_url: Option<String>,
    /// The server key as 64 hex digits; none means `server.key` in the data directory,
    /// created on first start. Secret: it opens every sealed APIKey, so `Debug` redacts it.
    pub server_key: Option<SecretString>,
    /// A holiday calendar file; none means the built-in list.
    pub holidays: Option<PathBuf>,
    /// Flow-control limits (R4.6).
    pub flow_limits: einv_core::flow::FlowLimits,
    /// Redis, when several nodes must share flow-control counts.
    pub redis_url: Option<String>,
    /// How flow control is shared between nodes and how soon limit changes apply.
    pub flow: FlowOptions,
}

impl Config {
    /// Everything embedded in `data_dir`: the SQLite file, `server.key`, the built-in
    /// holidays, default limits counted in memory.
    pub fn in_dir(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            database_url: None,
            server_key: None,
            holidays: None,
            flow_limits: einv_core::flow::FlowLimits::default(),
            redis_url: None,
            flow: FlowOptions::default(),
        }
    }
}

/// How flow control (R4.6) is shared between nodes.
#[derive(Debug, Clone, Default)]
pub struct FlowOptions {
    /// Redis namespace, connect timeout, expected nodes (the share each counts alone).
    pub redis: crate::services::flow::RedisOptions,
    /// How often a node looks for limit changes made on any node (none: every second).
    pub check_interval: Option<chrono::Duration>,
    /// No flow control at all: only to measure what it costs (`bench/flow.sh`).
    pub off: bool,
    /// Default limits per AppID per service (R4.6); none unless configured.
    pub per_service: einv_core::flow::ServiceLimits,
}

/// Why the Platform could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The configuration is wrong.
    #[error("{0}")]
    Config(String),
    /// The store failed to open or migrate.
    #[error(transparent)]
    Store(#[from] einv_store::StoreError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StartupError + '_ {
    move |source| StartupError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Opens the store. The embedded default migrates itself; PostgreSQL is migrated by
/// `einv migrate`, so a production schema changes only when the operator says so, unless `migrate` is set.
pub async fn open_store(config: &Config, migrate: bool) -> Result<Store, StartupError> {
    std::fs::create_dir_all(&config.data_dir).map_err(io(&config.data_dir))?;
    let store = match &config.database_url {
        Some(url) => Store::connect(url).await?,
        None => Store::open_sqlite(&config.data_dir.join("einv.db")).await?,
    };
    if migrate || config.database_url.is_none() {
        store.migrate().await?;
    }
    Ok(store)
}

/// The server key: from the configuration, or `server.key` (created with 0600 permissions).
pub fn server_key(config: &Config) -> Result<KeySealer, StartupError> {
    if let Some(hex) = &config.server_key {
        return KeySealer::from_hex(hex.expose_secret()).map_err(StartupError::Config);
    }
    let path = config.data_dir.join("server.key");
    if !path.exists() {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        write_private(&path, &hex::encode(key))?;
    }
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    KeySealer::from_hex(&text).map_err(|e| StartupError::Config(format!("{}: {e}", path.display())))
}

/// Writes a new file readable by its owner only, created with that mode (never briefly
/// world-readable, issue #9); refuses to overwrite an existing one.
fn write_private(path: &Path, text: &str) -> Result<(), StartupError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io(path))?;
    file.write_all(text.as_bytes()).map_err(io(path))
}

/// The holiday calendar.
pub fn calendar(config: &Config) -> Result<HolidayCalendar, StartupError> {
    match &config.holidays {
        None => Ok(HolidayCalendar::builtin()),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(io(path))?;
            HolidayCalendar::parse(&text)
                .map_err(|e| StartupError::Config(format!("{}: {e}", path.display())))
        }
    }
}

/// A platform from the configuration.
pub async fn platform(config: &Config, clock: Arc<dyn Clock>) -> Result<Platform, StartupError> {
    let store = open_store(config, false).await?;
    let flow = flow_control(config).await?;
    let platform =
        Platform::new(store, clock, server_key(config)?, calendar(config)?).with_flow_control(flow);
    // Keys sealed before they were bound to their rows are bound now (issue #9).
    platform
        .reseal_keys()
        .await
        .map_err(|e| StartupError::Config(format!("re-sealing APIKeys: {e}")))?;
    Ok(platform)
}

/// Flow control from the configuration: in memory, or shared through Redis. An unreachable
/// Redis delays the start by at most the connect timeout, then the node serves counting alone
/// (`services/flow/redis.rs`); only a malformed URL stops it.
pub async fn flow_control(config: &Config) -> Result<FlowControl, StartupError> {
    let flow = match &config.redis_url {
        None if config.flow.off => {
            tracing::warn!("flow control is OFF (R4.6 not enforced): for measurements only");
            FlowControl::off(config.flow_limits)
        }
        None => FlowControl::in_memory(config.flow_limits),
        Some(url) => FlowControl::redis_with(config.flow_limits, url, config.flow.redis.clone())
            .await
            .map_err(|e| StartupError::Config(format!("--redis-url: {e}")))?,
    };
    let flow = flow.with_service_limits(config.flow.per_service.clone());
    Ok(match config.flow.check_interval {
        Some(interval) => flow.with_check_interval(interval),
        None => flow,
    })
}

/// How the Platform is reached over HTTP.
#[derive(Debug, Clone, Default)]
pub struct HttpOptions {
    /// The URL people reach the Platform at (`--public-url`). Session cookies are `Secure`
    /// when it is `https://`: behind a TLS-terminating proxy the listen address says nothing.
    pub public_url: Option<String>,
    /// The proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: TrustedProxies,
    /// A token that lets `/metrics` be read from anywhere (`--metrics-token`); without one,
    /// loopback callers only.
    pub metrics_token: Option<String>,
}

impl HttpOptions {
    /// Whether cookies carry `Secure`: from the public URL; without one, unless the Platform
    /// listens on loopback only (a laptop sandbox over plain HTTP).
    pub fn secure_cookies(&self, listen: std::net::SocketAddr) -> bool {
        match &self.public_url {
            Some(url) => url.trim().to_ascii_lowercase().starts_with("https://"),
            None => !listen.ip().is_loopback(),
        }
    }
}

/// Serves the Platform on `listener` until the process is stopped, with default options.
pub async fn serve(listener: TcpListener, platform: Arc<Platform>) -> std::io::Result<()> {
    serve_with(listener, platform, HttpOptions::default()).await
}

/// Serves the Platform on `listener` with `options` until the process is stopped.
pub async fn serve_with(
    listener: TcpListener,
    platform: Arc<Platform>,
    options: HttpOptions,
) -> std::io::Result<()> {
    serve_with_until(
        listener,
        platform,
        options,
        crate::http::ops::shutdown_signal(),
    )
    .await
}

/// Like [`serve`], stopping when `shutdown` resolves: no new connections, the requests in
/// flight finish, then the audit queue is flushed.
pub async fn serve_until(
    listener: TcpListener,
    platform: Arc<Platform>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_until(listener, platform, HttpOptions::default(), shutdown).await
}

/// [`serve_with`], stopping when `shutdown` resolves.
pub async fn serve_with_until(
    listener: TcpListener,
    platform: Arc<Platform>,
    options: HttpOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let secure = options.secure_cookies(listener.local_addr()?);
    let app = router(
        AppState::new(platform.clone(), secure)
            .with_trusted_proxies(options.trusted_proxies)
            .with_public_url(options.public_url.as_deref())
            .with_metrics_token(options.metrics_token.as_deref()),
    );
    // TCP_NODELAY: an answer's last segment goes out at once rather than being held back by
    // Nagle's algorithm until the client's delayed ACK of the one before (the classic stall
    // of request-response protocols, up to 40 ms, on answers of several segments such as a
    // 41 KB carrier list); hyper leaves the option to the listener.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            // Per connection, and a client resetting at once causes it: not worth a warning.
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    // R6.4: nothing recorded may be lost on a clean stop: store the queue, sign the head.
    if let Err(e) = platform.audit_checkpoint().await {
        tracing::error!(error = %e, "audit trail: final flush failed");
    }
    Ok(())
}

//! Checking the settings as a whole and turning them into what the server takes. Every
//! problem names its field as written in the file, so `einv config check` points at the line.

use einv_core::audit::Retention;
use einv_core::flow::{FlowLimits, RateLimit, ServiceLimits};
use einv_core::{InvalidValue, Service};
use einv_server::http::client_ip::TrustedProxies;
use einv_server::services::flow::RedisOptions;
use einv_server::services::jobs::BackgroundConfig;
use einv_server::services::KeySealer;
use einv_server::startup::{self, HttpOptions};
use secrecy::ExposeSecret;
use std::time::Duration;

use super::{LoggingSettings, Settings, SettingsError};

/// Checked settings, in the server's types.
#[derive(Debug)]
pub struct Resolved {
    /// The Platform's data, database, keys and limits.
    pub platform: startup::Config,
    /// How the Platform is reached.
    pub http: HttpOptions,
    /// Where `einv serve` listens.
    pub listen: std::net::SocketAddr,
    /// The audit trail's retention (R5.3).
    pub retention: Retention,
    /// Background jobs.
    pub background: BackgroundConfig,
    /// Log lines.
    pub logging: LoggingSettings,
    /// The hot path's caches.
    pub cache: einv_server::services::CacheConfig,
}

fn invalid(field: &'static str, problem: impl Into<String>) -> SettingsError {
    SettingsError::Invalid {
        field,
        problem: problem.into(),
    }
}

impl Settings {
    /// Checks every field and builds the server's configuration.
    pub fn resolve(self) -> Result<Resolved, SettingsError> {
        self.check_urls()?;
        if let Some(key) = &self.database.server_key {
            KeySealer::from_hex(key.expose_secret())
                .map_err(|e| invalid("database.server_key", e))?;
        }
        let trusted_proxies = TrustedProxies::parse(&self.listen.trusted_proxies)
            .map_err(|e| invalid("listen.trusted_proxies", e))?;
        let retention = Retention::months(self.audit.retention_months)
            .map_err(|e| invalid("audit.retention_months", e.to_string()))?;
        self.check_flow()?;
        let per_service = self.service_limits()?;
        if self.background.poll_seconds == 0 {
            return Err(invalid("background.poll_seconds", "must be at least 1"));
        }
        tracing_subscriber::EnvFilter::try_new(&self.logging.filter)
            .map_err(|e| invalid("logging.filter", e.to_string()))?;
        let platform = startup::Config {
            data_dir: self.database.data_dir,
            database_url: self.database.url.map(|u| u.expose_secret().to_owned()),
            server_key: self.database.server_key,
            holidays: self.database.holidays,
            flow_limits: FlowLimits {
                per_ip: self.limits.per_ip,
                per_app: self.limits.per_app,
            },
            redis_url: self.redis.url.map(|u| u.expose_secret().to_owned()),
            flow: startup::FlowOptions {
                redis: RedisOptions {
                    namespace: self.redis.namespace,
                    expected_nodes: self.redis.expected_nodes,
                    connect_timeout: Duration::from_millis(self.redis.connect_timeout_ms),
                    ..RedisOptions::default()
                },
                check_interval: Some(chrono::Duration::milliseconds(
                    i64::try_from(self.limits.check_ms).unwrap_or(i64::MAX),
                )),
                off: false,
                per_service,
            },
        };
        startup::calendar(&platform).map_err(|e| invalid("database.holidays", e.to_string()))?;
        Ok(Resolved {
            platform,
            http: HttpOptions {
                public_url: self.public.url,
                trusted_proxies,
                metrics_token: self.listen.metrics_token,
            },
            listen: self.listen.address,
            retention,
            background: self.background,
            logging: self.logging,
            cache: einv_server::services::CacheConfig {
                enabled: true,
                check_interval: chrono::Duration::milliseconds(
                    i64::try_from(self.cache.check_ms).unwrap_or(i64::MAX),
                ),
            },
        })
    }

    /// The ranges the flags enforce, for values from the file.
    fn check_flow(&self) -> Result<(), SettingsError> {
        if !(1..=1000).contains(&self.redis.expected_nodes) {
            return Err(invalid("redis.expected_nodes", "must be 1 to 1000"));
        }
        if !(1..=60_000).contains(&self.redis.connect_timeout_ms) {
            return Err(invalid("redis.connect_timeout_ms", "must be 1 to 60000"));
        }
        if self.cache.check_ms > 60_000 {
            return Err(invalid("cache.check_ms", "must be at most 60000"));
        }
        if self.limits.check_ms > 3_600_000 {
            return Err(invalid(
                "limits.check_ms",
                "must be at most 3600000 (an hour)",
            ));
        }
        if self.redis.namespace.is_empty() {
            return Err(invalid("redis.namespace", "must not be empty"));
        }
        Ok(())
    }

    /// `[limits.per_service]`: each key a service (R3.6), each value a limit.
    fn service_limits(&self) -> Result<ServiceLimits, SettingsError> {
        let field = "limits.per_service";
        let mut limits = ServiceLimits::new();
        for (name, text) in &self.limits.per_service {
            let service: Service = name
                .parse()
                .map_err(|e: InvalidValue| invalid(field, e.problem))?;
            let limit = RateLimit::parse(text)
                .map_err(|e| invalid(field, format!("{name}: {}", e.problem)))?;
            limits.insert(service, limit);
        }
        Ok(limits)
    }

    fn check_urls(&self) -> Result<(), SettingsError> {
        let schemes: [(&'static str, Option<&str>, &[&str]); 3] = [
            (
                "database.url",
                self.database.url.as_ref().map(|u| u.expose_secret()),
                &["sqlite:", "postgres://", "postgresql://"],
            ),
            (
                "redis.url",
                self.redis.url.as_ref().map(|u| u.expose_secret()),
                &["redis://", "rediss://"],
            ),
            (
                "public.url",
                self.public.url.as_deref(),
                &["http://", "https://"],
            ),
        ];
        for (field, value, allowed) in schemes {
            let Some(value) = value else { continue };
            if !allowed.iter().any(|p| value.starts_with(p)) {
                // The value itself may hold a password: name the scheme expected, not the URL.
                return Err(invalid(
                    field,
                    format!("must start with {}", allowed.join(" or ")),
                ));
            }
        }
        Ok(())
    }
}

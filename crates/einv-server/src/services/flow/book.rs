//! The limits in force, as data (R4.6): the defaults from the configuration and each AppID's
//! own limits — over all its calls, or over one service's (migration 0122) — as reviewers
//! announced them (store, migration 0080).
//!
//! Several nodes learn of a change through the `flow` row of `cache_versions`, bumped by a
//! trigger on every insert: each node compares that version with the one it loaded at most
//! once per check interval (by the Platform's clock) and reloads the (small) list of changes
//! when it moved. So a change made through any node is in force on every node at most one
//! check interval after it is made (or after its effective time, if later). Redis pub/sub was
//! the alternative; the database is the system of record and is reachable whenever a change
//! can be made at all, while a message sent during a Redis outage would be lost.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, Utc};
use einv_core::flow::{limit_in_force, LimitChange, RateLimit};
use einv_core::Service;
use einv_store::{FlowLimitChangeRecord, Store};

use crate::error::ServiceResult;

/// The per-AppID changes one node holds, and when it last looked.
#[derive(Debug)]
pub struct LimitBook {
    held: RwLock<Held>,
    refreshing: tokio::sync::Mutex<()>,
    interval: Duration,
}

#[derive(Debug, Default)]
struct Held {
    version: Option<i64>,
    checked_at: Option<DateTime<Utc>>,
    by_app: Arc<HashMap<String, Vec<LimitChange>>>,
}

impl LimitBook {
    /// An empty book that checks the stored version at most once per `interval`.
    pub fn new(interval: Duration) -> Self {
        Self {
            held: RwLock::new(Held::default()),
            refreshing: tokio::sync::Mutex::new(()),
            interval,
        }
    }

    /// The stated bound: how long a change made on another node may take to apply here.
    pub fn check_interval(&self) -> Duration {
        self.interval
    }

    /// `app_id`'s own limit in force at `now` over all its calls (`service` `None`) or over
    /// its calls of one service, if any (else the default applies).
    pub fn own_limit(&self, app_id: &str, service: Option<Service>, now: i64) -> Option<RateLimit> {
        let by_app = self.held.read().ok()?.by_app.clone();
        let changes: Vec<LimitChange> = by_app
            .get(app_id)?
            .iter()
            .filter(|c| c.service == service)
            .cloned()
            .collect();
        limit_in_force(&changes, now)
    }

    /// Every AppID's changes as held now.
    pub fn all(&self) -> Arc<HashMap<String, Vec<LimitChange>>> {
        self.held
            .read()
            .map(|h| h.by_app.clone())
            .unwrap_or_default()
    }

    /// Reloads the changes when the stored version moved, at most once per interval (always
    /// when `force`). One caller reloads; the others go on with what is held.
    pub async fn refresh(
        &self,
        store: &Store,
        now: DateTime<Utc>,
        force: bool,
    ) -> ServiceResult<()> {
        let due = self.held.read().map_or(true, |h| match h.checked_at {
            Some(at) => force || now < at || now - at >= self.interval,
            None => true,
        });
        if !due {
            return Ok(());
        }
        let _guard = match self.refreshing.try_lock() {
            Ok(guard) => guard,
            Err(_) if !force => return Ok(()),
            Err(_) => self.refreshing.lock().await,
        };
        let version = store.flow_limits_version().await?;
        let held_version = self.held.read().ok().and_then(|h| h.version);
        if held_version == Some(version) {
            if let Ok(mut held) = self.held.write() {
                held.checked_at = Some(now);
            }
            return Ok(());
        }
        let changes = store.flow_limit_changes().await?;
        let mut by_app: HashMap<String, Vec<LimitChange>> = HashMap::new();
        for change in changes.iter().filter_map(to_change) {
            by_app
                .entry(change.app_id.clone())
                .or_default()
                .push(change);
        }
        if let Ok(mut held) = self.held.write() {
            *held = Held {
                version: Some(version),
                checked_at: Some(now),
                by_app: Arc::new(by_app),
            };
        }
        Ok(())
    }
}

/// A stored change in the domain's terms; a stored limit out of range (written by hand) is
/// read as no limit of its own, and logged; a change naming no known service is skipped
/// (logged), rather than taken for a change of the AppID's limit over all its calls.
pub fn to_change(record: &FlowLimitChangeRecord) -> Option<LimitChange> {
    let service = match record.service.as_deref().map(str::parse::<Service>) {
        None => None,
        Some(Ok(service)) => Some(service),
        Some(Err(e)) => {
            tracing::error!(change.id = record.id, error = %e, "stored flow limit names no known service; ignored");
            return None;
        }
    };
    let limit = record.limit.and_then(|(calls, window, burst)| {
        let parts = (
            u32::try_from(calls),
            u64::try_from(window),
            u32::try_from(burst),
        );
        let (Ok(calls), Ok(window), Ok(burst)) = parts else {
            return None;
        };
        RateLimit::checked(calls, window, burst)
            .map_err(|e| tracing::error!(change.id = record.id, error = %e, "stored flow limit out of range; ignored"))
            .ok()
    });
    Some(LimitChange {
        app_id: record.app_id.to_string(),
        service,
        limit,
        effective_at: record.effective_at.timestamp(),
    })
}

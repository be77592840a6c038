//! The hot path's memory: what a carrier query reads that rarely changes — an AppID's
//! admission snapshot (app, keys, licence facts) and the device blocklist, a User with the
//! carriers aggregated under its barcode, its consent grants to an app, a period's published
//! draw and winner marks — kept in memory and trusted only at the version the database holds
//! (docs/hot-path.md).
//!
//! Every change to the tables a cache is built from bumps a version in the database by trigger
//! (migration 0071), on whichever node it happens. Before a call uses a cache it compares the
//! cache's version with the stored one: by default on every call (one small read, so a revoked
//! consent is refused by the very next call on every node); with a check interval set, at most
//! that interval after the change (the stated bound on staleness).

use einv_core::{AppId, UserId};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Duration, Utc};
use einv_core::prize::WinningNumbers;
use einv_core::{MobileBarcode, Period};
use einv_store::{CacheVersions, CarrierLink, ConsentGrantRecord, Store, UserRecord};

use super::authority::Admission;
use super::carrier_months::{CarrierMonths, KeptMonth, MonthKey, MonthRows, MAX_ROWS};
use super::kept_invoices::KeptInvoices;
use super::list_replies::ListReplies;
use crate::error::ServiceResult;

/// Entries one cache holds before it starts afresh (bounds the server's memory).
const MAX_ENTRIES: usize = 100_000;

/// A User found by its mobile barcode, with the carriers aggregated under it (歸戶).
#[derive(Debug)]
pub struct UserSnapshot {
    /// The User.
    pub user: UserRecord,
    /// Its aggregated carriers.
    pub carriers: Vec<CarrierLink>,
}

/// A period's published draw (if any) and how far its winners are marked.
#[derive(Debug)]
pub struct DrawSnapshot {
    /// The draw, when published.
    pub draw: Option<WinningNumbers>,
    /// The highest invoice id the winner marking saw; 0 when never marked.
    pub marked_through: i64,
}

/// How often the cached versions are compared with the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheConfig {
    /// Whether the caches are used at all (off: every call reads the database).
    pub enabled: bool,
    /// How long a version check is trusted: zero checks on every call; otherwise a change made
    /// on any node reaches this node's caches at most this long after it.
    pub check_interval: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            check_interval: Duration::zero(),
        }
    }
}

/// A map valid at one version of its scope.
#[derive(Debug)]
struct Versioned<K, V> {
    version: i64,
    map: HashMap<K, Arc<V>>,
}

impl<K: Eq + Hash, V> Versioned<K, V> {
    fn new() -> Self {
        Self {
            version: i64::MIN,
            map: HashMap::new(),
        }
    }
}

/// Counted per cache and outcome in `/metrics` (docs/operations.md).
const LOOKUPS: &str = "einv_cache_lookups_total";

fn get<K: Eq + Hash, V>(
    name: &'static str,
    cache: &RwLock<Versioned<K, V>>,
    version: i64,
    key: &K,
) -> Option<Arc<V>> {
    let found = cache
        .read()
        .ok()
        .filter(|c| c.version == version)
        .and_then(|c| c.map.get(key).cloned());
    let outcome = if found.is_some() { "hit" } else { "miss" };
    metrics::counter!(LOOKUPS, "cache" => name, "outcome" => outcome).increment(1);
    found
}

/// Keeps `value`, read after `version` was, unless the cache has moved on to a later version
/// meanwhile (then `value` may predate that change and is dropped).
fn put<K: Eq + Hash, V>(cache: &RwLock<Versioned<K, V>>, version: i64, key: K, value: Arc<V>) {
    let Ok(mut cache) = cache.write() else {
        return;
    };
    if version > cache.version {
        cache.map.clear();
        cache.version = version;
    }
    if version == cache.version {
        if cache.map.len() >= MAX_ENTRIES {
            cache.map.clear();
        }
        cache.map.insert(key, value);
    }
}

/// The caches of the hot path.
#[derive(Debug)]
pub struct HotCaches {
    config: CacheConfig,
    /// When the versions were read, what they were, and this process's invoice writes then.
    checked: Mutex<Option<(DateTime<Utc>, CacheVersions, u64)>>,
    users: RwLock<Versioned<String, UserSnapshot>>,
    grants: RwLock<Versioned<(i64, String), Vec<ConsentGrantRecord>>>,
    draws: RwLock<Versioned<Period, DrawSnapshot>>,
    admission: RwLock<Versioned<String, Option<super::authority::AdmissionSnapshot>>>,
    devices: RwLock<Versioned<String, bool>>,
    /// Carrier months, evicted by the invoice feed (services/carrier_months.rs).
    pub(crate) months: CarrierMonths,
    /// Carrier-list pages written from those months (services/list_replies.rs).
    pub(crate) pages: ListReplies,
    /// Invoices kept by number, evicted by the same feed (services/kept_invoices.rs).
    pub(crate) invoices: KeptInvoices,
}

impl Default for HotCaches {
    fn default() -> Self {
        Self::new(CacheConfig::default())
    }
}

impl HotCaches {
    /// Empty caches.
    pub fn new(config: CacheConfig) -> Self {
        Self {
            config,
            checked: Mutex::new(None),
            users: RwLock::new(Versioned::new()),
            grants: RwLock::new(Versioned::new()),
            draws: RwLock::new(Versioned::new()),
            admission: RwLock::new(Versioned::new()),
            devices: RwLock::new(Versioned::new()),
            months: CarrierMonths::default(),
            pages: ListReplies::default(),
            invoices: KeptInvoices::default(),
        }
    }

    /// The versions to trust now: the stored ones, read again when the last check is older
    /// than the interval. `None` when caching is off.
    async fn versions(
        &self,
        store: &Store,
        now: DateTime<Utc>,
    ) -> ServiceResult<Option<CacheVersions>> {
        if !self.config.enabled {
            return Ok(None);
        }
        // A write to invoices on this node is read from the feed by the next call at once
        // (R5.7: a donation is masked on the very next call on the node that took it).
        let writes = store.local_invoice_writes();
        if !self.config.check_interval.is_zero() {
            let last = self.checked.lock().ok().and_then(|c| *c);
            if let Some((at, versions, seen_writes)) = last {
                let fresh = now >= at && now - at < self.config.check_interval;
                if fresh && seen_writes == writes {
                    return Ok(Some(versions));
                }
            }
        }
        // The versions and the invoice feed after the last change applied, in one read.
        let after = self.months.seen();
        let state = store.cache_state(after).await?;
        let forgot_all = self.months.apply(after, &state.feed);
        self.invoices.apply(forgot_all, &state.feed.changes);
        if let Ok(mut checked) = self.checked.lock() {
            *checked = Some((now, state.versions, writes));
        }
        Ok(Some(state.versions))
    }

    /// How many written carrier-list pages are kept (for tests and metrics).
    pub fn written_pages(&self) -> usize {
        self.pages.len()
    }

    /// The caches as of now: compares versions with the database first (see the module).
    pub async fn at<'a>(
        &'a self,
        store: &'a Store,
        now: DateTime<Utc>,
    ) -> ServiceResult<HotView<'a>> {
        Ok(HotView {
            caches: self,
            store,
            versions: self.versions(store, now).await?,
        })
    }

    /// The caches at versions this call checked already.
    pub fn checked_at<'a>(&'a self, store: &'a Store, checked: Checked) -> HotView<'a> {
        HotView {
            caches: self,
            store,
            versions: checked.0,
        }
    }
}

/// The versions one call checked (`None`: caching is off), to read through the same caches
/// later in the call without another check.
#[derive(Debug, Clone, Copy, Default)]
pub struct Checked(Option<CacheVersions>);

impl Checked {
    /// The `draws` version checked (`None`: caching is off).
    pub fn draws(&self) -> Option<i64> {
        self.0.map(|v| v.draws)
    }
}

/// The caches at the versions one call checked: reads through them, falling back to the store.
#[derive(Debug)]
pub struct HotView<'a> {
    pub(super) caches: &'a HotCaches,
    pub(super) store: &'a Store,
    pub(super) versions: Option<CacheVersions>,
}

impl HotView<'_> {
    /// The versions this view trusts, to carry through the rest of the call.
    pub fn checked(&self) -> Checked {
        Checked(self.versions)
    }

    /// The User holding mobile barcode `barcode` with its aggregated carriers.
    pub async fn user_by_barcode(
        &self,
        barcode: &MobileBarcode,
    ) -> ServiceResult<Option<Arc<UserSnapshot>>> {
        let (versions, store) = (self.versions, self.store);
        let key = barcode.as_str().to_owned();
        if let Some(v) = versions {
            if let Some(hit) = get("users", &self.caches.users, v.users, &key) {
                return Ok(Some(hit));
            }
        }
        let Some(user) = store.find_user_by_barcode(barcode).await? else {
            return Ok(None);
        };
        let carriers = store.user_carriers(user.id).await?;
        let snapshot = Arc::new(UserSnapshot { user, carriers });
        if let Some(v) = versions {
            put(&self.caches.users, v.users, key, snapshot.clone());
        }
        Ok(Some(snapshot))
    }

    /// The consent grants User `user_id` gave AppID `app_id`.
    pub async fn grants(
        &self,
        user_id: UserId,
        app_id: &AppId,
    ) -> ServiceResult<Arc<Vec<ConsentGrantRecord>>> {
        let (versions, store) = (self.versions, self.store);
        let key = (user_id.get(), app_id.as_str().to_owned());
        if let Some(v) = versions {
            if let Some(hit) = get("grants", &self.caches.grants, v.users, &key) {
                return Ok(hit);
            }
        }
        let grants = Arc::new(store.consent_grants_to_app(user_id, app_id).await?);
        if let Some(v) = versions {
            put(&self.caches.grants, v.users, key, grants.clone());
        }
        Ok(grants)
    }

    /// The draw of `period` and its winner marking, as stored.
    pub async fn draw(&self, period: Period) -> ServiceResult<Arc<DrawSnapshot>> {
        let (versions, store) = (self.versions, self.store);
        if let Some(v) = versions {
            if let Some(hit) = get("draws", &self.caches.draws, v.draws, &period) {
                return Ok(hit);
            }
        }
        let draw = match store.winning_numbers(period).await? {
            Some(json) => Some(
                WinningNumbers::from_qry_winning_list_json(&json).map_err(|e| {
                    crate::error::ServiceError::Internal(crate::error::InternalError::caused_by(
                        format!("stored draw of {period}"),
                        e,
                    ))
                })?,
            ),
            None => None,
        };
        let marked_through = match draw {
            Some(_) => store.marked_through(period).await?.unwrap_or(0),
            None => 0,
        };
        let snapshot = Arc::new(DrawSnapshot {
            draw,
            marked_through,
        });
        if let Some(v) = versions {
            put(&self.caches.draws, v.draws, period, snapshot.clone());
        }
        Ok(snapshot)
    }

    /// The admission snapshot of `app_id` kept at the checked version, if any.
    pub(crate) fn cached_admission(&self, app_id: &str) -> Option<Admission> {
        let v = self.versions?;
        get(
            "admission",
            &self.caches.admission,
            v.admission,
            &app_id.to_owned(),
        )
    }

    /// Keeps the admission snapshot of `app_id`, read after the versions were checked.
    pub(crate) fn keep_admission(&self, app_id: &str, admission: Admission) {
        if let Some(v) = self.versions {
            put(
                &self.caches.admission,
                v.admission,
                app_id.to_owned(),
                admission,
            );
        }
    }

    /// `key`'s month of invoices, kept or read and kept; `None` when caching is off or the
    /// month is too large to keep (then the caller reads its page from the store).
    pub async fn carrier_month(&self, key: &MonthKey) -> ServiceResult<Option<KeptMonth>> {
        if self.versions.is_none() {
            return Ok(None);
        }
        let months = &self.caches.months;
        let (hit, epoch) = months.get(key);
        if hit.is_some() {
            return Ok(hit);
        }
        let Some(first) = chrono::NaiveDate::from_ymd_opt(key.year, key.month, 1) else {
            return Ok(None);
        };
        let last = first
            .checked_add_months(chrono::Months::new(1))
            .and_then(|next| next.pred_opt())
            .unwrap_or(first);
        let limit = i64::try_from(MAX_ROWS + 1).unwrap_or(i64::MAX);
        let carrier = std::slice::from_ref(&key.carrier);
        let rows = self
            .store
            .carrier_invoices(carrier, first, last, limit, 0)
            .await?;
        if rows.len() > MAX_ROWS {
            return Ok(None);
        }
        let rows: MonthRows = rows.into_iter().map(Arc::new).collect();
        let generation = months.keep(key.clone(), Arc::clone(&rows), epoch);
        Ok(Some(KeptMonth { rows, generation }))
    }

    /// Whether device `uuid` is on the blocklist (R4.1: a barred device is refused).
    pub async fn device_blocked(&self, uuid: &str) -> ServiceResult<bool> {
        let key = uuid.to_owned();
        if let Some(v) = self.versions {
            if let Some(hit) = get("devices", &self.caches.devices, v.admission, &key) {
                return Ok(*hit);
            }
        }
        let blocked = self.store.is_device_blocked(uuid).await?;
        if let Some(v) = self.versions {
            put(&self.caches.devices, v.admission, key, Arc::new(blocked));
        }
        Ok(blocked)
    }
}

//! The use cases. Handlers parse, call one of these, and render; v1 and v2 share them.

use einv_core::AppId;
use std::sync::Arc;

use einv_core::claim::HolidayCalendar;
use einv_core::Clock;
use einv_store::Store;

mod app_self;
mod apps;
pub mod audit;
pub mod authority;
mod blank;
mod carrier_list;
pub mod carrier_months;
mod carriers;
mod charities;
pub mod consent;
pub mod demo;
mod destruction;
mod donation;
pub mod flow;
pub mod guessing;
pub mod health;
pub mod hot;
pub mod jobs;
pub mod kept_invoices;
pub mod licensing;
mod list_replies;
mod lookup;
pub mod oauth;
pub mod replay;
mod requests;
pub mod seal;
pub(crate) mod sessions;
mod signing;
mod users;
pub mod verification;
mod view;
mod winning;

pub use app_self::AUDIT_PAGE;
pub use apps::IssuedCredentials;
pub use audit::{AuditConfig, AuditEntry, AuditTrail, PurgeOutcome};
pub use authority::AuthorisedApp;
pub use carriers::{CarrierHolder, InvoiceListPage, InvoiceListQuery, PAGE_SIZE};
pub use consent::{consent_url, standard_consent};
pub use destruction::EndedApp;
pub use donation::DonationReceipt;
pub use flow::{FlowControl, FlowStatus};
pub use hot::{CacheConfig, HotCaches};
pub use list_replies::{ListAnswer, ListReplies, PageSlot, WrittenPage};
pub use lookup::{InvoiceLookup, LookupBy};
pub use oauth::{AuthorizeParams, AuthorizeRequest, TokenSet};
pub use requests::AppDeletionRequest;
pub use seal::{KeySealer, KeySlot};
pub use sessions::{Session, SessionKind, StartedSession};
pub use signing::VerifyingKeys;
pub use users::REQUEST_DAYS;
pub use verification::VerificationCodes;
pub use view::{InvoiceView, PeriodClock};

/// Who is calling: the AppID the call was admitted for, and where it came from.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The AppID.
    pub app_id: AppId,
    /// The caller's IP address, when known.
    pub ip: Option<std::net::IpAddr>,
    /// The device ID (`UUID`/`uuid`) the call named.
    pub device: Option<String>,
}

/// Everything the use cases need: the store, the clock, the secrets, the calendar.
#[derive(Debug)]
pub struct Platform {
    /// The system of record: private, so only the use cases (this module's children) reach it.
    store: Store,
    /// Where "now" comes from (injected so tests move time).
    pub clock: Arc<dyn Clock>,
    /// Seals APIKeys at rest.
    pub sealer: KeySealer,
    /// Verification-code hashing and its cache.
    pub codes: VerificationCodes,
    /// Holidays, for claim deadlines (R6.2).
    pub calendar: HolidayCalendar,
    /// Flow control (R4.6).
    pub flow: FlowControl,
    /// The audit trail's writer (R6.4).
    pub trail: AuditTrail,
    /// Failed sign-ins and code checks, per account and source network, per account, per IP
    /// (guessing costs).
    pub guesses: guessing::GuessThrottle,
    /// What the hot path keeps in memory (Users, consent grants, draws), checked against the
    /// versions in the database.
    pub hot: HotCaches,
    /// The signed v1 calls this node claimed or answered (services/replay/).
    replays: replay::Replays,
}

impl Platform {
    /// A platform over `store`.
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        sealer: KeySealer,
        calendar: HolidayCalendar,
    ) -> Self {
        let trail = audit_trail(&store, &clock, &sealer, AuditConfig::default());
        let flow = FlowControl::in_memory(einv_core::flow::FlowLimits::default());
        flow.use_clock(clock.clone());
        Self {
            store,
            clock,
            sealer,
            codes: VerificationCodes::default(),
            calendar,
            flow,
            trail,
            guesses: guessing::GuessThrottle::default(),
            hot: HotCaches::default(),
            replays: replay::Replays::default(),
        }
    }

    /// The same platform with another cache configuration (call before the first request).
    #[must_use]
    pub fn with_cache_config(mut self, config: CacheConfig) -> Self {
        self.hot = HotCaches::new(config);
        self
    }

    /// The same platform with other flow control (limits, or Redis shared by several nodes).
    #[must_use]
    pub fn with_flow_control(mut self, flow: FlowControl) -> Self {
        flow.use_clock(self.clock.clone());
        self.flow = flow;
        self
    }

    /// The same platform with another audit configuration (call before the first request).
    #[must_use]
    pub fn with_audit_config(mut self, config: AuditConfig) -> Self {
        self.trail = audit_trail(&self.store, &self.clock, &self.sealer, config);
        self
    }

    /// Closes the store's connections (at shutdown, or before a test removes the database).
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// The current Taipei calendar date.
    pub fn today(&self) -> chrono::NaiveDate {
        einv_core::clock::taipei_date(self.clock.now())
    }
}

/// The trail signs checkpoints with its own sub-key of the server key.
fn audit_trail(
    store: &Store,
    clock: &Arc<dyn Clock>,
    sealer: &KeySealer,
    config: AuditConfig,
) -> AuditTrail {
    let key = einv_core::audit::CheckpointKey::new(sealer.derive_key("audit-checkpoint"));
    AuditTrail::new(store.clone(), clock.clone(), key, config)
}

//! The compliance kit: the duties the usage specification puts on an app, kept by construction.
//!
//! - a **consent ledger** (R5.2, R5.6): which User gave which consent, for what, until when; no
//!   fetch of a User's data without a live one, and notice of when each needs renewal;
//! - an **invoice cache** that drops each invoice after its period's prize-claim deadline (R6.2)
//!   and refuses out-of-scope storage without the matching consent (R6.3);
//! - **masked display** of donated invoices (R5.7), through [`crate::ShownNumber`];
//! - a **usage trail** kept at least six months (R5.3, R6.4);
//! - [`ComplianceKit::purge`] for the end of a licence (R11), returning a [`DestructionReport`].

use std::sync::Arc;

use chrono::{DateTime, Duration, Months, Utc};
use einv_core::claim::{claim_deadline, HolidayCalendar};
use einv_core::clock::{add_calendar_months, taipei_date};
use einv_core::consent::{PurposeCategory, LAPSE_MONTHS};
use einv_core::{Clock, Service};

use crate::v1::CarrierInvoice;
use crate::{Error, Result};

mod fetch;
mod records;
mod report;
mod requests;
mod seal;
mod sqlite;
mod store;
#[cfg(test)]
mod tests;

pub use records::{
    CachedInvoice, ConsentRecord, ConsentScope, OutOfScopeDatum, PurgeCounts, Purpose,
    StoredCarrier, UsageEvent,
};
pub use report::DestructionReport;
pub use requests::HandledRequest;
pub use seal::SealingKey;
pub use sqlite::SqliteKitStore;
pub use store::KitStore;

/// The shortest usage-trail retention the kit accepts (R5.3: at least six months).
pub const MIN_TRAIL_MONTHS: u32 = 6;

/// A consent that needs renewal, and when (R5.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalNotice {
    /// The app's id for the User.
    pub user: String,
    /// What the consent covers.
    pub scope: ConsentScope,
    /// When it lapses (or lapsed).
    pub lapses_at: DateTime<Utc>,
    /// Whether it has lapsed already: the User must consent again before any fetch.
    pub lapsed: bool,
}

/// Proof that a User's consent covered a service at the moment it was checked.
#[derive(Debug, Clone)]
pub struct LiveConsent {
    record: ConsentRecord,
}

impl LiveConsent {
    /// The consent.
    pub fn record(&self) -> &ConsentRecord {
        &self.record
    }
}

/// The compliance kit over a store.
#[derive(Debug)]
pub struct ComplianceKit<S: KitStore = SqliteKitStore> {
    store: S,
    clock: Arc<dyn Clock>,
    calendar: HolidayCalendar,
    app_id: String,
    trail_months: u32,
}

impl<S: KitStore> ComplianceKit<S> {
    /// A kit for `app_id` over `store`, reading time from `clock`, with claim deadlines from the
    /// built-in holiday calendar and a six-month usage trail.
    pub fn new(app_id: impl Into<String>, store: S, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            calendar: HolidayCalendar::builtin(),
            app_id: app_id.into(),
            trail_months: MIN_TRAIL_MONTHS,
        }
    }

    /// Uses `calendar` for claim deadlines (load the official holiday list into it).
    pub fn with_calendar(mut self, calendar: HolidayCalendar) -> Self {
        self.calendar = calendar;
        self
    }

    /// Keeps the usage trail `months` long; fewer than six is refused (R5.3, R6.4).
    pub fn with_trail_months(mut self, months: u32) -> Result<Self> {
        if months < MIN_TRAIL_MONTHS {
            return Err(Error::Retention(format!("{months} months asked")));
        }
        self.trail_months = months;
        Ok(self)
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(crate) async fn trail(&self, user: &str, action: &str, detail: String) -> Result<()> {
        let event = UsageEvent {
            at: self.now(),
            user: user.to_owned(),
            action: action.to_owned(),
            detail,
        };
        self.store.append_usage(&event).await
    }

    // ---- consent ledger (R5.2, R5.6) ----

    /// Records that `user` consented now to `scope` for `services` (after the OAuth flow), or
    /// renewed it: it lapses six calendar months later (R5.6).
    pub async fn record_consent(
        &self,
        user: &str,
        scope: ConsentScope,
        services: &[Service],
    ) -> Result<ConsentRecord> {
        let given_at = self.now();
        let record = ConsentRecord {
            user: user.to_owned(),
            scope,
            services: services.to_vec(),
            given_at,
            lapses_at: add_calendar_months(given_at, LAPSE_MONTHS),
            revoked_at: None,
        };
        self.store.put_consent(&record).await?;
        self.trail(
            user,
            "consent.recorded",
            format!("{} until {}", scope.key(), record.lapses_at),
        )
        .await?;
        Ok(record)
    }

    /// Records that `user` revoked `scope` (R5.2).
    pub async fn revoke_consent(&self, user: &str, scope: ConsentScope) -> Result<()> {
        let now = self.now();
        for mut c in self.store.consents(Some(user)).await? {
            if c.scope == scope && c.revoked_at.is_none() {
                c.revoked_at = Some(now);
                self.store.put_consent(&c).await?;
            }
        }
        self.trail(user, "consent.revoked", scope.key()).await
    }

    /// The live in-scope consent of `user` covering `service`, or the refusal naming the rule:
    /// R5.2 when never given or revoked, R5.6 when lapsed.
    pub async fn require_consent(&self, user: &str, service: Service) -> Result<LiveConsent> {
        let now = self.now();
        let consents = self.store.consents(Some(user)).await?;
        let Some(c) = consents
            .into_iter()
            .find(|c| c.scope == ConsentScope::InScope && c.services.contains(&service))
        else {
            return Err(Error::no_consent(
                "R5.2",
                user,
                service,
                "never given".into(),
            ));
        };
        if let Some(at) = c.revoked_at {
            return Err(Error::no_consent(
                "R5.2",
                user,
                service,
                format!("revoked at {at}"),
            ));
        }
        if now >= c.lapses_at {
            return Err(Error::no_consent(
                "R5.6",
                user,
                service,
                format!("lapsed at {}; ask the User to renew", c.lapses_at),
            ));
        }
        Ok(LiveConsent { record: c })
    }

    async fn require_out_of_scope(&self, user: &str, category: PurposeCategory) -> Result<()> {
        let now = self.now();
        let scope = ConsentScope::OutOfScope(category);
        let live = self
            .store
            .consents(Some(user))
            .await?
            .iter()
            .any(|c| c.scope == scope && c.is_live(now));
        if live {
            Ok(())
        } else {
            Err(Error::NoConsent {
                rule: "R6.3",
                user: user.to_owned(),
                what: scope.key(),
                why: "no live out-of-scope consent for this purpose".into(),
            })
        }
    }

    /// Consents that lapse within `within` from now, or have lapsed, soonest first (R5.6).
    pub async fn renewals_due(&self, within: Duration) -> Result<Vec<RenewalNotice>> {
        let now = self.now();
        let mut due: Vec<RenewalNotice> = self
            .store
            .consents(None)
            .await?
            .into_iter()
            .filter(|c| c.revoked_at.is_none() && c.lapses_at <= now + within)
            .map(|c| RenewalNotice {
                lapsed: now >= c.lapses_at,
                user: c.user,
                scope: c.scope,
                lapses_at: c.lapses_at,
            })
            .collect();
        due.sort_by_key(|n| n.lapses_at);
        Ok(due)
    }

    // ---- the cache (R6.2, R6.3) ----

    fn cache_entry(&self, user: &str, inv: &CarrierInvoice, purpose: Purpose) -> CachedInvoice {
        CachedInvoice {
            user: user.to_owned(),
            number: inv.number.clone(),
            date: inv.date,
            time: inv.time.clone(),
            period: inv.period,
            seller_ban: inv.seller_ban.clone(),
            seller_name: inv.seller_name.clone(),
            amount: inv.amount.clone(),
            donated: inv.donated,
            // R6.2: our own computation; a Platform's claimDeadline is only a hint.
            claim_deadline: claim_deadline(inv.period, &self.calendar),
            purpose,
        }
    }

    /// Keeps an invoice for `purpose`: refused once its claim deadline has passed (R6.2), and
    /// for an out-of-scope purpose without the matching live consent (R6.3).
    pub async fn cache_invoice(
        &self,
        user: &str,
        inv: &CarrierInvoice,
        purpose: Purpose,
    ) -> Result<CachedInvoice> {
        if let Purpose::OutOfScope(category) = purpose {
            self.require_out_of_scope(user, category).await?;
        }
        let cached = self.cache_entry(user, inv, purpose);
        if taipei_date(self.now()) > cached.claim_deadline {
            return Err(Error::PastClaimDeadline {
                period: cached.period.code(),
                deadline: cached.claim_deadline,
            });
        }
        self.store.put_invoice(&cached).await?;
        self.trail(
            user,
            "invoice.cached",
            format!("{} ({:?})", cached.number, purpose),
        )
        .await?;
        Ok(cached)
    }

    /// The User's cached invoices that may still be kept; the expired ones are deleted first.
    pub async fn cached_invoices(&self, user: &str) -> Result<Vec<CachedInvoice>> {
        self.expire().await?;
        self.store.invoices(user).await
    }

    /// Deletes every cached invoice past its claim deadline (R6.2) and trail entries older than
    /// the retention (R5.3); returns how many invoices went.
    pub async fn expire(&self) -> Result<u64> {
        let today = taipei_date(self.now());
        let gone = self.store.delete_invoices_expired(today).await?;
        if gone > 0 {
            self.trail(
                "",
                "cache.expired",
                format!("{gone} invoices past their claim deadline (R6.2)"),
            )
            .await?;
        }
        let keep_from = self
            .now()
            .checked_sub_months(Months::new(self.trail_months))
            .unwrap_or_default();
        self.store.prune_usage(keep_from).await?;
        Ok(gone)
    }

    /// Keeps a datum identifiable to `user` for an out-of-scope purpose: only with that
    /// purpose's live consent (R5.3, R6.3).
    pub async fn store_out_of_scope(
        &self,
        user: &str,
        category: PurposeCategory,
        key: &str,
        value: serde_json::Value,
    ) -> Result<()> {
        self.require_out_of_scope(user, category).await?;
        let datum = OutOfScopeDatum {
            user: user.to_owned(),
            category,
            key: key.to_owned(),
            value,
            stored_at: self.now(),
        };
        self.store.put_out_of_scope(&datum).await?;
        self.trail(
            user,
            "out-of-scope.stored",
            format!("{}:{key}", category.as_str()),
        )
        .await
    }

    /// Keeps a User's carrier and verification code, for calls on their behalf.
    pub async fn store_carrier(&self, carrier: &StoredCarrier) -> Result<()> {
        self.store.put_carrier(carrier).await?;
        self.trail(&carrier.user, "carrier.stored", carrier.card_type.clone())
            .await
    }

    /// The usage trail of `user`, or all of it (R5.3, R6.4).
    pub async fn usage_trail(&self, user: Option<&str>) -> Result<Vec<UsageEvent>> {
        self.store.usage(user).await
    }

    // ---- end of licence (R11) ----

    /// Deletes every stored invoice, carrier, verification code and identifiable out-of-scope
    /// datum, ends every consent, and returns the report to confirm on the Platform (R11). The
    /// usage trail is kept for its retention (R5.3).
    pub async fn purge(&self, reason: &str) -> Result<DestructionReport> {
        let at = self.now();
        let counts = self.store.purge(None, at).await?;
        self.trail("", "purge", format!("R11: {reason}")).await?;
        let trail_until = add_calendar_months(at, self.trail_months);
        Ok(DestructionReport {
            app_id: self.app_id.clone(),
            at,
            reason: reason.to_owned(),
            counts,
            trail_kept_until: trail_until,
        })
    }
}

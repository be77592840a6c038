//! Where the kit keeps its records: the trait a store implements (sqlite.rs is the default).

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};

use super::records::{
    CachedInvoice, ConsentRecord, OutOfScopeDatum, PurgeCounts, StoredCarrier, UsageEvent,
};
use crate::Result;

/// Storage for the compliance kit. Implement it to keep the kit's records elsewhere; every
/// method is one atomic step.
pub trait KitStore: Send + Sync {
    /// Inserts or replaces the consent of (`user`, `scope`).
    fn put_consent(&self, c: &ConsentRecord) -> impl Future<Output = Result<()>> + Send;
    /// The consents of `user`, or of every User.
    fn consents(
        &self,
        user: Option<&str>,
    ) -> impl Future<Output = Result<Vec<ConsentRecord>>> + Send;
    /// Inserts or replaces an invoice (keyed by User, shown number, date, time, seller and
    /// amount: masked numbers of one day can coincide).
    fn put_invoice(&self, i: &CachedInvoice) -> impl Future<Output = Result<()>> + Send;
    /// Deletes one invoice of `user` by its shown number and date.
    fn delete_invoice(
        &self,
        user: &str,
        number: &str,
        date: NaiveDate,
    ) -> impl Future<Output = Result<u64>> + Send;
    /// The cached invoices of `user`.
    fn invoices(&self, user: &str) -> impl Future<Output = Result<Vec<CachedInvoice>>> + Send;
    /// Deletes every invoice whose claim deadline is before `today`; returns how many.
    fn delete_invoices_expired(&self, today: NaiveDate)
        -> impl Future<Output = Result<u64>> + Send;
    /// Inserts or replaces a User's carrier.
    fn put_carrier(&self, c: &StoredCarrier) -> impl Future<Output = Result<()>> + Send;
    /// The carriers of `user`.
    fn carriers(&self, user: &str) -> impl Future<Output = Result<Vec<StoredCarrier>>> + Send;
    /// Inserts or replaces an out-of-scope datum (keyed by User, category and key).
    fn put_out_of_scope(&self, d: &OutOfScopeDatum) -> impl Future<Output = Result<()>> + Send;
    /// The out-of-scope data of `user`.
    fn out_of_scope(&self, user: &str)
        -> impl Future<Output = Result<Vec<OutOfScopeDatum>>> + Send;
    /// Appends to the usage trail.
    fn append_usage(&self, e: &UsageEvent) -> impl Future<Output = Result<()>> + Send;
    /// The usage trail of `user`, or all of it, oldest first.
    fn usage(&self, user: Option<&str>) -> impl Future<Output = Result<Vec<UsageEvent>>> + Send;
    /// Deletes trail entries before `before`; returns how many.
    fn prune_usage(&self, before: DateTime<Utc>) -> impl Future<Output = Result<u64>> + Send;
    /// Deletes every invoice, carrier, verification code and out-of-scope datum and ends every
    /// consent at `at` — of one User, or of all when `user` is `None` — in one transaction
    /// (R5.2, R11). The usage trail stays (R5.3).
    fn purge(
        &self,
        user: Option<&str>,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<PurgeCounts>> + Send;
    /// The Users who hold a carrier with this number.
    fn users_with_card(&self, card_no: &str) -> impl Future<Output = Result<Vec<String>>> + Send;
}

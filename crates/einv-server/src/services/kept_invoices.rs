//! Invoices kept by number: an invoice's stored record and its items, per node, for the
//! lookups by number (qryInvHeader, qryInvDetail, carrierInvDetail), evicted by the invoice
//! change feed (docs/hot-path.md, "Invoices kept by number").
//!
//! A stored invoice changes only by a status change, a donation or its period being dropped
//! (an import never replaces one), and each of those appends the invoice's number (or, for a
//! dropped period, the whole period) to the feed in its own transaction (einv-store
//! `invoices/feed.rs`, migration 0113), invoices without a carrier included. Each node applies
//! the feed with its cache versions (`[cache] check_ms`), and at once after a write of its own,
//! as for the carrier months. A lookup that finds nothing is not kept: a later import may store
//! the number. Only the stored record is kept: what depends on the clock is decided when a
//! call renders it (services/view.rs).
//!
//! A record read before a change can never be kept after it: every eviction moves the cache's
//! epoch, and what is read from the store is kept only if the epoch is still the one seen
//! before the read.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use einv_core::{InvoiceNumber, Period};
use einv_store::{ChangedInvoices, InvoiceItem, InvoiceRecord};

use super::hot::HotView;
use crate::error::ServiceResult;

/// Invoices kept at most (then the cache starts afresh).
const MAX_INVOICES: usize = 100_000;

/// An invoice's items, as stored, shared by every call that renders them.
pub type Items = Arc<Vec<InvoiceItem>>;

/// What is kept of one invoice: its record, and its items once a detail read them.
#[derive(Debug, Clone, Default)]
struct Kept {
    record: Option<Arc<InvoiceRecord>>,
    /// The items, with the row id of the invoice they were read for.
    items: Option<(i64, Items)>,
}

#[derive(Debug, Default)]
struct Inner {
    invoices: HashMap<(InvoiceNumber, Period), Kept>,
    /// Moves on every eviction (see the module).
    epoch: u64,
    /// Whether the feed was read at least once (before that nothing is kept).
    ready: bool,
}

/// The invoices one node keeps by number.
#[derive(Debug, Default)]
pub struct KeptInvoices {
    inner: Mutex<Inner>,
}

/// Counted per outcome in `/metrics`, as the other caches (services/hot.rs).
const LOOKUPS: &str = "einv_cache_lookups_total";

impl KeptInvoices {
    fn get(&self, key: &(InvoiceNumber, Period)) -> (Kept, u64) {
        let Ok(inner) = self.inner.lock() else {
            return (Kept::default(), u64::MAX);
        };
        (
            inner.invoices.get(key).cloned().unwrap_or_default(),
            inner.epoch,
        )
    }

    /// Keeps what `update` sets, read from the store after [`Self::get`] returned `epoch`,
    /// unless an eviction happened since (it may predate it) or the feed was never read.
    fn keep(&self, key: (InvoiceNumber, Period), epoch: u64, update: impl FnOnce(&mut Kept)) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner.epoch != epoch || !inner.ready {
            return;
        }
        if inner.invoices.len() >= MAX_INVOICES && !inner.invoices.contains_key(&key) {
            inner.invoices.clear();
        }
        update(inner.invoices.entry(key).or_default());
    }

    /// Applies a reading of the feed: forgets everything when the reading cannot tell what
    /// changed (`forget_all`), else evicts the invoices its changes name.
    pub fn apply(&self, forget_all: bool, changes: &[ChangedInvoices]) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        inner.ready = true;
        if forget_all {
            inner.invoices.clear();
            inner.epoch += 1;
            return;
        }
        let mut evicted = false;
        for change in changes {
            match (&change.number, &change.carrier) {
                (Some(number), _) => {
                    inner.invoices.remove(&(*number, change.period));
                    evicted = true;
                }
                // Every invoice of the period (a dropped period).
                (None, None) => {
                    inner
                        .invoices
                        .retain(|(_, period), _| *period != change.period);
                    evicted = true;
                }
                // New invoices of a carrier: none of them is kept (a miss is not kept).
                (None, Some(_)) => {}
            }
        }
        if evicted {
            inner.epoch += 1;
        }
    }

    /// How many invoices are kept (for tests).
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |i| i.invoices.len())
    }

    /// Whether no invoice is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn count(outcome: &'static str) {
    metrics::counter!(LOOKUPS, "cache" => "invoices", "outcome" => outcome).increment(1);
}

impl HotView<'_> {
    /// Invoice `number` of `period`, kept or read and kept; `None` when it is not stored.
    pub async fn invoice(
        &self,
        number: &InvoiceNumber,
        period: Period,
    ) -> ServiceResult<Option<Arc<InvoiceRecord>>> {
        let kept = &self.caches.invoices;
        let key = (*number, period);
        let (hit, epoch) = kept.get(&key);
        if let (Some(record), Some(_)) = (hit.record, self.versions) {
            count("hit");
            return Ok(Some(record));
        }
        count("miss");
        let Some(record) = self.store.find_invoice(number, period).await? else {
            return Ok(None);
        };
        let record = Arc::new(record);
        if self.versions.is_some() {
            kept.keep(key, epoch, |k| k.record = Some(Arc::clone(&record)));
        }
        Ok(Some(record))
    }

    /// The items of `record`, kept or read and kept.
    pub async fn invoice_items(&self, record: &InvoiceRecord) -> ServiceResult<Items> {
        let kept = &self.caches.invoices;
        let h = &record.header;
        let key = (h.number, h.period);
        let (hit, epoch) = kept.get(&key);
        if let (Some((id, items)), Some(_)) = (hit.items, self.versions) {
            if id == record.id {
                count("hit");
                return Ok(items);
            }
        }
        count("miss");
        let items = Arc::new(self.store.invoice_items(record.id, h.period).await?);
        if self.versions.is_some() {
            kept.keep(key, epoch, |k| {
                k.items = Some((record.id, Arc::clone(&items)))
            });
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests;

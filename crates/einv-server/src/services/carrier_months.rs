//! Carrier months: one carrier's invoices of one calendar month, decoded, kept per node and
//! evicted by the invoice change feed (docs/hot-path.md, "Carrier months").
//!
//! A carrier list reads a month of one or a few carriers, and a closed or past month changes
//! rarely (a late import, a donation, a void). Every store write to invoices appends the
//! (carrier, period) keys it touched to the feed in its own transaction (einv-store
//! `invoices/feed.rs`); each node reads the feed with its cache versions (`[cache] check_ms`)
//! and evicts those keys, and reads it at once after a write of its own. Only the stored rows
//! are kept: whatever depends on the clock (donatable, the prize, the claim deadline) is
//! decided when a call renders them (services/view.rs).
//!
//! A month read before a change can never be kept after it: every eviction moves the cache's
//! epoch, and a month read from the store is kept only if the epoch is still the one seen
//! before the read.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{Datelike, NaiveDate};
use einv_core::Period;
use einv_store::{CarrierKey, FeedReading, InvoiceRecord};

/// Months kept at most (then the cache starts afresh).
const MAX_MONTHS: usize = 50_000;

/// Bytes of rows kept at most, as estimated by [`record_bytes`] (then the cache starts afresh).
const MAX_BYTES: usize = 256 << 20;

/// A month with more invoices than this is not kept: it is read page by page from the store.
pub const MAX_ROWS: usize = 2_000;

/// The rows of one carrier month, oldest first (the list's order).
pub type MonthRows = Arc<[Arc<InvoiceRecord>]>;

/// A month's rows and, when they are kept, the generation they were kept at: unique on this
/// node, so a month read again after an eviction has another, and whatever was made from the
/// old rows (a written reply, services/list_replies.rs) no longer matches.
#[derive(Debug, Clone)]
pub struct KeptMonth {
    /// The rows.
    pub rows: MonthRows,
    /// `None`: read but not kept (nothing made from them may be kept either).
    pub generation: Option<u64>,
}

/// One carrier's calendar month.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MonthKey {
    /// The carrier.
    pub carrier: CarrierKey,
    /// The year.
    pub year: i32,
    /// The month, 1–12.
    pub month: u32,
}

impl MonthKey {
    /// The month of `carrier` that holds `date`.
    pub fn of(carrier: &CarrierKey, date: NaiveDate) -> Self {
        Self {
            carrier: carrier.clone(),
            year: date.year(),
            month: date.month(),
        }
    }
}

#[derive(Debug, Default)]
struct Inner {
    months: HashMap<MonthKey, (MonthRows, usize, u64)>,
    bytes: usize,
    /// The last generation handed out.
    generation: u64,
    /// Moves on every eviction (see the module).
    epoch: u64,
    /// The last feed number applied; none before the first reading.
    seen: Option<i64>,
}

/// The carrier months of one node.
#[derive(Debug, Default)]
pub struct CarrierMonths {
    inner: Mutex<Inner>,
}

/// Counted per outcome in `/metrics`, as the other caches (services/hot.rs).
const LOOKUPS: &str = "einv_cache_lookups_total";

impl CarrierMonths {
    /// The month kept for `key`, and the epoch to pass to [`Self::keep`] after reading it from
    /// the store on a miss.
    pub fn get(&self, key: &MonthKey) -> (Option<KeptMonth>, u64) {
        let Ok(inner) = self.inner.lock() else {
            return (None, u64::MAX);
        };
        let found = inner
            .months
            .get(key)
            .map(|(rows, _, generation)| KeptMonth {
                rows: Arc::clone(rows),
                generation: Some(*generation),
            });
        let outcome = if found.is_some() { "hit" } else { "miss" };
        metrics::counter!(LOOKUPS, "cache" => "carrier_months", "outcome" => outcome).increment(1);
        (found, inner.epoch)
    }

    /// Keeps `rows` of `key`, read from the store after [`Self::get`] returned `epoch`, unless
    /// an eviction happened since (the rows may predate it) or the feed was never read;
    /// returns the generation they are kept at.
    pub fn keep(&self, key: MonthKey, rows: MonthRows, epoch: u64) -> Option<u64> {
        let Ok(mut inner) = self.inner.lock() else {
            return None;
        };
        if inner.epoch != epoch || inner.seen.is_none() {
            return None;
        }
        let bytes = rows.iter().map(|r| record_bytes(r)).sum::<usize>();
        if inner.months.len() >= MAX_MONTHS || inner.bytes + bytes > MAX_BYTES {
            inner.months.clear();
            inner.bytes = 0;
        }
        inner.bytes += bytes;
        inner.generation += 1;
        let generation = inner.generation;
        if let Some((_, old, _)) = inner.months.insert(key, (rows, bytes, generation)) {
            inner.bytes -= old;
        }
        Some(generation)
    }

    /// The last feed number applied (`None`: read the feed's head only).
    pub fn seen(&self) -> Option<i64> {
        self.inner.lock().ok().and_then(|i| i.seen)
    }

    /// Applies a reading of the feed taken after number `after`: evicts the months it names,
    /// or everything when it cannot tell what changed (too far behind, or pruned past).
    /// Returns whether it forgot everything (the invoices kept by number follow suit).
    pub fn apply(&self, after: Option<i64>, feed: &FeedReading) -> bool {
        let Ok(mut inner) = self.inner.lock() else {
            return true;
        };
        let seen = inner.seen;
        let forget_all = match (after, seen) {
            (None, None) => false,
            // Another reading moved on meanwhile: this one names no changes.
            (None, Some(seen)) => feed.head > seen,
            (Some(after), _) => feed.overflow || after < feed.pruned_through,
        };
        if forget_all {
            inner.months.clear();
            inner.bytes = 0;
            inner.epoch += 1;
        } else if !feed.changes.is_empty() {
            let mut freed = 0;
            for change in &feed.changes {
                // An invoice without a carrier is in no month (services/kept_invoices.rs).
                if change.carrier.is_none() && change.number.is_some() {
                    continue;
                }
                freed += evict(&mut inner.months, change.carrier.as_ref(), change.period);
            }
            inner.bytes -= freed.min(inner.bytes);
            inner.epoch += 1;
        }
        inner.seen = Some(seen.map_or(feed.head, |s| s.max(feed.head)));
        forget_all
    }

    /// How many months are kept (for tests and metrics).
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |i| i.months.len())
    }

    /// Whether no month is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Evicts the two months of `period` of `carrier` (of every carrier when none); returns the
/// bytes freed.
fn evict(
    months: &mut HashMap<MonthKey, (MonthRows, usize, u64)>,
    carrier: Option<&CarrierKey>,
    period: Period,
) -> usize {
    let in_period =
        |k: &MonthKey| k.year == period.year() && k.month.div_ceil(2) == period.even_month() / 2;
    match carrier {
        Some(carrier) => [period.first_month(), period.even_month()]
            .into_iter()
            .filter_map(|month| {
                months.remove(&MonthKey {
                    carrier: carrier.clone(),
                    year: period.year(),
                    month,
                })
            })
            .map(|(_, bytes, _)| bytes)
            .sum(),
        None => {
            let mut freed = 0;
            months.retain(|k, (_, bytes, _)| {
                let keep = !in_period(k);
                if !keep {
                    freed += *bytes;
                }
                keep
            });
            freed
        }
    }
}

/// Roughly how much memory a kept row takes: the record and the text it owns.
fn record_bytes(record: &InvoiceRecord) -> usize {
    let h = &record.header;
    let carrier = h.carrier.as_ref().map_or(0, |c| c.id1.len() + c.id2.len());
    std::mem::size_of::<InvoiceRecord>()
        + h.seller.name.len()
        + h.seller.address.len()
        + carrier
        + 64
}

#[cfg(test)]
mod tests;

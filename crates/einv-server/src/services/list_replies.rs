//! Written carrier-list pages, kept per node (docs/hot-path.md, "Written list pages").
//!
//! A carrier list answered from the carrier months (services/carrier_list.rs) is a pure
//! function of: the months' rows (named by their generations: a month read again after the
//! invoice feed evicted it has another), the asked days and page, the period's draw (the
//! `draws` cache version), what the clock decides for the period — before its draw day
//! (donatable) and within its claim deadline (a prize is payable, R6.2) — and how the surface
//! writes it (v1: the request's version). A page written once is kept under all of those
//! and answered from its bytes until one of them changes; a call still proves its carrier,
//! passes consent, and records its durable audit entry (the kept page keeps the numbers it
//! shows for that entry).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chrono::NaiveDate;
use einv_core::{Period, Service};

use super::carrier_list::CoveredMonths;
use super::{AuditEntry, Caller, CarrierHolder, InvoiceListPage, InvoiceListQuery, Platform};
use crate::error::ServiceResult;

/// Pages kept at most (then the cache starts afresh).
const MAX_PAGES: usize = 20_000;

/// Bytes of written pages kept at most (then the cache starts afresh).
const MAX_BYTES: usize = 64 << 20;

/// Everything a written page depends on (see the module).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    months: Vec<u64>,
    from: NaiveDate,
    to: NaiveDate,
    page: u32,
    only_winning: bool,
    draws: i64,
    before_draw: bool,
    claimable: bool,
    form: Option<Box<str>>,
}

/// A written page and the numbers it shows (for the audit entry of every call it answers).
#[derive(Debug)]
struct KeptPage {
    body: Bytes,
    more: bool,
    numbers: Arc<[String]>,
}

/// A page as its surface wrote it.
#[derive(Debug, Clone)]
pub struct WrittenPage {
    /// The bytes.
    pub body: Bytes,
    /// Whether another page follows.
    pub more: bool,
}

/// Where a freshly written page may be kept (opaque to the surfaces).
#[derive(Debug)]
pub struct PageSlot {
    key: PageKey,
    numbers: Arc<[String]>,
}

/// A carrier list's answer: a page written before, or the page to write (and, when it may be
/// kept, where: [`Platform::keep_written_page`]).
#[derive(Debug)]
pub enum ListAnswer {
    /// Written before; answer these bytes.
    Written(WrittenPage),
    /// Write this page.
    Fresh(InvoiceListPage, Option<PageSlot>),
}

#[derive(Debug, Default)]
struct Inner {
    pages: HashMap<PageKey, Arc<KeptPage>>,
    bytes: usize,
}

/// The written pages of one node.
#[derive(Debug, Default)]
pub struct ListReplies {
    inner: Mutex<Inner>,
}

/// Counted per outcome in `/metrics`, as the other caches (services/hot.rs).
const LOOKUPS: &str = "einv_cache_lookups_total";

impl ListReplies {
    fn get(&self, key: &PageKey) -> Option<Arc<KeptPage>> {
        let found = self.inner.lock().ok()?.pages.get(key).cloned();
        let outcome = if found.is_some() { "hit" } else { "miss" };
        metrics::counter!(LOOKUPS, "cache" => "list_pages", "outcome" => outcome).increment(1);
        found
    }

    fn keep(&self, key: PageKey, page: KeptPage) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        let bytes = page.body.len() + page.numbers.len() * 32;
        if inner.pages.len() >= MAX_PAGES || inner.bytes + bytes > MAX_BYTES {
            // Pages of evicted months linger until here: their keys are never asked again.
            inner.pages.clear();
            inner.bytes = 0;
        }
        inner.bytes += bytes;
        if let Some(old) = inner.pages.insert(key, Arc::new(page)) {
            let freed = old.body.len() + old.numbers.len() * 32;
            inner.bytes -= freed.min(inner.bytes);
        }
    }

    /// How many pages are kept (for tests).
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |i| i.pages.len())
    }

    /// Whether no page is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Platform {
    /// A page of the holder's invoices (carrierInvChk) for a surface that writes it as
    /// `form` says (v1: the request's version): the bytes written for the same page before,
    /// when nothing it depends on has changed since (see the module), else the page to write.
    /// Either way the read is recorded first (durable, as every carrier read).
    pub async fn carrier_invoice_list_written(
        &self,
        caller: &Caller,
        holder: &CarrierHolder,
        query: InvoiceListQuery,
        form: Option<&str>,
    ) -> ServiceResult<ListAnswer> {
        self.check_list_window(query.from, query.to)?;
        let covered = self.covered_months(holder, &query).await?;
        let key = covered
            .as_ref()
            .and_then(|c| self.page_key(holder, &query, c, form));
        if let Some(kept) = key.as_ref().and_then(|k| self.hot.pages.get(k)) {
            let entry = AuditEntry::access(
                caller,
                holder.user.id,
                Service::CarrierInvoices,
                kept.numbers.clone(),
            );
            self.audit_read(entry).await?;
            return Ok(ListAnswer::Written(WrittenPage {
                body: kept.body.clone(),
                more: kept.more,
            }));
        }
        let views = self.list_views(holder, &query, covered.as_ref()).await?;
        let page = self.list_page(caller, holder, views).await?;
        // The clock's facts in the key are the asked period's: a row of another would need
        // its own.
        let period = Period::of_date(query.from);
        let slot = key
            .filter(|_| page.invoices.iter().all(|v| v.period() == period))
            .map(|key| PageSlot {
                key,
                numbers: page
                    .invoices
                    .iter()
                    .map(|v| v.shown_number.to_string())
                    .collect(),
            });
        Ok(ListAnswer::Fresh(page, slot))
    }

    /// Keeps `body`, the page written for `slot` (`more`: another page follows).
    pub fn keep_written_page(&self, slot: PageSlot, body: Bytes, more: bool) {
        let page = KeptPage {
            body,
            more,
            numbers: slot.numbers,
        };
        self.hot.pages.keep(slot.key, page);
    }

    /// The key of `query`'s page over `covered`; `None` when it may not be kept (a month not
    /// kept, a cursor, caching off).
    fn page_key(
        &self,
        holder: &CarrierHolder,
        query: &InvoiceListQuery,
        covered: &CoveredMonths,
        form: Option<&str>,
    ) -> Option<PageKey> {
        if query.after.is_some() {
            return None;
        }
        let draws = holder.checked.draws()?;
        let months = covered.generations()?;
        let clock = self.period_clock(Period::of_date(query.from));
        Some(PageKey {
            months,
            from: query.from,
            to: query.to,
            page: query.page.max(1),
            only_winning: query.only_winning,
            draws,
            before_draw: clock.before_draw(),
            claimable: clock.claimable(),
            form: form.map(Box::from),
        })
    }
}

#[cfg(test)]
mod tests;

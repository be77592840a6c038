//! A page of a carrier list served from the carrier months (services/carrier_months.rs):
//! the covered carriers' kept months, filtered to the asked days, merged in the list's order,
//! and cut to the page, as `Store::carrier_invoices` would answer (only the paid winners when
//! asked, as the marked-winner query would).

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use einv_core::invoice::InvoiceTime;
use einv_core::prize::WinningNumbers;
use einv_core::InvoiceNumber;
use einv_store::{CarrierKey, InvoiceRecord};

use super::carrier_months::{KeptMonth, MonthKey};
use super::{CarrierHolder, InvoiceListQuery, InvoiceView, PeriodClock, Platform, PAGE_SIZE};
use crate::error::ServiceResult;

/// The kept months a list reads: one per covered carrier, each carrier once.
#[derive(Debug)]
pub(super) struct CoveredMonths {
    months: Vec<KeptMonth>,
}

impl CoveredMonths {
    /// The months' generations, in the holder's order; `None` when one was not kept (then
    /// nothing made from them may be kept either).
    pub(super) fn generations(&self) -> Option<Vec<u64>> {
        self.months.iter().map(|m| m.generation).collect()
    }
}

impl Platform {
    /// The covered carriers' months of `query`'s days; `None` when they cannot answer it (the
    /// days span more than one month, a month too large to keep, caching off): then the
    /// caller reads the store.
    pub(super) async fn covered_months(
        &self,
        holder: &CarrierHolder,
        query: &InvoiceListQuery,
    ) -> ServiceResult<Option<CoveredMonths>> {
        let (from, to) = (query.from, query.to);
        if (from.year(), from.month()) != (to.year(), to.month()) {
            return Ok(None);
        }
        let hot = self.hot.checked_at(&self.store, holder.checked);
        let mut carriers: Vec<&CarrierKey> = Vec::with_capacity(holder.covered.len());
        for carrier in &holder.covered {
            if !carriers.contains(&carrier) {
                carriers.push(carrier);
            }
        }
        let mut months = Vec::with_capacity(carriers.len());
        for carrier in carriers {
            let Some(month) = hot.carrier_month(&MonthKey::of(carrier, from)).await? else {
                return Ok(None);
            };
            months.push(month);
        }
        Ok(Some(CoveredMonths { months }))
    }

    /// Up to one page and one row more of `query` from the covered months: the asked days,
    /// merged in the list's order, only the holder's paid winners when `query` asks for
    /// them (`draw`: the period's draw), cut to the page; `None` when a cursor is not among
    /// the rows (then the caller reads the store).
    pub(super) fn page_from_months(
        &self,
        covered: &CoveredMonths,
        query: &InvoiceListQuery,
        draw: Option<&WinningNumbers>,
        clock: &PeriodClock,
    ) -> Option<Vec<InvoiceView>> {
        let days = query.from..=query.to;
        let mut rows: Vec<&Arc<InvoiceRecord>> = Vec::new();
        for month in &covered.months {
            rows.extend(month.rows.iter().filter(|r| days.contains(&r.header.date)));
        }
        if covered.months.len() > 1 {
            // Each month is in order already; several carriers interleave.
            rows.sort_by(|a, b| list_order(a).cmp(&list_order(b)));
        }
        // Winners are those the holder is paid for now (the claim deadline passing ends it:
        // R6.2), as the marked-winner query decides them.
        let mut views = rows
            .into_iter()
            .map(|r| self.view_invoice_at(Arc::clone(r), draw, clock))
            .filter(|v| !query.only_winning || v.prize.is_some());
        match query.after {
            None => {
                let start = (usize::try_from(query.page.max(1)).unwrap_or(1) - 1) * PAGE_SIZE;
                Some(views.skip(start).take(PAGE_SIZE + 1).collect())
            }
            Some(after) => {
                views.by_ref().find(|v| v.row_id() == after)?;
                Some(views.take(PAGE_SIZE + 1).collect())
            }
        }
    }
}

impl Platform {
    /// The holder's invoice `number` dated `date` from the kept month of its date:
    /// `Some(None)` when the months are kept and none of them holds it (not the holder's, or
    /// no such invoice); `None` when a month cannot be kept (then the caller reads the store).
    pub(super) async fn holder_invoice_from_months(
        &self,
        holder: &CarrierHolder,
        number: &InvoiceNumber,
        date: NaiveDate,
    ) -> ServiceResult<Option<Option<Arc<InvoiceRecord>>>> {
        let hot = self.hot.checked_at(&self.store, holder.checked);
        for carrier in &holder.covered {
            let Some(month) = hot.carrier_month(&MonthKey::of(carrier, date)).await? else {
                return Ok(None);
            };
            let found = month
                .rows
                .iter()
                .find(|r| r.header.number == *number && r.header.date == date);
            if let Some(record) = found {
                return Ok(Some(Some(Arc::clone(record))));
            }
        }
        Ok(Some(None))
    }
}

/// The list's order, as the store sorts it: date, time, number. The time is stored as
/// `HH:mm:ss` and the number in capitals and digits, so their texts sort as these do.
fn list_order(r: &InvoiceRecord) -> (chrono::NaiveDate, InvoiceTime, &str) {
    let h = &r.header;
    (h.date, h.time, h.number.as_str())
}

//! A page of a carrier list served from the carrier months (services/carrier_months.rs):
//! the covered carriers' kept months, filtered to the asked days, merged in the list's order,
//! and cut to the page, as `Store::carrier_invoices` would answer.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use einv_core::invoice::InvoiceTime;
use einv_core::prize::WinningNumbers;
use einv_core::InvoiceNumber;
use einv_store::{CarrierKey, InvoiceRecord};

use super::carrier_months::MonthKey;
use super::{CarrierHolder, InvoiceListQuery, InvoiceView, Platform, PAGE_SIZE};
use crate::error::ServiceResult;

impl Platform {
    /// Up to one page and one row more of the holder's invoices of `query` (not only
    /// winners), from the carrier months; `None` when they cannot answer it (the days span
    /// more than one month, a month too large to keep, caching off, a cursor not among the
    /// rows): then the caller reads the store.
    pub(super) async fn list_from_months(
        &self,
        holder: &CarrierHolder,
        query: &InvoiceListQuery,
        draw: Option<&WinningNumbers>,
    ) -> ServiceResult<Option<Vec<InvoiceView>>> {
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
        let mut rows: Vec<Arc<InvoiceRecord>> = Vec::new();
        for carrier in &carriers {
            let key = MonthKey {
                carrier: (*carrier).clone(),
                year: from.year(),
                month: from.month(),
            };
            let Some(month) = hot.carrier_month(&key).await? else {
                return Ok(None);
            };
            let days = from..=to;
            rows.extend(
                month
                    .iter()
                    .filter(|r| days.contains(&r.header.date))
                    .cloned(),
            );
        }
        if carriers.len() > 1 {
            // Each month is in order already; several carriers interleave.
            rows.sort_by(|a, b| list_order(a).cmp(&list_order(b)));
        }
        let start = match query.after {
            None => (usize::try_from(query.page.max(1)).unwrap_or(1) - 1) * PAGE_SIZE,
            Some(after) => match rows.iter().position(|r| r.id == after) {
                Some(i) => i + 1,
                None => return Ok(None),
            },
        };
        let views = rows
            .into_iter()
            .skip(start)
            .take(PAGE_SIZE + 1)
            .map(|r| self.view_invoice(r, draw))
            .collect();
        Ok(Some(views))
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
            let key = MonthKey {
                carrier: carrier.clone(),
                year: date.year(),
                month: date.month(),
            };
            let Some(month) = hot.carrier_month(&key).await? else {
                return Ok(None);
            };
            let found = month
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

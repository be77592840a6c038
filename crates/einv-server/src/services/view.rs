//! An invoice as a third party may see it: masked when donated (R5.7), with its prize and its
//! claim deadline (R6.2).

use std::sync::Arc;

use chrono::NaiveDate;
use einv_core::claim::claim_deadline;
use einv_core::invoice::{Currency, InvoiceCarrier, InvoiceSeller, InvoiceTime};
use einv_core::prize::{InvoiceFacts, Prize, Verdict, WinningNumbers};
use einv_core::{BusinessId, Ntd, Period, ShownNumber};
use einv_store::{InvoiceRecord, InvoiceStatus};

use super::Platform;

/// An invoice prepared for any third-party response.
///
/// The stored record stays private to the services: outside them the invoice number is
/// reachable only as [`ShownNumber`], masked when donated (R5.7), so no surface can render
/// the raw number of a donated invoice by mistake.
#[derive(Debug, Clone)]
pub struct InvoiceView {
    /// The stored invoice, raw number included (shared with the carrier months it may come
    /// from: services/carrier_months.rs).
    record: Arc<InvoiceRecord>,
    /// The number to show: `LY42140***` when donated (R5.7), else the full number.
    pub shown_number: ShownNumber,
    /// Whether the User could still donate it.
    pub donatable: bool,
    /// The prize the holder is owed, if any. Never reported for a donated invoice (R5.7).
    pub prize: Option<(Prize, Ntd)>,
    /// The last day a prize of this invoice's period can be claimed: data kept by an app may
    /// not outlive it (R6.2).
    pub claim_deadline: NaiveDate,
}

impl InvoiceView {
    /// Whether the invoice was donated.
    pub fn donated(&self) -> bool {
        self.record.header.donated_to.is_some()
    }

    /// The stored record, for the services that need the raw number (R5.7: never rendered).
    pub(in crate::services) fn record(&self) -> &InvoiceRecord {
        &self.record
    }

    /// The stored row's ID: a keyset position for paging, which names no invoice.
    pub fn row_id(&self) -> i64 {
        self.record.id
    }

    /// Issued, cancelled (作廢) or voided (註銷).
    pub fn status(&self) -> InvoiceStatus {
        self.record.status
    }

    /// The period.
    pub fn period(&self) -> Period {
        self.record.header.period
    }

    /// The date (Taipei).
    pub fn date(&self) -> NaiveDate {
        self.record.header.date
    }

    /// The time (Taipei).
    pub fn time(&self) -> &InvoiceTime {
        &self.record.header.time
    }

    /// The seller as the invoice names it.
    pub fn seller(&self) -> &InvoiceSeller {
        &self.record.header.seller
    }

    /// The buyer's business ID (B2B), none for a consumer.
    pub fn buyer(&self) -> Option<&BusinessId> {
        self.record.header.buyer.as_ref()
    }

    /// The currency, none for NTD.
    pub fn currency(&self) -> Option<&Currency> {
        self.record.header.currency.as_ref()
    }

    /// The total including tax.
    pub fn total_amount(&self) -> Ntd {
        self.record.header.total_amount
    }

    /// The carrier, none when there is none.
    pub fn carrier(&self) -> Option<&InvoiceCarrier> {
        self.record.header.carrier.as_ref()
    }

    /// A view of an issued invoice as a third party sees it, for rendering tests.
    #[cfg(test)]
    pub(crate) fn for_test(
        header: einv_core::invoice::InvoiceHeader,
        claim_deadline: NaiveDate,
    ) -> Self {
        let record = Arc::new(InvoiceRecord {
            id: 1,
            header,
            status: InvoiceStatus::Issued,
            donated_at: None,
        });
        let donated = record.header.donated_to.is_some();
        Self {
            shown_number: ShownNumber::new(record.header.number, donated),
            donatable: !donated,
            prize: None,
            claim_deadline,
            record,
        }
    }
}

/// What a view decides from the clock for the invoices of one period, worked out once per
/// call rather than per row: the claim deadline (R6.2) depends on the period alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodClock {
    /// The period.
    pub period: Period,
    /// Today, in Taipei.
    pub today: NaiveDate,
    /// The period's claim deadline (R6.2).
    pub deadline: NaiveDate,
}

impl PeriodClock {
    /// Whether the period's invoices may still be donated: until its draw day (exclusive).
    pub fn before_draw(&self) -> bool {
        self.today < self.period.draw_date()
    }

    /// Whether a prize of the period may still be claimed: until its deadline (inclusive,
    /// R6.2). Past it no prize is payable.
    pub fn claimable(&self) -> bool {
        self.today <= self.deadline
    }
}

impl Platform {
    /// The clock's facts for invoices of `period`, today.
    pub fn period_clock(&self, period: Period) -> PeriodClock {
        PeriodClock {
            period,
            today: self.today(),
            deadline: claim_deadline(period, &self.calendar),
        }
    }

    /// Prepares `record` for a third party, given its period's draw if published.
    pub fn view_invoice(
        &self,
        record: impl Into<Arc<InvoiceRecord>>,
        draw: Option<&WinningNumbers>,
    ) -> InvoiceView {
        let record = record.into();
        let clock = self.period_clock(record.header.period);
        view_at(record, draw, &clock)
    }

    /// [`Self::view_invoice`] with its period's clock worked out already (a list's rows share
    /// one); a row of another period gets its own.
    pub fn view_invoice_at(
        &self,
        record: Arc<InvoiceRecord>,
        draw: Option<&WinningNumbers>,
        clock: &PeriodClock,
    ) -> InvoiceView {
        if record.header.period == clock.period {
            view_at(record, draw, clock)
        } else {
            self.view_invoice(record, draw)
        }
    }
}

/// The view of `record` (of `clock`'s period) at `clock`.
fn view_at(
    record: Arc<InvoiceRecord>,
    draw: Option<&WinningNumbers>,
    clock: &PeriodClock,
) -> InvoiceView {
    let h = &record.header;
    let donated = h.donated_to.is_some();
    let prize = match (draw, donated) {
        (Some(draw), false) => match draw.assess(&facts(&record), clock.deadline, clock.today) {
            Verdict::Payable { prize, amount } => Some((prize, amount)),
            _ => None,
        },
        _ => None,
    };
    let donatable = !donated
        && !h.printed
        && h.buyer.is_none()
        && record.status == InvoiceStatus::Issued
        && clock.before_draw();
    InvoiceView {
        shown_number: ShownNumber::new(h.number, donated),
        donatable,
        prize,
        claim_deadline: clock.deadline,
        record,
    }
}

fn facts(record: &InvoiceRecord) -> InvoiceFacts {
    let h = &record.header;
    InvoiceFacts {
        number: h.number,
        period: h.period,
        // Prize rules read the header's total: discount lines (negative item amounts) are
        // already in it. A zero total is not eligible.
        total: Some(h.total_amount).filter(|t| !t.is_zero()),
        buyer_business_id: h.buyer,
        // Neither a cancelled (作廢) nor a voided (註銷) invoice wins.
        voided: record.status != InvoiceStatus::Issued,
        donated: h.donated_to.is_some(),
    }
}

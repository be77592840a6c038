//! An invoice as a third party may see it: masked when donated (R5.7), with its prize and its
//! claim deadline (R6.2).

use chrono::NaiveDate;
use einv_core::claim::claim_deadline;
use einv_core::prize::{InvoiceFacts, Prize, Verdict, WinningNumbers};
use einv_core::{Ntd, ShownNumber};
use einv_store::{InvoiceRecord, InvoiceStatus};

use super::Platform;

/// An invoice prepared for any third-party response.
#[derive(Debug, Clone)]
pub struct InvoiceView {
    /// The stored invoice.
    pub record: InvoiceRecord,
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
}

impl Platform {
    /// Prepares `record` for a third party, given its period's draw if published.
    pub fn view_invoice(
        &self,
        record: InvoiceRecord,
        draw: Option<&WinningNumbers>,
    ) -> InvoiceView {
        let h = &record.header;
        let donated = h.donated_to.is_some();
        let today = self.today();
        let deadline = claim_deadline(h.period, &self.calendar);
        let prize = match (draw, donated) {
            (Some(draw), false) => match draw.assess(&facts(&record), deadline, today) {
                Verdict::Payable { prize, amount } => Some((prize, amount)),
                _ => None,
            },
            _ => None,
        };
        let donatable = !donated
            && !h.printed
            && h.buyer.is_none()
            && record.status == InvoiceStatus::Issued
            && today < h.period.draw_date();
        InvoiceView {
            shown_number: ShownNumber::new(h.number, donated),
            donatable,
            prize,
            claim_deadline: deadline,
            record,
        }
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

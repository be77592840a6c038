//! Whether a winning invoice can be paid, and to whom (\[LAW3\] art. 11, `docs/domain.md` §3).
//!
//! Modelled reasons: a business buyer (B2B), a zero or missing amount, a voided invoice, a
//! different period, and a claim made after the deadline. A donated invoice is not ineligible:
//! its prize belongs to the charity, which this module reports instead of a payout to the
//! holder. (Art. 11 also excludes zero-tax-rate, daily-summary and tourist-refund invoices;
//! they carry no field here yet, so add a reason when the invoice model has one.)

use chrono::NaiveDate;

use crate::prize::{Prize, WinningNumbers};
use crate::{BusinessId, InvoiceNumber, Ntd, Period};

/// What the prize rules need to know about one invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceFacts {
    /// The invoice number.
    pub number: InvoiceNumber,
    /// The period the invoice was issued in.
    pub period: Period,
    /// The total including tax; `None` when the invoice carries none.
    pub total: Option<Ntd>,
    /// The buyer's business ID: present means a B2B invoice.
    pub buyer_business_id: Option<BusinessId>,
    /// Whether the invoice was voided (作廢).
    pub voided: bool,
    /// Whether the invoice was donated to a charity (捐贈).
    pub donated: bool,
}

/// Why a matching invoice is not paid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IneligibleReason {
    /// The invoice belongs to another period than the draw.
    DifferentPeriod {
        /// The invoice's period.
        invoice: Period,
        /// The draw's period.
        draw: Period,
    },
    /// The buyer is a business or public body (B2B).
    BusinessBuyer(BusinessId),
    /// The amount is zero or missing.
    NoAmount,
    /// The invoice was voided.
    Voided,
    /// The claim comes after the last claim day.
    PastClaimDeadline {
        /// The last day a claim was possible.
        deadline: NaiveDate,
        /// The day of the claim.
        today: NaiveDate,
    },
}

impl IneligibleReason {
    /// A stable machine key, e.g. `business_buyer`.
    pub fn code(&self) -> &'static str {
        match self {
            IneligibleReason::DifferentPeriod { .. } => "different_period",
            IneligibleReason::BusinessBuyer(_) => "business_buyer",
            IneligibleReason::NoAmount => "no_amount",
            IneligibleReason::Voided => "voided",
            IneligibleReason::PastClaimDeadline { .. } => "past_claim_deadline",
        }
    }

    /// One sentence for a person.
    pub fn describe(&self) -> String {
        match self {
            IneligibleReason::DifferentPeriod { invoice, draw } => {
                format!("the invoice is of period {invoice}, the draw of period {draw}")
            }
            IneligibleReason::BusinessBuyer(id) => {
                format!("the buyer is a business (business ID {id}); B2B invoices win no prize")
            }
            IneligibleReason::NoAmount => "the invoice has no positive amount".to_owned(),
            IneligibleReason::Voided => "the invoice was voided".to_owned(),
            IneligibleReason::PastClaimDeadline { deadline, today } => {
                format!("the claim deadline was {deadline}; today is {today}")
            }
        }
    }
}

/// Whether an invoice's prize can be paid, and to whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Eligibility {
    /// The holder is paid.
    Eligible,
    /// The invoice was donated: the prize belongs to the charity, not the holder.
    DonatedToCharity,
    /// Nobody is paid, for every reason listed.
    Ineligible(Vec<IneligibleReason>),
}

impl Eligibility {
    /// The eligibility of an invoice for the draw of `draw_period`. `claim_deadline` is the
    /// last claim day (inclusive), computed by the caller from the claim rules; `today` is the
    /// day of the claim.
    ///
    /// Every reason is listed, not just the first, so a person sees all that is wrong. An
    /// ineligible donated invoice pays the charity nothing either, so reasons win over the
    /// donation.
    pub fn of(
        facts: &InvoiceFacts,
        draw_period: Period,
        claim_deadline: NaiveDate,
        today: NaiveDate,
    ) -> Self {
        let mut reasons = Vec::new();
        if facts.period != draw_period {
            reasons.push(IneligibleReason::DifferentPeriod {
                invoice: facts.period,
                draw: draw_period,
            });
        }
        if let Some(id) = facts.buyer_business_id {
            reasons.push(IneligibleReason::BusinessBuyer(id));
        }
        if facts.total.is_none_or(Ntd::is_zero) {
            reasons.push(IneligibleReason::NoAmount);
        }
        if facts.voided {
            reasons.push(IneligibleReason::Voided);
        }
        if today > claim_deadline {
            reasons.push(IneligibleReason::PastClaimDeadline {
                deadline: claim_deadline,
                today,
            });
        }
        if !reasons.is_empty() {
            Eligibility::Ineligible(reasons)
        } else if facts.donated {
            Eligibility::DonatedToCharity
        } else {
            Eligibility::Eligible
        }
    }
}

/// The outcome of checking one invoice against a draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The invoice matches no winning number.
    NoPrize,
    /// The holder is paid `amount`.
    Payable {
        /// The prize won.
        prize: Prize,
        /// What the draw pays for it.
        amount: Ntd,
    },
    /// The invoice was donated: the charity, not the holder, is owed `amount`.
    ToCharity {
        /// The prize won.
        prize: Prize,
        /// What the draw pays for it.
        amount: Ntd,
    },
    /// The number matches, but nobody is paid.
    NotPayable {
        /// The prize the number matches.
        prize: Prize,
        /// Why it is not paid.
        reasons: Vec<IneligibleReason>,
    },
}

impl WinningNumbers {
    /// The prize an invoice wins in this draw and who, if anyone, is paid. See
    /// [`Eligibility::of`] for `claim_deadline` and `today`.
    pub fn assess(
        &self,
        facts: &InvoiceFacts,
        claim_deadline: NaiveDate,
        today: NaiveDate,
    ) -> Verdict {
        let Some(prize) = self.check(&facts.number) else {
            return Verdict::NoPrize;
        };
        let amount = self.amount(prize);
        match Eligibility::of(facts, self.period(), claim_deadline, today) {
            Eligibility::Eligible => Verdict::Payable { prize, amount },
            Eligibility::DonatedToCharity => Verdict::ToCharity { prize, amount },
            Eligibility::Ineligible(reasons) => Verdict::NotPayable { prize, reasons },
        }
    }
}

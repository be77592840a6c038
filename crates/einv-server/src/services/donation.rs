//! Donating a cloud invoice to a charity (carrierInvDnt).

use chrono::{DateTime, NaiveDate, Utc};
use einv_core::{InvoiceNumber, ShownNumber};
use einv_store::{Charity, InvoiceStatus};

use super::{AuditEntry, Caller, CarrierHolder, Platform};
use crate::error::{Conflict, Missing, ServiceError, ServiceResult, Undonatable};
use einv_core::Service;

/// What a donation did.
#[derive(Debug, Clone)]
pub struct DonationReceipt {
    /// The invoice donated: only ever rendered masked (R5.7).
    pub number: ShownNumber,
    /// Its date.
    pub date: NaiveDate,
    /// The charity.
    pub charity: Charity,
    /// When.
    pub at: DateTime<Utc>,
}

impl Platform {
    /// Donates the holder's invoice to the charity with love code or business ID `npo`.
    /// Only an unprinted cloud invoice to a consumer, before its period's draw.
    #[tracing::instrument(skip(self, caller, holder, number), fields(invoice.period))]
    pub async fn donate(
        &self,
        caller: &Caller,
        holder: &CarrierHolder,
        number: &InvoiceNumber,
        date: NaiveDate,
        npo: &str,
    ) -> ServiceResult<DonationReceipt> {
        let record = self.holder_invoice(holder, number, date).await?;
        let h = &record.header;
        tracing::Span::current().record("invoice.period", h.period.code());
        let charity = self
            .store
            .find_charity(npo)
            .await?
            .ok_or_else(|| ServiceError::NotFound(Missing::Charity(npo.to_owned())))?;
        if h.donated_to.is_some() {
            return Err(ServiceError::Conflict(Conflict::AlreadyDonated));
        }
        if h.buyer.is_some() {
            return Err(ServiceError::NotDonatable(Undonatable::IssuedToBusiness));
        }
        if record.status != InvoiceStatus::Issued {
            return Err(ServiceError::NotDonatable(Undonatable::Other(format!(
                "the invoice is {} ({})",
                record.status.as_str(),
                record.status.word()
            ))));
        }
        if h.printed {
            return Err(ServiceError::NotDonatable(Undonatable::Other(
                "its proof copy was printed; only cloud invoices can be donated".into(),
            )));
        }
        let draw = h.period.draw_date();
        if self.today() >= draw {
            return Err(ServiceError::NotDonatable(Undonatable::Other(format!(
                "period {} was drawn on {draw}; only invoices not yet drawn can be donated",
                h.period
            ))));
        }
        let at = self.clock.now();
        if !self
            .store
            .mark_donated(record.id, h.period, &charity.love_code, at)
            .await?
        {
            return Err(ServiceError::Conflict(Conflict::AlreadyDonated));
        }
        let mut entry = AuditEntry::access(
            caller,
            holder.user.id,
            Service::Donation,
            vec![ShownNumber::donated(*number).to_string()],
        );
        entry.detail = serde_json::json!({ "loveCode": charity.love_code });
        self.audit(entry).await?;
        Ok(DonationReceipt {
            number: ShownNumber::donated(*number),
            date,
            charity,
            at,
        })
    }
}

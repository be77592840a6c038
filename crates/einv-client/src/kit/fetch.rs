//! Fetching a User's data through the consent ledger: check, call, trail, cache.

use chrono::NaiveDate;
use einv_core::clock::taipei_date;
use einv_core::{InvoiceNumber, Service};

use super::{ComplianceKit, KitStore, Purpose};
use crate::display::ShownNumber;
use crate::v1::{CarrierCredentials, CarrierInvoice, DonationReceipt, V1Client};
use crate::Result;

impl<S: KitStore> ComplianceKit<S> {
    /// Lists a User's carrier invoices between two dates of one month — only with a live
    /// consent for the carrier-invoice service (R5.2, R5.6) — records the use (R5.3) and caches
    /// each invoice until its claim deadline (R6.2).
    pub async fn carrier_invoices(
        &self,
        client: &V1Client,
        user: &str,
        carrier: &CarrierCredentials,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CarrierInvoice>> {
        self.require_consent(user, Service::CarrierInvoices).await?;
        let invoices = client
            .carrier_invoices_all(carrier, from, to, false)
            .await?;
        self.trail(
            user,
            "carrier-invoices.list",
            format!("{from}..{to}: {} invoices", invoices.len()),
        )
        .await?;
        for inv in &invoices {
            let cached = self.cache_entry(user, inv, Purpose::Service);
            if taipei_date(self.now()) <= cached.claim_deadline {
                self.store.put_invoice(&cached).await?;
            }
        }
        Ok(invoices)
    }

    /// Donates a User's invoice — only with a live consent for donation — and replaces the
    /// cached copy by its masked form (R5.7).
    pub async fn donate(
        &self,
        client: &V1Client,
        user: &str,
        carrier: &CarrierCredentials,
        number: &InvoiceNumber,
        date: NaiveDate,
        npo_ban: &str,
    ) -> Result<DonationReceipt> {
        self.require_consent(user, Service::Donation).await?;
        let receipt = client.donate(carrier, number, date, npo_ban).await?;
        self.trail(user, "donation", format!("{} to {npo_ban}", receipt.number))
            .await?;
        let mut cached = self.store.invoices(user).await?;
        if let Some(mut inv) = cached
            .drain(..)
            .find(|i| i.number.full() == Some(number) && i.date == date)
        {
            self.store
                .delete_invoice(user, number.as_str(), date)
                .await?;
            inv.number = ShownNumber::of(*number, true);
            inv.donated = true;
            self.store.put_invoice(&inv).await?;
        }
        Ok(receipt)
    }
}

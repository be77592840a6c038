//! Invoice lookup by what is printed on the proof copy (qryInvHeader, qryInvDetail).

use std::sync::Arc;

use chrono::NaiveDate;
use einv_core::barcode::{crypto, QrSeedKey, RandomCode};
use einv_core::{InvoiceNumber, MobileBarcode, Period};
use einv_store::InvoiceRecord;

use einv_core::Service;

use super::hot::Checked;
use super::kept_invoices::Items;
use super::{AuditEntry, Caller, InvoiceView, Platform};
use crate::error::{Missing, Proof, ServiceError, ServiceResult};

/// What the caller read off the proof copy, beyond the number and date.
#[derive(Debug, Clone)]
pub enum LookupBy {
    /// The left QR code: the random code, the 24-char check code and the seller.
    QrCode {
        /// Random code.
        random: RandomCode,
        /// The encrypted verification field.
        encrypt: String,
        /// Seller business ID.
        seller_ban: String,
    },
    /// The Code39 barcode: the random code and the period.
    Barcode {
        /// Random code.
        random: RandomCode,
        /// Period.
        period: Period,
    },
}

/// A lookup: number and date, plus proof for the detail.
#[derive(Debug, Clone)]
pub struct InvoiceLookup {
    /// The invoice number.
    pub number: InvoiceNumber,
    /// The invoice date.
    pub date: NaiveDate,
}

impl Platform {
    /// The invoice header (qryInvHeader): number and date must match. The read is audited
    /// (durably, before the answer) like every read of a User's data.
    pub async fn lookup_header(
        &self,
        caller: &Caller,
        lookup: &InvoiceLookup,
    ) -> ServiceResult<InvoiceView> {
        let (record, checked) = self.find_by_number_and_date(lookup).await?;
        let view = self.view_invoice(record, None);
        self.audit_lookup(caller, &view, "header", checked).await?;
        Ok(view)
    }

    /// Audits a lookup (hole 7: qryInvHeader/qryInvDetail read a User's invoice too). The
    /// entry names the User when the invoice went to a carrier one holds, so it shows on their
    /// page.
    async fn audit_lookup(
        &self,
        caller: &Caller,
        view: &InvoiceView,
        what: &str,
        checked: Checked,
    ) -> ServiceResult<()> {
        let user_id = match &view.record().header.carrier {
            Some(c) if c.carrier_type.is_mobile_barcode() => match MobileBarcode::parse(&c.id1) {
                // Through the Users cache (services/hot.rs), as the carrier calls find them.
                Ok(barcode) => self
                    .hot
                    .checked_at(&self.store, checked)
                    .user_by_barcode(&barcode)
                    .await?
                    .map(|u| u.user.id),
                Err(_) => None,
            },
            Some(c) => self
                .store
                .find_carrier_link(&c.carrier_type, &c.id1)
                .await?
                .map(|(u, _)| u.id),
            None => None,
        };
        let entry = AuditEntry {
            actor: format!("app:{}", caller.app_id),
            action: format!("data.{}", Service::InvoiceLookup),
            user_id,
            app_id: Some(caller.app_id.clone()),
            invoices: vec![view.shown_number.to_string()].into(),
            ip: caller.ip,
            detail: serde_json::json!({ "read": what }),
        };
        self.audit_read(entry).await
    }

    /// The invoice with its items (qryInvDetail): the random code, and the QR check code or the
    /// barcode's period, must match as well. A wrong random code answers "no such invoice"
    /// (915) so that random codes cannot be probed; a forged check code answers 953.
    pub async fn lookup_detail(
        &self,
        caller: &Caller,
        lookup: &InvoiceLookup,
        by: &LookupBy,
    ) -> ServiceResult<(InvoiceView, Items)> {
        let (record, checked) = self.find_by_number_and_date(lookup).await?;
        let h = &record.header;
        match by {
            LookupBy::Barcode { random, period } => {
                if h.random_code != Some(*random) || *period != h.period {
                    return Err(ServiceError::NotFound(Missing::Invoice));
                }
            }
            LookupBy::QrCode {
                random,
                encrypt,
                seller_ban,
            } => {
                if h.random_code != Some(*random) || *seller_ban != h.seller.id.as_str() {
                    return Err(ServiceError::NotFound(Missing::Invoice));
                }
                self.check_qr_code(&record, random, encrypt).await?;
            }
        }
        let items = self
            .hot
            .checked_at(&self.store, checked)
            .invoice_items(&record)
            .await?;
        let view = self.view_invoice(record, None);
        self.audit_lookup(caller, &view, "detail", checked).await?;
        Ok((view, items))
    }

    async fn check_qr_code(
        &self,
        record: &InvoiceRecord,
        random: &RandomCode,
        encrypt: &str,
    ) -> ServiceResult<()> {
        let seller = self.store.find_seller(&record.header.seller.id).await?;
        // A seller whose seed key the Platform does not hold cannot be checked; the other
        // fields already matched.
        let Some(key) = seller.and_then(|s| s.qr_seed_key) else {
            return Ok(());
        };
        let key = QrSeedKey::parse(&key).map_err(|e| {
            ServiceError::Internal(crate::error::InternalError::caused_by(
                format!("stored seed key of {}", record.header.seller.id),
                e,
            ))
        })?;
        if crypto::verify_verification(&key, &record.header.number, random, encrypt) {
            Ok(())
        } else {
            Err(ServiceError::Unproven(Proof::CheckCode))
        }
    }

    /// The invoice by number and date, kept by number (services/kept_invoices.rs), with the
    /// cache versions it was read at, for the rest of the call.
    async fn find_by_number_and_date(
        &self,
        lookup: &InvoiceLookup,
    ) -> ServiceResult<(Arc<InvoiceRecord>, Checked)> {
        let hot = self.hot.at(&self.store, self.clock.now()).await?;
        let record = hot
            .invoice(&lookup.number, Period::of_date(lookup.date))
            .await?
            .filter(|r| r.header.date == lookup.date)
            .ok_or(ServiceError::NotFound(Missing::Invoice))?;
        Ok((record, hot.checked()))
    }
}

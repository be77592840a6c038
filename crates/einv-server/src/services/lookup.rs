//! Invoice lookup by what is printed on the proof copy (qryInvHeader, qryInvDetail).

use chrono::NaiveDate;
use einv_core::barcode::{crypto, QrSeedKey, RandomCode};
use einv_core::{InvoiceNumber, Period};
use einv_store::{InvoiceItem, InvoiceRecord};

use super::{InvoiceView, Platform};
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
    /// The invoice header (qryInvHeader): number and date must match.
    pub async fn lookup_header(&self, lookup: &InvoiceLookup) -> ServiceResult<InvoiceView> {
        let record = self.find_by_number_and_date(lookup).await?;
        Ok(self.view_invoice(record, None))
    }

    /// The invoice with its items (qryInvDetail): the random code, and the QR check code or the
    /// barcode's period, must match as well. A wrong random code answers "no such invoice"
    /// (915) so that random codes cannot be probed; a forged check code answers 953.
    pub async fn lookup_detail(
        &self,
        lookup: &InvoiceLookup,
        by: &LookupBy,
    ) -> ServiceResult<(InvoiceView, Vec<InvoiceItem>)> {
        let record = self.find_by_number_and_date(lookup).await?;
        let h = &record.header;
        match by {
            LookupBy::Barcode { random, period } => {
                if random.as_str() != h.random_code || *period != h.period {
                    return Err(ServiceError::NotFound(Missing::Invoice));
                }
            }
            LookupBy::QrCode {
                random,
                encrypt,
                seller_ban,
            } => {
                if random.as_str() != h.random_code || *seller_ban != h.seller_ban {
                    return Err(ServiceError::NotFound(Missing::Invoice));
                }
                self.check_qr_code(&record, random, encrypt).await?;
            }
        }
        let items = self.store.invoice_items(record.id).await?;
        Ok((self.view_invoice(record, None), items))
    }

    async fn check_qr_code(
        &self,
        record: &InvoiceRecord,
        random: &RandomCode,
        encrypt: &str,
    ) -> ServiceResult<()> {
        let seller = self.store.find_seller(&record.header.seller_ban).await?;
        // A seller whose seed key the Platform does not hold cannot be checked; the other
        // fields already matched.
        let Some(key) = seller.and_then(|s| s.qr_seed_key) else {
            return Ok(());
        };
        let key = QrSeedKey::parse(&key).map_err(|e| {
            ServiceError::Internal(format!(
                "stored seed key of {}: {e}",
                record.header.seller_ban
            ))
        })?;
        if crypto::verify_verification(&key, &record.header.number, random, encrypt) {
            Ok(())
        } else {
            Err(ServiceError::Unproven(Proof::CheckCode))
        }
    }

    async fn find_by_number_and_date(
        &self,
        lookup: &InvoiceLookup,
    ) -> ServiceResult<InvoiceRecord> {
        self.store
            .find_invoice(&lookup.number, Period::of_date(lookup.date))
            .await?
            .filter(|r| r.header.date == lookup.date)
            .ok_or(ServiceError::NotFound(Missing::Invoice))
    }
}

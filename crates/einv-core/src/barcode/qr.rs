//! The two QR codes of a proof copy (`docs/domain.md` §7).
//!
//! Left code: a 77-character fixed part (invoice number, ROC date, random code, sales and total
//! amounts in hex, buyer and seller IDs, the encrypted verification field), then `:`-separated
//! seller area, items-in-codes count, total items, encoding, and `name:quantity:unit price`
//! repeated. The right code starts with `**` and continues the item list. Offsets in errors are
//! byte offsets into the code's text.

use chrono::Datelike;

use super::items;
use super::qr_read::{check, parse_codes, raw_text_reader};
use super::{crypto, ProofBarcode, QrSeedKey};
use crate::period::ROC_OFFSET;
use crate::{BusinessId, InvalidValue, Ntd, Period};

pub use super::qr_layout::{
    ItemEncoding, PartialQr, ProofQr, QrError, QrItem, QrSide, FIXED_LEN, RIGHT_PREFIX,
    UNUSED_SELLER_AREA, ZEROS,
};

impl ProofQr {
    /// Reads both codes; the items listed must match the count the left code gives.
    pub fn parse(left: &str, right: &str) -> Result<Self, QrError> {
        let (qr, count, offset) = parse_codes(left, Some(right))?;
        if qr.items.len() != count as usize {
            let problem = format!(
                "says {count} items are in the codes, found {}",
                qr.items.len()
            );
            return Err(QrError::new(
                QrSide::Left,
                offset,
                "items in codes",
                &problem,
            ));
        }
        Ok(qr)
    }

    /// Reads a left code alone, keeping the complete items it holds.
    pub fn parse_left(left: &str) -> Result<PartialQr, QrError> {
        let (qr, items_in_codes, _) = parse_codes(left, None)?;
        Ok(PartialQr { qr, items_in_codes })
    }

    /// Reads the raw bytes of two scans: Big5 when the left code's encoding field is `0`, else
    /// UTF-8; then as [`Self::parse`].
    pub fn decode_bytes(left: &[u8], right: &[u8]) -> Result<Self, QrError> {
        let text = raw_text_reader(left);
        Self::parse(&text(left, QrSide::Left)?, &text(right, QrSide::Right)?)
    }

    /// Reads the raw bytes of a left code alone, as [`Self::decode_bytes`] does.
    pub fn decode_left_bytes(left: &[u8]) -> Result<PartialQr, QrError> {
        Self::parse_left(&raw_text_reader(left)(left, QrSide::Left)?)
    }

    /// The two codes' text, the first item in the left code and the rest in the right one, as
    /// in the spec's example.
    pub fn build(&self) -> Result<(String, String), InvalidValue> {
        self.build_with_left_items(1)
    }

    /// The two codes' text with the first `left_items` items in the left code.
    pub fn build_with_left_items(
        &self,
        left_items: usize,
    ) -> Result<(String, String), InvalidValue> {
        check(self)?;
        let n = left_items.min(self.items.len());
        let item_text = |items: &[QrItem], trailing: bool| {
            let mut text = items
                .iter()
                .map(|i| format!("{}:{}:{}", i.name, i.quantity, i.unit_price))
                .collect::<Vec<_>>()
                .join(":");
            // A left area ends with `:` so the right code's items follow on cleanly.
            if trailing && !text.is_empty() {
                text.push(':');
            }
            text
        };
        let (mut left_area, mut right_area) = (
            item_text(&self.items[..n], true),
            item_text(&self.items[n..], false),
        );
        if self.encoding == ItemEncoding::Base64 {
            left_area = items::encode_base64(&left_area);
            right_area = items::encode_base64(&right_area);
        }
        let hex = |amount: Option<Ntd>| {
            amount.map_or(ZEROS.to_owned(), |a| format!("{:08X}", a.dollars()))
        };
        let left = format!(
            "{}{:03}{:02}{:02}{}{}{}{}{}{}:{}:{}:{}:{}:{}",
            self.invoice_number,
            self.date.year() - ROC_OFFSET,
            self.date.month(),
            self.date.day(),
            self.random_code,
            hex(self.sales_amount),
            hex(Some(self.total_amount)),
            self.buyer_id.as_deref().unwrap_or(ZEROS),
            self.seller_id,
            self.verification,
            self.seller_area,
            self.items.len(),
            self.total_items,
            self.encoding.code(),
            left_area,
        );
        Ok((left, format!("{RIGHT_PREFIX}{right_area}")))
    }

    /// The raw bytes to put in the two codes: Big5 for [`ItemEncoding::Big5`], else UTF-8.
    pub fn build_bytes(&self) -> Result<(Vec<u8>, Vec<u8>), InvalidValue> {
        let (left, right) = self.build()?;
        if self.encoding != ItemEncoding::Big5 {
            return Ok((left.into_bytes(), right.into_bytes()));
        }
        let big5 = |t: &str| {
            items::big5_bytes(t).ok_or_else(|| InvalidValue::new("items", "no Big5 form"))
        };
        Ok((big5(&left)?, big5(&right)?))
    }

    /// Whether the encrypted verification field matches the invoice number and random code
    /// under the seller's key.
    pub fn verify(&self, key: &QrSeedKey) -> bool {
        crypto::verify_verification(
            key,
            &self.invoice_number,
            &self.random_code,
            &self.verification,
        )
    }

    /// The seller ID as a registered business ID (checksum or allow-list).
    pub fn seller_business_id(&self) -> Result<BusinessId, InvalidValue> {
        BusinessId::parse(&self.seller_id).map_err(|e| e.for_field("seller ID"))
    }

    /// The invoice's period.
    pub fn period(&self) -> Period {
        Period::of_date(self.date)
    }

    /// The 1D barcode of the same invoice.
    pub fn barcode(&self) -> ProofBarcode {
        ProofBarcode {
            period: self.period(),
            invoice_number: self.invoice_number,
            random_code: self.random_code,
        }
    }
}

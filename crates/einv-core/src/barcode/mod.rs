//! The barcodes printed on an e-invoice proof copy (電子發票證明聯), `docs/domain.md` §7:
//! the Code39 1D barcode ([`code39`]), the two QR codes ([`qr`]) and the AES verification field
//! of the left QR code ([`crypto`]).

pub mod code39;
pub mod crypto;
mod items;
pub mod qr;
mod qr_layout;
mod qr_read;

#[cfg(test)]
mod qr_tests;

use serde::{Deserialize, Serialize};

use crate::InvalidValue;

pub use code39::ProofBarcode;
pub use crypto::QrSeedKey;
pub use qr::{ItemEncoding, PartialQr, ProofQr, QrError, QrItem, QrSide};

/// The 4-digit random code (隨機碼) printed on an invoice, e.g. `9999`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RandomCode([u8; 4]);

impl RandomCode {
    /// Parses exactly four digits.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let bytes = text.as_bytes();
        if bytes.len() != 4 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(InvalidValue::new(
                "random code",
                format!("expected 4 digits, got {text:?}"),
            ));
        }
        let mut raw = [0u8; 4];
        raw.copy_from_slice(bytes);
        Ok(Self(raw))
    }

    /// The four digits.
    pub fn as_str(&self) -> &str {
        // Construction only admits ASCII digits.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

crate::text::text_newtype!(RandomCode);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn random_codes_are_four_digits() {
        assert_eq!(RandomCode::parse("0122").unwrap().to_string(), "0122");
        let bad = ["122", "01223", "01a2", " 122", ""];
        crate::error::assert_parses(RandomCode::parse, &[], &bad, "random code");
    }
}

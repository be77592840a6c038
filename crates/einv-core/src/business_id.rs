//! Business IDs (統一編號): eight digits with a weighted checksum.

use serde::{Deserialize, Serialize};

use crate::InvalidValue;

/// Registered business IDs that fail the checksum but exist (`docs/domain.md` §4).
/// The operator adds more with [`BusinessId::parse_allowing`].
pub const KNOWN_IRREGULAR_IDS: &[&str] = &["90316313"];

const WEIGHTS: [u32; 8] = [1, 2, 1, 2, 1, 2, 4, 1];

/// A valid business ID, e.g. `04595257`. `00000000` ("no buyer" in QR codes and MIG files) is
/// never a business ID.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BusinessId([u8; 8]);

/// The checksum sum Z: for each digit, the tens and ones digits of digit × weight, added up.
pub fn checksum_sum(digits: &[u8; 8]) -> u32 {
    digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| {
            let p = u32::from(d - b'0') * w;
            p / 10 + p % 10
        })
        .sum()
}

/// Whether eight digits pass the checksum: Z mod 5 = 0, or the 7th digit is 7 and (Z+1) mod 5 = 0.
/// (The pre-2023-04 mod-10 rule is a special case of this one.)
pub fn passes_checksum(digits: &[u8; 8]) -> bool {
    let z = checksum_sum(digits);
    z.is_multiple_of(5) || (digits[6] == b'7' && (z + 1).is_multiple_of(5))
}

impl BusinessId {
    /// Parses eight digits that pass the checksum or are on [`KNOWN_IRREGULAR_IDS`].
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        Self::parse_allowing(text, &[])
    }

    /// Parses like [`Self::parse`], also accepting the IDs of `allow_list`.
    pub fn parse_allowing(text: &str, allow_list: &[String]) -> Result<Self, InvalidValue> {
        let err = |p: String| InvalidValue::new("business ID", p);
        let bytes = text.as_bytes();
        if bytes.len() != 8 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(err(format!("expected exactly 8 digits, got {text:?}")));
        }
        if text == "00000000" {
            return Err(err(
                "00000000 means \"no buyer\" and is not a business ID".into()
            ));
        }
        let mut raw = [0u8; 8];
        raw.copy_from_slice(bytes);
        let allowed =
            KNOWN_IRREGULAR_IDS.contains(&text) || allow_list.iter().any(|a| a.as_str() == text);
        if !allowed && !passes_checksum(&raw) {
            return Err(err(format!("{text} fails the checksum")));
        }
        Ok(Self(raw))
    }

    /// The eight digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

crate::text::text_newtype!(BusinessId);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn z(s: &str) -> u32 {
        let mut raw = [0u8; 8];
        raw.copy_from_slice(s.as_bytes());
        checksum_sum(&raw)
    }

    #[test]
    fn the_reference_table() {
        let table = [
            ("04595257", 40, true),
            ("04595252", 35, true),
            ("10458575", 30, true),
            ("10458574", 29, true),
            ("10458570", 25, true),
            ("12345678", 42, false),
            ("10458576", 31, false),
        ];
        for (id, sum, valid) in table {
            assert_eq!(z(id), sum, "{id}");
            assert_eq!(BusinessId::parse(id).is_ok(), valid, "{id}");
        }
    }

    #[test]
    fn allow_list_admits_registered_irregular_ids() {
        assert!(!passes_checksum(b"90316313"));
        assert!(BusinessId::parse("90316313").is_ok());
        assert!(BusinessId::parse("12345678").is_err());
        assert!(BusinessId::parse_allowing("12345678", &["12345678".into()]).is_ok());
    }

    #[test]
    fn rejects_no_buyer_whitespace_and_shape() {
        for bad in [
            "00000000",
            " 04595257",
            "04595257 ",
            "0459525",
            "045952571",
            "0459525a",
        ] {
            let e = BusinessId::parse(bad).unwrap_err();
            assert_eq!(e.field, "business ID");
        }
    }

    proptest! {
        #[test]
        fn roundtrip(s in "[0-9]{8}") {
            if let Ok(id) = BusinessId::parse(&s) {
                prop_assert_eq!(BusinessId::parse(&id.to_string()).unwrap(), id);
            }
        }
    }
}

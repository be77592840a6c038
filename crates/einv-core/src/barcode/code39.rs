//! The Code39 1D barcode of a proof copy: 19 characters, period `yyyMM` + invoice number +
//! random code, e.g. `10404UZ176908720122` (`docs/domain.md` §7).

use std::fmt;
use std::str::FromStr;

use super::RandomCode;
use crate::{InvalidValue, InvoiceNumber, Period};

/// The length of the barcode's text.
pub const BARCODE_LEN: usize = 19;

/// What the 1D barcode carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProofBarcode {
    /// The invoice's period, e.g. `10404`.
    pub period: Period,
    /// The invoice number, e.g. `UZ17690872`.
    pub invoice_number: InvoiceNumber,
    /// The random code, e.g. `0122`.
    pub random_code: RandomCode,
}

impl ProofBarcode {
    /// Parses the 19 characters of a scanned barcode. Errors name the part that is wrong.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        if text.len() != BARCODE_LEN || !text.is_ascii() {
            return Err(InvalidValue::new(
                "barcode",
                format!(
                    "expected 19 characters (period yyyMM, invoice number, random code), got {text:?}"
                ),
            ));
        }
        let part = |name: &str, range: &str, e: InvalidValue| {
            InvalidValue::new(
                "barcode",
                format!("{name} (characters {range}): {}", e.problem),
            )
        };
        let period = Period::parse(&text[..5]).map_err(|e| part("period", "1-5", e))?;
        let invoice_number =
            InvoiceNumber::parse(&text[5..15]).map_err(|e| part("invoice number", "6-15", e))?;
        let random_code =
            RandomCode::parse(&text[15..]).map_err(|e| part("random code", "16-19", e))?;
        Ok(Self {
            period,
            invoice_number,
            random_code,
        })
    }

    /// The barcode's text, e.g. `10404UZ176908720122`.
    pub fn build(&self) -> String {
        format!(
            "{}{}{}",
            self.period.code(),
            self.invoice_number,
            self.random_code
        )
    }
}

impl fmt::Display for ProofBarcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.build())
    }
}

impl FromStr for ProofBarcode {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_spec_example() {
        let b = ProofBarcode::parse("10404UZ176908720122").unwrap();
        assert_eq!(b.period.code(), "10404");
        assert_eq!(b.period.display_zh(), "104年03-04月");
        assert_eq!(b.invoice_number.as_str(), "UZ17690872");
        assert_eq!(b.random_code.as_str(), "0122");
        assert_eq!(b.build(), "10404UZ176908720122");
    }

    #[test]
    fn errors_name_the_part() {
        let cases = [
            ("10404UZ17690872012", "19 characters"),
            ("10403UZ176908720122", "period"),
            ("10404Uz176908720122", "invoice number"),
            ("10404UZ17690872012X", "random code"),
            ("10404UZ１76908720122", "19 characters"),
        ];
        for (text, needle) in cases {
            let e = ProofBarcode::parse(text).unwrap_err();
            assert_eq!(e.field, "barcode");
            assert!(e.problem.contains(needle), "{text}: {}", e.problem);
        }
    }

    proptest! {
        #[test]
        fn roundtrip(roc in 1i32..=999, half in 1u32..=6, n in "[A-Z]{2}[0-9]{8}", r in "[0-9]{4}") {
            let b = ProofBarcode {
                period: Period::new(roc + crate::period::ROC_OFFSET, half * 2).unwrap(),
                invoice_number: InvoiceNumber::parse(&n).unwrap(),
                random_code: RandomCode::parse(&r).unwrap(),
            };
            let text = b.build();
            prop_assert_eq!(text.len(), BARCODE_LEN);
            prop_assert_eq!(ProofBarcode::parse(&text).unwrap(), b);
        }
    }
}

//! Invoice numbers (字軌號碼): two upper-case letters (the track) and eight digits.

use serde::{Deserialize, Serialize};

use crate::InvalidValue;

/// A valid invoice number such as `LY42140650`.
///
/// Stored as its 10 ASCII bytes so the prize engine can read the digits without parsing.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InvoiceNumber([u8; 10]);

impl InvoiceNumber {
    /// Parses `LY42140650` or the display form `LY-42140650`. No trimming: surrounding
    /// whitespace is an error the user should see.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let err = |problem: &str| InvalidValue::new("invoice number", problem);
        let compact: String = match text.as_bytes() {
            [a, b, b'-', rest @ ..] if rest.len() == 8 => {
                format!("{}{}{}", *a as char, *b as char, &text[3..])
            }
            _ => text.to_owned(),
        };
        let bytes = compact.as_bytes();
        if bytes.len() != 10 {
            return Err(err(&format!(
                "expected 2 letters and 8 digits (e.g. LY42140650), got {text:?}"
            )));
        }
        if !bytes[..2].iter().all(u8::is_ascii_uppercase) {
            return Err(err(&format!(
                "the first two characters must be upper-case letters A-Z, got {text:?}"
            )));
        }
        if !bytes[2..].iter().all(u8::is_ascii_digit) {
            return Err(err(&format!(
                "the last eight characters must be digits, got {text:?}"
            )));
        }
        let mut raw = [0u8; 10];
        raw.copy_from_slice(bytes);
        Ok(Self(raw))
    }

    /// The two-letter track (字軌), e.g. `LY`.
    pub fn track(&self) -> &str {
        self.as_str().get(..2).unwrap_or_default()
    }

    /// The eight digits as a number, e.g. `42140650`. Regular prizes compare these.
    pub fn digits(&self) -> u32 {
        self.0[2..]
            .iter()
            .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
    }

    /// The number as 10 characters, e.g. `LY42140650`.
    pub fn as_str(&self) -> &str {
        // Construction only admits ASCII letters and digits.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The display form with a hyphen, e.g. `LY-42140650`.
    pub fn hyphenated(&self) -> String {
        format!("{}-{}", self.track(), &self.as_str()[2..])
    }

    /// R5.7: the form a donated cloud invoice takes in any third-party response, with the last
    /// three digits hidden: `LY42140***`.
    pub fn masked(&self) -> String {
        format!("{}***", &self.as_str()[..7])
    }
}

crate::text::text_newtype!(InvoiceNumber);

/// An invoice number as a third party may see it (R5.7): `LY42140***` when the invoice was
/// donated, else the full number. It has no way back to the full number of a donated invoice,
/// so every surface that renders one (v1, v2, pages, audit) can only show the masked form.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShownNumber {
    number: InvoiceNumber,
    donated: bool,
}

impl ShownNumber {
    /// `number` as shown for an invoice that is donated (`donated`) or not.
    pub fn new(number: InvoiceNumber, donated: bool) -> Self {
        Self { number, donated }
    }

    /// The number of a donated invoice: always shown masked.
    pub fn donated(number: InvoiceNumber) -> Self {
        Self::new(number, true)
    }

    /// Whether the number is masked (the invoice was donated).
    pub fn is_masked(&self) -> bool {
        self.donated
    }

    /// The full number, only for an invoice that was not donated.
    pub fn unmasked(&self) -> Option<InvoiceNumber> {
        (!self.donated).then_some(self.number)
    }
}

impl std::fmt::Display for ShownNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.donated {
            f.write_str(&self.number.masked())
        } else {
            f.write_str(self.number.as_str())
        }
    }
}

/// Debug output (logs, panics) renders what Display renders: never the hidden digits.
impl std::fmt::Debug for ShownNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ShownNumber({self})")
    }
}

impl Serialize for ShownNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// R5.7: a donated invoice's number renders masked through Display, Debug and serde alike.
    #[test]
    fn a_donated_number_renders_only_masked() {
        let n = InvoiceNumber::parse("LY42140650").unwrap();
        let shown = ShownNumber::donated(n);
        assert_eq!(shown.to_string(), "LY42140***");
        assert_eq!(format!("{shown:?}"), "ShownNumber(LY42140***)");
        assert_eq!(serde_json::to_string(&shown).unwrap(), "\"LY42140***\"");
        assert_eq!(shown.unmasked(), None);
        let kept = ShownNumber::new(n, false);
        assert_eq!(kept.to_string(), "LY42140650");
        assert_eq!(kept.unmasked(), Some(n));
    }

    #[test]
    fn parses_both_display_forms() {
        let n = InvoiceNumber::parse("LY42140650").unwrap();
        assert_eq!(n.to_string(), "LY42140650");
        assert_eq!(n.hyphenated(), "LY-42140650");
        assert_eq!(InvoiceNumber::parse("LY-42140650").unwrap(), n);
        assert_eq!(n.track(), "LY");
        assert_eq!(n.digits(), 42_140_650);
    }

    #[test]
    fn masks_last_three_digits_r5_7() {
        let n = InvoiceNumber::parse("LY42140650").unwrap();
        assert_eq!(n.masked(), "LY42140***");
    }

    #[test]
    fn rejects_malformed_numbers_with_the_problem() {
        for bad in [
            "1234567890",
            "ly42140650",
            "LY4214065",
            "LY421406501",
            " LY42140650",
            "LY4214065X",
            "",
            "LY-4214065",
        ] {
            let e = InvoiceNumber::parse(bad).unwrap_err();
            assert_eq!(e.field, "invoice number", "{bad}");
        }
    }

    proptest! {
        #[test]
        fn parse_display_roundtrip(s in "[A-Z]{2}[0-9]{8}") {
            let n = InvoiceNumber::parse(&s).unwrap();
            prop_assert_eq!(InvoiceNumber::parse(&n.to_string()).unwrap(), n);
            prop_assert_eq!(InvoiceNumber::parse(&n.hyphenated()).unwrap(), n);
        }
    }
}

//! What an app may show: invoice numbers with donated ones masked (R5.7).
//!
//! A [`ShownNumber`] is built from a reply and the invoice's donation mark; once donated, only
//! the masked form (`AB12345***`) exists in the kit's types, so the full number of a donated
//! invoice cannot be shown or stored by mistake.

use std::fmt;

use einv_core::{InvalidValue, InvoiceNumber};
use serde::{Deserialize, Serialize};

/// An invoice number as an app may show and keep it.
///
/// ```
/// use einv_client::ShownNumber;
/// let donated = ShownNumber::from_reply("AB12345678", true).unwrap();
/// assert_eq!(donated.to_string(), "AB12345***");
/// assert!(donated.full().is_none());
/// let kept = ShownNumber::from_reply("AB12345678", false).unwrap();
/// assert_eq!(kept.full().map(|n| n.as_str()), Some("AB12345678"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ShownNumber(Shown);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Shown {
    Full(InvoiceNumber),
    /// Two letters, five digits, `***`: the last three digits are gone, not hidden.
    Masked(String),
}

impl ShownNumber {
    /// Reads a reply's `invNum`: when `donated`, the number is masked whatever the reply said
    /// (R5.7); an already masked `AB12345***` is accepted only for a donated invoice.
    pub fn from_reply(text: &str, donated: bool) -> Result<Self, InvalidValue> {
        if let Some(prefix) = text.strip_suffix("***") {
            let b = prefix.as_bytes();
            let shaped = b.len() == 7
                && b[..2].iter().all(u8::is_ascii_uppercase)
                && b[2..].iter().all(u8::is_ascii_digit);
            if !shaped || !donated {
                return Err(InvalidValue::new(
                    "invNum",
                    format!("{text:?} is neither an invoice number nor a donated one's mask"),
                ));
            }
            return Ok(Self(Shown::Masked(text.to_owned())));
        }
        let number = InvoiceNumber::parse(text).map_err(|e| e.for_field("invNum"))?;
        Ok(Self::of(number, donated))
    }

    /// The shown form of `number`: masked when `donated` (R5.7).
    pub fn of(number: InvoiceNumber, donated: bool) -> Self {
        if donated {
            Self(Shown::Masked(number.masked()))
        } else {
            Self(Shown::Full(number))
        }
    }

    /// The full number, only for an invoice that is not donated.
    pub fn full(&self) -> Option<&InvoiceNumber> {
        match &self.0 {
            Shown::Full(n) => Some(n),
            Shown::Masked(_) => None,
        }
    }

    /// Whether the number is masked (the invoice was donated).
    pub fn is_masked(&self) -> bool {
        matches!(self.0, Shown::Masked(_))
    }

    /// The text to show: `AB12345678`, or `AB12345***` for a donated invoice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Shown::Full(n) => n.as_str(),
            Shown::Masked(m) => m,
        }
    }
}

impl fmt::Display for ShownNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ShownNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ShownNumber({})", self.as_str())
    }
}

impl TryFrom<String> for ShownNumber {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::from_reply(&s, s.ends_with("***"))
    }
}

impl From<ShownNumber> for String {
    fn from(n: ShownNumber) -> Self {
        n.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r5_7_a_donated_number_is_masked_even_when_the_reply_was_not() {
        let n = ShownNumber::from_reply("AB12345678", true).unwrap();
        assert_eq!(n.as_str(), "AB12345***");
        assert!(n.is_masked());
        assert_eq!(n.full(), None);
        assert_eq!(format!("{n:?}"), "ShownNumber(AB12345***)");
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"AB12345***\"");
        let back: ShownNumber = serde_json::from_str(&json).unwrap();
        assert!(back.is_masked());
    }

    #[test]
    fn r5_7_a_mask_is_refused_for_an_invoice_not_donated_and_bad_masks_refused() {
        assert_eq!(
            ShownNumber::from_reply("AB12345***", false)
                .unwrap_err()
                .field,
            "invNum"
        );
        assert!(ShownNumber::from_reply("AB1234***", true).is_err());
        assert!(ShownNumber::from_reply("ab12345***", true).is_err());
        assert!(ShownNumber::from_reply("AB12345***", true).is_ok());
    }
}

//! Love codes (愛心碼 / 捐贈碼): 3 to 7 digits naming a charity.

use serde::{Deserialize, Serialize};

use crate::InvalidValue;

/// A love code such as `919` or `8585`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LoveCode(String);

impl LoveCode {
    /// Parses 3 to 7 digits.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        if !(3..=7).contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidValue::new(
                "love code",
                format!("expected 3 to 7 digits, got {text:?}"),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::text_newtype!(LoveCode);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_three_to_seven_digits() {
        crate::error::assert_parses(
            LoveCode::parse,
            &["919", "1234567"],
            &["91", "12345678", "12a4", " 919", ""],
            "love code",
        );
    }

    proptest! {
        #[test]
        fn roundtrip(s in "[0-9]{3,7}") {
            let l = LoveCode::parse(&s).unwrap();
            prop_assert_eq!(LoveCode::parse(&l.to_string()).unwrap(), l);
        }
    }
}

//! A carrier's verification code (驗證碼): the secret a User proves a mobile barcode with, or
//! an aggregated carrier's hidden ID (CarrierId2) standing in for it.

use crate::InvalidValue;

/// The longest code accepted: codes are short; anything longer is not one.
const MAX_LEN: usize = 64;

/// A verification code as the User typed it: non-empty, printable, at most 64 characters.
/// Never shown: `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct VerificationCode(String);

impl VerificationCode {
    /// Checks the shape of `text` (field `verificationCode`).
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        if text.is_empty() {
            return Err(InvalidValue::new(
                "verificationCode",
                "the verification code is required",
            ));
        }
        if text.chars().count() > MAX_LEN || text.chars().any(char::is_control) {
            return Err(InvalidValue::new(
                "verificationCode",
                format!("at most {MAX_LEN} printable characters"),
            ));
        }
        Ok(Self(text.to_owned()))
    }
}

crate::text::secret_newtype!(VerificationCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_control_characters_are_refused_and_debug_hides_the_code() {
        assert_eq!(
            VerificationCode::parse("").unwrap_err().field,
            "verificationCode"
        );
        assert!(VerificationCode::parse("a\u{0}b").is_err());
        let code = VerificationCode::parse("Code1234").unwrap();
        assert_eq!(code.expose(), "Code1234");
        assert_eq!(format!("{code:?}"), "VerificationCode(***)");
    }
}

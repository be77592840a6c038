//! A User's verification code (驗證碼): the password of a mobile barcode.

use crate::InvalidValue;

/// A verification code that meets the Platform's rules: 6 to 16 ASCII letters and digits, at
/// least one of each. The value never prints (Debug shows a placeholder), so it cannot reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct VerificationCode(String);

impl VerificationCode {
    /// Validates `text` as the value of `field`.
    pub fn parse(field: &str, text: &str) -> Result<Self, InvalidValue> {
        let len = text.chars().count();
        if !(6..=16).contains(&len) {
            return Err(InvalidValue::new(
                field,
                "must be 6 to 16 letters and digits",
            ));
        }
        if !text.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(InvalidValue::new(
                field,
                "only letters A–Z, a–z and digits 0–9",
            ));
        }
        if !text.chars().any(|c| c.is_ascii_digit())
            || !text.chars().any(|c| c.is_ascii_alphabetic())
        {
            return Err(InvalidValue::new(
                field,
                "needs at least one letter and one digit",
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
    fn rules_and_no_leak() {
        assert!(VerificationCode::parse("code", "Code1234").is_ok());
        for bad in [
            "C1",
            "Code 1234",
            "abcdefgh",
            "12345678",
            "Code1234Code12345",
        ] {
            assert_eq!(
                VerificationCode::parse("code", bad).unwrap_err().field,
                "code",
                "{bad}"
            );
        }
        assert!(
            !format!("{:?}", VerificationCode::parse("c", "Code1234").unwrap()).contains("1234")
        );
    }
}

//! The text conversions every validated newtype shares.

/// Implements `Display`, `FromStr`, `TryFrom<String>` and `From<T> for String` for a newtype
/// with `fn parse(&str) -> Result<Self, InvalidValue>` and `fn as_str(&self) -> &str`, and, unless
/// `no_debug` is given (a type whose value is personal data writes its own), `Debug` as
/// `Type(text)`. Serde goes through the same pair with `#[serde(try_from = "String", into =
/// "String")]`, so every way in validates.
macro_rules! text_newtype {
    ($t:ident) => {
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($t), self.as_str())
            }
        }
        $crate::text::text_newtype!($t, no_debug);
    };
    ($t:ident, no_debug) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $t {
            type Err = $crate::InvalidValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $t {
            type Error = $crate::InvalidValue;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$t> for String {
            fn from(value: $t) -> Self {
                value.as_str().to_owned()
            }
        }
    };
}

pub(crate) use text_newtype;

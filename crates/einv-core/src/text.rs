//! The text conversions every validated newtype shares.

/// Implements `Display`, `FromStr`, `TryFrom<String>` and `From<T> for String` for a newtype
/// with `fn parse(&str) -> Result<Self, InvalidValue>` and a method giving its text (`as_str`
/// unless named, returning `&str` or `String`), and, unless `no_debug` is given (a type whose
/// value is personal data writes its own), `Debug` as `Type(text)`. Serde goes through the
/// same pair with `#[serde(try_from = "String", into = "String")]`, so every way in validates.
macro_rules! text_newtype {
    ($t:ident) => {
        $crate::text::text_newtype!($t, as_str);
    };
    ($t:ident, no_debug) => {
        $crate::text::text_newtype!($t, as_str, no_debug);
    };
    ($t:ident, $text:ident) => {
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($t), self.$text())
            }
        }
        $crate::text::text_newtype!($t, $text, no_debug);
    };
    ($t:ident, $text:ident, no_debug) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.$text())
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
                value.$text().into()
            }
        }
    };
}

pub(crate) use text_newtype;

/// `s` as the one of `all` whose word is `s`; otherwise an error for `field` that lists the
/// words (`what` names the thing: "service", "ground", …). Public (hidden) for [`word_text!`].
#[doc(hidden)]
pub fn parse_word<T: Copy>(
    all: &[T],
    word: impl Fn(T) -> &'static str,
    field: &str,
    what: &str,
    s: &str,
) -> Result<T, crate::InvalidValue> {
    all.iter().copied().find(|x| word(*x) == s).ok_or_else(|| {
        let words: Vec<_> = all.iter().map(|x| word(*x)).collect();
        crate::InvalidValue::new(
            field,
            format!("unknown {what} {s:?}; one of {}", words.join(", ")),
        )
    })
}

/// `Display` and `FromStr` for a field-less enum with `ALL` (every value) and a method giving
/// each value's stable word (`as_str` unless named): it prints as its word, and an unknown word
/// is an [`InvalidValue`](crate::InvalidValue) for `field` listing the words (`what` names the
/// thing). For enums that carry more than a word ([`word_enum!`] is the whole of the simpler
/// ones); exported so the server's enums read the same way.
#[macro_export]
macro_rules! word_text {
    ($t:ty, $field:literal, $what:literal) => {
        $crate::word_text!($t, as_str, $field, $what);
    };
    ($t:ty, $word:ident, $field:literal, $what:literal) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                // `pad`, so a width (`{:<8}`) lines the word up in a table.
                f.pad(self.$word())
            }
        }

        impl std::str::FromStr for $t {
            type Err = $crate::InvalidValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::text::parse_word(&Self::ALL[..], Self::$word, $field, $what, s)
            }
        }
    };
}

/// A field-less enum kept as one stable word (in the database, on the wire): `ALL`, `as_str`,
/// `Display`, `FromStr` (an unknown word is an [`InvalidValue`](crate::InvalidValue) for
/// `field` listing the words; `old` words a past version stored still parse), and serde as the
/// same word.
macro_rules! word_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($field:literal, $what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal $(, old $old:literal)? ;)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(into = "&'static str", try_from = "String")]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$( Self::$variant, )+];

            /// The stable word.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $word, )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::InvalidValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $( $old => Ok(Self::$variant), )? )+
                    _ => $crate::text::parse_word(Self::ALL, Self::as_str, $field, $what, s),
                }
            }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> Self {
                value.as_str()
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::InvalidValue;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }
    };
}

pub(crate) use word_enum;

/// `expose` and a `Debug` that prints `Type(***)`, for a newtype over a secret `String` (a
/// password-like code): the value never reaches a log through `{:?}`.
macro_rules! secret_newtype {
    ($t:ident) => {
        impl $t {
            /// The secret itself, for hashing it or comparing it with its hash; never log it.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}(***)", stringify!($t))
            }
        }
    };
}

pub(crate) use secret_newtype;

/// For the word enums' tests: every value's word reads back as that value.
#[cfg(test)]
pub(crate) fn assert_words_read_back<T>(all: &[T], word: fn(T) -> &'static str)
where
    T: std::str::FromStr + PartialEq + std::fmt::Debug + Copy,
    T::Err: std::fmt::Debug,
{
    for value in all {
        assert_eq!(word(*value).parse::<T>().unwrap(), *value);
    }
}

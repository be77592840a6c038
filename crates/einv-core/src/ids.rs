//! Identifiers: the AppID the Platform issues (R4.1) and the row numbers that name a User, a
//! Developer, a licence, an application… inside the Platform.
//!
//! Each row identifier is its own type, so a Developer's number can never be passed where a
//! licence's is expected; the store makes them from its rows and the web layer from its paths.
//! They carry no meaning beyond "the row with this number" and validate nothing else.

use serde::{Deserialize, Serialize};

use crate::InvalidValue;

/// Longest AppID accepted: the Ministry's are 15–20 characters; anything far longer is not one.
const APP_ID_MAX: usize = 64;

/// An AppID, as the Platform issues it on approval (R4.1): letters, digits, `-` and `_`, up to
/// 64 characters. Anyone can *send* an AppID; that it was issued, and to whom, is the
/// authority's question, not this type's.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AppId(String);

impl AppId {
    /// Parses an AppID: 1 to 64 ASCII letters, digits, `-` or `_`.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let fits = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
        if text.is_empty() || text.len() > APP_ID_MAX || !text.bytes().all(fits) {
            return Err(InvalidValue::new(
                "appID",
                format!(
                    "expected 1 to {APP_ID_MAX} letters, digits, '-' or '_', got {} characters",
                    text.chars().count()
                ),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The AppID's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::text_newtype!(AppId);

impl AsRef<str> for AppId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Reading an AppID as text is always safe (the other way round is [`AppId::parse`]), so an
/// `&AppId` goes wherever text is expected: a URL, a header, a log line.
impl std::ops::Deref for AppId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

/// Declares a row identifier: a copyable `i64` newtype with `Display`, serde as a bare number.
macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The identifier of the row numbered `raw`.
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }

            /// The row number, for the store and for URLs.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = InvalidValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse::<i64>().map(Self).map_err(|_| {
                    InvalidValue::new(stringify!($name), format!("expected a number, got {s:?}"))
                })
            }
        }
    };
}

row_id!(
    /// A User (產品使用者) registered on the Platform.
    UserId
);
row_id!(
    /// A Developer (開發者) account.
    DeveloperId
);
row_id!(
    /// A reviewer or operator account of the Center.
    ReviewerId
);
row_id!(
    /// A licence application (R4.2), before and after review.
    ApplicationId
);
row_id!(
    /// A licence (R4.7), from approval to its end.
    LicenceId
);
row_id!(
    /// A User's consent grant to an app (R5.2, R5.6).
    GrantId
);
row_id!(
    /// A User's request to stop using or delete their data (R5.2).
    DeletionRequestId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_ids_are_short_words() {
        crate::error::assert_parses(
            AppId::parse,
            &["EINV0201507071234", "test_app-1"],
            &["", "EINV 1", "EINV/1", "應用", &"A".repeat(65)],
            "appID",
        );
    }

    /// R4.1: an AppID read back from stored JSON (a blank page's session context) is checked
    /// again, so edited text never comes back as an AppID.
    #[test]
    fn an_app_id_read_from_json_is_checked_again() {
        assert!(serde_json::from_str::<AppId>("\"EINV 1/2\"").is_err());
        let id: AppId = serde_json::from_str("\"EINV0001\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"EINV0001\"");
        assert_eq!(&*id, "EINV0001", "read as text wherever text is expected");
    }

    #[test]
    fn row_ids_parse_from_paths_and_keep_their_number() {
        let id: LicenceId = "42".parse().unwrap();
        assert_eq!(id.get(), 42);
        assert_eq!(id.to_string(), "42");
        assert!("4x".parse::<UserId>().is_err());
        assert_eq!(serde_json::to_string(&UserId::new(7)).unwrap(), "7");
    }
}

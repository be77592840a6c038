//! How single fields are written and read: secrets redacted, URLs with their password
//! redacted, rate limits as their `CALLS/SECONDS` text.

use std::fmt::Display;
use std::str::FromStr;

use secrecy::ExposeSecret;
use serde::{Deserialize, Deserializer, Serializer};

use einv_server::startup::SecretString;

/// What a redacted secret shows.
pub const REDACTED: &str = "[redacted]";

/// A secret is shown as [`REDACTED`] when set, left out when not.
// serde's `serialize_with` hands over `&Option<_>`.
#[allow(clippy::ref_option)]
pub fn secret<S: Serializer>(value: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(_) => s.serialize_some(REDACTED),
        None => s.serialize_none(),
    }
}

/// A URL is shown with its password (if any) redacted: the host and database stay readable.
#[allow(clippy::ref_option)]
pub fn url<S: Serializer>(value: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(url) => s.serialize_some(&redact_password(url.expose_secret())),
        None => s.serialize_none(),
    }
}

/// Reads an optional secret straight into a [`SecretString`].
pub fn read_secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SecretString>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(SecretString::from))
}

/// `scheme://user:password@host/…` → `scheme://user:[redacted]@host/…`; anything else as is.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:{REDACTED}{}", &rest[at..]),
        None => url.to_owned(),
    }
}

/// Written with `Display`, read with `FromStr`; a bad value names the problem.
pub mod display {
    use super::*;

    /// Writes `value` as text.
    pub fn serialize<T: Display, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    /// Reads a value from its text.
    pub fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::redact_password;

    #[test]
    fn a_password_in_a_url_is_redacted_and_the_rest_kept() {
        assert_eq!(
            redact_password("postgres://einv:s3cret@db.internal:5432/einv"),
            "postgres://einv:[redacted]@db.internal:5432/einv"
        );
        assert_eq!(
            redact_password("redis://:pw@127.0.0.1:6379/0"),
            "redis://:[redacted]@127.0.0.1:6379/0"
        );
        assert_eq!(
            redact_password("postgres://einv@db/einv"),
            "postgres://einv@db/einv"
        );
        assert_eq!(redact_password("sqlite://x.db"), "sqlite://x.db");
    }
}

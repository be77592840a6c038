//! The parameters of a v1 call, from the query string and the form body together
//! (clients use either, or both: docs/v1-compatibility.md).

use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::Method;

use crate::error::ServiceError;
use crate::http::client_ip::client_ip;
use crate::http::AppState;
use einv_core::InvalidValue;

/// The largest body a v1 call may have: every v1 request is a handful of short fields.
pub const MAX_BODY: usize = 64 * 1024;

/// A v1 call's parameters, decoded twice: as a form decoder reads them (`+` is a space) and
/// with a raw `+` kept as `+`. A client that does not URL-encode its query string sends a
/// signature or a barcode with a raw `+`; the signature is checked against both readings
/// (docs/v1-compatibility.md).
///
/// Cloning is cheap (the pairs are shared). The pairs are decoded into one buffer, each a
/// pair of ranges into it (no `String` per name and value); the owned pairs a signature check
/// reads, and the second reading, are made only when a call asks for them (a signature or a
/// carrier number): an unsigned call that names no carrier, the cacheable lookups, never pays
/// for them.
#[derive(Debug, Clone, Default)]
pub struct V1Params {
    read: Arc<Readings>,
    /// The caller's IP address, when the server knows it.
    pub peer: Option<std::net::IpAddr>,
    /// Set by the gate when it claims this signed call, so its answer is kept (`once.rs`).
    pub claim: super::once::ClaimSlot,
}

/// The parsed pairs, and the raw text the other readings are made from on demand.
#[derive(Debug, Default)]
struct Readings {
    /// Every decoded name and value, one after another.
    text: String,
    /// Each pair as (start of name, end of name = start of value, end of value) in `text`.
    pairs: Vec<(usize, usize, usize)>,
    decoded: OnceLock<Vec<(String, String)>>,
    query: String,
    body: Bytes,
    plus_kept: OnceLock<Vec<(String, String)>>,
    /// The raw text has a `+` (or a body that is not UTF-8): only then can the reading with
    /// `+` kept differ from the decoded one.
    readings_differ: bool,
}

impl Readings {
    fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        let text = self.text.as_str();
        self.pairs
            .iter()
            .map(move |&(name, value, end)| (&text[name..value], &text[value..end]))
    }
}

impl V1Params {
    /// Parses query string and body.
    pub fn parse(query: &str, body: &[u8]) -> Self {
        Self::from_parts(query.to_owned(), Bytes::copy_from_slice(body))
    }

    fn from_parts(query: String, body: Bytes) -> Self {
        // The decoded text is about as long as the raw one.
        let mut text = String::with_capacity(query.len() + body.len());
        let mut pairs = Vec::with_capacity(16);
        for part in [query.as_bytes(), &body] {
            for (name, value) in form_urlencoded::parse(part) {
                let start = text.len();
                text.push_str(&name);
                let mid = text.len();
                text.push_str(&value);
                pairs.push((start, mid, text.len()));
            }
        }
        let readings_differ =
            query.contains('+') || body.contains(&b'+') || std::str::from_utf8(&body).is_err();
        Self {
            read: Arc::new(Readings {
                text,
                pairs,
                decoded: OnceLock::new(),
                query,
                body,
                plus_kept: OnceLock::new(),
                readings_differ,
            }),
            peer: None,
            claim: super::once::ClaimSlot::default(),
        }
    }

    /// The reading with a raw `+` kept, made on first use.
    fn plus_kept(&self) -> &[(String, String)] {
        self.read.plus_kept.get_or_init(|| {
            let mut pairs = Vec::with_capacity(self.read.pairs.len());
            for part in [self.read.query.as_bytes(), &self.read.body] {
                let kept = String::from_utf8_lossy(part).replace('+', "%2B");
                pairs.extend(form_urlencoded::parse(kept.as_bytes()).into_owned());
            }
            pairs
        })
    }

    /// The value of `name` (the first, if repeated).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.read.pairs().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// The value of the first of `names` present (`UUID` or `uuid`).
    pub fn get_any(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|n| self.get(n))
    }

    /// The value of `name` with a raw `+` kept (for barcodes and signatures).
    pub fn get_plus_kept(&self, name: &str) -> Option<&str> {
        // Every carrier call asks for its number this way; without a raw `+` both readings
        // are the same, and the second one (a copy of the raw text, parsed into owned pairs)
        // is not made.
        if !self.read.readings_differ {
            return self.get(name);
        }
        self.plus_kept()
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `name`, or a 903 naming it.
    pub fn require(&self, name: &str) -> Result<&str, ServiceError> {
        match self.get(name) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(InvalidValue::new(name, "is required").into()),
        }
    }

    /// The pairs as a form decoder reads them (`+` is a space).
    /// (made on first use: only signed calls need them owned).
    pub fn decoded(&self) -> &[(String, String)] {
        self.read.decoded.get_or_init(|| {
            self.read
                .pairs()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
    }

    /// Both readings of the parameters, for signature checks.
    pub fn readings(&self) -> [&[(String, String)]; 2] {
        [self.decoded(), self.plus_kept()]
    }
}

impl FromRequest<AppState> for V1Params {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let query = req.uri().query().unwrap_or_default().to_owned();
        // The client, through a trusted proxy when there is one (http/client_ip.rs).
        let peer = client_ip(req.extensions(), req.headers(), &state.trusted_proxies);
        let body = if req.method() == Method::GET {
            Bytes::new()
        } else {
            // An unreadable or oversized body (the router caps bodies at MAX_BODY) counts as
            // no body: the missing fields are then reported by name, the clearest answer v1
            // can give.
            Bytes::from_request(req, state).await.unwrap_or_default()
        };
        let mut params = Self::from_parts(query, body);
        params.peer = peer;
        Ok(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_query_and_body_and_keeps_raw_plus() {
        let p = V1Params::parse("appID=A&cardNo=/AB12+-.", b"action=x&signature=ab%2Bc");
        assert_eq!(p.get("appID"), Some("A"));
        assert_eq!(p.get("action"), Some("x"));
        assert_eq!(p.get("cardNo"), Some("/AB12 -."));
        assert_eq!(p.get_plus_kept("cardNo"), Some("/AB12+-."));
        assert_eq!(p.get("signature"), Some("ab+c"));
        assert_eq!(p.decoded()[1], ("cardNo".to_owned(), "/AB12 -.".to_owned()));
        assert_eq!(p.decoded().len(), 4);
        assert_eq!(p.get_any(&["UUID", "uuid"]), None);
        assert!(
            matches!(p.require("invNum"), Err(ServiceError::Invalid(e)) if e.field == "invNum")
        );
    }

    #[test]
    fn without_a_raw_plus_the_second_reading_is_not_made() {
        let p = V1Params::parse("appID=A", b"cardNo=%2FAB12%2B-.&cardType=3J0002");
        assert_eq!(p.get_plus_kept("cardNo"), Some("/AB12+-."));
        assert_eq!(p.get_plus_kept("cardType"), p.get("cardType"));
        assert_eq!(p.get_plus_kept("none"), None);
        assert!(p.read.plus_kept.get().is_none(), "no second parse");
        // A body that is not UTF-8 is read lossily: the second reading is made.
        let odd = V1Params::parse("", b"cardNo=%2FAB\xff1");
        assert_eq!(odd.get_plus_kept("cardNo"), odd.get("cardNo"));
        assert!(odd.read.plus_kept.get().is_some());
    }
}

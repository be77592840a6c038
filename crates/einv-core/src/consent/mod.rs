//! A User's consent to an app (R5.2–R5.6): what a consent request must say, which purposes can
//! never be declared, and when a grant is live.
//!
//! A [`ConsentRequest`] can only be built with every PDPA item of R5.4 (purpose, period,
//! region, recipients, manner of use) and at least one service; an out-of-scope request (R5.3)
//! must also name the laws involved and what refusing means; a purpose R5.5 forbids cannot be
//! declared at all. A [`ConsentGrant`] is a request the User accepted at an instant; it lapses
//! six calendar months later (R5.6) and is dead after revocation or voiding (R10.2).

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{InvalidValue, Service};

mod code;
mod grant;
mod purpose;
#[cfg(test)]
mod tests;

pub use code::VerificationCode;
pub use grant::{consent_status, lapse_instant, ConsentGrant, ConsentStatus, LAPSE_MONTHS};
pub use purpose::PurposeCategory;

/// The longest text a PDPA item may have: a paragraph a User can read on a phone.
pub const MAX_ITEM_CHARS: usize = 500;

/// A non-empty, trimmed, bounded disclosure text (one PDPA item or one R5.3 disclosure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Disclosure(String);

impl Disclosure {
    /// Validates `text` as the value of `field`; a missing item is refused with R5.4.
    pub fn parse(field: &str, text: &str) -> Result<Self, InvalidValue> {
        let text = text.trim();
        if text.is_empty() {
            return Err(InvalidValue::new(
                field,
                "R5.4: required; a consent request must state it",
            ));
        }
        if text.chars().count() > MAX_ITEM_CHARS {
            return Err(InvalidValue::new(
                field,
                format!("at most {MAX_ITEM_CHARS} characters"),
            ));
        }
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(InvalidValue::new(
                field,
                "must not contain control characters",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Disclosure {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse("disclosure", &s)
    }
}

impl From<Disclosure> for String {
    fn from(d: Disclosure) -> Self {
        d.0
    }
}

impl fmt::Display for Disclosure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PdpaItems {
    /// The kind of purpose (R5.5 forbids some).
    pub category: PurposeCategory,
    /// The specific purpose, in words (特定目的).
    pub purpose: Disclosure,
    /// The period of use (利用期間).
    pub period: Disclosure,
    /// The region of use (利用地區).
    pub region: Disclosure,
    /// The recipients (利用對象).
    pub recipients: Disclosure,
    /// The manner of use (利用方式).
    pub manner: Disclosure,
}

/// What an out-of-scope request (R5.3) must also tell the User.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutOfScope {
    /// The laws involved (所涉法令).
    pub laws: Disclosure,
    /// What refusing means for the User (同意與否對其權益影響).
    pub refusal_effect: Disclosure,
}

/// Whether a grant covers the e-invoice service or a use beyond it (R5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConsentKind {
    /// The e-invoice service (R3.6).
    InScope,
    /// Use beyond the e-invoice service, with the R5.3 disclosures.
    OutOfScope,
}

impl ConsentKind {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InScope => "in-scope",
            Self::OutOfScope => "out-of-scope",
        }
    }

    /// Reads a stable name.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        match s {
            "in-scope" => Ok(Self::InScope),
            "out-of-scope" => Ok(Self::OutOfScope),
            _ => Err(InvalidValue::new(
                "kind",
                format!("must be in-scope or out-of-scope, got {s:?}"),
            )),
        }
    }
}

/// The raw fields of a consent request, as a form or a query string brings them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsentFields {
    /// Space- or comma-separated service names (the OAuth `scope`).
    pub services: String,
    /// The purpose category name.
    pub purpose_category: String,
    /// The purpose in words.
    pub purpose: String,
    /// The period of use.
    pub period: String,
    /// The region of use.
    pub region: String,
    /// The recipients.
    pub recipients: String,
    /// The manner of use.
    pub manner: String,
    /// Laws involved (out-of-scope only).
    pub laws: Option<String>,
    /// What refusing means (out-of-scope only).
    pub refusal_effect: Option<String>,
}

impl ConsentFields {
    /// The PDPA items (R5.4) as the consent page's query names them, the out-of-scope ones
    /// only when given; the service list travels apart, as the OAuth `scope`.
    pub fn pdpa_pairs(&self) -> Vec<(&'static str, &str)> {
        let mut pairs = vec![
            ("purpose_category", self.purpose_category.as_str()),
            ("purpose", &self.purpose),
            ("period", &self.period),
            ("region", &self.region),
            ("recipients", &self.recipients),
            ("manner", &self.manner),
        ];
        pairs.extend(self.laws.as_deref().map(|v| ("laws", v)));
        pairs.extend(
            self.refusal_effect
                .as_deref()
                .map(|v| ("refusal_effect", v)),
        );
        pairs
    }
}

/// A consent request that says everything R5.3–R5.5 require. It cannot exist otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRequest {
    services: BTreeSet<Service>,
    items: PdpaItems,
    out_of_scope: Option<OutOfScope>,
}

/// Parses a service list such as the OAuth `scope` (`carrier-invoices donation`).
pub fn parse_services(field: &str, text: &str) -> Result<BTreeSet<Service>, InvalidValue> {
    let services = text
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<Service>().map_err(|e| e.for_field(field)))
        .collect::<Result<BTreeSet<_>, _>>()?;
    if services.is_empty() {
        return Err(InvalidValue::new(
            field,
            "R5.4: the authorisation scope must name at least one service",
        ));
    }
    Ok(services)
}

impl ConsentRequest {
    /// Validates every field; the error names the first field that is missing or refused.
    pub fn parse(f: &ConsentFields) -> Result<Self, InvalidValue> {
        let services = parse_services("scope", &f.services)?;
        let category: PurposeCategory = f.purpose_category.trim().parse()?;
        let items = PdpaItems {
            category,
            purpose: Disclosure::parse("purpose", &f.purpose)?,
            period: Disclosure::parse("period", &f.period)?,
            region: Disclosure::parse("region", &f.region)?,
            recipients: Disclosure::parse("recipients", &f.recipients)?,
            manner: Disclosure::parse("manner", &f.manner)?,
        };
        let out_of_scope = if category.in_scope() {
            None
        } else {
            let need = |field: &str, v: &Option<String>| {
                Disclosure::parse(field, v.as_deref().unwrap_or_default()).map_err(|_| {
                    InvalidValue::new(
                        field,
                        "R5.3: a use beyond the e-invoice service must state it",
                    )
                })
            };
            Some(OutOfScope {
                laws: need("laws", &f.laws)?,
                refusal_effect: need("refusal_effect", &f.refusal_effect)?,
            })
        };
        Ok(Self {
            services,
            items,
            out_of_scope,
        })
    }

    /// The services asked for (the authorisation scope of R5.4).
    pub fn services(&self) -> &BTreeSet<Service> {
        &self.services
    }

    /// The PDPA items.
    pub fn items(&self) -> &PdpaItems {
        &self.items
    }

    /// The R5.3 disclosures, for an out-of-scope request.
    pub fn out_of_scope(&self) -> Option<&OutOfScope> {
        self.out_of_scope.as_ref()
    }

    /// In scope or out of scope.
    pub fn kind(&self) -> ConsentKind {
        if self.out_of_scope.is_some() {
            ConsentKind::OutOfScope
        } else {
            ConsentKind::InScope
        }
    }

    /// The services as the OAuth `scope` string.
    pub fn scope(&self) -> String {
        self.services
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

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
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::add_calendar_months;
use crate::{InvalidValue, Service};

mod code;
#[cfg(test)]
mod tests;

pub use code::VerificationCode;

/// R5.6: a consent is re-obtained every half year, i.e. it lapses after six calendar months.
pub const LAPSE_MONTHS: u32 = 6;
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

/// What a declared purpose is, so that the forbidden ones (R5.5) can be recognised and refused
/// instead of hidden in free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PurposeCategory {
    /// Providing the e-invoice service itself (R3.6): in scope.
    EInvoiceService,
    /// Personal bookkeeping or budgeting for the User: out of scope (R5.3).
    PersonalFinance,
    /// Statistics about the User's own spending shown to the User: out of scope (R5.3).
    SpendingInsights,
    /// Offers or loyalty benefits for the User: out of scope (R5.3).
    Offers,
}

/// Purposes R5.5 forbids even with out-of-scope consent; they parse only to be refused.
const FORBIDDEN_PURPOSES: [(&str, &str); 3] = [
    (
        "trade-secret-profiling",
        "profiling a specific business's trade secrets",
    ),
    (
        "third-party-disclosure",
        "giving User data to third parties in any form",
    ),
    ("data-resale", "reselling User data to third parties"),
];

impl PurposeCategory {
    /// Every category that can be declared.
    pub const ALL: [PurposeCategory; 4] = [
        Self::EInvoiceService,
        Self::PersonalFinance,
        Self::SpendingInsights,
        Self::Offers,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EInvoiceService => "e-invoice-service",
            Self::PersonalFinance => "personal-finance",
            Self::SpendingInsights => "spending-insights",
            Self::Offers => "offers",
        }
    }

    /// The name in Traditional Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::EInvoiceService => "電子發票服務",
            Self::PersonalFinance => "個人記帳理財",
            Self::SpendingInsights => "消費分析",
            Self::Offers => "優惠推薦",
        }
    }

    /// The name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::EInvoiceService => "The e-invoice service",
            Self::PersonalFinance => "Personal bookkeeping and budgeting",
            Self::SpendingInsights => "Spending insights",
            Self::Offers => "Offers and loyalty benefits",
        }
    }

    /// Whether using data for this purpose is inside the e-invoice service (R5.3).
    pub fn in_scope(self) -> bool {
        self == Self::EInvoiceService
    }
}

impl FromStr for PurposeCategory {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some((_, what)) = FORBIDDEN_PURPOSES.iter().find(|(name, _)| *name == s) {
            return Err(InvalidValue::new(
                "purpose_category",
                format!("R5.5: {what} may not be declared"),
            ));
        }
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|c| c.as_str()).collect();
                InvalidValue::new(
                    "purpose_category",
                    format!("unknown {s:?}; one of {}", names.join(", ")),
                )
            })
    }
}

/// The PDPA items of R5.4, all required.
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

/// Where a grant stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConsentStatus {
    /// Data may flow.
    Live,
    /// Six calendar months have passed (R5.6).
    Lapsed,
    /// The User revoked it (R5.2).
    Revoked,
    /// Voided by the Platform, e.g. after the developer's suspension (R10.2).
    Voided,
}

impl ConsentStatus {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Lapsed => "lapsed",
            Self::Revoked => "revoked",
            Self::Voided => "voided",
        }
    }
}

/// A consent the User gave at an instant: the request, and the times that end it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentGrant {
    /// What was consented to.
    pub request: ConsentRequest,
    /// When.
    pub granted_at: DateTime<Utc>,
    /// When the User revoked it.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When the Platform voided it.
    pub voided_at: Option<DateTime<Utc>>,
}

impl ConsentGrant {
    /// The User accepts `request` at `at`.
    pub fn give(request: ConsentRequest, at: DateTime<Utc>) -> Self {
        Self {
            request,
            granted_at: at,
            revoked_at: None,
            voided_at: None,
        }
    }

    /// R5.6: six calendar months after it was given (Taipei calendar, month-end clamped).
    pub fn lapses_at(&self) -> DateTime<Utc> {
        lapse_instant(self.granted_at)
    }

    /// Where the grant stands at `now`.
    pub fn status(&self, now: DateTime<Utc>) -> ConsentStatus {
        consent_status(self.granted_at, self.revoked_at, self.voided_at, now)
    }

    /// Whether data may flow under this grant at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.status(now) == ConsentStatus::Live
    }

    /// Whether it is live at `now` and covers `service`.
    pub fn allows(&self, service: Service, now: DateTime<Utc>) -> bool {
        self.is_live(now) && self.request.services.contains(&service)
    }
}

/// R5.6: when a consent given at `granted_at` lapses.
pub fn lapse_instant(granted_at: DateTime<Utc>) -> DateTime<Utc> {
    add_calendar_months(granted_at, LAPSE_MONTHS)
}

/// Where a grant with these times stands at `now`. Voiding and revocation win over lapse; a
/// grant is dead from the very instant it lapses, is revoked or is voided.
pub fn consent_status(
    granted_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    voided_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ConsentStatus {
    if voided_at.is_some_and(|t| now >= t) {
        ConsentStatus::Voided
    } else if revoked_at.is_some_and(|t| now >= t) {
        ConsentStatus::Revoked
    } else if now >= lapse_instant(granted_at) || now < granted_at {
        // A grant read before the instant it was given is not live either.
        ConsentStatus::Lapsed
    } else {
        ConsentStatus::Live
    }
}

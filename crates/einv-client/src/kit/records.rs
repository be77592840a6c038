//! What the kit keeps: consents, cached invoices, carriers, out-of-scope data, the usage trail.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use einv_core::consent::PurposeCategory;
use einv_core::{Period, Service};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use crate::display::ShownNumber;

/// What a consent covers: the e-invoice service, or one use beyond it (R5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ConsentScope {
    /// The e-invoice service (R3.6) for the listed services.
    InScope,
    /// Use beyond the e-invoice service for this purpose (R5.3, R6.3).
    OutOfScope(PurposeCategory),
}

impl ConsentScope {
    /// The stable name: `in-scope` or `out-of-scope:CATEGORY`.
    pub fn key(&self) -> String {
        match self {
            Self::InScope => "in-scope".to_owned(),
            Self::OutOfScope(c) => format!("out-of-scope:{}", c.as_str()),
        }
    }

    /// Reads [`Self::key`].
    pub fn parse(key: &str) -> Option<Self> {
        match key.strip_prefix("out-of-scope:") {
            None if key == "in-scope" => Some(Self::InScope),
            None => None,
            Some(c) => c.parse().ok().map(Self::OutOfScope),
        }
    }
}

/// A User's consent as the app's ledger holds it (R5.2, R5.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentRecord {
    /// The app's id for the User.
    pub user: String,
    /// What it covers.
    pub scope: ConsentScope,
    /// The services it covers.
    pub services: Vec<Service>,
    /// When it was given (or last renewed).
    pub given_at: DateTime<Utc>,
    /// When it lapses: six calendar months after it was given (R5.6).
    pub lapses_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ConsentRecord {
    /// Whether it is live at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && now < self.lapses_at
    }
}

/// Why a datum is kept: for the e-invoice service, or for an out-of-scope purpose (R6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Purpose {
    /// Showing the User their invoices.
    Service,
    /// A use beyond the service; needs the matching out-of-scope consent.
    OutOfScope(PurposeCategory),
}

/// An invoice in the kit's cache; gone at its period's claim deadline (R6.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CachedInvoice {
    /// The app's id for the User.
    pub user: String,
    /// The number, masked if donated (R5.7).
    pub number: ShownNumber,
    /// The invoice date.
    pub date: NaiveDate,
    /// The invoice time, `HH:mm:ss`.
    pub time: String,
    /// The period.
    pub period: Period,
    /// The seller's business ID.
    pub seller_ban: String,
    /// The seller's name.
    pub seller_name: String,
    /// The amount.
    pub amount: String,
    /// Whether it was donated.
    pub donated: bool,
    /// The last day it may be kept (R6.2), Taipei date.
    pub claim_deadline: NaiveDate,
    /// Why it is kept.
    pub purpose: Purpose,
}

/// A User's carrier and verification code as the app keeps them (deleted by `purge`, R11).
#[derive(Clone)]
pub struct StoredCarrier {
    /// The app's id for the User.
    pub user: String,
    /// `cardType`.
    pub card_type: String,
    /// `cardNo`.
    pub card_no: String,
    /// The verification code.
    pub(crate) code: SecretString,
}

impl StoredCarrier {
    /// A carrier to keep.
    pub fn new(user: &str, card_type: &str, card_no: &str, code: &str) -> Self {
        Self {
            user: user.to_owned(),
            card_type: card_type.to_owned(),
            card_no: card_no.to_owned(),
            code: SecretString::from(code.to_owned()),
        }
    }

    /// The credentials for a carrier call.
    pub fn credentials(&self) -> Result<crate::CarrierCredentials, einv_core::InvalidValue> {
        Ok(crate::CarrierCredentials::new(
            einv_core::CarrierType::parse(&self.card_type)?,
            self.card_no.clone(),
            self.code.expose_secret().to_owned(),
        ))
    }
}

impl fmt::Debug for StoredCarrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "StoredCarrier({}, {}, code [redacted])",
            self.user, self.card_type
        )
    }
}

/// A datum kept for an out-of-scope purpose (R5.3, R6.3), identifiable to a User.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutOfScopeDatum {
    /// The app's id for the User.
    pub user: String,
    /// The purpose it is kept for.
    pub category: PurposeCategory,
    /// The app's name for it.
    pub key: String,
    /// The value.
    pub value: serde_json::Value,
    /// When it was stored.
    pub stored_at: DateTime<Utc>,
}

/// One entry of the storage and usage trail (R5.3, R6.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// Whose data (the app's id for the User), or empty for the app itself.
    pub user: String,
    /// What was done, e.g. `carrier-invoices.list`, `invoice.cached`, `consent.recorded`.
    pub action: String,
    /// Details (never a verification code).
    pub detail: String,
}

/// What `purge` deleted, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PurgeCounts {
    /// Cached invoices.
    pub invoices: u64,
    /// Carriers.
    pub carriers: u64,
    /// Verification codes.
    pub verification_codes: u64,
    /// Identifiable out-of-scope data.
    pub out_of_scope: u64,
    /// Consents ended.
    pub consents: u64,
    /// Distinct Users whose data was held.
    pub users: u64,
}

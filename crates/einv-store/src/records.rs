//! What the store reads and writes: plain records whose key fields are already domain types.

use chrono::{DateTime, NaiveDate, Utc};
use einv_core::{BusinessId, CarrierType, LoveCode, MobileBarcode, Period, Service};
use serde::{Deserialize, Serialize};

/// A seller (營業人).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seller {
    /// Business ID.
    pub ban: BusinessId,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// The 32-hex-digit QR seed key, when the Platform knows it.
    pub qr_seed_key: Option<String>,
}

pub use einv_core::invoice::{
    Invoice, InvoiceCarrier, InvoiceHeader, InvoiceItem, InvoiceSeller, InvoiceStatus,
};

/// A stored invoice header with what happened to it since its import.
///
/// The header is the invoice as uploaded, except that a donation made through the API shows
/// in `header.donated_to` (with `donated_at`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRecord {
    /// Row ID.
    pub id: i64,
    /// The header.
    pub header: InvoiceHeader,
    /// Issued, cancelled (作廢, F0501) or voided (註銷, F0701).
    pub status: InvoiceStatus,
    /// When it was donated through the API, if it was.
    pub donated_at: Option<DateTime<Utc>>,
}

/// A charity that takes donated invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charity {
    /// Love code.
    pub love_code: LoveCode,
    /// Business ID (checksum-validated).
    pub ban: BusinessId,
    /// Name.
    pub name: String,
    /// Short name.
    pub abbrev: String,
}

/// A User: the holder of a mobile barcode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// Row ID.
    pub id: i64,
    /// Mobile barcode.
    pub mobile_barcode: MobileBarcode,
    /// Argon2 hash of the verification code.
    pub verification_hash: String,
    /// Registration time.
    pub registered_at: DateTime<Utc>,
    /// Deregistration time, if deregistered.
    pub deregistered_at: Option<DateTime<Utc>>,
}

/// A carrier aggregated under a User's mobile barcode (歸戶).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierLink {
    /// Carrier type.
    pub carrier_type: CarrierType,
    /// Visible ID.
    pub id1: String,
    /// Hidden ID.
    pub id2: String,
    /// Name shown to the User.
    pub name: String,
}

/// An AppID's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppStatus {
    /// May call the API.
    Active,
    /// Cut off for now.
    Suspended,
    /// Cut off for good.
    Revoked,
}

impl AppStatus {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Revoked => "revoked",
        }
    }

    pub(crate) fn from_db(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "suspended" => Some(Self::Suspended),
            "revoked" => Some(Self::Revoked),
            _ => None,
        }
    }
}

/// A licensed app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRecord {
    /// The AppID.
    pub app_id: String,
    /// The app's name.
    pub name: String,
    /// The APIKey sealed under the server key.
    pub sealed_key: String,
    /// Status.
    pub status: AppStatus,
    /// Licensed services (R4.5).
    pub services: Vec<Service>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// Unix seconds → instant.
pub(crate) fn from_unix(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// A date as the integer `yyyymmdd` the store keeps.
pub fn date_key(d: NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

/// The integer `yyyMM` the store keeps for a period.
pub fn period_key(p: Period) -> i64 {
    i64::from(p.roc_year()) * 100 + i64::from(p.even_month())
}

pub(crate) fn date_from_key(k: i64) -> Option<NaiveDate> {
    let y = i32::try_from(k / 10_000).ok()?;
    let m = u32::try_from(k / 100 % 100).ok()?;
    let d = u32::try_from(k % 100).ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

//! What the store reads and writes: plain records whose key fields are already domain types.

use chrono::{DateTime, NaiveDate, Utc};
use einv_core::{InvoiceNumber, Period};
use serde::{Deserialize, Serialize};

/// A seller (營業人).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seller {
    /// Business ID.
    pub ban: String,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// The 32-hex-digit QR seed key, when the Platform knows it.
    pub qr_seed_key: Option<String>,
}

/// The life of an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvoiceStatus {
    /// Issued (F0401/C0401).
    Issued,
    /// Voided (作廢, F0701/C0701... see the import module for the mapping).
    Voided,
    /// Cancelled (註銷/折讓 cancel, F0501/C0501).
    Cancelled,
}

impl InvoiceStatus {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Voided => "voided",
            Self::Cancelled => "cancelled",
        }
    }

    pub(crate) fn from_db(s: &str) -> Option<Self> {
        match s {
            "issued" => Some(Self::Issued),
            "voided" => Some(Self::Voided),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }
}

/// The carrier an invoice was issued to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceCarrier {
    /// Carrier type code, e.g. `3J0002`.
    pub carrier_type: String,
    /// Visible carrier ID (CarrierId1).
    pub id1: String,
    /// Hidden carrier ID (CarrierId2).
    pub id2: String,
}

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceItem {
    /// Sequence number, from 1.
    pub seq: i64,
    /// Description.
    pub description: String,
    /// Quantity, as a decimal string.
    pub quantity: String,
    /// Unit price, as a decimal string.
    pub unit_price: String,
    /// Amount, as a decimal string.
    pub amount: String,
}

/// An invoice's header: everything but its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceHeader {
    /// Period.
    pub period: Period,
    /// Invoice number.
    pub number: InvoiceNumber,
    /// Date (Taipei).
    pub date: NaiveDate,
    /// Time, `HH:mm:ss`.
    pub time: String,
    /// Seller business ID.
    pub seller_ban: String,
    /// Buyer business ID (B2B), none for a consumer.
    pub buyer_ban: Option<String>,
    /// The 4-digit random code.
    pub random_code: String,
    /// Currency, none for NTD.
    pub currency: Option<String>,
    /// Sales amount (taxable).
    pub sales_amount: i64,
    /// Tax-free sales amount.
    pub free_tax_amount: i64,
    /// Zero-rated sales amount.
    pub zero_tax_amount: i64,
    /// Tax type: 1 taxable, 2 zero-rated, 3 tax-free, 4 special, 9 mixed.
    pub tax_type: i64,
    /// Tax rate, e.g. `0.05`.
    pub tax_rate: String,
    /// Tax.
    pub tax_amount: i64,
    /// Total including tax.
    pub total_amount: i64,
    /// Carrier, none for a printed proof copy.
    pub carrier: Option<InvoiceCarrier>,
    /// Whether the proof copy was printed.
    pub printed: bool,
    /// The love code or charity business ID it was donated to.
    pub donated_to: Option<String>,
    /// Status.
    pub status: InvoiceStatus,
}

/// An invoice to store, with its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInvoice {
    /// The header.
    pub header: InvoiceHeader,
    /// The items.
    pub items: Vec<InvoiceItem>,
}

/// A stored invoice header with what the store adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRecord {
    /// Row ID.
    pub id: i64,
    /// The header.
    pub header: InvoiceHeader,
    /// The seller's name.
    pub seller_name: String,
    /// The seller's address.
    pub seller_address: String,
    /// When it was donated through the API, if it was.
    pub donated_at: Option<DateTime<Utc>>,
}

/// A charity that takes donated invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charity {
    /// Love code.
    pub love_code: String,
    /// Business ID.
    pub ban: String,
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
    pub mobile_barcode: String,
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
    pub carrier_type: String,
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
    /// Licensed services (service names of the server's catalogue).
    pub services: Vec<String>,
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

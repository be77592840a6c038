//! The v2 replies, typed: what `/docs` and `/api/v2/openapi.json` describe. Dates are
//! `YYYY-MM-DD`, instants RFC 3339, amounts whole NT dollars. A donated invoice's number is a
//! [`ShownNumber`], masked (R5.7).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use crate::ShownNumber;

/// `GET /api/v2/licence`: the app, its licence state, the signing methods it accepts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Licence {
    /// The AppID.
    pub app_id: String,
    /// The Product's name.
    pub name: String,
    /// The licensed services (`carrier-invoices` …).
    pub services: Vec<String>,
    /// The licence state (`active`, `suspended` …).
    pub state: String,
    /// `hmac-sha256`, and `ed25519` once a public key is registered.
    pub signing_methods: Vec<String>,
    /// The registered Ed25519 public keys.
    #[serde(default)]
    pub public_keys: Vec<PublicKey>,
}

/// An Ed25519 public key registered for signing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    /// Its id.
    pub id: i64,
    /// `ed25519`.
    pub algorithm: String,
    /// Base64 of the 32-byte key.
    pub public_key: String,
    /// The developer's label.
    pub label: String,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
}

/// `GET /api/v2/winning-numbers/{period}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WinningNumbers {
    /// The period, `yyyMM`.
    pub period: String,
    /// The draw in the Ministry's QryWinningList field names (`superPrizeNo`,
    /// `spcPrizeNo`, `firstPrizeNo1` … and the amounts), every value a string.
    pub numbers: BTreeMap<String, String>,
}

/// A charity found by love-code search.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Charity {
    /// The love code (捐贈碼).
    pub love_code: String,
    /// Its business ID.
    pub business_id: String,
    /// Its name.
    pub name: String,
    /// Its short name.
    #[serde(default)]
    pub abbreviation: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Charities {
    pub charities: Vec<Charity>,
}

/// A page of the User's invoices.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InvoicePage {
    /// The invoices.
    pub invoices: Vec<Invoice>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
}

/// One invoice.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    /// The number, masked when donated (R5.7).
    pub number: ShownNumber,
    /// The invoice date.
    pub date: NaiveDate,
    /// `HH:mm:ss`.
    pub time: String,
    /// The period, `yyyMM`.
    pub period: String,
    /// The seller.
    pub seller: Seller,
    /// The buyer's business ID (B2B only).
    pub buyer_business_id: Option<String>,
    /// The currency, when not NT$.
    pub currency: Option<String>,
    /// The total, whole NT dollars.
    pub amount: i64,
    /// `issued`, `cancelled`, `voided`.
    pub status: String,
    /// The carrier it went to.
    pub carrier: Option<InvoiceCarrier>,
    /// Donated: then no prize is reported (R5.7).
    pub donated: bool,
    /// Whether it may still be donated.
    pub donatable: bool,
    /// The prize it won, if any.
    pub prize: Option<Prize>,
    /// After this day the app must not keep it (R6.2).
    pub claim_deadline: NaiveDate,
}

/// The seller of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seller {
    /// Business ID.
    pub business_id: String,
    /// Name.
    pub name: String,
    /// Address.
    #[serde(default)]
    pub address: Option<String>,
}

/// A carrier, as an invoice names it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InvoiceCarrier {
    /// The carrier type (`3J0002` …).
    #[serde(rename = "type")]
    pub carrier_type: String,
    /// The carrier's visible ID.
    pub id: String,
}

/// A prize won.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Prize {
    /// `special`, `grand`, `first` … `sixth`.
    pub kind: String,
    /// Whole NT dollars.
    pub amount: i64,
}

/// One invoice with its lines.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InvoiceDetail {
    /// The invoice.
    pub invoice: Invoice,
    /// Its lines.
    pub items: Vec<InvoiceItem>,
}

/// One line of an invoice; quantities and prices as the decimal strings uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceItem {
    /// The line's position, from 1.
    pub seq: u32,
    /// What was sold.
    pub description: String,
    /// Quantity (`1`, `0.5`).
    pub quantity: String,
    /// Unit price (`0` on a discount line).
    pub unit_price: String,
    /// Amount (negative on a discount line).
    pub amount: String,
}

/// `GET /api/v2/me/carriers`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Carriers {
    /// The User's mobile barcode.
    pub mobile_barcode: String,
    /// The carriers aggregated under it.
    pub carriers: Vec<LinkedCarrier>,
}

/// A carrier aggregated under the User's barcode.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkedCarrier {
    /// The carrier type.
    #[serde(rename = "type")]
    pub carrier_type: String,
    /// Its visible ID.
    pub id: String,
    /// Its hidden ID (CarrierId2).
    #[serde(default)]
    pub hidden_id: Option<String>,
    /// Its name.
    #[serde(default)]
    pub name: Option<String>,
}

/// `POST /api/v2/donations`: the receipt.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Donation {
    /// The invoice, masked (R5.7).
    pub invoice_number: ShownNumber,
    /// Its date.
    pub invoice_date: NaiveDate,
    /// The charity's love code.
    pub love_code: String,
    /// The charity's name.
    pub charity: String,
    /// When.
    pub donated_at: DateTime<Utc>,
}

/// `POST /api/v2/destruction-confirmation`: the confirmation as recorded (R11).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DestructionConfirmed {
    /// The AppID.
    pub app_id: String,
    /// The licence that ended.
    pub licence_id: i64,
    /// The statement recorded.
    pub statement: String,
    /// When.
    pub confirmed_at: DateTime<Utc>,
}

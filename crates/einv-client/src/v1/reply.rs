//! Typed v1 replies, read from the Ministry's JSON shapes (`code` a string or a number, dates
//! `yyyyMMdd` or a serialised `java.util.Date`, donated numbers masked).

use chrono::NaiveDate;
use einv_core::Period;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::display::ShownNumber;
use crate::{Error, Result};

/// A reply's fields after a `code` of 200 (or 996, more pages).
pub(crate) type Fields = Map<String, Value>;

/// `code` as a number, whether the reply typed it as a string or a number.
pub(crate) fn code_of(fields: &Fields) -> Result<u16> {
    match fields.get("code") {
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| Error::Decode("reply has no numeric `code`".into()))
}

pub(crate) fn text(fields: &Fields, name: &str) -> String {
    match fields.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn optional(fields: &Fields, name: &str) -> Option<String> {
    Some(text(fields, name)).filter(|s| !s.is_empty())
}

fn compact_date(fields: &Fields, name: &str) -> Result<NaiveDate> {
    let t = text(fields, name);
    NaiveDate::parse_from_str(&t, "%Y%m%d")
        .map_err(|_| Error::Decode(format!("{name}: expected yyyyMMdd, got {t:?}")))
}

fn period(fields: &Fields, name: &str) -> Result<Period> {
    let t = text(fields, name);
    Period::parse(&t).map_err(|e| Error::Decode(format!("{name}: {e}")))
}

/// `invNum` as shown to the app: masked when the invoice was donated (R5.7).
fn shown_number(fields: &Fields, donated: bool) -> Result<ShownNumber> {
    ShownNumber::from_reply(&text(fields, "invNum"), donated)
        .map_err(|e| Error::Decode(e.to_string()))
}

/// The objects of the array `name` (`details`, `carriers`); anything else in it is skipped,
/// and a missing array is an empty list.
fn objects<'a>(fields: &'a Fields, name: &str) -> impl Iterator<Item = &'a Fields> {
    fields
        .get(name)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_object)
}

/// carrierInvChk's `invDate`: a `java.util.Date` (`year` − 1900, 0-based `month`, `date`).
fn java_date(value: Option<&Value>) -> Result<NaiveDate> {
    let get = |k: &str| value.and_then(|v| v.get(k)).and_then(Value::as_i64);
    let (Some(y), Some(m), Some(d)) = (get("year"), get("month"), get("date")) else {
        return Err(Error::Decode(
            "invDate: expected a java.util.Date object".into(),
        ));
    };
    let (y, m, d) = (
        i32::try_from(y + 1900).ok(),
        u32::try_from(m + 1).ok(),
        u32::try_from(d).ok(),
    );
    y.zip(m)
        .zip(d)
        .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y, m, d))
        .ok_or_else(|| Error::Decode("invDate: not a calendar date".into()))
}

/// The header of an invoice (qryInvHeader, and the top of a detail reply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceHeader {
    /// The number, masked when the invoice was donated (R5.7).
    pub number: ShownNumber,
    /// The invoice date.
    pub date: NaiveDate,
    /// `HH:mm:ss`.
    pub time: String,
    /// The period.
    pub period: Period,
    /// `invStatus`: 已確認, 已捐贈, 已作廢 or 已註銷.
    pub status: String,
    /// The seller's name.
    pub seller_name: String,
    /// The seller's business ID.
    pub seller_ban: String,
    /// The seller's address, when given.
    pub seller_address: Option<String>,
    /// The buyer's business ID (B2B invoices).
    pub buyer_ban: Option<String>,
    /// The currency, when given.
    pub currency: Option<String>,
    /// The prize-claim deadline, when the Platform states it (an einv extra, R6.2).
    pub claim_deadline: Option<NaiveDate>,
}

impl InvoiceHeader {
    pub(crate) fn read(f: &Fields) -> Result<Self> {
        let status = text(f, "invStatus");
        let donated = status == "已捐贈";
        Ok(Self {
            number: shown_number(f, donated)?,
            date: compact_date(f, "invDate")?,
            time: text(f, "invoiceTime"),
            period: period(f, "invPeriod")?,
            status,
            seller_name: text(f, "sellerName"),
            seller_ban: text(f, "sellerBan"),
            seller_address: optional(f, "sellerAddress"),
            buyer_ban: optional(f, "buyerBan"),
            currency: optional(f, "currency"),
            claim_deadline: compact_date(f, "claimDeadline").ok(),
        })
    }
}

/// One line of an invoice; the values are the reply's decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// `001`, `002`, …
    pub row: String,
    /// What was sold.
    pub description: String,
    /// Quantity, e.g. `1.0000`.
    pub quantity: String,
    /// Unit price, e.g. `25.0000`.
    pub unit_price: String,
    /// Line amount, e.g. `25.00`.
    pub amount: String,
}

/// An invoice with its lines (qryInvDetail, carrierInvDetail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDetail {
    /// The header.
    pub header: InvoiceHeader,
    /// The total amount, when the reply carries it.
    pub amount: Option<String>,
    /// The lines.
    pub lines: Vec<InvoiceLine>,
}

impl InvoiceDetail {
    pub(crate) fn read(f: &Fields) -> Result<Self> {
        let lines = objects(f, "details")
            .map(|l| InvoiceLine {
                row: text(l, "rowNum"),
                description: text(l, "description"),
                quantity: text(l, "quantity"),
                unit_price: text(l, "unitPrice"),
                amount: text(l, "amount"),
            })
            .collect();
        Ok(Self {
            header: InvoiceHeader::read(f)?,
            amount: optional(f, "amount"),
            lines,
        })
    }
}

/// One invoice of a carrier's list (carrierInvChk).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierInvoice {
    /// The number, masked when donated (R5.7).
    pub number: ShownNumber,
    /// The invoice date.
    pub date: NaiveDate,
    /// `HH:mm:ss`.
    pub time: String,
    /// The period.
    pub period: Period,
    /// The carrier type the invoice went to.
    pub card_type: String,
    /// The seller's name.
    pub seller_name: String,
    /// The seller's business ID.
    pub seller_ban: String,
    /// `invStatus`.
    pub status: String,
    /// The total amount.
    pub amount: String,
    /// Whether it may still be donated.
    pub donatable: bool,
    /// Whether it was donated (`donateMark` 1): then no prize is reported (R5.7).
    pub donated: bool,
    /// The prize-claim deadline, when the Platform states it (R6.2).
    pub claim_deadline: Option<NaiveDate>,
}

impl CarrierInvoice {
    fn read(f: &Fields) -> Result<Self> {
        let donated = match f.get("donateMark") {
            Some(Value::Number(n)) => n.as_i64() == Some(1),
            Some(Value::String(s)) => s == "1",
            Some(Value::Bool(b)) => *b,
            _ => false,
        };
        Ok(Self {
            number: shown_number(f, donated)?,
            date: java_date(f.get("invDate"))?,
            time: text(f, "invoiceTime"),
            period: period(f, "invPeriod")?,
            card_type: text(f, "cardType"),
            seller_name: text(f, "sellerName"),
            seller_ban: text(f, "sellerBan"),
            status: text(f, "invStatus"),
            amount: text(f, "amount"),
            donatable: f.get("invDonatable").and_then(Value::as_bool) == Some(true),
            donated,
            claim_deadline: compact_date(f, "claimDeadline").ok(),
        })
    }
}

/// One page of a carrier's invoices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarrierInvoicePage {
    /// The invoices on this page.
    pub invoices: Vec<CarrierInvoice>,
    /// Whether more pages follow (code 996, spec v1.9): ask again with the next `page`.
    pub more: bool,
}

impl CarrierInvoicePage {
    pub(crate) fn read(f: &Fields, more: bool) -> Result<Self> {
        let invoices = objects(f, "details")
            .map(CarrierInvoice::read)
            .collect::<Result<_>>()?;
        Ok(Self { invoices, more })
    }
}

/// A charity found by a love-code search (qryLoveCode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charity {
    /// The love code (捐贈碼).
    pub love_code: String,
    /// The charity's business ID.
    pub ban: String,
    /// Its name.
    pub name: String,
    /// Its short name.
    pub abbrev: String,
}

impl Charity {
    pub(crate) fn read_all(f: &Fields) -> Vec<Self> {
        objects(f, "details")
            .map(|c| Self {
                love_code: text(c, "LoveCode"),
                ban: text(c, "SocialWelfareBAN"),
                name: text(c, "SocialWelfareName"),
                abbrev: text(c, "SocialWelfareAbbrev"),
            })
            .collect()
    }
}

/// The answer to a donation (carrierInvDnt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DonationReceipt {
    /// The donated invoice's number, masked (R5.7).
    pub number: ShownNumber,
    /// The invoice date.
    pub date: NaiveDate,
    /// The love code or charity BAN it went to.
    pub npo_ban: String,
    /// `invStatus`, 已捐贈.
    pub status: String,
    /// `invDntTimeStamp`, `yyyy/MM/dd HH:mm:ss` Taipei time.
    pub donated_at: String,
}

impl DonationReceipt {
    pub(crate) fn read(f: &Fields) -> Result<Self> {
        Ok(Self {
            number: shown_number(f, true)?,
            date: compact_date(f, "invDate")?,
            npo_ban: text(f, "NPOBan"),
            status: text(f, "invStatus"),
            donated_at: text(f, "invDntTimeStamp"),
        })
    }
}

/// A carrier aggregated under a mobile barcode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AggregatedCarrier {
    /// The carrier type, e.g. `1K0001`.
    pub carrier_type: String,
    /// The hidden card ID (`carrierId2`), used as `cardEncrypt` for that carrier.
    pub hidden_id: String,
    /// Its name.
    pub name: String,
}

impl AggregatedCarrier {
    pub(crate) fn read_all(f: &Fields) -> Vec<Self> {
        objects(f, "carriers")
            .map(|c| Self {
                carrier_type: text(c, "carrierType"),
                hidden_id: text(c, "carrierId2"),
                name: text(c, "carrierName"),
            })
            .collect()
    }
}

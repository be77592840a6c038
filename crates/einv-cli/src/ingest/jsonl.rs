//! JSON Lines: one invoice, or one void/cancel message, per line (shape in docs/import.md).
//!
//! The fast path deserializes each line straight into [`JsonInvoice`]. serde's type errors do
//! not say which field they are about, so a line that fails is parsed again as plain JSON and
//! checked field by field against a table of the fields to name the culprit.

use std::io::BufRead;

use chrono::NaiveDate;
use einv_store::InvoiceStatus;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use einv_core::invoice::{ItemDraft, RowNumber, TaxRate, TaxType};
use einv_core::{Invoice, InvoiceDraft, Ntd};

use super::validate::{self, FieldNames, RawStatus};
use super::{FileError, Parsed, Rejection, Sink};

mod wire;

pub use wire::{Decimal, DonateMark, PrintMark};

/// One line: an invoice (`status` absent or `"issue"`) or a void/cancel message (`"void"`,
/// `"cancel"`: only `number`, `date` and optionally `sellerBan` are read).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JsonInvoice {
    /// `issue` (default), `void` or `cancel`; also accepted as `message`.
    #[serde(default, alias = "message", skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Invoice number, e.g. `AB12345678`.
    pub number: String,
    /// Date, `yyyy-mm-dd`.
    pub date: String,
    /// Time, `HH:mm:ss`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Seller business ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_ban: Option<String>,
    /// Seller name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_name: Option<String>,
    /// Seller address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_address: Option<String>,
    /// Buyer business ID (B2B); absent for a consumer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_ban: Option<String>,
    /// The 4-digit random code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub random_code: Option<String>,
    /// Currency; absent for NTD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Sales amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_amount: Option<i64>,
    /// Tax-free sales amount (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_tax_amount: Option<i64>,
    /// Zero-rated sales amount (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zero_tax_amount: Option<i64>,
    /// Tax type (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_type: Option<i64>,
    /// Tax rate (default `0.05`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_rate: Option<Decimal>,
    /// Tax (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<i64>,
    /// Total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_amount: Option<i64>,
    /// Carrier type, e.g. `3J0002`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_type: Option<String>,
    /// Visible carrier ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_id1: Option<String>,
    /// Hidden carrier ID (default: the visible one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_id2: Option<String>,
    /// `Y` printed, `N` not (default `N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print_mark: Option<PrintMark>,
    /// `1` donated, `0` not (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub donate_mark: Option<DonateMark>,
    /// The love code of a donated invoice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub npoban: Option<String>,
    /// Items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<JsonItem>,
}

/// One item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JsonItem {
    /// Row (sequence) number, kept as given: a JSON number or a string of 1 to 4 characters
    /// (default: the position, `001` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<Decimal>,
    /// Description.
    pub description: String,
    /// Quantity: a JSON number or a decimal string.
    pub quantity: Decimal,
    /// Unit price: a JSON number or a decimal string.
    pub unit_price: Decimal,
    /// Amount: a JSON number or a decimal string.
    pub amount: Decimal,
}

impl From<&Invoice> for JsonInvoice {
    /// The JSONL line of a checked invoice; it reads back as the same invoice. Defaults are
    /// left out (tax type 1, rate 0.05, zero amounts, not printed, not donated).
    fn from(invoice: &Invoice) -> Self {
        let h = &invoice.header;
        let carrier = h.carrier.as_ref();
        let amount = |n: Ntd| i64::try_from(n.dollars()).unwrap_or(i64::MAX);
        let optional = |n: Ntd| (!n.is_zero()).then(|| amount(n));
        JsonInvoice {
            status: None,
            number: h.number.to_string(),
            date: h.date.format("%Y-%m-%d").to_string(),
            time: Some(h.time.to_string()),
            seller_ban: Some(h.seller.id.to_string()),
            seller_name: Some(h.seller.name.clone()),
            seller_address: Some(h.seller.address.clone()).filter(|a| !a.is_empty()),
            buyer_ban: h.buyer.map(|b| b.to_string()),
            random_code: h.random_code.map(|r| r.to_string()),
            currency: h.currency.as_ref().map(ToString::to_string),
            sales_amount: Some(amount(h.sales_amount)),
            free_tax_amount: optional(h.free_tax_amount),
            zero_tax_amount: optional(h.zero_tax_amount),
            tax_type: (h.tax_type != TaxType::Taxable).then(|| i64::from(h.tax_type.code())),
            tax_rate: (h.tax_rate != TaxRate::general()).then(|| Decimal(h.tax_rate.to_string())),
            tax_amount: Some(amount(h.tax_amount)),
            total_amount: Some(amount(h.total_amount)),
            carrier_type: carrier.map(|c| c.carrier_type.to_string()),
            carrier_id1: carrier.map(|c| c.id1.clone()),
            carrier_id2: carrier.map(|c| c.id2.clone()),
            print_mark: h.printed.then_some(PrintMark::from(true)),
            donate_mark: h.donated_to.is_some().then_some(DonateMark::from(true)),
            npoban: h.donated_to.as_ref().map(ToString::to_string),
            items: invoice
                .items
                .iter()
                .enumerate()
                .map(|(n, i)| JsonItem {
                    // The default row number is left out, as the generator always did.
                    sequence_number: (i.row != RowNumber::of_position(n + 1))
                        .then(|| Decimal(i.row.to_string())),
                    description: i.description.clone(),
                    quantity: Decimal(i.quantity.to_string()),
                    unit_price: Decimal(i.unit_price.to_string()),
                    amount: Decimal(i.amount.to_string()),
                })
                .collect(),
        }
    }
}

/// The JSONL names of the fields, for errors.
pub static NAMES: FieldNames = FieldNames {
    number: "number",
    date: "date",
    time: "time",
    seller_ban: "sellerBan",
    seller_name: "sellerName",
    seller_address: "sellerAddress",
    buyer_ban: "buyerBan",
    random_code: "randomCode",
    currency: "currency",
    amounts: [
        "salesAmount",
        "freeTaxAmount",
        "zeroTaxAmount",
        "taxAmount",
        "totalAmount",
    ],
    tax_type: "taxType",
    tax_rate: "taxRate",
    carrier_type: "carrierType",
    carrier_id1: "carrierId1",
    carrier_id2: "carrierId2",
    print_mark: "printMark",
    donate_mark: "donateMark",
    npoban: "npoban",
    items: "items",
    item: |n| format!("items[{n}]."),
    item_fields: [
        "sequenceNumber",
        "description",
        "quantity",
        "unitPrice",
        "amount",
    ],
};

/// Reads JSON Lines from `input`, pushing one [`Parsed`] per non-blank line.
pub fn parse(mut input: impl BufRead, sink: &mut Sink<'_>) -> Result<(), FileError> {
    let mut buf = Vec::with_capacity(1024);
    let (mut line, mut offset) = (0u64, 0u64);
    loop {
        buf.clear();
        let read = input.read_until(b'\n', &mut buf)?;
        if read == 0 {
            return Ok(());
        }
        line += 1;
        offset += read as u64;
        let mut text = buf.as_slice();
        if line == 1 {
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        }
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        sink(Parsed {
            line,
            offset,
            result: record(text, line),
        })?;
    }
}

/// One line into a record.
pub fn record(text: &[u8], line: u64) -> Result<super::Record, Rejection> {
    let json: JsonInvoice = serde_json::from_slice(text).map_err(|e| locate(text, line, &e))?;
    convert(json).map_err(|(field, reason)| Rejection::new(line, field, reason))
}

fn parse_date(text: &str) -> Result<NaiveDate, validate::Invalid> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| ("date".into(), format!("expected yyyy-mm-dd, got {text:?}")))
}

fn required<T>(value: Option<T>, field: &str) -> Result<T, validate::Invalid> {
    value.ok_or_else(|| (field.to_owned(), "missing".to_owned()))
}

/// A deserialized line into a checked record.
pub fn convert(json: JsonInvoice) -> Result<super::Record, validate::Invalid> {
    let date = parse_date(&json.date)?;
    let status = match json.status.as_deref() {
        None | Some("issue") => None,
        // void: 註銷 (F0701); cancel: 作廢 (F0501).
        Some("void") => Some(InvoiceStatus::Voided),
        Some("cancel") => Some(InvoiceStatus::Cancelled),
        Some(other) => {
            return Err((
                "status".into(),
                format!("expected issue, void or cancel, got {other:?}"),
            ))
        }
    };
    if let Some(status) = status {
        let raw = RawStatus {
            number: json.number,
            date,
            seller_ban: json.seller_ban,
            status,
        };
        return validate::status(raw, ["number", "sellerBan"]);
    }
    let text = |n: Option<i64>| n.map(|n| n.to_string());
    let draft = InvoiceDraft {
        number: json.number,
        date: Some(date),
        time: required(json.time, "time")?,
        seller_id: required(json.seller_ban, "sellerBan")?,
        seller_name: required(json.seller_name, "sellerName")?,
        seller_address: json.seller_address.unwrap_or_default(),
        buyer_id: json.buyer_ban,
        random_number: json.random_code,
        currency: json.currency,
        sales_amount: required(json.sales_amount, "salesAmount")?.to_string(),
        free_tax_sales_amount: text(json.free_tax_amount),
        zero_tax_sales_amount: text(json.zero_tax_amount),
        tax_type: json.tax_type.unwrap_or(1).to_string(),
        tax_rate: json.tax_rate.map(|d| d.0),
        tax_amount: text(json.tax_amount),
        total_amount: required(json.total_amount, "totalAmount")?.to_string(),
        carrier_type: json.carrier_type,
        carrier_id1: json.carrier_id1,
        carrier_id2: json.carrier_id2,
        printed: json.print_mark.is_some_and(|f| f.0),
        donated: json.donate_mark.is_some_and(|f| f.0),
        npoban: json.npoban,
        items: json
            .items
            .into_iter()
            .map(|i| ItemDraft {
                row: i.sequence_number.map(|d| d.0),
                description: i.description,
                quantity: i.quantity.0,
                unit_price: i.unit_price.0,
                amount: i.amount.0,
            })
            .collect(),
    };
    validate::issue(draft, &NAMES)
}

/// Names the field a line that failed to deserialize is wrong about.
fn locate(text: &[u8], line: u64, err: &serde_json::Error) -> Rejection {
    let value: Value = match serde_json::from_slice(text) {
        Ok(value) => value,
        Err(e) => return Rejection::new(line, "(line)", format!("not valid JSON: {e}")),
    };
    let Some(object) = value.as_object() else {
        return Rejection::new(line, "(line)", "expected a JSON object");
    };
    match wire::check_object(object, &wire::FIELDS, "") {
        Some((field, reason)) => Rejection::new(line, field, reason),
        None => Rejection::new(line, "(line)", strip_position(err)),
    }
}

/// serde_json's message without its "at line 1 column N" (the line is reported separately).
fn strip_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests;

//! The invoice fields of v1 replies, shared by the lookup and carrier actions.

use serde_json::{json, Map, Value};

use super::fields::compact_date;
use crate::services::InvoiceView;
use einv_store::{InvoiceItem, InvoiceStatus};

/// The MOF status text of an invoice: F0501 (cancel) is 作廢, F0701 (void) is 註銷.
pub fn status_text(view: &InvoiceView) -> &'static str {
    match view.status() {
        InvoiceStatus::Cancelled => "已作廢",
        InvoiceStatus::Voided => "已註銷",
        InvoiceStatus::Issued if view.donated() => "已捐贈",
        InvoiceStatus::Issued => "已確認",
    }
}

/// The header fields of qryInvHeader / qryInvDetail / carrierInvDetail. The invoice number is
/// masked when donated (R5.7); `claimDeadline` is ours (R6.2), an extra field clients ignore.
pub fn header_fields(view: &InvoiceView) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("invNum".into(), json!(view.shown_number));
    m.insert("invDate".into(), json!(compact_date(view.date())));
    m.insert("sellerName".into(), json!(view.seller().name));
    m.insert("invStatus".into(), json!(status_text(view)));
    m.insert("invPeriod".into(), json!(view.period().code()));
    m.insert("sellerBan".into(), json!(view.seller().id.as_str()));
    m.insert("sellerAddress".into(), json!(view.seller().address));
    m.insert("invoiceTime".into(), json!(view.time().as_str()));
    // Captured live replies send "" (never null) when there is no buyer or currency.
    m.insert(
        "buyerBan".into(),
        json!(view.buyer().map_or("", |b| b.as_str())),
    );
    m.insert(
        "currency".into(),
        json!(view.currency().map_or("", |c| c.as_str())),
    );
    m.insert(
        "claimDeadline".into(),
        json!(compact_date(view.claim_deadline)),
    );
    m
}

/// `details[]` of a detail reply: every value a string, as clients expect, and as uploaded: the
/// row number (`0001` stays `0001`), quantities and prices with their decimals (`25.0000`), a
/// discount line's zero unit price and negative amount.
pub fn item_fields(items: &[InvoiceItem]) -> Value {
    rows(items, |_, i| {
        json!({
            "rowNum": i.row.as_str(),
            "description": i.description,
            "quantity": i.quantity.as_str(),
            "unitPrice": i.unit_price.as_str(),
            "amount": i.amount.as_str(),
        })
    })
}

/// `details[]` of a carrierInvDetail reply: `rowNum` and `amount` are JSON numbers, as the
/// only live carrier capture (version 0.3) shows them, `quantity` and `unitPrice` strings
/// (docs/v1-compatibility.md). A row number that is not a number (MIG allows any 4
/// characters) is served as the line's position. Served by `carrier_json.rs`, written
/// without maps; this map-built form is what its test compares the written bytes against.
#[cfg(test)]
pub fn carrier_item_fields(items: &[InvoiceItem]) -> Value {
    rows(items, |position, i| {
        let row = i.row.as_str().parse::<u32>().unwrap_or(position);
        json!({
            "rowNum": row,
            "description": i.description,
            "quantity": i.quantity.as_str(),
            "unitPrice": i.unit_price.as_str(),
            "amount": decimal_number(i.amount.as_str()),
        })
    })
}

fn rows(items: &[InvoiceItem], row: impl Fn(u32, &InvoiceItem) -> Value) -> Value {
    Value::Array(
        (1..)
            .zip(items)
            .map(|(position, item)| row(position, item))
            .collect(),
    )
}

/// A decimal as a JSON number (`-35`, `12.5`); a value JSON cannot hold as a number stays
/// the string it is, so nothing is lost.
#[cfg(test)]
fn decimal_number(text: &str) -> Value {
    serde_json::from_str::<serde_json::Number>(text).map_or_else(|_| json!(text), Value::Number)
}

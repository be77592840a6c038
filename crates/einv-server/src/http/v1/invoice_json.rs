//! The invoice fields of v1 replies, shared by the lookup and carrier actions.

use serde_json::{json, Map, Value};

use super::fields::compact_date;
use crate::services::InvoiceView;
use einv_store::{InvoiceItem, InvoiceStatus};

/// The MOF status text of an invoice.
pub fn status_text(view: &InvoiceView) -> &'static str {
    match view.record.header.status {
        InvoiceStatus::Voided => "已作廢",
        InvoiceStatus::Cancelled => "已註銷",
        InvoiceStatus::Issued if view.donated() => "已捐贈",
        InvoiceStatus::Issued => "已確認",
    }
}

/// The header fields of qryInvHeader / qryInvDetail / carrierInvDetail. The invoice number is
/// masked when donated (R5.7); `claimDeadline` is ours (R6.2), an extra field clients ignore.
pub fn header_fields(view: &InvoiceView) -> Map<String, Value> {
    let h = &view.record.header;
    let mut m = Map::new();
    m.insert("invNum".into(), json!(view.shown_number));
    m.insert("invDate".into(), json!(compact_date(h.date)));
    m.insert("sellerName".into(), json!(view.record.seller_name));
    m.insert("invStatus".into(), json!(status_text(view)));
    m.insert("invPeriod".into(), json!(h.period.code()));
    m.insert("sellerBan".into(), json!(h.seller_ban));
    m.insert("sellerAddress".into(), json!(view.record.seller_address));
    m.insert("invoiceTime".into(), json!(h.time));
    // Captured live replies send "" (never null) when there is no buyer or currency.
    m.insert(
        "buyerBan".into(),
        json!(h.buyer_ban.as_deref().unwrap_or("")),
    );
    m.insert(
        "currency".into(),
        json!(h.currency.as_deref().unwrap_or("")),
    );
    m.insert(
        "claimDeadline".into(),
        json!(compact_date(view.claim_deadline)),
    );
    m
}

/// `details[]` of a detail reply: every value a string, as clients expect.
pub fn item_fields(items: &[InvoiceItem]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|i| {
                json!({
                    "rowNum": format!("{:03}", i.seq),
                    "description": i.description,
                    "quantity": i.quantity,
                    "unitPrice": i.unit_price,
                    "amount": i.amount,
                })
            })
            .collect(),
    )
}

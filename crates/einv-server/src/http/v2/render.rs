//! v2's JSON shapes: dates `YYYY-MM-DD`, instants RFC 3339, amounts integers (NT$), field
//! names in camelCase domain words.

use einv_store::InvoiceItem;
use serde_json::{json, Value};

use crate::services::InvoiceView;

/// One invoice, as a User's app sees it: a donated invoice's number is masked and reports no
/// prize (R5.7); `claimDeadline` is when any copy the app keeps must be gone (R6.2).
pub fn invoice(view: &InvoiceView) -> Value {
    let h = &view.record.header;
    json!({
        "number": view.shown_number,
        "date": h.date.to_string(),
        "time": h.time,
        "period": h.period.code(),
        "seller": {
            "businessId": h.seller_ban,
            "name": view.record.seller_name,
            "address": view.record.seller_address,
        },
        "buyerBusinessId": h.buyer_ban,
        "currency": h.currency,
        "amount": h.total_amount,
        "status": h.status.as_str(),
        "carrier": h.carrier.as_ref().map(|c| json!({ "type": c.carrier_type, "id": c.id1 })),
        "donated": view.donated(),
        "donatable": view.donatable,
        "prize": view.prize.as_ref().map(|(p, amount)| json!({
            "kind": format!("{p:?}").to_lowercase(),
            "amount": amount.dollars(),
        })),
        "claimDeadline": view.claim_deadline.to_string(),
    })
}

/// An invoice's items.
pub fn items(items: &[InvoiceItem]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|i| {
                json!({
                    "seq": i.seq,
                    "description": i.description,
                    "quantity": i.quantity,
                    "unitPrice": i.unit_price,
                    "amount": i.amount,
                })
            })
            .collect(),
    )
}

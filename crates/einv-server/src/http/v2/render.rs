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
        "time": h.time.as_str(),
        "period": h.period.code(),
        "seller": {
            "businessId": h.seller.id.as_str(),
            "name": h.seller.name,
            "address": h.seller.address,
        },
        "buyerBusinessId": h.buyer.as_ref().map(|b| b.as_str()),
        "currency": h.currency.as_ref().map(|c| c.as_str()),
        "amount": h.total_amount.dollars(),
        "status": view.record.status.as_str(),
        "carrier": h.carrier.as_ref().map(|c| json!({ "type": c.carrier_type.as_str(), "id": c.id1 })),
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
            .zip(1_u32..)
            .map(|(i, seq)| {
                // `seq` is the line's position; the row number as uploaded is v1's `rowNum`.
                json!({
                    "seq": seq,
                    "description": i.description,
                    "quantity": i.quantity.as_str(),
                    "unitPrice": i.unit_price.as_str(),
                    "amount": i.amount.as_str(),
                })
            })
            .collect(),
    )
}

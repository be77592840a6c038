//! v2's JSON shapes: dates `YYYY-MM-DD`, instants RFC 3339, amounts integers (NT$), field
//! names in camelCase domain words.

use einv_store::InvoiceItem;
use serde_json::{json, Value};

use crate::services::InvoiceView;

/// One invoice, as a User's app sees it: a donated invoice's number is masked and reports no
/// prize (R5.7); `claimDeadline` is when any copy the app keeps must be gone (R6.2).
pub fn invoice(view: &InvoiceView) -> Value {
    json!({
        "number": view.shown_number,
        "date": view.date().to_string(),
        "time": view.time().as_str(),
        "period": view.period().code(),
        "seller": {
            "businessId": view.seller().id.as_str(),
            "name": view.seller().name,
            "address": view.seller().address,
        },
        "buyerBusinessId": view.buyer().map(|b| b.as_str()),
        "currency": view.currency().map(|c| c.as_str()),
        "amount": view.total_amount().dollars(),
        "status": view.status().as_str(),
        "carrier": view.carrier().map(|c| json!({ "type": c.carrier_type.as_str(), "id": c.id1 })),
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

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use einv_store::testing::invoice as sample;

    use super::*;

    /// R5.7: v2 renders a donated invoice's number masked, never in full.
    #[test]
    fn a_donated_number_is_rendered_masked() {
        let inv = sample(
            "AB00000002",
            (2026, 11, 21),
            Some(("3J0002", "/AB12+-.")),
            |d| {
                d.donated = true;
                d.npoban = Some("919".into());
            },
        );
        let deadline = NaiveDate::from_ymd_opt(2027, 5, 5).unwrap();
        let rendered = invoice(&InvoiceView::for_test(inv.header, deadline)).to_string();
        assert!(rendered.contains("AB00000***"), "R5.7: {rendered}");
        assert!(!rendered.contains("AB00000002"), "R5.7: {rendered}");
    }
}

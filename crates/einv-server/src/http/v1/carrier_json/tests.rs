//! The written replies against the map-built rendering they replace: the same bytes.

use chrono::NaiveDate;
use einv_store::testing::invoice;
use serde_json::{json, Map, Value};

use super::*;
use crate::http::v1::fields::{compact_date, java_date};
use crate::http::v1::invoice_json::{carrier_item_fields, header_fields};

fn view(
    number: &str,
    day: u32,
    tweak: impl FnOnce(&mut einv_core::invoice::InvoiceDraft),
) -> (InvoiceView, Vec<InvoiceItem>) {
    let inv = invoice(number, (2026, 11, day), Some(("3J0002", "/AB12+-.")), tweak);
    let deadline = NaiveDate::from_ymd_opt(2027, 5, 5).unwrap();
    (InvoiceView::for_test(inv.header, deadline), inv.items)
}

/// The carrierInvChk row as the map-built reply wrote it.
fn map_row(row: usize, view: &InvoiceView) -> Value {
    let carrier = view.carrier();
    json!({
        "rowNum": row,
        "invNum": view.shown_number,
        "cardType": carrier.map(|c| c.carrier_type.as_str()),
        "cardNo": carrier.map(|c| c.id1.as_str()),
        "sellerName": view.seller().name,
        "invStatus": status_text(view),
        "invDonatable": view.donatable,
        "amount": view.total_amount().dollars(),
        "invPeriod": view.period().code(),
        "donateMark": i32::from(view.donated()),
        "sellerBan": view.seller().id.as_str(),
        "sellerAddress": view.seller().address,
        "invoiceTime": view.time().as_str(),
        "buyerBan": view.buyer().map_or("", |b| b.as_str()),
        "currency": view.currency().map_or("", |c| c.as_str()),
        "invDate": java_date(view.date(), view.time().time()),
        "claimDeadline": compact_date(view.claim_deadline),
    })
}

fn views() -> Vec<(InvoiceView, Vec<InvoiceItem>)> {
    vec![
        view("AB00000001", 20, |_| {}),
        view("AB00000002", 21, |d| {
            d.seller_name = "引號\"與\\反斜線\n商店".into();
            d.donated = true;
            d.npoban = Some("919".into());
        }),
        view("AB00000003", 1, |d| {
            d.time = "23:59:59".into();
        }),
    ]
}

#[test]
fn the_written_list_is_the_map_built_list_byte_for_byte() {
    let views: Vec<InvoiceView> = views().into_iter().map(|(v, _)| v).collect();
    for (page, more, only_winning) in [(1, false, false), (3, true, true)] {
        let result = InvoiceListPage {
            invoices: views.clone(),
            more,
        };
        let written = list_reply(Some("0.5"), page, only_winning, &result).text();
        let first = (page as usize - 1) * PAGE_SIZE + 1;
        let mut body = Map::new();
        body.insert(
            "onlyWinningInv".into(),
            json!(if only_winning { "Y" } else { "N" }),
        );
        body.insert(
            "details".into(),
            Value::Array(
                views
                    .iter()
                    .enumerate()
                    .map(|(i, v)| map_row(first + i, v))
                    .collect(),
            ),
        );
        let (code, msg) = if more {
            (996, MORE_PAGES)
        } else {
            (200, "執行成功")
        };
        let built = Reply::with_code(Some("0.5"), CodeType::Number, code, msg, body).text();
        assert_eq!(written, built);
    }
}

#[test]
fn the_written_detail_is_the_map_built_detail_byte_for_byte() {
    for (view, items) in views() {
        let written = detail_reply(Some("0.5"), &view, &items).text();
        let mut body = header_fields(&view);
        body.insert("amount".into(), json!(view.total_amount().dollars()));
        body.insert("details".into(), carrier_item_fields(&items));
        let built = Reply::ok(Some("0.5"), CodeType::Number, body).text();
        assert_eq!(written, built);
    }
}

#[test]
fn an_empty_page_is_an_empty_list() {
    let result = InvoiceListPage {
        invoices: Vec::new(),
        more: false,
    };
    let written: Value =
        serde_json::from_str(&list_reply(Some("0.3"), 1, true, &result).text()).unwrap();
    assert_eq!(written["details"], json!([]));
    assert_eq!(written["onlyWinningInv"], "Y");
    assert_eq!(written["code"], 200);
}

/// R5.7: every v1 surface that shows an invoice (carrierInvChk rows, carrierInvDetail,
/// qryInvHeader/qryInvDetail) writes a donated invoice's number masked, never in full.
#[test]
fn every_v1_reply_shows_a_donated_number_masked() {
    let (donated, items) = views().swap_remove(1);
    assert!(donated.donated());
    let page = InvoiceListPage {
        invoices: vec![donated.clone()],
        more: false,
    };
    let replies = [
        list_reply(Some("0.5"), 1, false, &page).text(),
        detail_reply(Some("0.5"), &donated, &items).text(),
        Value::Object(header_fields(&donated)).to_string(),
    ];
    for reply in replies {
        assert!(reply.contains("AB00000***"), "R5.7: masked in {reply}");
        assert!(!reply.contains("AB00000002"), "R5.7: raw number in {reply}");
    }
}

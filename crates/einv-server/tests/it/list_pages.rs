//! Written list pages (services/list_replies.rs, docs/hot-path.md): a v1 carrier list written
//! once is answered from its bytes until something it shows changes. The clock crossing the
//! draw day (donatable) or the claim deadline (R6.2, a winner is no longer paid) writes it
//! anew at that instant; a donation (R5.7) or a void shows on the next call of the node that
//! took it and on another node after the stated bound; a re-published draw changes the
//! winners at once.

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use einv_core::claim::{claim_deadline, HolidayCalendar};
use einv_core::clock::taipei_midnight;
use einv_core::{Carrier, InvoiceNumber, Period, Service, VerificationCode};
use einv_server::services::{CacheConfig, InvoiceListQuery, KeySealer};
use einv_server::Platform;
use einv_store::{InvoiceBatch, InvoiceStatus, StatusChange, Store};
use serde_json::Value;

use crate::carrier_months::{caller, donate_on, other_node, BOUND};
use crate::common::*;

both_backends!(
    a_kept_page_shows_donatable_until_the_draw_day,
    r6_2_a_kept_winner_page_drops_the_winner_after_the_claim_deadline,
    r5_7_a_donation_is_masked_on_the_next_page_of_the_node_that_took_it,
    r5_7_a_donation_and_a_void_reach_another_nodes_kept_page_after_the_bound,
    a_republished_draw_changes_the_kept_winners_at_once,
    winners_from_the_months_are_the_marked_winners,
);

const PATH: &str = "/PB2CAPIVAN/invServ/InvServ";

/// A v1 list of the fixture User's days `from`–`to` (`yyyy/MM/dd`), sent to `base`.
async fn list_on(app: &TestApp, base: &str, from: &str, to: &str, winners: bool) -> Value {
    let mut params = app.carrier_params("carrierInvChk", "0.5");
    params.extend([
        ("startDate", from.to_owned()),
        ("endDate", to.to_owned()),
        ("onlyWinningInv", if winners { "Y" } else { "N" }.to_owned()),
    ]);
    let res = app
        .http
        .post(format!("{base}{PATH}"))
        .form(&params)
        .send()
        .await
        .unwrap();
    let reply: Value = res.json().await.unwrap();
    assert_eq!(reply["code"], 200, "{reply}");
    reply
}

async fn november(app: &TestApp, base: &str) -> Value {
    list_on(app, base, "2026/11/01", "2026/11/30", false).await
}

/// The row of `number` in a list reply.
fn row<'a>(reply: &'a Value, number: &str) -> Option<&'a Value> {
    reply["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["invNum"] == number)
}

fn numbers(reply: &Value) -> Vec<String> {
    reply["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["invNum"].as_str().unwrap().to_owned())
        .collect()
}

/// Another node (carrier_months.rs), served over HTTP.
async fn other_node_served(app: &TestApp) -> (Arc<Platform>, String) {
    let node = Arc::new(other_node(app).await);
    let base = einv_server::testing::serve_on_free_port(node.clone())
        .await
        .unwrap();
    (node, base)
}

async fn a_kept_page_shows_donatable_until_the_draw_day(app: &TestApp) {
    let draw_day = Period::parse("11512").unwrap().draw_date();
    app.clock
        .set(taipei_midnight(draw_day) - Duration::seconds(1));
    let first = november(app, &app.base).await;
    let kept = november(app, &app.base).await;
    assert_eq!(kept, first, "the same page, answered from its bytes");
    assert!(app.platform.hot.written_pages() >= 1);
    assert_eq!(row(&kept, "AB00000001").unwrap()["invDonatable"], true);
    // The draw day begins: no longer donatable, from the first call of that second.
    app.clock.advance(Duration::seconds(1));
    let after = november(app, &app.base).await;
    assert_eq!(row(&after, "AB00000001").unwrap()["invDonatable"], false);
    assert_eq!(numbers(&after), numbers(&first));
}

async fn r6_2_a_kept_winner_page_drops_the_winner_after_the_claim_deadline(app: &TestApp) {
    let period = Period::parse("11510").unwrap();
    let deadline = claim_deadline(period, &HolidayCalendar::builtin());
    let last_second = taipei_midnight(deadline + Duration::days(1)) - Duration::seconds(1);
    app.clock.set(last_second);
    let october = || list_on(app, &app.base, "2026/10/01", "2026/10/31", true);
    assert_eq!(numbers(&october().await), ["AB12345678"]);
    assert_eq!(numbers(&october().await), ["AB12345678"], "kept");
    // R6.2: past the deadline the prize is not paid, so the invoice is no winner to list.
    app.clock.advance(Duration::seconds(1));
    assert!(numbers(&october().await).is_empty());
}

async fn r5_7_a_donation_is_masked_on_the_next_page_of_the_node_that_took_it(app: &TestApp) {
    let before = november(app, &app.base).await;
    assert_eq!(november(app, &app.base).await, before, "kept");
    assert!(row(&before, "AB00000001").is_some());
    // Same instant: the node reads its own write from the feed on its next call.
    donate_on(&app.platform, "AB00000001").await;
    let after = november(app, &app.base).await;
    assert!(row(&after, "AB00000001").is_none(), "{after}");
    let masked = |r: &Value| numbers(r).iter().filter(|n| *n == "AB00000***").count();
    assert_eq!(masked(&after), masked(&before) + 1, "{after}");
}

async fn r5_7_a_donation_and_a_void_reach_another_nodes_kept_page_after_the_bound(app: &TestApp) {
    let (other, base) = other_node_served(app).await;
    let before = november(app, &base).await;
    assert_eq!(november(app, &base).await, before, "kept");
    donate_on(&app.platform, "AB00000001").await;
    let void = [StatusChange {
        number: InvoiceNumber::parse("AB00000003").unwrap(),
        period: Period::parse("11512").unwrap(),
        seller_ban: None,
        status: InvoiceStatus::Voided,
    }];
    let batch = InvoiceBatch {
        status_changes: &void,
        ..InvoiceBatch::default()
    };
    app.store()
        .insert_invoice_batch(batch, start_time())
        .await
        .unwrap();
    // Within the bound the other node may still answer its kept page; after it, never.
    app.clock.advance(Duration::milliseconds(BOUND));
    let after = november(app, &base).await;
    assert!(row(&after, "AB00000001").is_none(), "R5.7: {after}");
    assert_eq!(row(&after, "AB00000003").unwrap()["invStatus"], "已註銷");
    other.close().await;
}

async fn a_republished_draw_changes_the_kept_winners_at_once(app: &TestApp) {
    let october = || list_on(app, &app.base, "2026/10/01", "2026/10/31", true);
    assert_eq!(numbers(&october().await), ["AB12345678"]);
    assert_eq!(numbers(&october().await), ["AB12345678"], "kept");
    let corrected = draw_11510(&[85_250_862, 61_472_404, 11_111_111]);
    app.platform.publish_draw(&corrected).await.unwrap();
    assert!(numbers(&october().await).is_empty());
}

/// The winners read from the kept months are the ones the marked-winner index gives a node
/// without caches, and pass through the same page.
async fn winners_from_the_months_are_the_marked_winners(app: &TestApp) {
    let uncached = Platform::new(
        Store::connect(app.db_url()).await.unwrap(),
        Arc::new(app.clock.clone()),
        KeySealer::new(&[9; 32]),
        HolidayCalendar::builtin(),
    )
    .with_cache_config(CacheConfig {
        enabled: false,
        check_interval: Duration::zero(),
    });
    let carrier = Carrier::parse("3J0002", BARCODE).unwrap();
    let code = VerificationCode::parse(CODE).unwrap();
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    for (from, to) in [(day(10, 1), day(10, 31)), (day(10, 5), day(10, 5))] {
        let query = InvoiceListQuery {
            from,
            to,
            only_winning: true,
            page: 1,
            after: None,
        };
        let mut lists = Vec::new();
        for node in [&*app.platform, &uncached] {
            let holder = node
                .authenticate_carrier(&caller(), Service::CarrierInvoices, &carrier, &code)
                .await
                .unwrap();
            let page = node
                .carrier_invoice_list(&caller(), &holder, query)
                .await
                .unwrap();
            let shown: Vec<String> = page
                .invoices
                .iter()
                .map(|v| v.shown_number.to_string())
                .collect();
            lists.push(shown);
        }
        assert_eq!(lists[0], ["AB12345678"]);
        assert_eq!(lists[0], lists[1]);
    }
    uncached.close().await;
}

//! The carrier calls (a User's invoices by mobile barcode or aggregated card, their detail,
//! donation R5.7, carrier aggregation) and the refusals each can meet.

use super::*;

both_backends!(
    carrier_list_masks_donated_and_checks_the_code,
    carrier_list_pages_with_996_and_filters_winners,
    carrier_list_refuses_bad_windows_and_stale_timestamps,
    carrier_detail_only_for_own_invoices,
    aggregated_carrier_sees_its_invoices,
    donation_signed_masked_and_refused_when_it_must_be,
    donation_accepts_a_raw_plus_in_the_query_string,
    carrier_aggregation_is_signed,
);

/// The window most of these calls ask about: November 2026.
const NOVEMBER: (&str, &str) = ("2026/11/01", "2026/11/30");

/// A carrier list from `from` to `to`.
async fn list(app: &TestApp, from: &str, to: &str) -> Value {
    app.post(INVSERV, &app.carrier_list(from, to)).await
}

/// A carrier list of the window `(from, to)` with `field` set to `value`.
async fn list_with(app: &TestApp, (from, to): (&str, &str), field: &str, value: &str) -> Value {
    let mut params = app.carrier_list(from, to);
    set(&mut params, field, value);
    app.post(INVSERV, &params).await
}

/// The invoice numbers a carrier reply lists, as shown.
fn inv_numbers(reply: &Value) -> Vec<&str> {
    let details = reply["details"].as_array().unwrap();
    details
        .iter()
        .map(|d| d["invNum"].as_str().unwrap())
        .collect()
}

async fn carrier_list_masks_donated_and_checks_the_code(app: &TestApp) {
    let reply = list(app, "2026/11/01", "2026/11/30").await;
    assert_eq!(reply["code"], 200, "code is a number in carrier replies");
    let details = reply["details"].as_array().unwrap();
    let numbers = inv_numbers(&reply);
    assert_eq!(
        numbers,
        ["AB00000001", "AB00000***", "AB00000003", "AB00000004"],
        "R5.7 masks the donated one; the aggregated EasyCard's invoice is included"
    );
    let donated = &details[1];
    assert_eq!(donated["donateMark"], 1);
    assert_eq!(donated["invDonatable"], false);
    assert_eq!(details[0]["invDonatable"], true);
    assert_eq!(details[0]["invDate"]["year"], 126);
    assert_eq!(details[0]["invDate"]["month"], 10);
    assert!(
        !reply.to_string().contains("AB00000002"),
        "the donated number never appears"
    );
    assert_code(
        &list_with(app, NOVEMBER, "cardEncrypt", "Wrong999").await,
        919,
    );
    assert_code(&list_with(app, NOVEMBER, "cardNo", "/ZZZZZZZ").await, 919);
}

async fn carrier_list_pages_with_996_and_filters_winners(app: &TestApp) {
    let first = list(app, "2026/09/01", "2026/09/30").await;
    assert_eq!(first["code"], 996);
    assert_eq!(first["details"].as_array().unwrap().len(), 100);
    let mut page2 = app.carrier_list("2026/09/01", "2026/09/30");
    set(&mut page2, "version", "0.6");
    page2.push(("page", "2".into()));
    let second = app.post(INVSERV, &page2).await;
    assert_eq!(second["code"], 200);
    assert_eq!(second["details"].as_array().unwrap().len(), 50);
    assert_eq!(second["details"][0]["rowNum"], 101);
    let reply = list_with(app, ("2026/10/01", "2026/10/31"), "onlyWinningInv", "Y").await;
    assert_eq!(reply["code"], 200);
    let numbers = inv_numbers(&reply);
    assert_eq!(numbers, ["AB12345678"]);
}

async fn carrier_list_refuses_bad_windows_and_stale_timestamps(app: &TestApp) {
    assert_invalid(&list(app, "2026/10/01", "2026/11/30").await, "endDate");
    assert_invalid(&list(app, "2026/04/01", "2026/04/30").await, "startDate");
    for (field, seconds_ago) in [("timeStamp", 3600), ("expTimeStamp", 1)] {
        let stale = (app.now_unix() - seconds_ago).to_string();
        assert_code(&list_with(app, NOVEMBER, field, &stale).await, 951);
    }
}

async fn carrier_detail_only_for_own_invoices(app: &TestApp) {
    let ok = app
        .post(INVSERV, &carrier_detail(app, "AB00000001", "2026/11/20"))
        .await;
    assert_eq!(ok["code"], 200);
    assert_eq!(ok["details"][0]["unitPrice"], "105");
    // The 0.3 carrier capture: a detail row's `rowNum` and `amount` are numbers.
    assert_eq!(ok["details"][0]["rowNum"], 1);
    assert_eq!(ok["details"][0]["amount"], 105);
    let donated = app
        .post(INVSERV, &carrier_detail(app, "AB00000002", "2026/11/21"))
        .await;
    assert_eq!(donated["invNum"], "AB00000***");
    assert_code(
        &app.post(INVSERV, &carrier_detail(app, "EF00000001", "2026/11/20"))
            .await,
        915,
    );
}

async fn aggregated_carrier_sees_its_invoices(app: &TestApp) {
    let mut params = app.carrier_list("2026/11/01", "2026/11/30");
    on_easycard(&mut params);
    let reply = app.post(INVSERV, &params).await;
    assert_eq!(reply["code"], 200, "{reply}");
    let numbers = inv_numbers(&reply);
    assert_eq!(numbers, ["AB00000004"]);
    set(&mut params, "cardEncrypt", "guess");
    assert_code(&app.post(INVSERV, &params).await, 919);
}

/// carrierInvDnt of `number` on `date` to `npo`, signed with the APIKey: the reply.
async fn donate(app: &TestApp, number: &str, date: &str, npo: &str) -> Value {
    app.post(DONATE, &signed(donation(app, number, date, npo)))
        .await
}

async fn donation_signed_masked_and_refused_when_it_must_be(app: &TestApp) {
    let reply = donate(app, "AB00000001", "2026/11/20", "919").await;
    assert_eq!(reply["code"], 200, "{reply}");
    assert_eq!(reply["invNum"], "AB00000***", "R5.7");
    assert_eq!(reply["invStatus"], "已捐贈");
    assert_eq!(
        reply["hashSerial"],
        einv_core::wire::hash_serial("0000000001", API_KEY.as_bytes())
    );
    // A new request (another serial) for the same invoice: refused, it was donated.
    let mut again = donation(app, "AB00000001", "2026/11/20", "919");
    set(&mut again, "serial", "0000000002");
    sign(&mut again, API_KEY);
    assert_code(&app.post(DONATE, &again).await, 908);
    let mut no_charity = donation(app, "AB00000004", "2026/11/23", "123");
    on_easycard(&mut no_charity);
    sign(&mut no_charity, API_KEY);
    assert_code(&app.post(DONATE, &no_charity).await, 907);
    assert_code(&donate(app, "AB00000003", "2026/11/22", "919").await, 913);
    assert_invalid(
        &donate(app, "AB12345678", "2026/10/05", "919").await,
        "drawn",
    );
    let mut forged = donation(app, "AB00000004", "2026/11/23", "919");
    sign(&mut forged, "not-the-key");
    assert_code(&app.post(DONATE, &forged).await, 954);
    let unsigned = donation(app, "AB00000004", "2026/11/23", "919");
    assert_code(&app.post(DONATE, &unsigned).await, 954);
    let mut tampered = donation(app, "AB00000004", "2026/11/23", "919");
    sign(&mut tampered, API_KEY);
    set(&mut tampered, "npoBan", "8585");
    assert_code(&app.post(DONATE, &tampered).await, 954);
}

async fn donation_accepts_a_raw_plus_in_the_query_string(app: &TestApp) {
    // BARCODE contains '+', and a client that does not URL-encode sends it raw.
    let params = signed(donation(app, "AB00000001", "2026/11/20", "919"));
    let reply = app.post_raw_query(DONATE, &params).await;
    assert_eq!(reply["code"], 200, "{reply}");
}

async fn carrier_aggregation_is_signed(app: &TestApp) {
    let params = signed(aggregation(app));
    let reply = app.post(AGGREGATE, &params).await;
    assert_eq!(reply["code"], 200, "{reply}");
    assert_eq!(reply["cardNo"], BARCODE);
    assert_eq!(reply["carriers"][0]["carrierType"], "1K0001");
    assert_eq!(reply["carriers"][0]["carrierId2"], EASYCARD_HIDDEN);
    assert_eq!(
        reply["hashSerial"],
        einv_core::wire::hash_serial("0000000002", API_KEY.as_bytes())
    );
}

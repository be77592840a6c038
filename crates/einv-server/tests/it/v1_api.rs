//! The v1 MOF-compatible API end to end: the real server on a random port, a real database
//! (SQLite and PostgreSQL), requests built as a MOF client builds them.

use crate::common::*;
use crate::v1_requests::*;
use einv_core::barcode::{crypto, QrSeedKey, RandomCode};
use einv_core::{Clock, InvoiceNumber};
use serde_json::Value;

both_backends!(
    winning_list_and_period_errors,
    invoice_header_and_its_errors,
    invoice_detail_by_qr_and_barcode,
    carrier_list_masks_donated_and_checks_the_code,
    carrier_list_pages_with_996_and_filters_winners,
    carrier_list_refuses_bad_windows_and_stale_timestamps,
    carrier_detail_only_for_own_invoices,
    aggregated_carrier_sees_its_invoices,
    donation_signed_masked_and_refused_when_it_must_be,
    donation_accepts_a_raw_plus_in_the_query_string,
    carrier_aggregation_is_signed,
    app_and_device_refusals,
    love_code_search,
    a_repeated_signed_request_is_answered_once,
    f0501_cancel_reads_zuofei_and_f0701_void_reads_zhuxiao,
);

fn assert_code(reply: &Value, code: u16) {
    let got = match &reply["code"] {
        Value::String(s) => s.parse::<u16>().unwrap(),
        Value::Number(n) => u16::try_from(n.as_u64().unwrap()).unwrap(),
        other => panic!("no code in {reply}: {other}"),
    };
    assert_eq!(got, code, "{reply}");
}

fn msg(reply: &Value) -> &str {
    reply["msg"].as_str().unwrap()
}

async fn winning_list_and_period_errors(app: &TestApp) {
    let ask = winning_list;
    let ok = app.post(INVAPP, &ask("11510")).await;
    assert_eq!(ok["code"], "200", "code is a string in invapp replies");
    assert_eq!(ok["v"], "0.2");
    assert_eq!(ok["invoYm"], "11510");
    assert_eq!(ok["superPrizeNo"], "88515559");
    assert_eq!(ok["firstPrizeNo1"], "12345678");
    assert_eq!(ok["firstPrizeNo4"], "");
    let none = app.post(INVAPP, &ask("11512")).await;
    assert_code(&none, 901);
    let bad = app.post(INVAPP, &ask("11511")).await;
    assert_code(&bad, 902);
    assert!(msg(&bad).contains("invTerm"), "{bad}");
}

async fn invoice_header_and_its_errors(app: &TestApp) {
    let ok = app
        .post(
            INVAPP,
            &invoice_header("CD00000001", "2026/11/20", "QRCode"),
        )
        .await;
    assert_eq!(ok["code"], "200");
    assert_eq!(ok["invNum"], "CD00000001");
    assert_eq!(ok["invDate"], "20261120");
    assert_eq!(ok["sellerName"], "示範商店");
    assert_eq!(ok["invStatus"], "已確認");
    assert_eq!(ok["invPeriod"], "11512");
    assert_eq!(ok["invoiceTime"], "12:30:00");
    assert_eq!(
        ok["claimDeadline"], "20270505",
        "R6.2: the claim deadline travels with the invoice"
    );
    assert_code(
        &app.post(
            INVAPP,
            &invoice_header("CD00000009", "2026/11/20", "QRCode"),
        )
        .await,
        915,
    );
    assert_code(
        &app.post(
            INVAPP,
            &invoice_header("CD00000001", "2026/11/21", "QRCode"),
        )
        .await,
        915,
    );
    let bad_number = app
        .post(INVAPP, &invoice_header("CD0000001", "2026/11/20", "QRCode"))
        .await;
    assert_code(&bad_number, 903);
    assert!(msg(&bad_number).contains("invNum"));
    let bad_date = app
        .post(
            INVAPP,
            &invoice_header("CD00000001", "2026-11-20", "QRCode"),
        )
        .await;
    assert_code(&bad_date, 903);
    assert!(msg(&bad_date).contains("invDate"));
    let mut bad_type = invoice_header("CD00000001", "2026/11/20", "QRCode");
    set(&mut bad_type, "type", "qrcode");
    assert_code(&app.post(INVAPP, &bad_type).await, 904);
}

async fn invoice_detail_by_qr_and_barcode(app: &TestApp) {
    let key = QrSeedKey::parse(SEED_KEY).unwrap();
    let number = InvoiceNumber::parse("CD00000001").unwrap();
    let encrypt = crypto::encrypt_verification(&key, &number, &RandomCode::parse("9999").unwrap());
    let ok = app.post(INVAPP, &invoice_detail_qr("9999", &encrypt)).await;
    assert_eq!(ok["code"], "200");
    assert!(
        ok.get("v").is_none(),
        "the real qryInvDetail reply has no v"
    );
    assert!(
        ok.get("amount").is_none(),
        "captured live qryInvDetail replies carry no top-level amount"
    );
    assert_eq!(ok["buyerBan"], "", "\"\" rather than null, as captured");
    assert_eq!(ok["details"][0]["rowNum"], "001");
    assert_eq!(ok["details"][0]["description"], "乾電池");
    assert_code(
        &app.post(INVAPP, &invoice_detail_qr("1234", &encrypt)).await,
        915,
    );
    let forged = crypto::encrypt_verification(&key, &number, &RandomCode::parse("1234").unwrap());
    assert_code(
        &app.post(INVAPP, &invoice_detail_qr("9999", &forged)).await,
        953,
    );
    assert_eq!(
        app.post(INVAPP, &invoice_detail_barcode("11512")).await["code"],
        "200"
    );
    assert_code(
        &app.post(INVAPP, &invoice_detail_barcode("11510")).await,
        915,
    );
    assert_code(
        &app.post(INVAPP, &invoice_detail_barcode("1151")).await,
        902,
    );
}

async fn carrier_list_masks_donated_and_checks_the_code(app: &TestApp) {
    let reply = app
        .post(INVSERV, &carrier_list(app, "2026/11/01", "2026/11/30"))
        .await;
    assert_eq!(reply["code"], 200, "code is a number in carrier replies");
    let details = reply["details"].as_array().unwrap();
    let numbers: Vec<&str> = details
        .iter()
        .map(|d| d["invNum"].as_str().unwrap())
        .collect();
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
    let mut wrong = carrier_list(app, "2026/11/01", "2026/11/30");
    set(&mut wrong, "cardEncrypt", "Wrong999");
    assert_code(&app.post(INVSERV, &wrong).await, 919);
    let mut unknown = carrier_list(app, "2026/11/01", "2026/11/30");
    set(&mut unknown, "cardNo", "/ZZZZZZZ");
    assert_code(&app.post(INVSERV, &unknown).await, 919);
}

async fn carrier_list_pages_with_996_and_filters_winners(app: &TestApp) {
    let first = app
        .post(INVSERV, &carrier_list(app, "2026/09/01", "2026/09/30"))
        .await;
    assert_eq!(first["code"], 996);
    assert_eq!(first["details"].as_array().unwrap().len(), 100);
    let mut page2 = carrier_list(app, "2026/09/01", "2026/09/30");
    set(&mut page2, "version", "0.6");
    page2.push(("page", "2".into()));
    let second = app.post(INVSERV, &page2).await;
    assert_eq!(second["code"], 200);
    assert_eq!(second["details"].as_array().unwrap().len(), 50);
    assert_eq!(second["details"][0]["rowNum"], 101);
    let mut winners = carrier_list(app, "2026/10/01", "2026/10/31");
    set(&mut winners, "onlyWinningInv", "Y");
    let reply = app.post(INVSERV, &winners).await;
    assert_eq!(reply["code"], 200);
    let numbers: Vec<&str> = reply["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["invNum"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["AB12345678"]);
}

async fn carrier_list_refuses_bad_windows_and_stale_timestamps(app: &TestApp) {
    let two_months = app
        .post(INVSERV, &carrier_list(app, "2026/10/01", "2026/11/30"))
        .await;
    assert_code(&two_months, 903);
    assert!(msg(&two_months).contains("endDate"));
    let too_old = app
        .post(INVSERV, &carrier_list(app, "2026/04/01", "2026/04/30"))
        .await;
    assert_code(&too_old, 903);
    assert!(msg(&too_old).contains("startDate"));
    let mut stale = carrier_list(app, "2026/11/01", "2026/11/30");
    set(
        &mut stale,
        "timeStamp",
        &(app.now_unix() - 3600).to_string(),
    );
    assert_code(&app.post(INVSERV, &stale).await, 951);
    let mut expired = carrier_list(app, "2026/11/01", "2026/11/30");
    set(
        &mut expired,
        "expTimeStamp",
        &(app.now_unix() - 1).to_string(),
    );
    assert_code(&app.post(INVSERV, &expired).await, 951);
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
    let mut params = carrier_list(app, "2026/11/01", "2026/11/30");
    on_easycard(&mut params);
    let reply = app.post(INVSERV, &params).await;
    assert_eq!(reply["code"], 200, "{reply}");
    let numbers: Vec<&str> = reply["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["invNum"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["AB00000004"]);
    set(&mut params, "cardEncrypt", "guess");
    assert_code(&app.post(INVSERV, &params).await, 919);
}

async fn donation_signed_masked_and_refused_when_it_must_be(app: &TestApp) {
    let ok = signed(donation(app, "AB00000001", "2026/11/20", "919"));
    let reply = app.post(DONATE, &ok).await;
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
    let b2b = signed(donation(app, "AB00000003", "2026/11/22", "919"));
    assert_code(&app.post(DONATE, &b2b).await, 913);
    let drawn = signed(donation(app, "AB12345678", "2026/10/05", "919"));
    let reply = app.post(DONATE, &drawn).await;
    assert_code(&reply, 903);
    assert!(msg(&reply).contains("drawn"), "{reply}");
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

async fn app_and_device_refusals(app: &TestApp) {
    let ask = |app_id: &str, uuid: &str| {
        let mut params = winning_list("11510");
        set(&mut params, "UUID", uuid);
        set(&mut params, "appID", app_id);
        params
    };
    let unknown = app.post(INVAPP, &ask("EINVNOSUCHAPP", "d")).await;
    assert_code(&unknown, 998);
    assert!(msg(&unknown).contains("appID"));
    app.store()
        .block_device("evil", "abuse", crate::common::start_time())
        .await
        .unwrap();
    assert_code(&app.post(INVAPP, &ask(APP_ID, "evil")).await, 997);
    // R4.5: an AppID is licensed for a set of services; a call outside the set is refused.
    app.store()
        .set_app_services(APP_ID, &[einv_core::Service::WinningNumbers])
        .await
        .unwrap();
    assert_code(&app.post(INVAPP, &ask(APP_ID, "d")).await, 200);
    let not_licensed = app
        .post(INVSERV, &carrier_list(app, "2026/11/01", "2026/11/30"))
        .await;
    assert_code(&not_licensed, 998);
    assert!(msg(&not_licensed).contains("not licensed"));
    app.store()
        .set_app_status(APP_ID, einv_store::AppStatus::Suspended)
        .await
        .unwrap();
    let suspended = app.post(INVAPP, &ask(APP_ID, "d")).await;
    assert_code(&suspended, 998);
    assert!(msg(&suspended).contains("suspended"));
}

async fn love_code_search(app: &TestApp) {
    let reply = app
        .post(
            "/PB2CAPIVAN/loveCodeapp/qryLoveCode",
            &p(&[
                ("version", "0.2"),
                ("qKey", "創世"),
                ("action", "qryLoveCode"),
                ("UUID", "d"),
                ("appID", APP_ID),
            ]),
        )
        .await;
    assert_eq!(reply["code"], "200");
    assert_eq!(reply["details"][0]["rowNum"], 0);
    assert_eq!(reply["details"][0]["LoveCode"], "919");
    assert_eq!(reply["details"][0]["SocialWelfareBAN"], "10458575");
    let empty = app
        .post(
            "/PB2CAPIVAN/loveCodeapp/qryLoveCode",
            &p(&[
                ("version", "0.2"),
                ("qKey", ""),
                ("action", "qryLoveCode"),
                ("appID", APP_ID),
            ]),
        )
        .await;
    assert_code(&empty, 903);
}

/// A repeated identical signed request inside its timestamp window gets the first answer and
/// never acts twice: a second donation would answer 908, the replay answers the first 200.
async fn a_repeated_signed_request_is_answered_once(app: &TestApp) {
    let first = signed(donation(app, "AB00000001", "2026/11/20", "919"));
    let answer = app.post(DONATE, &first).await;
    assert_code(&answer, 200);
    assert_eq!(
        app.post(DONATE, &first).await,
        answer,
        "answered from the first answer"
    );
    let donated = app
        .store()
        .find_invoice(
            &einv_core::InvoiceNumber::parse("AB00000001").unwrap(),
            einv_core::Period::parse("11512").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        donated.header.donated_to.as_ref().map(|c| c.as_str()),
        Some("919")
    );
    // The same parameters under a signature that does not verify are not the same request.
    let mut forged = first.clone();
    set(&mut forged, "signature", "AAAA");
    assert_code(&app.post(DONATE, &forged).await, 954);
    // Past the window the replay is refused by its timestamp (951), not answered.
    app.clock.advance(chrono::Duration::seconds(
        20 + einv_core::wire::TIMESTAMP_BEHIND_SECS + 1,
    ));
    assert_code(&app.post(DONATE, &first).await, 951);
}

/// MIG names F0501 (`CancelInvoice`) 作廢 and F0701 (`VoidInvoice`) 註銷: a cancelled invoice
/// reads `已作廢`, a voided one `已註銷`, in both the list and the detail.
async fn f0501_cancel_reads_zuofei_and_f0701_void_reads_zhuxiao(app: &TestApp) {
    let number = |n| InvoiceNumber::parse(n).unwrap();
    let period = einv_core::Period::parse("11512").unwrap();
    let change = |n, status| einv_store::StatusChange {
        number: number(n),
        period,
        seller_ban: None,
        status,
    };
    let changes = [
        change("AB00000001", einv_store::InvoiceStatus::Cancelled),
        change("AB00000003", einv_store::InvoiceStatus::Voided),
    ];
    let batch = einv_store::InvoiceBatch {
        status_changes: &changes,
        ..einv_store::InvoiceBatch::default()
    };
    app.store()
        .insert_invoice_batch(batch, app.clock.now())
        .await
        .unwrap();
    let list = app
        .post(INVSERV, &carrier_list(app, "2026/11/01", "2026/11/30"))
        .await;
    let status_of = |n: &str| {
        list["details"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["invNum"] == n)
            .map(|r| r["invStatus"].clone())
    };
    assert_eq!(
        status_of("AB00000001").unwrap(),
        "已作廢",
        "F0501 cancel: 作廢"
    );
    let voided = app
        .post(INVSERV, &carrier_detail(app, "AB00000003", "2026/11/22"))
        .await;
    assert_eq!(voided["invStatus"], "已註銷", "F0701 void: 註銷: {voided}");
    let detail = app
        .post(INVSERV, &carrier_detail(app, "AB00000001", "2026/11/20"))
        .await;
    assert_eq!(detail["invStatus"], "已作廢", "{detail}");
}

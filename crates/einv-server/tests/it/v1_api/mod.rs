//! The v1 MOF-compatible API end to end: the real server on a random port, a real database
//! (SQLite and PostgreSQL), requests built as a MOF client builds them; the carrier calls in
//! `carrier`.

use crate::common::*;
use crate::v1_requests::*;
use einv_core::barcode::{crypto, QrSeedKey, RandomCode};
use einv_core::{Clock, InvoiceNumber};
use serde_json::Value;

mod carrier;

both_backends!(
    winning_list_and_period_errors,
    invoice_header_and_its_errors,
    invoice_detail_by_qr_and_barcode,
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

/// qryInvHeader by QR code for invoice `number` of `date`.
async fn header_by_qr(app: &TestApp, number: &str, date: &str) -> Value {
    app.post(INVAPP, &invoice_header(number, date, "QRCode"))
        .await
}

/// A 903 refusal whose message names `field` (or says `field`'s problem).
fn assert_invalid(reply: &Value, field: &str) {
    assert_code(reply, 903);
    assert!(msg(reply).contains(field), "{reply}");
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
    let ok = header_by_qr(app, "CD00000001", "2026/11/20").await;
    let expected = serde_json::json!({
        "code": "200",
        "invNum": "CD00000001",
        "invDate": "20261120",
        "sellerName": "示範商店",
        "invStatus": "已確認",
        "invPeriod": "11512",
        "invoiceTime": "12:30:00",
    });
    for (key, want) in expected.as_object().unwrap() {
        assert_eq!(&ok[key], want, "{key}");
    }
    assert_eq!(
        ok["claimDeadline"], "20270505",
        "R6.2: the claim deadline travels with the invoice"
    );
    assert_code(&header_by_qr(app, "CD00000009", "2026/11/20").await, 915);
    assert_code(&header_by_qr(app, "CD00000001", "2026/11/21").await, 915);
    assert_invalid(
        &header_by_qr(app, "CD0000001", "2026/11/20").await,
        "invNum",
    );
    assert_invalid(
        &header_by_qr(app, "CD00000001", "2026-11-20").await,
        "invDate",
    );
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
    // R4.1: text that is not an AppID at all (a space, a slash, too long) was never issued
    // either: the same answer as an unknown AppID, never a different code.
    let long = "A".repeat(65);
    for not_an_app_id in ["EINV NO/SUCH", "應用程式", long.as_str()] {
        let reply = app.post(INVAPP, &ask(not_an_app_id, "d")).await;
        assert_eq!(
            reply,
            serde_json::json!({
                "code": unknown["code"],
                "msg": msg(&unknown).replace("EINVNOSUCHAPP", not_an_app_id),
                "v": unknown["v"],
            }),
            "{not_an_app_id:?}"
        );
    }
    app.store()
        .block_device("evil", "abuse", crate::common::start_time())
        .await
        .unwrap();
    assert_code(&app.post(INVAPP, &ask(APP_ID, "evil")).await, 997);
    // R4.5: an AppID is licensed for a set of services; a call outside the set is refused.
    app.store()
        .set_app_services(&app_id(), &[einv_core::Service::WinningNumbers])
        .await
        .unwrap();
    assert_code(&app.post(INVAPP, &ask(APP_ID, "d")).await, 200);
    let not_licensed = app
        .post(INVSERV, &app.carrier_list("2026/11/01", "2026/11/30"))
        .await;
    assert_code(&not_licensed, 998);
    assert!(msg(&not_licensed).contains("not licensed"));
    app.store()
        .set_app_status(&app_id(), einv_store::AppStatus::Suspended)
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
        .post(INVSERV, &app.carrier_list("2026/11/01", "2026/11/30"))
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

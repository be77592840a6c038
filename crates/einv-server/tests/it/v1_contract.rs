//! The v1 contract as snapshots: every action's reply, success and each error code einv
//! emits for it, recorded with `insta` under `tests/it/snapshots/`. A change of a field, a JSON
//! type or a format shows as a diff in review; `scripts/test` runs with `INSTA_UPDATE=no`, so a
//! drift fails instead of being accepted. The clock is fixed, so the replies are exact; the
//! shapes follow the captured live replies listed in `docs/v1-compatibility.md`.

use crate::common::*;
use einv_core::barcode::{crypto, QrSeedKey, RandomCode};
use einv_core::InvoiceNumber;
use serde_json::Value;

use crate::v1_requests::{self as req, p, AGGREGATE, DONATE, INVAPP, INVSERV, LOVE_CODE};

/// Snapshots `reply` under `name`; the `time`-like values that depend on the wall clock
/// rather than the injected one are none, so nothing is redacted but the device ID echo.
fn snap(name: &str, reply: &Value) {
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_json_snapshot!(name, reply);
    });
}

async fn contract(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    winning_list(&app).await;
    invoice_header(&app).await;
    invoice_detail(&app).await;
    love_code(&app).await;
    carrier_list(&app).await;
    carrier_detail(&app).await;
    donation(&app).await;
    aggregation(&app).await;
    refusals(&app).await;
    detail_cap(&app).await;
    expired(&app).await;
    app.stop().await;
}

#[tokio::test]
async fn v1_reply_shapes() {
    contract(Backend::Sqlite).await;
}

async fn winning_list(app: &TestApp) {
    let ask = req::winning_list;
    snap("QryWinningList_200", &app.post(INVAPP, &ask("11510")).await);
    snap("QryWinningList_901", &app.post(INVAPP, &ask("11512")).await);
    snap("QryWinningList_902", &app.post(INVAPP, &ask("11511")).await);
    let mut missing = ask("11510");
    missing.retain(|(k, _)| *k != "invTerm");
    snap("QryWinningList_903", &app.post(INVAPP, &missing).await);
    let mut version = ask("11510");
    set(&mut version, "version", "9.9");
    snap(
        "QryWinningList_903_version",
        &app.post(INVAPP, &version).await,
    );
}

async fn invoice_header(app: &TestApp) {
    let ok = req::invoice_header("CD00000001", "2026/11/20", "QRCode");
    snap("qryInvHeader_200", &app.post(INVAPP, &ok).await);
    let missing = req::invoice_header("CD00000009", "2026/11/20", "QRCode");
    snap("qryInvHeader_915", &app.post(INVAPP, &missing).await);
    let bad = req::invoice_header("CD0000001", "2026/11/20", "QRCode");
    snap("qryInvHeader_903", &app.post(INVAPP, &bad).await);
    let kind = req::invoice_header("CD00000001", "2026/11/20", "qrcode");
    snap("qryInvHeader_904", &app.post(INVAPP, &kind).await);
}

async fn invoice_detail(app: &TestApp) {
    let key = QrSeedKey::parse(SEED_KEY).unwrap();
    let number = InvoiceNumber::parse("CD00000001").unwrap();
    let encrypt = crypto::encrypt_verification(&key, &number, &RandomCode::parse("9999").unwrap());
    let forged = crypto::encrypt_verification(&key, &number, &RandomCode::parse("1234").unwrap());
    snap(
        "qryInvDetail_200",
        &app.post(INVAPP, &req::invoice_detail_qr("9999", &encrypt))
            .await,
    );
    snap(
        "qryInvDetail_915",
        &app.post(INVAPP, &req::invoice_detail_qr("1234", &encrypt))
            .await,
    );
    snap(
        "qryInvDetail_953",
        &app.post(INVAPP, &req::invoice_detail_qr("9999", &forged))
            .await,
    );
    let barcode = req::invoice_detail_barcode("1151");
    snap("qryInvDetail_902", &app.post(INVAPP, &barcode).await);
}

async fn love_code(app: &TestApp) {
    let ask = |key: &str| {
        p(&[
            ("version", "0.2"),
            ("qKey", key),
            ("action", "qryLoveCode"),
            ("UUID", "d"),
            ("appID", APP_ID),
        ])
    };
    snap("qryLoveCode_200", &app.post(LOVE_CODE, &ask("創世")).await);
    snap(
        "qryLoveCode_200_none",
        &app.post(LOVE_CODE, &ask("沒有這個")).await,
    );
    let mut missing = ask("x");
    missing.retain(|(k, _)| *k != "qKey");
    snap("qryLoveCode_903", &app.post(LOVE_CODE, &missing).await);
}

async fn carrier_list(app: &TestApp) {
    snap(
        "carrierInvChk_200",
        &app.post(INVSERV, &app.carrier_list("2026/11/01", "2026/11/30"))
            .await,
    );
    let mut wrong = app.carrier_list("2026/11/01", "2026/11/30");
    set(&mut wrong, "cardEncrypt", "Wrong999");
    snap("carrierInvChk_919", &app.post(INVSERV, &wrong).await);
    snap(
        "carrierInvChk_903",
        &app.post(INVSERV, &app.carrier_list("2026/10/01", "2026/11/30"))
            .await,
    );
    let mut stale = app.carrier_list("2026/11/01", "2026/11/30");
    set(
        &mut stale,
        "timeStamp",
        &(app.now_unix() - 3600).to_string(),
    );
    snap("carrierInvChk_951", &app.post(INVSERV, &stale).await);
    // 996: a full page of 100 rows; only the envelope and the first row are kept.
    let mut more = app
        .post(INVSERV, &app.carrier_list("2026/09/01", "2026/09/30"))
        .await;
    let rows = more["details"].as_array().map_or(0, Vec::len);
    more["details"] = Value::Array(more["details"].as_array().unwrap()[..1].to_vec());
    assert_eq!(rows, 100);
    snap("carrierInvChk_996_first_row", &more);
}

async fn carrier_detail(app: &TestApp) {
    let ask = |number: &str, date: &str| req::carrier_detail(app, number, date);
    snap(
        "carrierInvDetail_200",
        &app.post(INVSERV, &ask("AB00000001", "2026/11/20")).await,
    );
    snap(
        "carrierInvDetail_200_donated",
        &app.post(INVSERV, &ask("AB00000002", "2026/11/21")).await,
    );
    snap(
        "carrierInvDetail_915",
        &app.post(INVSERV, &ask("EF00000001", "2026/11/20")).await,
    );
}

async fn donation(app: &TestApp) {
    let ask = |number: &str, date: &str, npo: &str| req::donation(app, number, date, npo);
    snap(
        "carrierInvDnt_200",
        &app.post(DONATE, &req::signed(ask("AB00000001", "2026/11/20", "919")))
            .await,
    );
    // A second donation is a new call (its own serial): an identical signed request would be
    // answered from the first answer instead (replays are answered once, docs/security.md).
    let mut again = ask("AB00000001", "2026/11/20", "919");
    set(&mut again, "serial", "0000000002");
    snap(
        "carrierInvDnt_908",
        &app.post(DONATE, &req::signed(again)).await,
    );
    snap(
        "carrierInvDnt_913",
        &app.post(DONATE, &req::signed(ask("AB00000003", "2026/11/22", "919")))
            .await,
    );
    let mut no_charity = ask("AB00000004", "2026/11/23", "123");
    req::on_easycard(&mut no_charity);
    snap(
        "carrierInvDnt_907",
        &app.post(DONATE, &req::signed(no_charity)).await,
    );
    snap(
        "carrierInvDnt_954",
        &app.post(DONATE, &ask("AB00000004", "2026/11/23", "919"))
            .await,
    );
}

async fn aggregation(app: &TestApp) {
    let params = req::aggregation(app);
    let mut signed = params.clone();
    sign(&mut signed, API_KEY);
    snap("qryCarrierAgg_200", &app.post(AGGREGATE, &signed).await);
    snap("qryCarrierAgg_954", &app.post(AGGREGATE, &params).await);
}

async fn refusals(app: &TestApp) {
    let ask = |app_id: &str, uuid: &str, action: &str| {
        p(&[
            ("version", "0.2"),
            ("action", action),
            ("invTerm", "11510"),
            ("UUID", uuid),
            ("appID", app_id),
        ])
    };
    snap(
        "invapp_998_unknown_app",
        &app.post(INVAPP, &ask("EINVNOSUCHAPP", "d", "QryWinningList"))
            .await,
    );
    snap(
        "invapp_unknown_action",
        &app.post(INVAPP, &ask(APP_ID, "d", "qryNothing")).await,
    );
    app.store()
        .block_device("evil", "abuse", crate::common::start_time())
        .await
        .unwrap();
    snap(
        "invapp_997",
        &app.post(INVAPP, &ask(APP_ID, "evil", "QryWinningList"))
            .await,
    );
}

/// 950: the specification caps qryInvDetail at 99 queries (per AppID and invoice, per day), so
/// the 10 000 random codes of an invoice cannot be tried.
async fn detail_cap(app: &TestApp) {
    let ask = |random: &str| {
        let mut params = req::invoice_detail_barcode("11512");
        set(&mut params, "randomNumber", random);
        params
    };
    // Earlier in this run: three QR queries and one barcode query of CD00000001 were counted.
    let mut answered = 4;
    while answered < 99 {
        let reply = app.post(INVAPP, &ask("0000")).await;
        assert_eq!(reply["code"], "915", "{reply}");
        answered += 1;
    }
    snap("qryInvDetail_950", &app.post(INVAPP, &ask("9999")).await);
    // Another invoice is counted apart.
    let mut other = ask("9999");
    set(&mut other, "invNum", "CD00000002");
    assert_ne!(app.post(INVAPP, &other).await["code"], "950");
}

/// 952: the proof copy of an invoice whose prize-claim period is over no longer answers.
async fn expired(app: &TestApp) {
    app.clock.set(
        chrono::TimeZone::with_ymd_and_hms(&einv_core::clock::taipei(), 2027, 5, 6, 0, 0, 0)
            .unwrap()
            .with_timezone(&chrono::Utc),
    );
    let ok = req::invoice_header("CD00000001", "2026/11/20", "QRCode");
    snap("qryInvHeader_952", &app.post(INVAPP, &ok).await);
}

//! The v1 requests the fixture answers with code 200, built in one place for every test module
//! (the API tests, the contract snapshots, the consent rules, the authorisation matrix). Each
//! is unsigned; sign with [`crate::common::sign`] where the action is signed.

use einv_core::barcode::{crypto, QrSeedKey, RandomCode};
use einv_core::InvoiceNumber;

use crate::common::*;

pub const INVAPP: &str = "/PB2CAPIVAN/invapp/InvApp";
pub const INVSERV: &str = "/PB2CAPIVAN/invServ/InvServ";
pub const DONATE: &str = "/PB2CAPIVAN/CarInv/Donate";
pub const AGGREGATE: &str = "/PB2CAPIVAN/Carrier/Aggregate";
pub const LOVE_CODE: &str = "/PB2CAPIVAN/loveCodeapp/qryLoveCode";

/// Parameters from `(name, value)` pairs.
pub fn p(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

/// QryWinningList for period `term` (e.g. `11510`).
pub fn winning_list(term: &str) -> Vec<(&'static str, String)> {
    winning_list_call(term, APP_ID, "d", None)
}

/// QryWinningList for 11510 as `app_id`, signed with `key` when there is one.
pub fn winning_list_as(app_id: &str, key: Option<&str>) -> Vec<(&'static str, String)> {
    winning_list_call("11510", app_id, "d", key)
}

/// `params` signed with the fixture app's APIKey.
pub fn signed(mut params: Vec<(&'static str, String)>) -> Vec<(&'static str, String)> {
    sign(&mut params, API_KEY);
    params
}

/// qryInvHeader of `number` on `date` (yyyy/MM/dd), read from a code of `kind` (`QRCode`,
/// `Barcode`).
pub fn invoice_header(number: &str, date: &str, kind: &str) -> Vec<(&'static str, String)> {
    p(&[
        ("version", "0.5"),
        ("type", kind),
        ("invNum", number),
        ("action", "qryInvHeader"),
        ("generation", "V2"),
        ("invDate", date),
        ("UUID", "d"),
        ("appID", APP_ID),
    ])
}

/// The QR code's `encrypt` of the fixture's printed invoice CD00000001 with random code `random`.
pub fn qr_encrypt(random: &str) -> String {
    let key = QrSeedKey::parse(SEED_KEY).unwrap();
    let number = InvoiceNumber::parse("CD00000001").unwrap();
    crypto::encrypt_verification(&key, &number, &RandomCode::parse(random).unwrap())
}

/// qryInvDetail of CD00000001 from its QR code: random code `random`, `encrypt` as printed.
pub fn invoice_detail_qr(random: &str, encrypt: &str) -> Vec<(&'static str, String)> {
    p(&[
        ("version", "0.5"),
        ("type", "QRCode"),
        ("invNum", "CD00000001"),
        ("action", "qryInvDetail"),
        ("generation", "V2"),
        ("invDate", "2026/11/20"),
        ("randomNumber", random),
        ("encrypt", encrypt),
        ("sellerID", "04595257"),
        ("UUID", "d"),
        ("appID", APP_ID),
    ])
}

/// qryInvDetail of CD00000001 from its barcode, for period `term`.
pub fn invoice_detail_barcode(term: &str) -> Vec<(&'static str, String)> {
    p(&[
        ("version", "0.5"),
        ("type", "Barcode"),
        ("invNum", "CD00000001"),
        ("action", "qryInvDetail"),
        ("generation", "V2"),
        ("invDate", "2026/11/20"),
        ("randomNumber", "9999"),
        ("invTerm", term),
        ("UUID", "d"),
        ("appID", APP_ID),
    ])
}

/// A carrier call's parameters moved to the fixture User's aggregated EasyCard.
pub fn on_easycard(params: &mut [(&'static str, String)]) {
    set(params, "cardType", "1K0001");
    set(params, "cardNo", EASYCARD);
    set(params, "cardEncrypt", EASYCARD_HIDDEN);
}

/// carrierInvDetail of `number` on `date`.
pub fn carrier_detail(app: &TestApp, number: &str, date: &str) -> Vec<(&'static str, String)> {
    let mut params = app.carrier_params("carrierInvDetail", "0.5");
    params.extend(p(&[("invNum", number), ("invDate", date)]));
    params
}

/// carrierInvDnt of `number` on `date` to charity `npo` (unsigned).
pub fn donation(app: &TestApp, number: &str, date: &str, npo: &str) -> Vec<(&'static str, String)> {
    let mut params = app.carrier_params("carrierInvDnt", "0.1");
    params.extend(p(&[
        ("serial", "0000000001"),
        ("invNum", number),
        ("invDate", date),
        ("npoBan", npo),
    ]));
    params
}

/// qryCarrierAgg of the fixture User's barcode (unsigned).
pub fn aggregation(app: &TestApp) -> Vec<(&'static str, String)> {
    let now = app.now_unix().to_string();
    p(&[
        ("version", "1.0"),
        ("serial", "0000000002"),
        ("action", "qryCarrierAgg"),
        ("cardType", "3J0002"),
        ("cardNo", BARCODE),
        ("cardEncrypt", CODE),
        ("appID", APP_ID),
        ("timeStamp", &now),
        ("uuid", "d"),
    ])
}

//! Guessing costs (issue #9, hole 5; `services/guessing.rs`): failed sign-ins and code checks
//! wait per account and source network (/24, /64) after a few free failures, per account from
//! every source after many, and per IP. Time moves through the injected clock.

use crate::common::web;
use crate::common::*;
use chrono::Duration;
use einv_server::http::client_ip::TrustedProxies;
use einv_server::startup::{serve_with, HttpOptions};
use serde_json::Value;

const INVSERV: &str = "/PB2CAPIVAN/invServ/InvServ";

async fn sign_in(app: &TestApp, barcode: &str, code: &str) -> u16 {
    let form = app.form_token("/me/login").await;
    post_login(app.http.post(app.url("/me/login")), form, barcode, code).await
}

/// POSTs the sign-in form as `req`, with the form's `(cookie, csrf)` and `barcode` and
/// `code` typed: the status.
async fn post_login(
    req: reqwest::RequestBuilder,
    (cookie, csrf): (String, String),
    barcode: &str,
    code: &str,
) -> u16 {
    let typed = [("barcode", barcode), ("code", code), ("csrf", &csrf)];
    let res = req.header("cookie", cookie).form(&typed).send_ok().await;
    res.status().as_u16()
}

/// Guessing costs: five wrong codes for one barcode are free; then each try waits a delay that
/// doubles with every failure, even with the right code; waiting it out and succeeding clears
/// the count.
#[tokio::test]
async fn guessing_a_users_code_gets_slower_with_every_failure() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Redirects are followed by the client: a success ends on /me (200).
    for _ in 0..5 {
        assert_eq!(sign_in(&app, BARCODE, "Wrong0000").await, 401);
    }
    assert_eq!(sign_in(&app, BARCODE, CODE).await, 429, "inside the delay");
    app.clock.advance(Duration::seconds(1));
    assert_eq!(sign_in(&app, BARCODE, "Wrong0000").await, 401);
    app.clock.advance(Duration::seconds(1));
    assert_eq!(
        sign_in(&app, BARCODE, CODE).await,
        429,
        "the delay doubled to 2 s"
    );
    app.clock.advance(Duration::seconds(1));
    assert_eq!(sign_in(&app, BARCODE, CODE).await, 200);
    assert_eq!(
        sign_in(&app, BARCODE, "Wrong0000").await,
        401,
        "the count was cleared"
    );
    app.stop().await;
}

/// Guessing costs on v1 (919): past the free failures the carrier query answers 950 with a
/// `Retry-After`, before any hashing; an unknown barcode counts the same as a wrong code.
#[tokio::test]
async fn guessing_a_code_over_v1_is_throttled() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let query = |code: &str| carrier_query(&app, code);
    for _ in 0..5 {
        assert_eq!(app.post(INVSERV, &query("Wrong0000")).await["code"], 919);
    }
    let (headers, refused) = app.post_full(INVSERV, &query(CODE)).await;
    assert_eq!(refused["code"], 950, "{refused}");
    assert!(headers.get("retry-after").is_some());
    app.clock.advance(Duration::seconds(1));
    assert_eq!(app.post(INVSERV, &query(CODE)).await["code"], 200);
    app.stop().await;
}

/// Guessing costs per IP: one address trying many barcodes is slowed down too.
#[tokio::test]
async fn guessing_many_accounts_from_one_ip_is_throttled() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for n in 0..20 {
        let barcode = format!("/ZZZ{n:04}");
        assert_eq!(sign_in(&app, &barcode[..8], "Wrong0000").await, 401, "{n}");
    }
    assert_eq!(sign_in(&app, "/OTHER01", "Other999").await, 429);
    app.stop().await;
}

/// A fresh app, and the base URL of the same Platform served behind a trusted proxy (this
/// host), so each request names its client in `X-Forwarded-For` as a load balancer would.
async fn spawn_behind_proxy() -> (TestApp, String) {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let base = behind_proxy(&app).await;
    (app, base)
}

/// The same Platform served behind a trusted proxy (this host).
async fn behind_proxy(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let options = HttpOptions {
        trusted_proxies: TrustedProxies::parse(&["127.0.0.1"]).unwrap(),
        ..HttpOptions::default()
    };
    tokio::spawn(serve_with(listener, app.platform.clone(), options));
    base
}

/// Signs in on `/me/login` through the proxy as the client `from`: the status (no redirect
/// followed, so a success is 303).
async fn sign_in_from(base: &str, from: &str, barcode: &str, code: &str) -> u16 {
    let http = web::client();
    let page = http
        .get(format!("{base}/me/login"))
        .header("x-forwarded-for", from)
        .send_ok()
        .await;
    let form = web::form_of(page).await;
    let req = http.post(format!("{base}/me/login"));
    post_login(req.header("x-forwarded-for", from), form, barcode, code).await
}

/// A v1 carrierInvChk of November 2026 for the fixture User's barcode with `code` typed.
fn carrier_query(app: &TestApp, code: &str) -> Vec<(&'static str, String)> {
    let mut params = app.carrier_list("2026/11/01", "2026/11/27");
    set(&mut params, "cardEncrypt", code);
    params
}

/// A v1 carrierInvChk through the proxy as the client `from`: the MOF code.
async fn carrier_query_from(app: &TestApp, base: &str, from: &str, code: &str) -> Value {
    let params = carrier_query(app, code);
    app.http
        .post(format!("{base}{INVSERV}"))
        .header("x-forwarded-for", from)
        .form(&params)
        .send_json()
        .await
}

/// Opens a blank page the Ministry's way (the code in the entry URL) as the client `from`:
/// the status and, when it is not the 303 to the form, the MOF code.
async fn blank_entry_from(base: &str, from: &str, code: &str) -> (u16, Value) {
    let http = web::client();
    let res = http
        .get(format!(
            "{base}/PB2CAPIVAN/APIService/carrierBankAccBlank?appID={APP_ID}&cardCode=3J0002&cardNo=%2FAB12%2B-.&uuid=d&verifyCode={code}"
        ))
        .header("x-forwarded-for", from)
        .send_ok()
        .await;
    let status = res.status().as_u16();
    let body = if status == 303 {
        Value::Null
    } else {
        res.json().await.unwrap()
    };
    (status, body)
}

/// Per account and source network: a guesser from one /24 is slowed, from any address in it;
/// the owner, from another network, signs in with the right code at once, and the guesser's
/// delay still runs.
#[tokio::test]
async fn a_guesser_is_slowed_where_it_guesses_from_and_the_owner_still_signs_in() {
    let (app, base) = spawn_behind_proxy().await;
    for n in 0..5 {
        let from = format!("203.0.113.{}", 10 + n);
        assert_eq!(
            sign_in_from(&base, &from, BARCODE, "Wrong0000").await,
            401,
            "{n}"
        );
    }
    assert_eq!(
        sign_in_from(&base, "203.0.113.200", BARCODE, "Wrong0000").await,
        429,
        "the same /24 waits"
    );
    assert_eq!(
        sign_in_from(&base, "198.51.100.4", BARCODE, CODE).await,
        303,
        "the owner from another network gets in"
    );
    assert_eq!(
        sign_in_from(&base, "203.0.113.10", BARCODE, CODE).await,
        429,
        "the owner's success does not lift the guesser's delay"
    );
    app.stop().await;
}

/// The same on v1 (919 then 950) and on the blank pages (919 then 950): the guesser's network
/// waits, the owner's does not. IPv6 guessers are one source per /64.
#[tokio::test]
async fn v1_and_blank_page_guessers_wait_and_the_owner_does_not() {
    let (app, base) = spawn_behind_proxy().await;
    for n in 0..3 {
        let from = format!("2001:db8:1:2::{n:x}");
        let reply = carrier_query_from(&app, &base, &from, "Wrong0000").await;
        assert_eq!(reply["code"], 919, "{reply}");
    }
    for n in 3..5 {
        let from = format!("2001:db8:1:2::{n:x}");
        let (_, reply) = blank_entry_from(&base, &from, "nope1234").await;
        assert_eq!(reply["code"], 919, "{reply}");
    }
    let refused = carrier_query_from(&app, &base, "2001:db8:1:2:ffff::1", CODE).await;
    assert_eq!(refused["code"], 950, "the /64 waits: {refused}");
    let (_, refused) = blank_entry_from(&base, "2001:db8:1:2::99", CODE).await;
    assert_eq!(refused["code"], 950, "on the blank pages too: {refused}");
    let owner = carrier_query_from(&app, &base, "2001:db8:9:9::1", CODE).await;
    assert_eq!(owner["code"], 200, "the owner's network: {owner}");
    assert_eq!(blank_entry_from(&base, "198.51.100.4", CODE).await.0, 303);
    app.stop().await;
}

/// Per account from every source: a guess spread over many networks, one try each, is free up
/// to 100 failures; then every try waits, the owner's too, for a delay that doubles; a day
/// without a failure forgets the count.
#[tokio::test]
async fn a_guess_spread_over_many_networks_meets_the_account_wide_bound() {
    let (app, base) = spawn_behind_proxy().await;
    for n in 0..100 {
        let from = format!("10.{}.{}.1", n / 10, n % 10);
        let reply = carrier_query_from(&app, &base, &from, "Wrong0000").await;
        assert_eq!(reply["code"], 919, "{n}: {reply}");
    }
    let refused = carrier_query_from(&app, &base, "198.51.100.4", CODE).await;
    assert_eq!(refused["code"], 950, "the account-wide bound: {refused}");
    app.clock.advance(Duration::seconds(1));
    let reply = carrier_query_from(&app, &base, "10.200.0.1", "Wrong0000").await;
    assert_eq!(reply["code"], 919, "one try per delay");
    app.clock.advance(Duration::seconds(1));
    let refused = carrier_query_from(&app, &base, "198.51.100.4", CODE).await;
    assert_eq!(refused["code"], 950, "the delay doubled: {refused}");
    app.clock.advance(Duration::hours(25));
    let owner = carrier_query_from(&app, &base, "198.51.100.4", CODE).await;
    assert_eq!(owner["code"], 200, "forgotten a day later: {owner}");
    app.stop().await;
}

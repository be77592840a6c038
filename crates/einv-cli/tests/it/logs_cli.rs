//! `einv serve --log-format json`: every line logged while answering a request carries its
//! `X-Request-Id`, and even `RUST_LOG=trace` never prints an APIKey, a verification code, a
//! carrier number or a password.

use std::time::Duration;

use serde_json::Value;

use crate::common::sign;
use crate::process::Serve;

#[tokio::test]
async fn json_log_lines_carry_the_request_id_and_never_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = Serve::start(
        dir.path(),
        &["--demo", "--log-format", "json"],
        &[("RUST_LOG", "trace")],
    );
    let demo: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("demo.json")).unwrap())
            .unwrap();
    let text = |k: &str| demo[k].as_str().unwrap().to_owned();
    let (app_id, api_key) = (text("appID"), text("apiKey"));
    let (card_no, code) = (text("cardNo"), text("cardEncrypt"));
    let now = chrono::Utc::now();
    // No redirects followed: a sign-in answers 303 and the test reads it.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // A carrier query (barcode and verification code in the body) …
    let carrier = [
        ("version", "0.5".to_owned()),
        ("action", "carrierInvChk".into()),
        ("cardType", "3J0002".into()),
        ("cardNo", card_no.clone()),
        ("cardEncrypt", code.clone()),
        ("timeStamp", (now.timestamp() + 10).to_string()),
        ("expTimeStamp", "2147483647".into()),
        ("startDate", now.format("%Y/%m/01").to_string()),
        ("endDate", now.format("%Y/%m/%d").to_string()),
        ("onlyWinningInv", "N".into()),
        ("uuid", "log-test".into()),
        ("appID", app_id.clone()),
    ];
    let reply: Value = http
        .post(format!("{}/PB2CAPIVAN/invServ/InvServ", node.base))
        .header("X-Request-Id", "log-test-carrier")
        .form(&carrier)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reply["code"], 200, "{reply}");
    // … and a call signed with the APIKey.
    let mut signed: Vec<(&'static str, String)> = vec![
        ("version", "0.2".into()),
        ("action", "QryWinningList".into()),
        ("invTerm", "11408".into()),
        ("UUID", "log-test".into()),
        ("appID", app_id.clone()),
    ];
    sign(&mut signed, &api_key);
    let res = http
        .post(format!("{}/PB2CAPIVAN/invapp/InvApp", node.base))
        .header("X-Request-Id", "log-test-signed")
        .form(&signed)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "log-test-signed");
    // … and a developer who signs up and signs in with a password (both forms CSRF-guarded).
    let password = "log-test horse battery staple";
    for (path, form) in [
        (
            "/developer/signup",
            vec![
                ("email", "log-test@example.com"),
                ("password", password),
                ("name", "Log Test Co"),
                ("entity_type", "business"),
                ("business_id", "04595257"),
            ],
        ),
        (
            "/developer/login",
            vec![("email", "log-test@example.com"), ("password", password)],
        ),
    ] {
        let status = post_form(&http, &node.base, path, &form).await;
        assert_eq!(status, 303, "{path}");
    }
    // Let the last lines reach the file, then stop the node.
    tokio::time::sleep(Duration::from_millis(300)).await;
    node.kill();
    let log = std::fs::read_to_string(&node.log).unwrap();
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(
        lines.len() > 20,
        "RUST_LOG=trace logs plenty: {}",
        lines.len()
    );
    for id in ["log-test-carrier", "log-test-signed"] {
        let of_request: Vec<&Value> = lines
            .iter()
            .filter(|l| {
                l["spans"].as_array().is_some_and(|s| {
                    s.iter()
                        .any(|s| s["name"] == "request" && s["request_id"] == id)
                })
            })
            .collect();
        assert!(of_request.len() >= 2, "{id}: {} lines", of_request.len());
        // The innermost span may be another one (a service's); the request's ID is still in
        // the span list of every line logged inside it.
        assert!(of_request.iter().all(|l| l.to_string().contains(id)));
    }
    for (what, secret) in [
        ("APIKey", &api_key),
        ("verification code", &code),
        ("carrier number", &card_no),
        ("password", &password.to_owned()),
    ] {
        assert!(!log.contains(secret.as_str()), "the {what} is in the log");
    }
}

/// Posts `form` to `path` the way a browser does: with the CSRF token and cookie of the form's
/// page. Returns the status.
async fn post_form(http: &reqwest::Client, base: &str, path: &str, form: &[(&str, &str)]) -> u16 {
    let page = http.get(format!("{base}{path}")).send().await.unwrap();
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("einv_form="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let html = page.text().await.unwrap();
    let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    let form = [form, &[("csrf", &html[at..at + 64])]].concat();
    http.post(format!("{base}{path}"))
        .header("cookie", cookie)
        .form(&form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

//! `einv serve --log-format json`: every line logged while answering a request carries its
//! `X-Request-Id`, and even `RUST_LOG=trace` never prints a secret of a whole scenario: an
//! APIKey (raw, or as HTTP Basic credentials), a verification code (right or wrong, in a body
//! or in a URL), a carrier number, a password (right or wrong), an OAuth authorisation code,
//! PKCE verifier, access (consent) or refresh token, or a session cookie.

mod oauth_walk;

use serde_json::Value;

use crate::common::{winning_list_call, SendExt};
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
        .send_json()
        .await;
    assert_eq!(reply["code"], 200, "{reply}");
    // … and a call signed with the APIKey.
    let signed = winning_list_call("11408", &app_id, "log-test", Some(&api_key));
    let res = http
        .post(format!("{}/PB2CAPIVAN/invapp/InvApp", node.base))
        .header("X-Request-Id", "log-test-signed")
        .form(&signed)
        .send_ok()
        .await;
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
    // The OAuth flow: consent page, code, token, a v2 call with the consent token, introspect.
    let walker = oauth_walk::Walker {
        http: &http,
        base: &node.base,
        app_id: &app_id,
        api_key: &api_key,
        barcode: &card_no,
        code: &code,
    };
    let mut secrets = walker.walk().await;
    secrets.extend(wrong_guesses(&http, &node.base, &carrier).await);
    secrets.push(blank_page_entry(&http, &node.base, &app_id, &card_no, &code).await);
    // A clean stop: every line logged is in the file.
    node.stop();
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
    secrets.extend([
        ("APIKey", api_key),
        ("verification code", code),
        ("carrier number", card_no),
        ("password", password.to_owned()),
    ]);
    for (what, secret) in &secrets {
        assert!(
            secret.len() >= 8,
            "{what} is long enough to be found only as itself"
        );
        assert!(!log.contains(secret.as_str()), "the {what} is in the log");
    }
}

/// Wrong secrets are secrets too (a mistyped code is one letter from the right one): a wrong
/// verification code on v1 (919), with the parameters in the URL as some MOF clients send
/// them, and a wrong developer password.
async fn wrong_guesses(
    http: &reqwest::Client,
    base: &str,
    carrier: &[(&'static str, String)],
) -> oauth_walk::Secrets {
    let wrong_code = "Wrong7391".to_owned();
    let query: Vec<String> = carrier
        .iter()
        .map(|(k, v)| match *k {
            "cardEncrypt" => format!("{k}={wrong_code}"),
            _ => format!("{k}={}", urlencode(v)),
        })
        .collect();
    let reply: Value = http
        .post(format!(
            "{base}/PB2CAPIVAN/invServ/InvServ?{}",
            query.join("&")
        ))
        .send_json()
        .await;
    assert_eq!(reply["code"], 919, "{reply}");
    let wrong_password = "log-test wrong horse".to_owned();
    let form = [
        ("email", "log-test@example.com"),
        ("password", wrong_password.as_str()),
    ];
    assert_eq!(post_form(http, base, "/developer/login", &form).await, 401);
    vec![
        ("wrong verification code", wrong_code),
        ("wrong password", wrong_password),
    ]
}

/// A blank page opened the Ministry's way, the verification code in the entry URL: the URL
/// is logged with that value hidden.
async fn blank_page_entry(
    http: &reqwest::Client,
    base: &str,
    app_id: &str,
    card_no: &str,
    code: &str,
) -> (&'static str, String) {
    let entry = http
        .get(format!(
            "{base}/PB2CAPIVAN/APIService/carrierBankAccBlank?appID={app_id}&cardCode=3J0002&cardNo={}&uuid=log-test&verifyCode={code}",
            urlencode(card_no)
        ))
        .send_ok().await;
    assert_eq!(entry.status(), 303, "the entry opens the page");
    let pair = crate::common::web::cookie_pair(&entry, "einv_blank").unwrap_or_default();
    let session = pair.trim_start_matches("einv_blank=").to_owned();
    ("blank-page session", session)
}

fn urlencode(v: &str) -> String {
    form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

/// Posts `form` to `path` the way a browser does: with the CSRF token and cookie of the form's
/// page. Returns the status.
async fn post_form(http: &reqwest::Client, base: &str, path: &str, form: &[(&str, &str)]) -> u16 {
    let page = http.get(format!("{base}{path}")).send_ok().await;
    let (cookie, csrf) = crate::common::web::form_of(page).await;
    let form = [form, &[("csrf", csrf.as_str())]].concat();
    http.post(format!("{base}{path}"))
        .header("cookie", cookie)
        .form(&form)
        .send_ok()
        .await
        .status()
        .as_u16()
}

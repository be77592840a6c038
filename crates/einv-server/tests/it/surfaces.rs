//! Every surface an app reaches the Platform by, probed with one AppID and one APIKey: which
//! of them let the caller in. The one authority (`services/authority.rs`) must answer the same
//! on all of them.

use std::collections::BTreeSet;

use crate::common::{fresh_nonce, hmac_signer, sign_onto, SendExt, TestApp, REDIRECT_URI};

/// The surfaces that take the APIKey itself or a signature made with it.
pub const KEYED: [&str; 4] = ["v1-signed", "oauth-token", "oauth-introspect", "v2"];
/// The surfaces that take only the AppID.
pub const APP_ID_ONLY: [&str; 3] = ["v1-unsigned", "blank-page", "oauth-authorize"];

/// Every surface.
pub fn all() -> BTreeSet<&'static str> {
    KEYED.iter().chain(APP_ID_ONLY.iter()).copied().collect()
}

/// The keyed surfaces.
pub fn keyed() -> BTreeSet<&'static str> {
    KEYED.iter().copied().collect()
}

/// The surfaces that let `app_id` (with `api_key`) in now.
pub async fn admitting(app: &TestApp, app_id: &str, api_key: &str) -> BTreeSet<&'static str> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = &app.base;
    let mut open = BTreeSet::new();
    let winning =
        |signed: bool| crate::v1_requests::winning_list_as(app_id, signed.then_some(api_key));
    if app.post("/PB2CAPIVAN/invapp/InvApp", &winning(true)).await["code"] == "200" {
        open.insert("v1-signed");
    }
    if app.post("/PB2CAPIVAN/invapp/InvApp", &winning(false)).await["code"] == "200" {
        open.insert("v1-unsigned");
    }
    let blank = http
        .get(format!(
            "{base}/PB2CAPIVAN/APIService/generalCarrierRegBlank?uuid=d&appID={app_id}"
        ))
        .send_ok()
        .await;
    // A live app's entry opens the page's session (a cookie) and sends the browser on to the
    // page; a refused one is answered with the MOF error and no session.
    if blank.status().is_redirection() && blank.headers().contains_key("set-cookie") {
        open.insert("blank-page");
    }
    let authorize = http
        .get(format!("{base}/oauth/authorize"))
        .query(&[
            ("client_id", app_id),
            ("redirect_uri", REDIRECT_URI),
            ("response_type", "code"),
            ("scope", "winning-numbers"),
        ])
        .send_ok()
        .await;
    // A live client with a registered redirect URI is sent on (to the app with an error, or
    // to sign in); a refused one is shown an error and sent nowhere (RFC 6749 §4.1.2.1).
    if authorize.status().is_redirection() {
        open.insert("oauth-authorize");
    }
    let token = http
        .post(format!("{base}/oauth/token"))
        .basic_auth(app_id, Some(api_key))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
        .send_ok()
        .await;
    // An authenticated client with a bad grant gets 400 invalid_grant; a refused one 401.
    if token.status() == 400 {
        open.insert("oauth-token");
    }
    let introspect = http
        .post(format!("{base}/oauth/introspect"))
        .basic_auth(app_id, Some(api_key))
        .form(&[("token", "x")])
        .send_ok()
        .await;
    if introspect.status() == 200 {
        open.insert("oauth-introspect");
    }
    let path = "/api/v2/deletion-requests";
    let nonce = fresh_nonce();
    let signer = hmac_signer(app_id, api_key, app.now_unix(), &nonce);
    let v2 = sign_onto(http.get(format!("{base}{path}")), "GET", path, b"", &signer)
        .send_ok()
        .await;
    if v2.status() == 200 {
        open.insert("v2");
    }
    open
}

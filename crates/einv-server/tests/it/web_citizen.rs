//! The citizen's pages over HTTP against the real app: one consent per app and scope, revoking
//! after a confirmation, no duplicate requests (with receipts), the access history's filter,
//! paging and CSV, and the public register. The helpers here serve `web_hardening` too.

pub(crate) use crate::common::web::{client, csrf_in, get, page_text, post};
use crate::common::*;
use chrono::Duration;
use einv_core::Service;
use reqwest::StatusCode;

both_backends!(
    web_one_consent_per_app_and_scope,
    web_revoking_asks_first_then_confirms,
    web_requests_get_a_receipt_and_are_never_duplicated,
    web_history_filters_pages_and_downloads,
    web_public_register_lists_licensed_apps
);

pub(crate) fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// Signs the fixture User in through the form; returns the session cookie.
pub(crate) async fn sign_in(app: &TestApp, code: &str) -> String {
    let (form_cookie, csrf) = app.form_token("/me/login").await;
    let res = client()
        .post(app.url("/me/login"))
        .header("cookie", &form_cookie)
        .form(&[("barcode", BARCODE), ("code", code), ("csrf", &csrf)])
        .send_ok()
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let session = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("einv_session="))
        .unwrap();
    session.split(';').next().unwrap().to_owned()
}

pub(crate) async fn user_id(app: &TestApp) -> einv_core::UserId {
    app.user(BARCODE).await.id
}

/// Giving the same consent again replaces the live one (recorded as its renewal, R5.6); a
/// consent with another scope is a separate one. The page shows the app's name, not its AppID.
async fn web_one_consent_per_app_and_scope(app: &TestApp) {
    let user = user_id(app).await;
    let p = &app.platform;
    let all = einv_server::services::standard_consent(&Service::ALL);
    app.clock.advance(Duration::seconds(5));
    let again = p.grant_consent(user, &app_id(), &all, None).await.unwrap();
    let live = |grants: &[einv_store::ConsentGrantRecord]| {
        let now = einv_core::Clock::now(&app.clock);
        grants
            .iter()
            .filter(|g| g.grant.status(now) == einv_core::consent::ConsentStatus::Live)
            .map(|g| g.id)
            .collect::<Vec<_>>()
    };
    let grants = p.consents_of_user(user).await.unwrap();
    assert_eq!(
        live(&grants),
        vec![again.id],
        "one live consent per app and scope"
    );
    assert!(
        again.renews.is_some(),
        "recorded as a renewal of the one it replaced"
    );
    let one = einv_server::services::standard_consent(&[Service::CarrierInvoices]);
    let narrow = p.grant_consent(user, &app_id(), &one, None).await.unwrap();
    let grants = p.consents_of_user(user).await.unwrap();
    assert_eq!(live(&grants).len(), 2, "another scope is another consent");
    assert!(live(&grants).contains(&narrow.id));
    let cookie = sign_in(app, CODE).await;
    let page = page_text(app, "/me?lang=en", &cookie).await;
    assert_eq!(page.matches("Revoke consent").count(), 2, "{page}");
    assert!(page.contains("test app"), "the app's name");
    assert!(
        page.contains("Earlier consents"),
        "the replaced grant is history"
    );
}

/// Revoking is asked first (saying what happens) and changes nothing until confirmed; then the
/// consent is revoked and the User is told.
async fn web_revoking_asks_first_then_confirms(app: &TestApp) {
    let user = user_id(app).await;
    let grant = app.platform.consents_of_user(user).await.unwrap()[0].id;
    let cookie = sign_in(app, CODE).await;
    let path = format!("/me/consents/{grant}/revoke");
    let confirm = page_text(app, &format!("{path}?lang=en"), &cookie).await;
    assert!(
        confirm.contains("immediately stops getting your data"),
        "{confirm}"
    );
    let still = app.platform.consents_of_user(user).await.unwrap();
    assert!(
        still[0].grant.revoked_at.is_none(),
        "showing the question changes nothing"
    );
    let csrf = csrf_in(&confirm);
    let forged = post(app, &path, &cookie, &[("csrf", "x")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let done = post(app, &path, &cookie, &[("csrf", &csrf)]).await;
    assert_eq!(done.headers()["location"], "/me?done=revoked");
    let revoked = app.platform.consents_of_user(user).await.unwrap();
    assert!(revoked[0].grant.revoked_at.is_some());
    let page = page_text(app, "/me?done=revoked&lang=en", &cookie).await;
    assert!(page.contains("Consent revoked"));
}

/// R5.2: a request gets a receipt; the same request while it is open answers the same receipt;
/// another User cannot read it.
async fn web_requests_get_a_receipt_and_are_never_duplicated(app: &TestApp) {
    let cookie = sign_in(app, CODE).await;
    let csrf = csrf_in(&page_text(app, "/me/requests", &cookie).await);
    let form = [
        ("csrf", csrf.as_str()),
        ("app_id", APP_ID),
        ("kind", "delete"),
    ];
    let first = post(app, "/me/requests", &cookie, &form).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let receipt = first.headers()["location"].to_str().unwrap().to_owned();
    assert!(receipt.ends_with("?done=filed"), "{receipt}");
    let second = post(app, "/me/requests", &cookie, &form).await;
    let again = second.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        again.split('?').next(),
        receipt.split('?').next(),
        "the same receipt"
    );
    assert!(again.ends_with("?done=existing"));
    let requests = app
        .platform
        .deletion_requests_of_user(user_id(app).await)
        .await
        .unwrap();
    assert_eq!(requests.len(), 1, "no duplicate request");
    let page = page_text(app, &format!("{receipt}&lang=en"), &cookie).await;
    assert!(
        page.contains(&format!("DR-{:06}", requests[0].id)),
        "{page}"
    );
    assert!(page.contains("Due by") && page.contains("test app"));
    // Another kind is another request.
    let stop = [
        ("csrf", csrf.as_str()),
        ("app_id", APP_ID),
        ("kind", "stop-use"),
    ];
    post(app, "/me/requests", &cookie, &stop).await;
    let count = app
        .platform
        .deletion_requests_of_user(user_id(app).await)
        .await
        .unwrap()
        .len();
    assert_eq!(count, 2);
    // An app never consented to: the form again, naming the field.
    let bad = [
        ("csrf", csrf.as_str()),
        ("app_id", "NOSUCHAPP"),
        ("kind", "delete"),
    ];
    let refused = post(app, "/me/requests", &cookie, &bad).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("href=\"#app_id\""));
    // Another User: not found.
    let other = app.platform.register_user("Other1234").await.unwrap();
    let (fc, fcsrf) = app.form_token("/me/login").await;
    let res = post(
        app,
        "/me/login",
        &fc,
        &[
            ("barcode", other.mobile_barcode.as_str()),
            ("code", "Other1234"),
            ("csrf", &fcsrf),
        ],
    )
    .await;
    let theirs = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("einv_session="))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .unwrap();
    let path = receipt.split('?').next().unwrap();
    assert_eq!(
        get(app, path, &theirs).await.status(),
        StatusCode::NOT_FOUND
    );
}

const INVSERV: &str = "/PB2CAPIVAN/invServ/InvServ";

/// The User's access history in English, filtered by `query` (`from=…&to=…`, `before=…`).
async fn history(app: &TestApp, cookie: &str, query: &str) -> String {
    page_text(app, &format!("/me/history?lang=en&{query}"), cookie).await
}

/// R6.4 on the User's page: one row per access, 20 to a page with a link to older ones, a
/// day filter (Taipei days) that is checked, and the same period as CSV.
async fn web_history_filters_pages_and_downloads(app: &TestApp) {
    for _ in 0..23 {
        app.clock.advance(Duration::seconds(2));
        let params = app.carrier_list("2026/11/01", "2026/11/30");
        assert_eq!(app.post(INVSERV, &params).await["code"], 200);
    }
    let cookie = sign_in(app, CODE).await;
    let first = page_text(app, "/me/history?lang=en", &cookie).await;
    assert_eq!(
        first.matches("read your carrier invoices").count(),
        20,
        "{first}"
    );
    let at = first.find("before=").unwrap() + 7;
    let before: String = first[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let older = history(app, &cookie, &format!("before={before}")).await;
    assert_eq!(older.matches("read your carrier invoices").count(), 3);
    // The fixture's day (2026-11-27, Taipei) has them all; the day before has none.
    let day = history(app, &cookie, "from=2026-11-27&to=2026-11-27").await;
    assert_eq!(day.matches("read your carrier invoices").count(), 20);
    let none = history(app, &cookie, "from=2026-11-26&to=2026-11-26").await;
    assert!(none.contains("Nothing recorded in this period"));
    let typo = get(app, "/me/history?lang=en&from=2026-13-40", &cookie).await;
    assert_eq!(typo.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let typo = typo.text().await.unwrap();
    assert!(
        typo.contains("href=\"#from\"") && typo.contains("value=\"2026-13-40\""),
        "typed value kept"
    );
    let csv = get(
        app,
        "/me/history.csv?lang=en&from=2026-11-27&to=2026-11-27",
        &cookie,
    )
    .await;
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert_eq!(csv.headers()["cache-control"], "no-store");
    let body = csv.text().await.unwrap();
    let lines: Vec<&str> = body.trim_end().split("\r\n").collect();
    assert!(lines[0].contains("Time (Taipei)"), "{}", lines[0]);
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("read your carrier invoices"))
            .count(),
        23
    );
    assert!(lines[1].contains(APP_ID) && lines[1].contains("test app"));
    // Another User's history holds none of these.
    assert_eq!(
        get(app, "/me/history.csv", "").await.status(),
        StatusCode::SEE_OTHER
    );
}

/// The public register lists a licensed app with its developer, services, term and status,
/// in HTML and JSON; an application still under review is not listed.
async fn web_public_register_lists_licensed_apps(app: &TestApp) {
    use einv_server::services::licensing::ApplicationInput;
    use einv_server::testing;
    let p = &app.platform;
    let d = crate::licensing::sign_up_named(app, "登錄資訊股份有限公司", "reg@example.com")
        .await
        .unwrap();
    let form = ApplicationInput {
        product_name: "記帳好幫手".into(),
        product_version: "1".into(),
        ..testing::application("reg@example.com", &["carrier-invoices", "donation"])
    };
    let pending = p
        .submit_application(d.id, &form, &[testing::isms_certificate()])
        .await
        .unwrap();
    let json = app.get_json("/apps.json").await;
    assert_eq!(
        json["apps"].as_array().unwrap().len(),
        0,
        "under review: not public"
    );
    let reviewer = p
        .add_reviewer("r@fia.example", "reviewer password", "R")
        .await
        .unwrap();
    let creds = p
        .approve(reviewer, pending.id, "ok")
        .await
        .unwrap()
        .unwrap();
    let json = app.get_json("/apps.json").await;
    let apps = json["apps"].as_array().unwrap();
    assert_eq!(apps.len(), 1, "{json}");
    assert_eq!(apps[0]["appId"], creds.app_id.as_str());
    assert_eq!(apps[0]["product"], "記帳好幫手");
    assert_eq!(apps[0]["developer"], "登錄資訊股份有限公司");
    assert_eq!(
        apps[0]["services"],
        serde_json::json!(["carrier-invoices", "donation"])
    );
    assert_eq!(apps[0]["inForce"], true);
    let html = page_text(app, "/apps?lang=en", "").await;
    assert!(
        html.contains("記帳好幫手")
            && html.contains("Carrier invoices")
            && html.contains("Licensed")
    );
    let home = page_text(app, "/", "").await;
    assert!(
        home.contains("href=\"/apps\"") && home.contains("href=\"/me\""),
        "linked from home"
    );
}

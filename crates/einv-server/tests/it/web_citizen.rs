//! The citizen's pages and the web hardening, over HTTP against the real app: security
//! headers, CSRF on sign-in and sign-up, `safe_next`, other sessions ended by a code change,
//! one consent per app and scope, no duplicate requests (with receipts), the access history's
//! filter, paging and CSV, the language choice, the public register and the 404 page.

use crate::common::*;
use chrono::Duration;
use einv_core::Service;
use reqwest::redirect::Policy;
use reqwest::StatusCode;

both_backends!(
    web_security_headers_on_every_page,
    web_sign_in_and_sign_up_refuse_forged_forms,
    web_safe_next_keeps_sign_in_on_this_site,
    web_changing_the_code_ends_other_sessions,
    web_one_consent_per_app_and_scope,
    web_revoking_asks_first_then_confirms,
    web_requests_get_a_receipt_and_are_never_duplicated,
    web_history_filters_pages_and_downloads,
    web_language_choice_persists,
    web_public_register_lists_licensed_apps,
    web_not_found_answers_in_each_surface_shape
);

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// Signs the fixture User in through the form; returns the session cookie.
async fn sign_in(app: &TestApp, code: &str) -> String {
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

async fn get(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    client()
        .get(app.url(path))
        .header("cookie", cookie)
        .send_ok()
        .await
}

async fn page_text(app: &TestApp, path: &str, cookie: &str) -> String {
    let res = get(app, path, cookie).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

fn csrf_in(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    page[at..at + 64].to_owned()
}

async fn post(app: &TestApp, path: &str, cookie: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client()
        .post(app.url(path))
        .header("cookie", cookie)
        .form(form)
        .send_ok()
        .await
}

async fn user_id(app: &TestApp) -> i64 {
    app.store()
        .find_user_by_barcode(BARCODE)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Hole 8: every page carries a CSP without inline script and with `frame-ancestors 'none'`,
/// `Referrer-Policy`, `nosniff`; pages with personal data or secrets are `no-store`.
async fn web_security_headers_on_every_page(app: &TestApp) {
    let cookie = sign_in(app, CODE).await;
    for (path, personal) in [
        ("/", false),
        ("/apps", false),
        ("/terms", false),
        ("/me/login", true),
        ("/me", true),
        ("/me/history", true),
        ("/developer/login", true),
        ("/no/such/page", true),
    ] {
        let res = get(app, path, &cookie).await;
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        let cache = h
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_owned());
        if personal {
            assert_eq!(cache.as_deref(), Some("no-store"), "{path}");
        } else {
            assert_ne!(cache.as_deref(), Some("no-store"), "{path} may be cached");
        }
    }
    // The stylesheet the CSP allows is served from this origin.
    let css = get(app, "/assets/site.css", "").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.text().await.unwrap().contains(":focus-visible"));
}

/// Login CSRF: a sign-in or sign-up form posted without the form cookie, with another token,
/// or from another site (`Sec-Fetch-Site: cross-site`) is refused and signs no one in.
async fn web_sign_in_and_sign_up_refuse_forged_forms(app: &TestApp) {
    for path in ["/me/login", "/me/register"] {
        let form = [("barcode", BARCODE), ("code", CODE)];
        let bare = post(app, path, "", &form).await;
        assert_eq!(
            bare.status(),
            StatusCode::FORBIDDEN,
            "{path}: no form cookie"
        );
        assert!(set_cookies(&bare)
            .iter()
            .all(|c| !c.starts_with("einv_session=")));
        let (cookie, csrf) = app.form_token(path).await;
        let other = "0".repeat(64);
        let wrong = post(app, path, &cookie, &[form[0], form[1], ("csrf", &other)]).await;
        assert_eq!(wrong.status(), StatusCode::FORBIDDEN, "{path}: wrong token");
        let cross = client()
            .post(app.url(path))
            .header("cookie", &cookie)
            .header("sec-fetch-site", "cross-site")
            .form(&[form[0], form[1], ("csrf", &csrf)])
            .send_ok()
            .await;
        assert_eq!(cross.status(), StatusCode::FORBIDDEN, "{path}: cross-site");
    }
    // With the page's token the same forms work.
    sign_in(app, CODE).await;
    let (cookie, csrf) = app.form_token("/me/register").await;
    let made = post(
        app,
        "/me/register",
        &cookie,
        &[("code", "Fresh1234"), ("csrf", &csrf)],
    )
    .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    assert_eq!(made.headers()["location"], "/me?done=registered");
}

/// No open redirect after sign-in, however `next` is dressed up.
async fn web_safe_next_keeps_sign_in_on_this_site(app: &TestApp) {
    for (next, to) in [
        ("/me/history", "/me/history"),
        ("/%09/evil.example", "/me"),
        ("//evil.example", "/me"),
        ("/\\evil.example", "/me"),
        ("/%2F%2Fevil.example", "/me"),
        ("https://evil.example/", "/me"),
    ] {
        let (cookie, csrf) = app.form_token("/me/login").await;
        let res = post(
            app,
            "/me/login",
            &cookie,
            &[
                ("barcode", BARCODE),
                ("code", CODE),
                ("csrf", &csrf),
                ("next", next),
            ],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(res.headers()["location"], to, "{next}");
    }
    let lang = get(app, "/lang/en?next=%2F%5Cevil.example", "").await;
    assert_eq!(lang.headers()["location"], "/", "the language switch too");
}

/// Changing the verification code signs the User out everywhere else; this session stays.
async fn web_changing_the_code_ends_other_sessions(app: &TestApp) {
    let here = sign_in(app, CODE).await;
    let elsewhere = sign_in(app, CODE).await;
    assert_eq!(get(app, "/me", &elsewhere).await.status(), StatusCode::OK);
    let csrf = csrf_in(&page_text(app, "/me/code", &here).await);
    let wrong = post(
        app,
        "/me/code",
        &here,
        &[
            ("csrf", &csrf),
            ("current", "Wrong0000"),
            ("new_code", "Newer5678"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.text().await.unwrap().contains("href=\"#current\""),
        "the field is named"
    );
    assert_eq!(
        get(app, "/me", &elsewhere).await.status(),
        StatusCode::OK,
        "a refusal ends nothing"
    );
    let changed = post(
        app,
        "/me/code",
        &here,
        &[
            ("csrf", &csrf),
            ("current", CODE),
            ("new_code", "Newer5678"),
        ],
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let gone = get(app, "/me", &elsewhere).await;
    assert_eq!(
        gone.status(),
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    assert!(gone.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/me/login"));
    assert_eq!(
        get(app, "/me", &here).await.status(),
        StatusCode::OK,
        "this one stays"
    );
}

/// Giving the same consent again replaces the live one (recorded as its renewal, R5.6); a
/// consent with another scope is a separate one. The page shows the app's name, not its AppID.
async fn web_one_consent_per_app_and_scope(app: &TestApp) {
    let user = user_id(app).await;
    let p = &app.platform;
    let all = einv_server::services::standard_consent(&Service::ALL);
    app.clock.advance(Duration::seconds(5));
    let again = p.grant_consent(user, APP_ID, &all, None).await.unwrap();
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
    let narrow = p.grant_consent(user, APP_ID, &one, None).await.unwrap();
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

/// R6.4 on the User's page: one row per access, 20 to a page with a link to older ones, a
/// day filter (Taipei days) that is checked, and the same period as CSV.
async fn web_history_filters_pages_and_downloads(app: &TestApp) {
    for _ in 0..23 {
        app.clock.advance(Duration::seconds(2));
        let mut params = app.carrier_params("carrierInvChk", "0.5");
        params.extend([
            ("startDate", "2026/11/01".to_owned()),
            ("endDate", "2026/11/30".to_owned()),
            ("onlyWinningInv", "N".to_owned()),
        ]);
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
    let older = page_text(
        app,
        &format!("/me/history?lang=en&before={before}"),
        &cookie,
    )
    .await;
    assert_eq!(older.matches("read your carrier invoices").count(), 3);
    // The fixture's day (2026-11-27, Taipei) has them all; the day before has none.
    let day = page_text(
        app,
        "/me/history?lang=en&from=2026-11-27&to=2026-11-27",
        &cookie,
    )
    .await;
    assert_eq!(day.matches("read your carrier invoices").count(), 20);
    let none = page_text(
        app,
        "/me/history?lang=en&from=2026-11-26&to=2026-11-26",
        &cookie,
    )
    .await;
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

/// The language switch sets a cookie that every later page reads; English pages are English.
async fn web_language_choice_persists(app: &TestApp) {
    let res = get(app, "/lang/en?next=%2Fapps", "").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/apps");
    let cookie = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("einv_lang=en"))
        .unwrap();
    assert!(cookie.contains("Max-Age=31536000"));
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let page = page_text(app, "/", &cookie).await;
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("For citizens") && !page.contains("民眾"));
    assert!(
        page.contains("/lang/zh?next=%2F"),
        "the switch leads back here in Chinese"
    );
    let zh = page_text(app, "/", "einv_lang=zh").await;
    assert!(zh.contains("<html lang=\"zh-Hant-TW\">"));
}

/// The public register lists a licensed app with its developer, services, term and status,
/// in HTML and JSON; an application still under review is not listed.
async fn web_public_register_lists_licensed_apps(app: &TestApp) {
    use einv_server::services::licensing::{
        ApplicationInput, DeveloperSignUp, DocumentUpload, IsmsInput,
    };
    let p = &app.platform;
    let d = p
        .sign_up_developer(&DeveloperSignUp {
            email: "reg@example.com".into(),
            password: "correct horse battery".into(),
            name: "登錄資訊股份有限公司".into(),
            entity_type: "business".into(),
            business_id: "04595257".into(),
            security_level: String::new(),
        })
        .await
        .unwrap();
    let form = ApplicationInput {
        contact_name: "王".into(),
        contact_email: "reg@example.com".into(),
        contact_phone: "02".into(),
        product_name: "記帳好幫手".into(),
        product_version: "1".into(),
        purpose: "bookkeeping".into(),
        services: vec!["carrier-invoices".into(), "donation".into()],
        isms: IsmsInput {
            number: "N".into(),
            issuer: "I".into(),
            scope: "S".into(),
            expiry: "2035-01-01".into(),
        },
        terms_version: "2023-03-30".into(),
        declarations_accepted: true,
    };
    let doc = DocumentUpload {
        file_name: "isms.pdf".into(),
        content_type: "application/pdf".into(),
        bytes: b"%PDF-1.4".to_vec(),
    };
    let pending = p
        .submit_application(d.id, &form, std::slice::from_ref(&doc))
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

/// A path nothing serves: a real page for people; v2 keeps problem+json, v1 its empty 404.
async fn web_not_found_answers_in_each_surface_shape(app: &TestApp) {
    let page = get(app, "/no/such/page?lang=en", "").await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let text = page.text().await.unwrap();
    assert!(text.contains("Page not found") && text.contains("href=\"/\""));
    let v2 = get(app, "/api/v2/no-such-endpoint", "").await;
    assert_eq!(v2.status(), StatusCode::NOT_FOUND);
    assert_eq!(v2.headers()["content-type"], "application/problem+json");
    let v1 = get(app, "/PB2CAPIVAN/noSuchService", "").await;
    assert_eq!(v1.status(), StatusCode::NOT_FOUND);
    assert!(v1.text().await.unwrap().is_empty());
}

/// Cookies are `Secure` when the Platform is reached over HTTPS: the session, the form guard
/// and the language choice alike.
#[tokio::test]
async fn web_cookies_are_secure_behind_https() {
    use axum::body::Body;
    use tower::ServiceExt;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let router = einv_server::router(einv_server::AppState::new(app.platform.clone(), true));
    let request = |path: &str| {
        let mut req = axum::http::Request::get(path).body(Body::empty()).unwrap();
        let peer: std::net::SocketAddr = "127.0.0.1:4000".parse().unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        req
    };
    for path in ["/me/login", "/lang/en?next=/"] {
        let res = router.clone().oneshot(request(path)).await.unwrap();
        let cookie = res.headers()["set-cookie"].to_str().unwrap();
        assert!(cookie.contains("; Secure"), "{path}: {cookie}");
    }
    let plain = einv_server::router(einv_server::AppState::new(app.platform.clone(), false));
    let res = plain.oneshot(request("/me/login")).await.unwrap();
    assert!(!res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Secure"));
    app.stop().await;
}

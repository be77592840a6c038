//! The portal's pages over HTTP: roles kept apart, CSRF on every POST, one Developer never
//! sees another's licence, and the APIKey is shown once.

pub(crate) use crate::common::web::client;
use crate::common::*;
use crate::developer_pages::approved_with_key;
use einv_server::services::licensing::{ApplicationInput, IsmsInput};
use reqwest::StatusCode;

both_backends!(
    roles_csrf_and_ownership,
    key_is_shown_once,
    public_pages_render,
    developer_registers_ed25519_keys_for_v2
);

pub(crate) fn cookie(res: &reqwest::Response) -> String {
    let set = res.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    set.split(';').next().unwrap().to_owned()
}

pub(crate) async fn sign_up(app: &TestApp, email: &str) -> String {
    let form = [
        ("email", email),
        ("password", "correct horse battery"),
        ("name", "示範公司"),
        ("entity_type", "business"),
        ("business_id", "04595257"),
    ];
    let res = sign_in(app, "/developer/signup", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    cookie(&res)
}

pub(crate) async fn reviewer(app: &TestApp) -> String {
    app.platform
        .add_reviewer("rev@fia.example", "reviewer password", "Reviewer")
        .await
        .unwrap();
    let form = [
        ("email", "rev@fia.example"),
        ("password", "reviewer password"),
    ];
    let res = sign_in(app, "/reviewer/login", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    cookie(&res)
}

/// Posts a sign-in form at `path` the way a browser does: with the form's CSRF token and the
/// cookie it came with.
pub(crate) async fn sign_in(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let (form_cookie, csrf) = app.form_token(path).await;
    let form = [form, &[("csrf", csrf.as_str())]].concat();
    client()
        .post(format!("{}{path}", app.base))
        .header("cookie", form_cookie)
        .form(&form)
        .send_ok()
        .await
}

pub(crate) use crate::common::web::{get, page_text};

pub(crate) async fn csrf_of(app: &TestApp, path: &str, cookie: &str) -> String {
    let page = get(app, path, cookie).await.text().await.unwrap();
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    page[at..at + 64].to_owned()
}

pub(crate) fn application() -> ApplicationInput {
    ApplicationInput {
        contact_name: "王".into(),
        contact_email: "a@example.com".into(),
        contact_phone: "02".into(),
        product_name: "App".into(),
        product_version: "1".into(),
        purpose: "bookkeeping".into(),
        services: vec!["winning-numbers".into()],
        isms: IsmsInput {
            number: "N".into(),
            issuer: "I".into(),
            scope: "S".into(),
            expiry: "2030-01-01".into(),
        },
        terms_version: "2023-03-30".into(),
        declarations_accepted: true,
    }
}

pub(crate) async fn developer_id(app: &TestApp, email: &str) -> einv_core::DeveloperId {
    app.store()
        .find_developer_by_email(email)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn roles_csrf_and_ownership(app: &TestApp) {
    let dev = sign_up(app, "one@example.com").await;
    let rev = reviewer(app).await;
    assert_eq!(get(app, "/developer", &dev).await.status(), StatusCode::OK);
    // A developer session cannot open reviewer pages, and vice versa.
    let denied = get(app, "/reviewer", &dev).await;
    assert_eq!(denied.status(), StatusCode::SEE_OTHER);
    assert_eq!(denied.headers()["location"], "/reviewer/login");
    let denied = get(app, "/developer", &rev).await;
    assert_eq!(denied.headers()["location"], "/developer/login");
    assert_eq!(get(app, "/reviewer", &rev).await.status(), StatusCode::OK);
    // A POST without the session's CSRF token is refused.
    let res = client()
        .post(format!("{}/developer/terms", app.base))
        .header("cookie", &dev)
        .form(&[("version", "2023-03-30")])
        .send_ok()
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let token = csrf_of(app, "/developer/terms", &dev).await;
    let res = client()
        .post(format!("{}/developer/terms", app.base))
        .header("cookie", &dev)
        .form(&[("version", "2023-03-30"), ("csrf", &token)])
        .send_ok()
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Another Developer's licence is "not found" (R8).
    let other = developer_id(app, "one@example.com").await;
    let theirs = app
        .platform
        .submit_application(other, &application(), &[])
        .await
        .unwrap();
    let intruder = sign_up(app, "two@example.com").await;
    assert_eq!(
        get(
            app,
            &format!("/developer/licences/{}", theirs.id),
            &intruder
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(app, &format!("/developer/licences/{}", theirs.id), &dev)
            .await
            .status(),
        StatusCode::OK
    );
    // The reviewer sees it in the queue, and approves it through the console.
    assert!(get(app, "/reviewer", &rev)
        .await
        .text()
        .await
        .unwrap()
        .contains(&format!("/reviewer/licences/{}", theirs.id)));
    let token = csrf_of(app, &format!("/reviewer/licences/{}", theirs.id), &rev).await;
    let res = client()
        .post(format!(
            "{}/reviewer/licences/{}/approve",
            app.base, theirs.id
        ))
        .header("cookie", &rev)
        .form(&[("csrf", token.as_str()), ("reason", "ok")])
        .send_ok()
        .await;
    // Approval cannot be undone: the first POST only asks for confirmation.
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("id=\"confirmation\""));
    assert_eq!(
        app.platform.licence(theirs.id).await.unwrap().state.name(),
        "applied"
    );
    let res = client()
        .post(format!(
            "{}/reviewer/licences/{}/approve",
            app.base, theirs.id
        ))
        .header("cookie", &rev)
        .form(&[
            ("csrf", token.as_str()),
            ("reason", "ok"),
            ("confirm", "yes"),
        ])
        .send_ok()
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.platform.licence(theirs.id).await.unwrap().state.name(),
        "active"
    );
}

async fn key_is_shown_once(app: &TestApp) {
    let (dev, licence, issued) = approved_with_key(app, "keys@example.com", "r2@fia.example").await;
    let path = format!("/developer/licences/{licence}/credentials");
    let first = get(app, &path, &dev).await.text().await.unwrap();
    assert!(first.contains(&issued.api_key), "shown the first time");
    let second = get(app, &path, &dev).await.text().await.unwrap();
    assert!(!second.contains(&issued.api_key), "never again");
    assert!(second.contains("key-hidden"));
}

async fn public_pages_render(app: &TestApp) {
    for path in [
        "/",
        "/announcements",
        "/limits",
        "/terms",
        "/privacy",
        "/developer/signup",
        "/developer/login",
        "/reviewer/login",
    ] {
        let res = client().get(format!("{}{path}", app.base)).send_ok().await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    let limits: serde_json::Value = client()
        .get(format!("{}/api/v2/limits", app.base))
        .send_json()
        .await;
    assert!(
        limits["per_ip"]["calls"].as_u64().is_some(),
        "R4.6: {limits}"
    );
    assert_eq!(
        get(app, "/developer", "").await.headers()["location"],
        "/developer/login"
    );
}

/// The licence's v2 signing page: the methods the licence accepts, Ed25519 public keys
/// registered (CSRF-protected) and used to sign, and a worked example with the AppID.
async fn developer_registers_ed25519_keys_for_v2(app: &TestApp) {
    let (dev, licence, issued) = approved_with_key(app, "sig@example.com", "r3@fia.example").await;
    let path = format!("/developer/licences/{licence}/signing");
    let page = get(app, &path, &dev).await.text().await.unwrap();
    assert!(
        page.contains(issued.app_id.as_str()),
        "the example uses the AppID"
    );
    assert!(
        page.contains("keyid=&quot;") || page.contains("keyid=\""),
        "{page}"
    );
    assert!(!page.contains("ed25519-accepted"), "no key yet");
    let public = einv_core::httpsig::ed25519_public_key(&[3u8; 32]);
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, public);
    let post = format!("{}{path}/keys", app.base);
    // Without the CSRF token: refused, nothing registered.
    let forged = client()
        .post(&post)
        .header("cookie", &dev)
        .form(&[("public_key", encoded.as_str()), ("label", "ci")])
        .send_ok()
        .await;
    assert_ne!(forged.status(), StatusCode::SEE_OTHER);
    assert!(app
        .platform
        .signing_keys(&issued.app_id)
        .await
        .unwrap()
        .is_empty());
    let csrf = csrf_of(app, &path, &dev).await;
    let res = client()
        .post(&post)
        .header("cookie", &dev)
        .form(&[
            ("csrf", csrf.as_str()),
            ("public_key", encoded.as_str()),
            ("label", "ci"),
        ])
        .send_ok()
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = get(app, &path, &dev).await.text().await.unwrap();
    assert!(page.contains(&encoded) && page.contains("ed25519-accepted"));
    // Another developer cannot see or use this licence's page.
    let other = sign_up(app, "other-sig@example.com").await;
    assert_ne!(get(app, &path, &other).await.status(), StatusCode::OK);
}

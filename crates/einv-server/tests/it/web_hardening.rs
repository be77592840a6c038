//! The web hardening (issue #9, hole 8) over HTTP against the real app: security headers,
//! CSRF on sign-in and sign-up, `safe_next`, other sessions ended by a code change, `Secure`
//! cookies behind HTTPS, the language cookie, and the 404 answer of each surface.

use crate::common::*;
use crate::web_citizen::{client, csrf_in, get, page_text, post, set_cookies, sign_in};
use reqwest::StatusCode;

both_backends!(
    web_security_headers_on_every_page,
    web_sign_in_and_sign_up_refuse_forged_forms,
    web_safe_next_keeps_sign_in_on_this_site,
    web_changing_the_code_ends_other_sessions,
    web_language_choice_persists,
    web_not_found_answers_in_each_surface_shape
);

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

/// POSTs the code-change form of `session`, with `current` typed as the code in use.
async fn change_code(app: &TestApp, session: &str, csrf: &str, current: &str) -> reqwest::Response {
    let form = [
        ("csrf", csrf),
        ("current", current),
        ("new_code", "Newer5678"),
    ];
    post(app, "/me/code", session, &form).await
}

/// Changing the verification code signs the User out everywhere else; this session stays.
async fn web_changing_the_code_ends_other_sessions(app: &TestApp) {
    let here = sign_in(app, CODE).await;
    let elsewhere = sign_in(app, CODE).await;
    assert_eq!(get(app, "/me", &elsewhere).await.status(), StatusCode::OK);
    let csrf = csrf_in(&page_text(app, "/me/code", &here).await);
    let wrong = change_code(app, &here, &csrf, "Wrong0000").await;
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
    let changed = change_code(app, &here, &csrf, CODE).await;
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

/// A blank page's session cookie is cleared with the attributes it was set with: behind HTTPS
/// the clearing `Set-Cookie` is `Secure` too, or the browser keeps the session cookie.
#[tokio::test]
async fn the_blank_page_cookie_is_cleared_as_secure_as_it_was_set() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let router = einv_server::router(einv_server::AppState::new(app.platform.clone(), true));
    let send = |req: Request<Body>| {
        let mut req = req;
        let peer: std::net::SocketAddr = "127.0.0.1:4000".parse().unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        router.clone().oneshot(req)
    };
    let blank_cookie = |res: &axum::response::Response| {
        let header = res.headers().get_all("set-cookie").iter().find_map(|v| {
            let v = v.to_str().unwrap();
            v.starts_with("einv_blank=").then(|| v.to_owned())
        });
        header.unwrap_or_else(|| panic!("no einv_blank cookie: {res:?}"))
    };
    let bare = "/PB2CAPIVAN/APIService/generalCarrierRegBlank";
    let entry = Request::get(format!("{bare}?appID={APP_ID}&uuid=d"));
    let entry = send(entry.body(Body::empty()).unwrap()).await.unwrap();
    let set = blank_cookie(&entry);
    let pair = set.split(';').next().unwrap().to_owned();
    let page = Request::get(bare).header("cookie", &pair);
    let page = send(page.body(Body::empty()).unwrap()).await.unwrap();
    let page = axum::body::to_bytes(page.into_body(), usize::MAX)
        .await
        .unwrap();
    let page = String::from_utf8(page.to_vec()).unwrap();
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    let form = format!("code=Fresh123&csrf={}", &page[at..at + 64]);
    let done = Request::post(bare)
        .header("cookie", &pair)
        .header("content-type", "application/x-www-form-urlencoded");
    let done = send(done.body(Body::from(form)).unwrap()).await.unwrap();
    let cleared = blank_cookie(&done);
    assert!(cleared.starts_with("einv_blank=;"), "{cleared}");
    assert_eq!(
        einv_server::testing::cookie_attributes(&cleared),
        einv_server::testing::cookie_attributes(&set),
        "set {set}, cleared {cleared}"
    );
    assert!(cleared.contains("; Secure"), "{cleared}");
    app.stop().await;
}

//! OAuth set-up over HTTP (issue 14): redirect URIs on the licence page (https, or http only to
//! a loopback address), and the consent link the API hands out, which opens the consent page.

use crate::common::web::post as post_form;
use crate::common::*;
use crate::developer_pages::approved;
use crate::licensing_web::{client, cookie, csrf_of, get, sign_up};
use reqwest::StatusCode;

both_backends!(
    redirect_uris_refuse_plain_http_to_another_host,
    the_consent_link_the_api_hands_out_opens_the_consent_page
);

/// POSTs `uri` to the licence's redirect-URI form `add` as `cookie`.
async fn add_uri(
    app: &TestApp,
    add: &str,
    cookie: &str,
    csrf: &str,
    uri: &str,
) -> reqwest::Response {
    post_form(app, add, cookie, &[("csrf", csrf), ("redirect_uri", uri)]).await
}

async fn redirect_uris_refuse_plain_http_to_another_host(app: &TestApp) {
    let (dev, id, app_id) = approved(app, "uris@example.com", "uris-rev@fia.example").await;
    let page = format!("/developer/licences/{id}");
    let csrf = csrf_of(app, &page, &dev).await;
    let add = format!("{page}/redirect-uris");
    for bad in [
        "http://evil.example/cb",
        "https://app.example/cb#x",
        "javascript:alert(1)",
    ] {
        let res = add_uri(app, &add, &dev, &csrf, bad).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let page = res.text().await.unwrap();
        assert!(
            page.contains("id=\"redirect_uri-error\""),
            "the problem beside the field"
        );
        assert!(
            page.contains(&format!("value=\"{bad}\"")),
            "what was typed is kept"
        );
    }
    assert!(
        app.store().redirect_uris(&app_id).await.unwrap().is_empty(),
        "nothing registered"
    );
    for good in [
        "https://app.example/oauth/callback",
        "http://127.0.0.1:8123/cb",
    ] {
        let res = add_uri(app, &add, &dev, &csrf, good).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{good}");
    }
    let listed = get(app, &page, &dev).await.text().await.unwrap();
    assert!(
        listed.contains("https://app.example/oauth/callback")
            && listed.contains("http://127.0.0.1:8123/cb")
    );
    // Registered twice: a conflict, not a duplicate.
    let twice = add_uri(app, &add, &dev, &csrf, "https://app.example/oauth/callback").await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    // Removing asks first, then removes.
    let remove = format!("{page}/redirect-uris/remove");
    let uri = ("redirect_uri", "http://127.0.0.1:8123/cb");
    assert_eq!(
        post_form(app, &remove, &dev, &[("csrf", &csrf), uri])
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(app.store().redirect_uris(&app_id).await.unwrap().len(), 2);
    assert_eq!(
        post_form(
            app,
            &remove,
            &dev,
            &[("csrf", &csrf), uri, ("confirm", "yes")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.store().redirect_uris(&app_id).await.unwrap(),
        ["https://app.example/oauth/callback"]
    );
    // Another developer cannot add to this licence.
    let other = sign_up(app, "uris-other@example.com").await;
    let other_csrf = csrf_of(app, "/developer", &other).await;
    let res = add_uri(app, &add, &other, &other_csrf, "https://evil.example/cb").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.store().redirect_uris(&app_id).await.unwrap().len(), 1);
}

async fn the_consent_link_the_api_hands_out_opens_the_consent_page(app: &TestApp) {
    let link =
        einv_server::services::consent::consent_url(&app_id(), einv_core::Service::CarrierInvoices);
    // Not signed in: to the User's sign-in, coming back to the link.
    let res = client().get(format!("{}{link}", app.base)).send_ok().await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let login = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(login.starts_with("/me/login?next="), "{login}");
    let res = crate::licensing_web::sign_in(
        app,
        "/me/login",
        &[("barcode", BARCODE), ("code", CODE), ("next", &link)],
    )
    .await;
    assert_eq!(res.headers()["location"], link.as_str());
    let user = cookie(&res);
    // Signed in: the consent page, as given (it was a 422 before).
    let page = get(app, &link, &user).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains(APP_ID) && page.contains("carrier-invoices"));
    let csrf = {
        let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
        page[at..at + 64].to_owned()
    };
    let u = app.user(BARCODE).await;
    let before = app.platform.consents_of_user(u.id).await.unwrap().len();
    let res = post_form(
        app,
        "/oauth/authorize",
        &user,
        &[
            ("csrf", &csrf),
            ("decision", "approve"),
            ("client_id", APP_ID),
            ("scope", "carrier-invoices"),
            // A forged item is ignored: the items come from the licence, not the form.
            ("purpose", "resale"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/me");
    let grants = app.platform.consents_of_user(u.id).await.unwrap();
    assert_eq!(grants.len(), before + 1);
    // A link to an AppID that does not exist is a clear error, not a consent page.
    let bad = get(
        app,
        "/oauth/authorize?client_id=NOSUCHAPP&scope=carrier-invoices",
        &user,
    )
    .await;
    assert!(bad.status().is_client_error());
    assert!(bad.text().await.unwrap().contains("client_id"));
}

//! Bad input on the licence page's forms and in the reviewer's filter (issue 14): the form
//! comes back — not the error page — with the problem in the page's language at the top and
//! beside its field, and what was typed kept.

use crate::common::web::post as post_form;
use crate::common::*;
use crate::developer_pages::approved;
use crate::licensing_web::{csrf_of, get};
use reqwest::StatusCode;

both_backends!(
    licence_forms_come_back_with_the_problem_beside_the_field,
    a_malformed_reviewer_filter_comes_back_in_the_filter_form
);

/// The problem shown beside input `id`, if any.
fn beside(page: &str, id: &str) -> Option<String> {
    let start = page.find(&format!("id=\"{id}-error\""))?;
    let end = page[start..].find("</p>")? + start;
    Some(page[start..end].to_owned())
}

/// POSTs the R5.11 change form of the licence page at `path` as the developer signed in with
/// `(cookie, csrf)`, with `version` and `purpose` typed.
async fn post_change(
    app: &TestApp,
    path: &str,
    (cookie, csrf): (&str, &str),
    version: &str,
    purpose: &str,
) -> reqwest::Response {
    let form = [
        ("csrf", csrf),
        ("product_version", version),
        ("purpose", purpose),
    ];
    post_form(app, &format!("{path}/change"), cookie, &form).await
}

async fn licence_forms_come_back_with_the_problem_beside_the_field(app: &TestApp) {
    let (dev, id, _) = approved(app, "forms@example.com", "forms-rev@fia.example").await;
    let path = format!("/developer/licences/{id}");
    let csrf = csrf_of(app, &path, &dev).await;

    // R5.11 change, Chinese page: the version left empty; the purpose typed is kept.
    let res = post_change(app, &path, (&dev, &csrf), " ", "新的記帳用途").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("error-summary"), "the summary at the top");
    let error = beside(&page, "change-product_version").expect("beside the version field");
    assert!(error.contains("版本：此欄必填"), "{error}");
    assert!(
        !error.contains("required"),
        "no English on a Chinese page: {error}"
    );
    assert!(
        page.contains(">新的記帳用途</textarea>"),
        "the purpose typed is kept"
    );
    let unchanged = app.platform.licence_history(id).await.unwrap();
    assert!(
        unchanged
            .iter()
            .all(|e| e.event.as_str() != "change-purpose"),
        "nothing was filed"
    );

    // R5.10 research, English page: a title over its limit.
    let long = "x".repeat(201);
    let res = post_form(
        app,
        &format!("{path}/research?lang=en"),
        &dev,
        &[
            ("csrf", &csrf),
            ("title", &long),
            ("body", "Spending by month"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    let error = beside(&page, "research-title").expect("beside the title");
    assert!(
        error.contains("Title: Use at most 200 characters."),
        "{error}"
    );
    assert!(page.contains(">Spending by month</textarea>"));

    // R6 certificate: not a date, then a date already past (a rule, worded in the page's language).
    let cert = |expiry: &'static str| {
        [
            ("isms_number", "ISMS-9"),
            ("isms_issuer", "BSI"),
            ("isms_scope", "App"),
            ("isms_expiry", expiry),
        ]
    };
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend(cert("31/12/2030"));
    let res = post_form(app, &format!("{path}/certificate?lang=en"), &dev, &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    let error = beside(&page, "certificate-isms_expiry").expect("beside the expiry");
    assert!(error.contains("Enter a date as YYYY-MM-DD."), "{error}");
    assert!(
        page.contains("value=\"ISMS-9\""),
        "the number typed is kept"
    );
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend(cert("2020-01-01"));
    let res = post_form(app, &format!("{path}/certificate"), &dev, &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = beside(&res.text().await.unwrap(), "certificate-isms_expiry").unwrap();
    assert!(
        error.contains("第六點"),
        "R6 in the specification's words: {error}"
    );

    // R10.1 withdrawal without a reason: the form again, not a confirmation page.
    let res = post_form(
        app,
        &format!("{path}/withdraw"),
        &dev,
        &[("csrf", &csrf), ("reason", "")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(beside(&res.text().await.unwrap(), "withdraw-reason").is_some());

    // A good change still goes through and says so.
    let res = post_change(app, &path, (&dev, &csrf), "2.0", "bookkeeping").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

async fn a_malformed_reviewer_filter_comes_back_in_the_filter_form(app: &TestApp) {
    let rev = crate::licensing_web::reviewer(app).await;
    let res = get(app, "/reviewer?from=2026-13-01&q=Ledger", &rev).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("id=\"filter\""),
        "the filter form, not the error page"
    );
    let error = beside(&page, "from").expect("beside the day");
    assert!(error.contains("YYYY-MM-DD"), "{error}");
    assert!(
        page.contains("value=\"2026-13-01\""),
        "the day typed is kept"
    );
    assert!(
        page.contains("value=\"Ledger\""),
        "the search typed is kept"
    );

    let res = get(app, "/reviewer?from=2026-12-01&to=2026-11-01&lang=en", &rev).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = beside(&res.text().await.unwrap(), "to").expect("beside the end day");
    assert!(error.contains("must not be before"), "{error}");

    let res = get(app, "/reviewer?from=2026-11-01", &rev).await;
    assert_eq!(res.status(), StatusCode::OK, "a good filter lists");
}

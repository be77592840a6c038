//! The reviewer's tools over HTTP (issue 14): search and filters, paging, assignment,
//! confirmation of what cannot be undone, documents viewable in the browser safely.

use crate::common::web::post;
use crate::common::*;
use crate::licensing_web::{application, cookie, csrf_of, developer_id, get, page_text, sign_up};
use einv_server::services::licensing::{DocumentUpload, PAGE_SIZE};
use reqwest::StatusCode;

async fn reviewer_cookie(app: &TestApp, email: &str) -> (einv_core::ReviewerId, String) {
    let id = app
        .platform
        .add_reviewer(email, "reviewer password", "Rita Reviewer")
        .await
        .unwrap();
    let res = crate::licensing_web::sign_in(
        app,
        "/reviewer/login",
        &[("email", email), ("password", "reviewer password")],
    )
    .await;
    (id, cookie(&res))
}

fn doc(name: &str, kind: &str, bytes: &[u8]) -> DocumentUpload {
    DocumentUpload {
        file_name: name.into(),
        content_type: kind.into(),
        bytes: bytes.to_vec(),
    }
}

/// Run by `developer_pages::reviewer_search_paging_assignment_and_documents` on both backends.
pub(crate) async fn run(app: &TestApp) {
    sign_up(app, "many@example.com").await;
    let many = developer_id(app, "many@example.com").await;
    for n in 0..PAGE_SIZE {
        let mut form = application();
        form.product_name = format!("Bulk {n}");
        app.platform
            .submit_application(many, &form, &[])
            .await
            .unwrap();
    }
    sign_up(app, "special@example.com").await;
    let special = developer_id(app, "special@example.com").await;
    let mut form = application();
    form.product_name = "Needle_100%".into();
    form.services = vec!["carrier-invoices".into(), "donation".into()];
    let docs = [
        doc("cert.pdf", "application/pdf", b"%PDF-1.4"),
        doc("page.html", "text/html", b"<script>alert(1)</script>"),
    ];
    let needle = app
        .platform
        .submit_application(special, &form, &docs)
        .await
        .unwrap();
    let (me, rev) = reviewer_cookie(app, "tools@fia.example").await;

    // Paging: PAGE_SIZE + 1 waiting applications make two pages.
    let first = page_text(app, "/reviewer?lang=en", &rev).await;
    assert!(first.contains(&format!("{} found", PAGE_SIZE + 1)) && first.contains("rel=\"next\""));
    let second = page_text(app, "/reviewer?page=2&lang=en", &rev).await;
    assert!(second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""));
    assert_eq!(
        second.matches("/reviewer/licences/").count(),
        1,
        "one row on the last page"
    );
    // Search takes wildcards literally and finds by product (or developer, or AppID).
    let found = page_text(app, "/reviewer?q=needle_100%25&lang=en", &rev).await;
    assert!(
        found.contains("Needle_100%") && found.contains("1 found"),
        "{found}"
    );
    let none = page_text(app, "/reviewer?q=needle_1000&lang=en", &rev).await;
    assert!(none.contains("id=\"empty\""));
    // Filter by service and by status.
    let donation = page_text(app, "/reviewer?service=donation&lang=en", &rev).await;
    assert!(donation.contains("Needle_100%") && donation.contains("1 found"));
    let rejected = page_text(app, "/reviewer?status=rejected&lang=en", &rev).await;
    assert!(rejected.contains("id=\"empty\""));
    // A bad filter is refused, naming the field.
    let bad = get(app, "/reviewer?from=2026-13-01", &rev).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("from"));

    // Assignment.
    let page = format!("/reviewer/licences/{}", needle.id);
    let csrf = csrf_of(app, &page, &rev).await;
    let assign_to = |reviewer: String| {
        let (path, csrf) = (format!("{page}/assign"), csrf.clone());
        let rev = rev.clone();
        async move {
            post(
                app,
                &path,
                &rev,
                &[("csrf", &csrf), ("reviewer", &reviewer)],
            )
            .await
        }
    };
    let res = assign_to(me.to_string()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mine = page_text(app, "/reviewer?assignee=me&lang=en", &rev).await;
    assert!(
        mine.contains("Needle_100%") && mine.contains("1 found") && mine.contains("Rita Reviewer")
    );
    let nobody = assign_to("999999".into()).await;
    assert_eq!(nobody.status(), StatusCode::NOT_FOUND);

    // Rejecting cannot be undone: a confirmation page first, which says what will happen.
    let reject = [
        ("csrf", csrf.as_str()),
        ("reason", "Outside the e-invoice service"),
    ];
    let asked = post(app, &format!("{page}/reject?lang=en"), &rev, &reject).await;
    assert_eq!(asked.status(), StatusCode::OK);
    let asked = asked.text().await.unwrap();
    assert!(
        asked.contains("id=\"consequence\"") && asked.contains("Outside the e-invoice service")
    );
    assert_eq!(
        app.platform.licence(needle.id).await.unwrap().state.name(),
        "applied"
    );
    let mut confirmed = reject.to_vec();
    confirmed.push(("confirm", "yes"));
    let done = post(app, &format!("{page}/reject"), &rev, &confirmed).await;
    assert_eq!(done.headers()["location"], format!("{page}?done=reject"));
    assert_eq!(
        app.platform.licence(needle.id).await.unwrap().state.name(),
        "rejected"
    );
    let after = page_text(app, &format!("{page}?done=reject&lang=en"), &rev).await;
    assert!(after.contains("Application rejected"));

    // Documents: a PDF opens in the browser; HTML never renders, it downloads.
    let docs = app.platform.dossier(needle.id).await.unwrap().documents;
    let served = [
        (
            docs[0].id,
            "application/pdf",
            "inline; filename=\"cert.pdf\"",
        ),
        (docs[1].id, "application/octet-stream", "attachment"),
    ];
    for (doc, content_type, disposition) in served {
        let res = get(app, &format!("/reviewer/documents/{doc}"), &rev).await;
        let headers = res.headers();
        assert_eq!(headers["content-type"], content_type);
        let shown = headers["content-disposition"].to_str().unwrap();
        assert!(shown.starts_with(disposition), "{shown}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
    }
    // A developer cannot open documents.
    let dev = sign_up(app, "peek@example.com").await;
    assert_eq!(
        get(app, &format!("/reviewer/documents/{}", docs[0].id), &dev)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

//! The developer's journeys over HTTP (issue 14): the "ask for changes" loop with its diff
//! (R4.2), key rotation that a reload never repeats (R4.1), the start page, and
//! confirmations. OAuth set-up is in `oauth_setup_web`.

use crate::common::web;
use crate::common::*;
use crate::licensing_web::{
    application, client, cookie, csrf_of, developer_id, get, page_text, sign_up,
};
use einv_core::{AppId, LicenceId};
use einv_server::services::IssuedCredentials;
use reqwest::StatusCode;

both_backends!(
    r4_1_refreshing_the_rotation_result_does_not_rotate,
    r4_2_a_resubmission_with_a_changed_field_records_the_diff,
    a_developer_without_a_licence_sees_how_to_start,
    reviewer_search_paging_assignment_and_documents
);

/// A multipart body of `fields` and `files` (name, file name, content type, bytes).
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "einv-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes());
    }
    for (name, file, kind, bytes) in files {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: {kind}\r\n\r\n").bytes());
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A developer signed in, with an approved licence; returns (cookie, licence ID, AppID).
pub(crate) async fn approved(
    app: &TestApp,
    email: &str,
    reviewer_email: &str,
) -> (String, LicenceId, AppId) {
    let (dev, licence, issued) = approved_with_key(app, email, reviewer_email).await;
    (dev, licence, issued.app_id)
}

/// [`approved`], with the AppID and APIKey issued on approval.
pub(crate) async fn approved_with_key(
    app: &TestApp,
    email: &str,
    reviewer_email: &str,
) -> (String, LicenceId, IssuedCredentials) {
    let dev = sign_up(app, email).await;
    let me = developer_id(app, email).await;
    let licence = app
        .platform
        .submit_application(me, &application(), &[])
        .await
        .unwrap();
    let reviewer = app
        .platform
        .add_reviewer(reviewer_email, "reviewer password", "Rita")
        .await
        .unwrap();
    let issued = app
        .platform
        .approve(reviewer, licence.id, "ok")
        .await
        .unwrap()
        .unwrap();
    (dev, licence.id, issued)
}

async fn r4_1_refreshing_the_rotation_result_does_not_rotate(app: &TestApp) {
    let (dev, id, app_id) = approved(app, "rot@example.com", "rot-rev@fia.example").await;
    let page = format!("/developer/licences/{id}/credentials");
    let first = get(app, &page, &dev).await;
    assert_eq!(
        first.headers()["cache-control"],
        "no-store",
        "a page with a key is never cached"
    );
    let first = first.text().await.unwrap();
    assert!(first.contains("id=\"api-key\"") && first.contains("SHA256:"));
    let csrf = csrf_of(app, &page, &dev).await;
    let rotate = format!("/developer/licences/{id}/rotate");
    // The first POST asks for confirmation and rotates nothing.
    let asked = web::post(app, &rotate, &dev, &[("csrf", &csrf), ("grace_days", "7")]).await;
    assert_eq!(asked.status(), StatusCode::OK);
    assert!(asked.text().await.unwrap().contains("id=\"confirmation\""));
    assert_eq!(app.store().credentials_of(&app_id).await.unwrap().len(), 1);
    // Another developer is not even asked: someone else's licence is "not found".
    let other = sign_up(app, "rot-other@example.com").await;
    let other_csrf = csrf_of(app, "/developer", &other).await;
    let stranger = web::post(
        app,
        &rotate,
        &other,
        &[("csrf", &other_csrf), ("grace_days", "7")],
    )
    .await;
    assert_eq!(stranger.status(), StatusCode::NOT_FOUND);
    // A grace period out of range is refused before anything happens.
    let confirmed = |grace_days: &'static str| {
        let form = [
            ("csrf", csrf.as_str()),
            ("grace_days", grace_days),
            ("confirm", "yes"),
        ];
        let (rotate, dev) = (&rotate, &dev);
        async move { web::post(app, rotate, dev, &form).await }
    };
    let bad = confirmed("31").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.store().credentials_of(&app_id).await.unwrap().len(), 1);
    // Confirmed: rotate, then redirect (PRG) to the page that shows the new key once.
    let done = confirmed("7").await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let location = done.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("{page}?done=rotated"));
    let shown = get(app, &location, &dev).await;
    assert_eq!(shown.headers()["cache-control"], "no-store");
    let shown = shown.text().await.unwrap();
    assert!(shown.contains("id=\"api-key\""), "the new key is shown");
    assert!(
        shown.contains("data-current=\"yes\""),
        "one key is marked current"
    );
    // Reloading the result shows no key and rotates nothing more.
    let reloaded = page_text(app, &location, &dev).await;
    assert!(!reloaded.contains("id=\"api-key\"") && reloaded.contains("key-hidden"));
    let keys = app.store().credentials_of(&app_id).await.unwrap();
    assert_eq!(
        keys.len(),
        2,
        "one rotation, however often the page is loaded"
    );
    assert_eq!(reloaded.matches("data-current=\"yes\"").count(), 1);
    let old = keys
        .iter()
        .find(|k| k.valid_until.is_some())
        .expect("the old key has a grace expiry");
    assert_eq!(
        old.valid_until.unwrap(),
        app.platform.clock.now() + chrono::Duration::days(7)
    );
}

async fn r4_2_a_resubmission_with_a_changed_field_records_the_diff(app: &TestApp) {
    let dev = sign_up(app, "loop@example.com").await;
    let me = developer_id(app, "loop@example.com").await;
    let doc = einv_server::services::licensing::DocumentUpload {
        file_name: "old-cert.pdf".into(),
        content_type: "application/pdf".into(),
        bytes: b"%PDF-1.4 old".to_vec(),
    };
    let licence = app
        .platform
        .submit_application(me, &application(), &[doc])
        .await
        .unwrap();
    let id = licence.id;
    let reviewer = app
        .platform
        .add_reviewer("loop-rev@fia.example", "reviewer password", "Rita")
        .await
        .unwrap();
    app.platform
        .request_changes(reviewer, id, "The certificate copy is illegible")
        .await
        .unwrap();
    // The reason is at the top of the developer's page, with the way to answer it.
    let page = page_text(app, &format!("/developer/licences/{id}"), &dev).await;
    let reason_at = page
        .find("The certificate copy is illegible")
        .expect("reason shown");
    assert!(reason_at < page.find("<h2>History</h2>").unwrap_or(usize::MAX));
    assert!(page.contains(&format!("/developer/apply?correct={id}")));
    // The form comes pre-filled with the stored application and its documents.
    let form_path = format!("/developer/apply?correct={id}");
    let form = page_text(app, &form_path, &dev).await;
    assert!(form.contains("value=\"bookkeeping\"") || form.contains(">bookkeeping</textarea>"));
    assert!(form.contains("old-cert.pdf"));
    let old_doc = app.platform.application_documents(me, id).await.unwrap()[0].id;
    let csrf = csrf_of(app, &form_path, &dev).await;
    let replace = format!("replace_{old_doc}");
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("terms_version", "2023-03-30"),
        ("contact_name", "王"),
        ("contact_email", "a@example.com"),
        ("contact_phone", "02"),
        ("product_name", "App"),
        ("product_version", "1"),
        ("purpose", "household bookkeeping"),
        ("services", "winning-numbers"),
        ("isms_number", "N"),
        ("isms_issuer", "I"),
        ("isms_scope", "S"),
        ("isms_expiry", "2030-01-01"),
    ];
    // A mistake first: the form comes back with the problem and keeps what was typed.
    let submit = |(kind, body): (String, Vec<u8>)| {
        let post = client().post(app.url(&form_path)).header("cookie", &dev);
        post.header("content-type", kind).body(body).send_ok()
    };
    let refused = submit(multipart(&fields, &[])).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("error-summary") && refused.contains("declarations-error"));
    assert!(
        refused.contains("household bookkeeping"),
        "what was typed is kept"
    );
    assert_eq!(
        app.platform.licence(id).await.unwrap().state.name(),
        "changes-requested"
    );
    fields.push(("declarations", "yes"));
    let files: [(&str, &str, &str, &[u8]); 2] = [
        (
            replace.as_str(),
            "new-cert.pdf",
            "application/pdf",
            b"%PDF-1.4 new",
        ),
        (
            "documents",
            "registration.png",
            "image/png",
            b"\x89PNG fake",
        ),
    ];
    let res = submit(multipart(&fields, &files)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        format!("/developer/licences/{id}?done=resubmit")
    );
    assert_eq!(
        app.platform.licence(id).await.unwrap().state.name(),
        "applied"
    );
    let revisions = app.platform.revisions(id).await.unwrap();
    let r = &revisions.last().unwrap().revision;
    assert_eq!(r.fields.len(), 1, "{r:?}");
    assert_eq!(
        (
            r.fields[0].field.as_str(),
            r.fields[0].old.as_str(),
            r.fields[0].new.as_str()
        ),
        ("purpose", "bookkeeping", "household bookkeeping")
    );
    assert_eq!(
        r.added
            .iter()
            .map(|d| d.file_name.as_str())
            .collect::<Vec<_>>(),
        ["registration.png"]
    );
    assert_eq!(
        (
            r.replaced[0].0.file_name.as_str(),
            r.replaced[0].1.file_name.as_str()
        ),
        ("old-cert.pdf", "new-cert.pdf")
    );
    // The old document stays on file, marked replaced.
    let docs = app.platform.application_documents(me, id).await.unwrap();
    assert_eq!(docs.len(), 3);
    assert!(docs
        .iter()
        .find(|d| d.id == old_doc)
        .unwrap()
        .replaced_by
        .is_some());
    // Replacing a document that is not this application's current one is refused.
    app.platform
        .request_changes(reviewer, id, "again")
        .await
        .unwrap();
    let again = einv_server::services::licensing::Resubmission {
        corrected: None,
        added: Vec::new(),
        replaced: vec![(
            old_doc,
            einv_server::services::licensing::DocumentUpload {
                file_name: "x.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: b"x".to_vec(),
            },
        )],
    };
    assert!(
        app.platform.resubmit_with(me, id, &again).await.is_err(),
        "a replaced document is not replaced twice"
    );
    // The reviewer sees the diff before deciding.
    let rev_cookie = {
        let res = crate::licensing_web::sign_in(
            app,
            "/reviewer/login",
            &[
                ("email", "loop-rev@fia.example"),
                ("password", "reviewer password"),
            ],
        )
        .await;
        cookie(&res)
    };
    let dossier = get(
        app,
        &format!("/reviewer/licences/{id}?lang=en"),
        &rev_cookie,
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(dossier.contains("id=\"diff\"") && dossier.contains("data-field=\"purpose\""));
    assert!(
        dossier.contains("<del>bookkeeping</del>")
            && dossier.contains("<ins>household bookkeeping</ins>")
    );
    assert!(dossier.contains("new-cert.pdf") && dossier.contains("registration.png"));
}

async fn a_developer_without_a_licence_sees_how_to_start(app: &TestApp) {
    let dev = sign_up(app, "new@example.com").await;
    let page = page_text(app, "/developer?lang=en", &dev).await;
    assert!(page.contains("id=\"start\"") && page.contains("Apply for a licence"));
    assert!(!page.contains("the API is stopped"));
}

async fn reviewer_search_paging_assignment_and_documents(app: &TestApp) {
    crate::reviewer_pages::run(app).await;
}

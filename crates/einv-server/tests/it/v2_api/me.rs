//! A User's data by consent token: scope, cursor pagination, idempotent donation (R5.7
//! masking), and the app's own licence, notifications, audit entries and deletion requests.

use super::*;

both_backends!(
    user_data_needs_the_consent_token_and_its_scope,
    invoices_page_by_cursor_and_show_detail,
    donation_is_idempotent,
    the_apps_own_licence_notifications_audit_and_requests,
);

async fn user_data_needs_the_consent_token_and_its_scope(app: &TestApp) {
    let path = "/api/v2/me/invoices?from=2026-11-01&to=2026-11-30";
    problem(&get(app, path).await, 401, "token-missing");
    let bogus = v2_request(app, Method::GET, path, b"").bearer_auth("nope");
    problem(&send(bogus).await, 401, "token-invalid");
    let token = token(app, "carrier-invoices").await;
    let (status, _, list) = get_with_token(app, path, &token).await;
    assert_eq!(status, 200, "{list}");
    let numbers: Vec<&str> = list["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_str().unwrap())
        .collect();
    assert!(numbers.contains(&"AB00000001"), "{numbers:?}");
    // R5.7: a donated invoice's number is masked.
    assert!(numbers.contains(&"AB00000***"), "{numbers:?}");
    assert!(!numbers.contains(&"EF00000001"), "another User's invoice");
    // The token does not cover aggregation.
    let carriers = v2_request(app, Method::GET, "/api/v2/me/carriers", b"").bearer_auth(&token);
    problem(&send(carriers).await, 403, "insufficient-scope");
    // Another period: refused naming `to`.
    let across = v2_request(
        app,
        Method::GET,
        "/api/v2/me/invoices?from=2026-10-01&to=2026-11-30",
        b"",
    )
    .bearer_auth(&token);
    assert_eq!(
        problem(&send(across).await, 400, "invalid-field")["field"],
        "to"
    );
    // Filter by an aggregated carrier.
    let easy = format!(
        "/api/v2/me/invoices?from=2026-11-01&to=2026-11-30&carrierType=1K0001&carrierId={EASYCARD}"
    );
    let (_, _, only) = get_with_token(app, &easy, &token).await;
    assert_eq!(only["invoices"].as_array().unwrap().len(), 1, "{only}");
    assert_eq!(only["invoices"][0]["number"], "AB00000004");
    let agg = token_for_aggregation(app).await;
    let (status, _, carriers) = get_with_token(app, "/api/v2/me/carriers", &agg).await;
    assert_eq!(status, 200, "{carriers}");
    assert_eq!(carriers["carriers"][0]["id"], EASYCARD);
}

async fn token_for_aggregation(app: &TestApp) -> String {
    token(app, "carrier-aggregation").await
}

async fn invoices_page_by_cursor_and_show_detail(app: &TestApp) {
    let token = token(app, "carrier-invoices").await;
    let path = "/api/v2/me/invoices?from=2026-09-01&to=2026-09-30";
    let (status, _, first) = get_with_token(app, path, &token).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["invoices"].as_array().unwrap().len(), 100);
    let next = first["next"].as_str().unwrap();
    let (_, _, second) = get_with_token(app, &format!("{path}&cursor={next}"), &token).await;
    assert_eq!(second["invoices"].as_array().unwrap().len(), 50, "{second}");
    assert!(second["next"].is_null());
    // Keyset paging: the second page starts after the first one's last invoice, no overlap.
    let mut seen: Vec<&str> = [&first, &second]
        .iter()
        .flat_map(|p| p["invoices"].as_array().unwrap())
        .map(|i| i["number"].as_str().unwrap())
        .collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 150);
    let cursor = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(next)
        .unwrap();
    assert!(
        cursor.starts_with(b"i"),
        "a row position, no invoice number"
    );
    let bad = v2_request(app, Method::GET, &format!("{path}&cursor=zz"), b"").bearer_auth(&token);
    assert_eq!(
        problem(&send(bad).await, 400, "invalid-field")["field"],
        "cursor"
    );
    let (status, _, detail) = get_with_token(
        app,
        "/api/v2/me/invoices/AB00000001?date=2026-11-20",
        &token,
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["items"][0]["amount"], "105");
    let theirs = v2_request(
        app,
        Method::GET,
        "/api/v2/me/invoices/EF00000001?date=2026-11-20",
        b"",
    )
    .bearer_auth(&token);
    problem(&send(theirs).await, 404, "not-found");
}

async fn donation_is_idempotent(app: &TestApp) {
    let token = token(app, "donation").await;
    let body = br#"{"invoiceNumber":"AB00000001","invoiceDate":"2026-11-20","loveCode":"919"}"#;
    let donate = |key: Option<&str>, body: &[u8]| {
        let req = v2_request(app, Method::POST, "/api/v2/donations", body).bearer_auth(&token);
        match key {
            Some(k) => req.header("idempotency-key", k),
            None => req,
        }
    };
    problem(
        &send(donate(None, body)).await,
        400,
        "idempotency-key-missing",
    );
    let (status, headers, first) = send(donate(Some("k-1"), body)).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["invoiceNumber"], "AB00000***", "R5.7");
    assert!(!headers.contains_key("idempotent-replayed"));
    // The retry (re-signed, fresh nonce) gets the same answer and does not act again.
    let (status, headers, again) = send(donate(Some("k-1"), body)).await;
    assert_eq!((status, &again), (201, &first));
    assert_eq!(headers["idempotent-replayed"], "true");
    app.platform.flush_audit().await.unwrap();
    let entries = app
        .platform
        .audit_log(&einv_store::AuditFilter::App(app_id()), 1000)
        .await
        .unwrap();
    let donations = entries
        .iter()
        .filter(|e| e.content.action == "data.donation")
        .count();
    assert_eq!(donations, 1, "acted once");
    // The same key for another request; a new key for the same donation is a conflict.
    let other = br#"{"invoiceNumber":"AB00000003","invoiceDate":"2026-11-22","loveCode":"919"}"#;
    problem(
        &send(donate(Some("k-1"), other)).await,
        422,
        "idempotency-key-reused",
    );
    let p = problem(&send(donate(Some("k-2"), body)).await, 409, "conflict");
    assert_eq!(p["field"], "invoiceNumber");
    // R5.7: issued to a business.
    let p = problem(&send(donate(Some("k-3"), other)).await, 403, "forbidden");
    assert_eq!(p["rule"], "R5.7");
    let p = problem(
        &send(donate(Some("k-4"), b"{\"invoiceNumber\":1}")).await,
        400,
        "invalid-field",
    );
    assert_eq!(p["field"], "invoiceNumber");
    // A love code is 3 to 7 digits (or the charity's 8-digit business ID): anything else is
    // an invalid field, not a charity that is merely not found.
    let bad = br#"{"invoiceNumber":"AB00000003","invoiceDate":"2026-11-22","loveCode":"91x"}"#;
    let p = problem(&send(donate(Some("k-5"), bad)).await, 400, "invalid-field");
    assert_eq!(p["field"], "loveCode");
    let unknown =
        br#"{"invoiceNumber":"AB00000003","invoiceDate":"2026-11-22","loveCode":"1234567"}"#;
    let p = problem(&send(donate(Some("k-6"), unknown)).await, 404, "not-found");
    assert_eq!(p["field"], "loveCode");
}

async fn the_apps_own_licence_notifications_audit_and_requests(app: &TestApp) {
    let (status, _, licence) = get(app, "/api/v2/licence").await;
    assert_eq!(status, 200, "{licence}");
    assert_eq!(licence["appId"], APP_ID);
    assert_eq!(
        licence["signingMethods"],
        serde_json::json!(["hmac-sha256"])
    );
    let (status, _, notes) = get(app, "/api/v2/notifications").await;
    assert_eq!(
        (status, notes["notifications"].as_array().map(Vec::len)),
        (200, Some(0))
    );
    // A data access appears in the app's own audit entries.
    let token = token(app, "carrier-invoices").await;
    let path = "/api/v2/me/invoices?from=2026-11-01&to=2026-11-30";
    assert_eq!(get_with_token(app, path, &token).await.0, 200);
    let (status, _, audit) = get(app, "/api/v2/audit").await;
    assert_eq!(status, 200, "{audit}");
    assert!(
        audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "data.carrier-invoices"),
        "{audit}"
    );
    let p = problem_at(app, "/api/v2/audit?before=x", 400, "invalid-field").await;
    assert_eq!(p["field"], "before");
    // Deletion requests: acknowledge twice, the first time stands.
    let user = app.user(BARCODE).await;
    let filed = app
        .platform
        .request_deletion(user.id, &app_id(), einv_store::RequestKind::Delete)
        .await
        .unwrap();
    let ack = format!("/api/v2/deletion-requests/{}/acknowledge", filed.id);
    let (status, _, first) =
        send(v2_request(app, Method::POST, &ack, b"").header("idempotency-key", "a-1")).await;
    assert_eq!(status, 200, "{first}");
    app.clock.advance(chrono::Duration::minutes(1));
    let (_, _, second) = send(v2_request(app, Method::POST, &ack, b"")).await;
    assert_eq!(first["acknowledgedAt"], second["acknowledgedAt"]);
    let (_, _, list) = get(app, "/api/v2/deletion-requests").await;
    assert_eq!(list["requests"][0]["id"], filed.id.get());
    problem(
        &send(v2_request(
            app,
            Method::POST,
            "/api/v2/deletion-requests/999999/complete",
            b"",
        ))
        .await,
        404,
        "not-found",
    );
}

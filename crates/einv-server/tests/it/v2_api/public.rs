//! What an app reads without a User: winning numbers with an ETag, charities, proof
//! invoices, and the problems they answer.

use super::*;

both_backends!(
    winning_numbers_carry_an_etag,
    public_lookups_and_their_problems,
);

async fn winning_numbers_carry_an_etag(app: &TestApp) {
    let (status, headers, body) = get(app, "/api/v2/winning-numbers/11510").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["period"], "11510");
    assert_eq!(body["numbers"]["superPrizeNo"], "88515559");
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let cached = v2_request(app, Method::GET, "/api/v2/winning-numbers/11510", b"")
        .header("if-none-match", &etag);
    let (status, headers, body) = send(cached).await;
    assert_eq!((status, body), (304, Value::Null));
    assert_eq!(headers["etag"].to_str().unwrap(), etag);
    let p = problem_at(app, "/api/v2/winning-numbers/11512", 404, "not-found").await;
    assert_eq!(p["field"], "period");
    let p = problem_at(app, "/api/v2/winning-numbers/11511", 400, "invalid-field").await;
    assert_eq!(p["field"], "period");
}

async fn public_lookups_and_their_problems(app: &TestApp) {
    let (status, _, found) = get(app, "/api/v2/charities?query=919").await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["charities"][0]["loveCode"], "919");
    let p = problem_at(app, "/api/v2/charities", 400, "invalid-field").await;
    assert_eq!(p["field"], "query");

    let (status, _, header) = get(
        app,
        "/api/v2/proof-invoices?number=CD00000001&date=2026-11-20",
    )
    .await;
    assert_eq!(status, 200, "{header}");
    assert_eq!(header["invoice"]["number"], "CD00000001");
    assert!(header.get("items").is_none());
    let (status, _, detail) = get(
        app,
        "/api/v2/proof-invoices?number=CD00000001&date=2026-11-20&random=9999&period=11512",
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["items"][0]["description"], "乾電池");
    // A wrong random code does not tell the invoice exists.
    problem_at(
        app,
        "/api/v2/proof-invoices?number=CD00000001&date=2026-11-20&random=1111&period=11512",
        404,
        "not-found",
    )
    .await;
    let p = problem_at(
        app,
        "/api/v2/proof-invoices?number=XX&date=2026-11-20",
        400,
        "invalid-field",
    )
    .await;
    assert_eq!(p["field"], "number");
    let p = problem_at(
        app,
        "/api/v2/proof-invoices?number=CD00000001&date=2026/11/20",
        400,
        "invalid-field",
    )
    .await;
    assert_eq!(p["field"], "date");
    problem_at(app, "/api/v2/no-such-thing", 404, "not-found").await;
}

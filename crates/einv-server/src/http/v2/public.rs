//! Public data over v2: winning numbers by period (with an ETag), love-code search, and an
//! invoice read off its proof copy (QR code or barcode).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDate;
use einv_core::barcode::RandomCode;
use einv_core::{InvoiceNumber, Period};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::auth::{SignedLookup, SignedPublic};
use super::problem::{Problem, ProblemBody};
use super::query::V2Query;
use super::render;
use crate::http::AppState;
use crate::services::{InvoiceLookup, LookupBy};

/// A period `yyyMM` (ROC year, even month) from `field`.
pub fn period(field: &str, text: &str) -> Result<Period, Problem> {
    Period::parse(text).map_err(|e| Problem::invalid(field, e.problem))
}

/// A date `YYYY-MM-DD` from `field`.
pub fn date(field: &str, text: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| Problem::invalid(field, format!("expected a date YYYY-MM-DD, got {text:?}")))
}

/// `GET /api/v2/winning-numbers/{period}`: the draw, with a strong ETag; `If-None-Match`
/// with the same tag answers 304 without a body.
#[utoipa::path(get, path = "/api/v2/winning-numbers/{period}", operation_id = "get_winning_numbers", tag = "public", security(("httpsig" = [])), params(("period" = String, Path, description = "yyyMM: ROC year and the even month, e.g. 11510"), ("If-None-Match" = Option<String>, Header, description = "An ETag of an earlier answer")), responses((status = 200, description = "The draw", body = serde_json::Value), (status = 304, description = "Unchanged since the ETag sent"), (status = "4XX", description = "A problem (RFC 9457): the `type` says which", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn winning_numbers(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    SignedPublic(_signed): SignedPublic,
) -> Result<Response, Problem> {
    let period = period("period", &code)?;
    let draw = state.platform.winning_numbers(period).await?;
    let body = json!({
        "period": period.code(),
        "numbers": draw.to_qry_winning_list_json(),
    });
    let bytes = serde_json::to_vec(&body).map_err(|e| {
        crate::error::ServiceError::Internal(crate::error::InternalError::caused_by(
            "encoding the winning numbers",
            e,
        ))
    })?;
    let etag = format!(
        "\"{}\"",
        URL_SAFE_NO_PAD.encode(&Sha256::digest(&bytes)[..16])
    );
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    Ok(res)
}

/// The love-code search's query.
#[derive(Debug, Deserialize)]
pub struct CharityQuery {
    /// Love code, business ID or part of a name.
    #[serde(default)]
    query: String,
}

/// `GET /api/v2/charities?query=`: love-code search.
#[utoipa::path(get, path = "/api/v2/charities", operation_id = "search_charities", tag = "public", security(("httpsig" = [])), params(("query" = String, Query, description = "A love code, business ID or part of a name")), responses((status = 200, description = "Matching charities", body = serde_json::Value), (status = "4XX", description = "A problem (RFC 9457): the `type` says which", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn charities(
    State(state): State<AppState>,
    V2Query(q): V2Query<CharityQuery>,
    SignedPublic(_signed): SignedPublic,
) -> Result<Json<Value>, Problem> {
    let found = state.platform.search_charities(&q.query).await?;
    Ok(Json(json!({
        "charities": found.iter().map(|c| json!({
            "loveCode": c.love_code,
            "businessId": c.ban,
            "name": c.name,
            "abbreviation": c.abbrev,
        })).collect::<Vec<_>>()
    })))
}

/// What was read off a proof copy.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProofCopy {
    /// The invoice number.
    #[serde(default)]
    number: String,
    /// The invoice date, `YYYY-MM-DD`.
    #[serde(default)]
    date: String,
    /// The 4-digit random code: with `period` (barcode) or `checkCode` + `seller` (QR), the
    /// items are included.
    random: Option<String>,
    /// The period printed in the barcode.
    period: Option<String>,
    /// The QR code's 24-character check code.
    check_code: Option<String>,
    /// The seller's business ID (QR).
    seller: Option<String>,
}

/// `GET /api/v2/proof-invoices?number=&date=[&random=&period=|&random=&checkCode=&seller=]`:
/// the header, and with the proof the items too.
#[utoipa::path(get, path = "/api/v2/proof-invoices", operation_id = "get_proof_invoice", tag = "public", security(("httpsig" = [])), params(("number" = String, Query, description = "Invoice number, e.g. AB12345678"), ("date" = String, Query, description = "YYYY-MM-DD"), ("random" = Option<String>, Query, description = "The 4-digit random code (with period, or checkCode and seller, the items are included)"), ("period" = Option<String>, Query, description = "yyyMM, from the barcode"), ("checkCode" = Option<String>, Query, description = "The QR code's 24-character check code"), ("seller" = Option<String>, Query, description = "The seller's business ID, from the QR code")), responses((status = 200, description = "The invoice, with its items when proven", body = serde_json::Value), (status = "4XX", description = "A problem (RFC 9457): the `type` says which", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn proof_invoice(
    State(state): State<AppState>,
    V2Query(q): V2Query<ProofCopy>,
    SignedLookup(signed): SignedLookup,
) -> Result<Json<Value>, Problem> {
    let lookup = InvoiceLookup {
        number: InvoiceNumber::parse(&q.number)
            .map_err(|e| Problem::invalid("number", e.problem))?,
        date: date("date", &q.date)?,
    };
    let Some(random) = q.random.as_deref() else {
        let view = state
            .platform
            .lookup_header(&signed.caller, &lookup)
            .await?;
        return Ok(Json(json!({ "invoice": render::invoice(&view) })));
    };
    let random = RandomCode::parse(random).map_err(|e| Problem::invalid("random", e.problem))?;
    let by = match (q.period.as_deref(), q.check_code, q.seller) {
        (Some(p), None, None) => LookupBy::Barcode {
            random,
            period: period("period", p)?,
        },
        (None, Some(encrypt), Some(seller_ban)) => LookupBy::QrCode {
            random,
            encrypt,
            seller_ban,
        },
        _ => {
            return Err(Problem::invalid(
                "random",
                "with random, send period (barcode) or checkCode and seller (QR code)",
            ))
        }
    };
    let (view, items) = state
        .platform
        .lookup_detail(&signed.caller, &lookup, &by)
        .await?;
    Ok(Json(json!({
        "invoice": render::invoice(&view),
        "items": render::items(&items),
    })))
}

//! A User's data over v2, reached with the consent token the User gave the app (never the
//! verification code): invoices (cursor-paginated, by date range, only winners, by carrier),
//! one invoice's detail, donation (idempotent), and the carriers aggregated under the User.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDate;
use einv_core::{BusinessId, Carrier, InvoiceNumber, LoveCode, Period, Service};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::{SignedAggregation, SignedDonation, SignedInvoices};
use super::idempotency::idempotent;
use super::problem::{Problem, ProblemBody};
use super::public::date;
use super::query::V2Query;
use super::render;
use crate::http::AppState;
use crate::services::InvoiceListQuery;

/// The list's query.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    /// First day, `YYYY-MM-DD`.
    #[serde(default)]
    from: String,
    /// Last day, `YYYY-MM-DD`, in the same period (two months) as `from`.
    #[serde(default)]
    to: String,
    /// Only invoices that won a prize.
    #[serde(default)]
    only_winning: bool,
    /// Only this carrier's invoices (with `carrierId`).
    carrier_type: Option<String>,
    /// Only this carrier's invoices (with `carrierType`).
    carrier_id: Option<String>,
    /// Where the previous page ended (`next` of the previous answer).
    cursor: Option<String>,
}

/// A list query, checked: what the list asks the service for.
#[derive(Debug)]
pub struct ListRequest {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub only: Option<Carrier>,
    pub after: Option<i64>,
    pub only_winning: bool,
}

impl ListQuery {
    /// Checks every parameter, naming the first that is wrong.
    pub fn checked(&self) -> Result<ListRequest, Problem> {
        let (from, to) = (date("from", &self.from)?, date("to", &self.to)?);
        if Period::of_date(from) != Period::of_date(to) {
            return Err(Problem::invalid(
                "to",
                "from and to must be in the same period (two months), whose draw decides the prizes",
            ));
        }
        Ok(ListRequest {
            from,
            to,
            only: carrier_filter(self)?,
            after: after_of(self.cursor.as_deref())?,
            only_winning: self.only_winning,
        })
    }
}

fn carrier_filter(q: &ListQuery) -> Result<Option<Carrier>, Problem> {
    match (&q.carrier_type, &q.carrier_id) {
        (None, None) => Ok(None),
        (Some(t), Some(id)) => Carrier::parse(t, id)
            .map(Some)
            .map_err(|e| Problem::invalid("carrierId", e.problem)),
        _ => Err(Problem::invalid(
            "carrierType",
            "carrierType and carrierId go together",
        )),
    }
}

/// Where a cursor points: after the invoice with this row id (opaque to clients: Base64url
/// of `i<id>`). A keyset position, not an offset, and no invoice number in it (R5.7).
fn after_of(cursor: Option<&str>) -> Result<Option<i64>, Problem> {
    let Some(c) = cursor else { return Ok(None) };
    URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix('i').and_then(|n| n.parse::<i64>().ok()))
        .filter(|id| *id >= 1)
        .map(Some)
        .ok_or_else(|| Problem::invalid("cursor", "not a cursor this API gave"))
}

/// `GET /api/v2/me/invoices`.
#[utoipa::path(get, path = "/api/v2/me/invoices", operation_id = "list_my_invoices", tag = "user data", security(("httpsig" = [], "consentToken" = [])), params(("from" = String, Query, description = "First day, YYYY-MM-DD"), ("to" = String, Query, description = "Last day, YYYY-MM-DD, in the same period"), ("onlyWinning" = Option<bool>, Query, description = "Only invoices that won"), ("carrierType" = Option<String>, Query, description = "Only this carrier (with carrierId)"), ("carrierId" = Option<String>, Query, description = "Only this carrier (with carrierType)"), ("cursor" = Option<String>, Query, description = "`next` of the previous page")), responses((status = 200, description = "A page of the User's invoices, and the cursor of the next", body = serde_json::Value), (status = "4XX", description = "A problem (RFC 9457): the `type` says which", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    V2Query(q): V2Query<ListQuery>,
    SignedInvoices(signed): SignedInvoices,
) -> Result<Json<Value>, Problem> {
    let ListRequest {
        from,
        to,
        only,
        after,
        only_winning,
    } = q.checked()?;
    let (user, _) = signed.user(&state, Service::CarrierInvoices).await?;
    let holder = state.platform.holder_of_user(user, only.as_ref()).await?;
    let result = state
        .platform
        .carrier_invoice_list(
            &signed.caller,
            &holder,
            InvoiceListQuery {
                from,
                to,
                only_winning,
                page: 1,
                after,
            },
        )
        .await?;
    let next = result
        .invoices
        .last()
        .filter(|_| result.more)
        .map(|last| URL_SAFE_NO_PAD.encode(format!("i{}", last.row_id())));
    Ok(Json(json!({
        "invoices": result.invoices.iter().map(render::invoice).collect::<Vec<_>>(),
        "next": next,
    })))
}

/// One invoice's query: its date.
#[derive(Debug, Deserialize)]
pub struct DetailQuery {
    /// `YYYY-MM-DD`.
    #[serde(default)]
    date: String,
}

/// `GET /api/v2/me/invoices/{number}?date=`.
#[utoipa::path(get, path = "/api/v2/me/invoices/{number}", operation_id = "get_my_invoice", tag = "user data", security(("httpsig" = [], "consentToken" = [])), params(("number" = String, Path, description = "Invoice number"), ("date" = String, Query, description = "YYYY-MM-DD")), responses((status = 200, description = "The invoice and its items", body = serde_json::Value), (status = "4XX", description = "A problem (RFC 9457): the `type` says which", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn detail(
    State(state): State<AppState>,
    Path(number): Path<String>,
    V2Query(q): V2Query<DetailQuery>,
    SignedInvoices(signed): SignedInvoices,
) -> Result<Json<Value>, Problem> {
    let number =
        InvoiceNumber::parse(&number).map_err(|e| Problem::invalid("number", e.problem))?;
    let date = date("date", &q.date)?;
    let (user, _) = signed.user(&state, Service::CarrierInvoices).await?;
    let holder = state.platform.holder_of_user(user, None).await?;
    let (view, items) = state
        .platform
        .carrier_invoice_detail(&signed.caller, &holder, &number, date)
        .await?;
    Ok(Json(json!({
        "invoice": render::invoice(&view),
        "items": render::items(&items),
    })))
}

/// A donation.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Donation {
    /// The invoice.
    invoice_number: String,
    /// Its date, `YYYY-MM-DD`.
    invoice_date: String,
    /// The charity's love code or business ID.
    love_code: String,
}

/// The charity a donation names, checked before anything is read: a love code (3 to 7
/// digits) or the charity's business ID (8 digits, checksum verified).
enum CharityCode {
    Love(LoveCode),
    Business(BusinessId),
}

impl CharityCode {
    fn as_str(&self) -> &str {
        match self {
            Self::Love(code) => code.as_str(),
            Self::Business(id) => id.as_str(),
        }
    }
}

fn charity_code(text: &str) -> Result<CharityCode, Problem> {
    let text = text.trim();
    let parsed = if text.len() == 8 {
        BusinessId::parse(text).map(CharityCode::Business)
    } else {
        LoveCode::parse(text).map(CharityCode::Love)
    };
    parsed.map_err(|e| {
        Problem::invalid(
            "loveCode",
            format!(
                "{} (a love code of 3 to 7 digits, or the charity's 8-digit business ID)",
                e.problem
            ),
        )
    })
}

/// `POST /api/v2/donations` with an `Idempotency-Key`: a retry with the same key and body gets
/// the first answer and never donates twice.
#[utoipa::path(post, path = "/api/v2/donations", operation_id = "donate", tag = "user data", security(("httpsig" = [], "consentToken" = [])), params(("Idempotency-Key" = String, Header, description = "Fresh per donation, the same on its retries")), request_body(content = serde_json::Value, description = "{\"invoiceNumber\", \"invoiceDate\" (YYYY-MM-DD), \"loveCode\"}", content_type = "application/json"), responses((status = 201, description = "Donated (a retry with the same key gets the same answer)", body = serde_json::Value), (status = "4XX", description = "A problem (RFC 9457): the `type` says which", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn donate(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedDonation(signed): SignedDonation,
) -> Response {
    idempotent(&state, &headers, &signed, async {
        let d: Donation = signed.json()?;
        let number = InvoiceNumber::parse(&d.invoice_number)
            .map_err(|e| Problem::invalid("invoiceNumber", e.problem))?;
        let date = date("invoiceDate", &d.invoice_date)?;
        let charity = charity_code(&d.love_code)?;
        let (user, _) = signed.user(&state, Service::Donation).await?;
        let holder = state.platform.holder_of_user(user, None).await?;
        let receipt = state
            .platform
            .donate(&signed.caller, &holder, &number, date, charity.as_str())
            .await?;
        Ok((
            axum::http::StatusCode::CREATED,
            json!({
                "invoiceNumber": receipt.number,
                "invoiceDate": receipt.date.to_string(),
                "loveCode": receipt.charity.love_code,
                "charity": receipt.charity.name,
                "donatedAt": receipt.at.to_rfc3339(),
            }),
        ))
    })
    .await
    .into_response()
}

/// `GET /api/v2/me/carriers`: the carriers aggregated under the User's mobile barcode.
#[utoipa::path(get, path = "/api/v2/me/carriers", operation_id = "list_my_carriers", tag = "user data", security(("httpsig" = [], "consentToken" = [])), responses((status = 200, description = "The carriers aggregated under the User's mobile barcode", body = serde_json::Value), (status = "4XX", description = "A problem (RFC 9457): the `type` says which", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn carriers(
    State(state): State<AppState>,
    SignedAggregation(signed): SignedAggregation,
) -> Result<Json<Value>, Problem> {
    let (user, _) = signed.user(&state, Service::CarrierAggregation).await?;
    let holder = state.platform.holder_of_user(user, None).await?;
    let links = state
        .platform
        .carrier_aggregation(&signed.caller, &holder)
        .await?;
    Ok(Json(json!({
        "mobileBarcode": holder.carrier.id,
        "carriers": links.iter().map(|l| json!({
            "type": l.carrier_type,
            "id": l.id1,
            "hiddenId": l.id2,
            "name": l.name,
        })).collect::<Vec<_>>(),
    })))
}

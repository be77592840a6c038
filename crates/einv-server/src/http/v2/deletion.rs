//! `/api/v2/deletion-requests`: the requests Users made of this app (R5.2, R6.1), to
//! acknowledge and confirm completed before their due day. Both are idempotent: the first
//! acknowledgement or confirmation stands, a repeat changes nothing, and with an
//! `Idempotency-Key` a retry gets the first answer.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use einv_core::DeletionRequestId;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::{Signed, SignedApp};
use super::idempotency::idempotent;
use super::problem::{Problem, ProblemBody};
use super::query::V2Query;
use crate::http::AppState;
use crate::services::AppDeletionRequest;

/// The list's query.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    /// Include completed requests.
    #[serde(default, alias = "include_completed")]
    include_completed: bool,
}

fn to_json(r: &AppDeletionRequest) -> Value {
    let q = &r.request;
    json!({
        "id": q.id,
        "kind": q.kind,
        "mobileBarcode": r.mobile_barcode,
        "createdAt": q.created_at.to_rfc3339(),
        "dueDate": q.due_date.to_string(),
        "acknowledgedAt": q.acknowledged_at.map(|t| t.to_rfc3339()),
        "completedAt": q.completed_at.map(|t| t.to_rfc3339()),
    })
}

/// `GET`: the open requests (all with `?includeCompleted=true`), oldest first.
#[utoipa::path(get, path = "/api/v2/deletion-requests", operation_id = "list_deletion_requests", tag = "app", security(("httpsig" = [])), params(("includeCompleted" = Option<bool>, Query, description = "Include completed requests")), responses((status = 200, description = "The Users' requests to this app", body = serde_json::Value), (status = "4XX", description = "A problem (RFC 9457): the `type` says which", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    V2Query(q): V2Query<ListQuery>,
    SignedApp(signed): SignedApp,
) -> Result<Json<Value>, Problem> {
    let requests = state
        .platform
        .deletion_requests_for_app(&signed.app.app, q.include_completed)
        .await?;
    Ok(Json(
        json!({ "requests": requests.iter().map(to_json).collect::<Vec<_>>() }),
    ))
}

async fn progress(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    id: &str,
    complete: bool,
) -> Result<Response, Problem> {
    let id: DeletionRequestId = id
        .parse()
        .map_err(|_| Problem::invalid("id", format!("expected a request ID, got {id:?}")))?;
    let act = async {
        let r = state
            .platform
            .progress_deletion_request(&signed.app.app, id, complete)
            .await?;
        Ok((StatusCode::OK, to_json(&r)))
    };
    if headers.contains_key("idempotency-key") {
        idempotent(state, headers, signed, act).await
    } else {
        let (status, body) = act.await?;
        Ok((status, Json(body)).into_response())
    }
}

/// `POST …/{id}/acknowledge`.
#[utoipa::path(post, path = "/api/v2/deletion-requests/{id}/acknowledge", operation_id = "acknowledge_deletion_request", tag = "app", security(("httpsig" = [])), params(("id" = String, Path, description = "The request"), ("Idempotency-Key" = Option<String>, Header, description = "Optional")), responses((status = 200, description = "Acknowledged (the first acknowledgement stands)", body = serde_json::Value), (status = "4XX", description = "A problem (RFC 9457): the `type` says which", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn acknowledge(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    SignedApp(signed): SignedApp,
) -> Result<Response, Problem> {
    progress(&state, &headers, &signed, &id, false).await
}

/// `POST …/{id}/complete`: the developer confirms the data stopped or deleted.
#[utoipa::path(post, path = "/api/v2/deletion-requests/{id}/complete", operation_id = "complete_deletion_request", tag = "app", security(("httpsig" = [])), params(("id" = String, Path, description = "The request"), ("Idempotency-Key" = Option<String>, Header, description = "Optional")), responses((status = 200, description = "Confirmed completed", body = serde_json::Value), (status = "4XX", description = "A problem (RFC 9457): the `type` says which", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn complete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    SignedApp(signed): SignedApp,
) -> Result<Response, Problem> {
    progress(&state, &headers, &signed, &id, true).await
}

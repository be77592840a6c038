//! `/api/v2/deletion-requests`: the requests Users made of this app (R5.2, R6.1), to
//! acknowledge and report completed before their due day.

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{AppClient, Problem};
use crate::http::AppState;
use crate::services::AppDeletionRequest;

#[derive(Debug, Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
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

/// `GET`: the open requests (all with `?include_completed=true`), oldest first.
pub(super) async fn list(
    State(state): State<AppState>,
    AppClient(app): AppClient,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, Problem> {
    let requests = state
        .platform
        .deletion_requests_for_app(&app, q.include_completed)
        .await?;
    Ok(Json(
        json!({ "requests": requests.iter().map(to_json).collect::<Vec<_>>() }),
    ))
}

/// `POST …/{id}/acknowledge`.
pub(super) async fn acknowledge(
    State(state): State<AppState>,
    AppClient(app): AppClient,
    Path(id): Path<i64>,
) -> Result<Json<Value>, Problem> {
    Ok(Json(to_json(
        &state
            .platform
            .progress_deletion_request(&app, id, false)
            .await?,
    )))
}

/// `POST …/{id}/complete`: the developer reports the data stopped or deleted.
pub(super) async fn complete(
    State(state): State<AppState>,
    AppClient(app): AppClient,
    Path(id): Path<i64>,
) -> Result<Json<Value>, Problem> {
    Ok(Json(to_json(
        &state
            .platform
            .progress_deletion_request(&app, id, true)
            .await?,
    )))
}

//! `POST /api/v2/destruction-confirmation` (R11): after its licence ended, the app confirms
//! that its programs and all User data were destroyed. Signed with the keys the app held when
//! the licence ended (they open nothing else); recorded once, shown to the reviewer in the
//! licence's dossier. The same confirmation again (a retry) is answered as the first was
//! (201, the first record); a different statement is a conflict: the first stands.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::auth::SignedEnded;
use super::problem::{Problem, ProblemBody};
use crate::http::AppState;

/// What the app confirms.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DestructionConfirmation {
    /// What was destroyed and when, at most 2000 characters (the client kit's
    /// `DestructionReport::statement()` writes it).
    pub statement: String,
}

/// The confirmation as recorded.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DestructionConfirmed {
    /// The AppID.
    pub app_id: String,
    /// The licence that ended.
    pub licence_id: i64,
    /// The statement recorded.
    pub statement: String,
    /// When it was recorded (RFC 3339).
    pub confirmed_at: String,
}

/// `POST /api/v2/destruction-confirmation`.
#[utoipa::path(post, path = "/api/v2/destruction-confirmation", operation_id = "confirm_destruction", tag = "app", security(("httpsig" = [])), request_body = DestructionConfirmation, responses((status = 201, description = "Recorded (R11)", body = DestructionConfirmed), (status = "4XX", description = "A problem (RFC 9457): the `type` says which; `forbidden` with rule R11 while the licence has not ended, `conflict` once confirmed", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn confirm(
    State(state): State<AppState>,
    signed: SignedEnded,
) -> Result<(StatusCode, Json<DestructionConfirmed>), Problem> {
    let body: DestructionConfirmation = signed.json()?;
    let note = state
        .platform
        .confirm_destruction_by_app(&signed.app.app_id, &body.statement)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(DestructionConfirmed {
            app_id: signed.app.app_id.to_string(),
            licence_id: note.licence_id.get(),
            statement: note.body,
            confirmed_at: note.at.to_rfc3339(),
        }),
    ))
}

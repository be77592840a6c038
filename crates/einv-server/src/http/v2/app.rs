//! The calling app's own affairs over v2: its licence (with the signing methods it accepts and
//! the public keys registered), its limits (R4.6), its developer's notifications (R4.9), and
//! the audit entries of its own accesses (R6.4).

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::SignedApp;
use super::problem::{Problem, ProblemBody};
use super::query::V2Query;
use crate::http::AppState;

/// `GET /api/v2/licence`.
#[utoipa::path(get, path = "/api/v2/licence", operation_id = "get_licence", tag = "app", security(("httpsig" = [])), responses((status = 200, description = "The app, its licence, the signing methods it accepts and its public keys", body = serde_json::Value), (status = "4XX", description = "A problem (RFC 9457): the `type` says which", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn licence(
    State(state): State<AppState>,
    SignedApp(signed): SignedApp,
) -> Result<Json<Value>, Problem> {
    let p = &state.platform;
    let app = &signed.app.app;
    let licence = match p.licence_of_app(&app.app_id).await {
        Ok(l) => Some(l),
        Err(crate::error::ServiceError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let keys = p.signing_keys(&app.app_id).await?;
    let live: Vec<Value> = keys
        .iter()
        .filter(|k| k.revoked_at.is_none())
        .map(|k| {
            json!({ "id": k.id, "algorithm": k.algorithm.as_str(), "publicKey": k.public_key,
                    "label": k.label, "registeredAt": k.created_at.to_rfc3339() })
        })
        .collect();
    let mut methods = vec!["hmac-sha256"];
    if !live.is_empty() {
        methods.push("ed25519");
    }
    Ok(Json(json!({
        "appId": app.app_id,
        "name": app.name,
        "services": app.services,
        "state": licence.as_ref().map_or("active", |l| l.state.name()),
        "licence": licence.as_ref().map(|l| json!({
            "id": l.id,
            "state": l.state,
            "updatedAt": l.updated_at.to_rfc3339(),
        })),
        "signingMethods": methods,
        "publicKeys": live,
    })))
}

/// `GET /api/v2/limits`: the flow-control limits (R4.6): the defaults per IP and per AppID,
/// and every AppID's own limit as announced, with when it applies (R4.9); public, unsigned.
#[utoipa::path(get, path = "/api/v2/limits", operation_id = "get_limits", tag = "app", responses((status = 200, description = "The flow-control limits (R4.6)", body = serde_json::Value), (status = "4XX", description = "A problem (RFC 9457): the `type` says which", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn limits(State(state): State<AppState>) -> Result<Json<Value>, Problem> {
    let flow = &state.platform.flow;
    let announced = state.platform.limit_announcements().await?;
    Ok(Json(json!({
        "per_ip": flow.limits.per_ip,
        "per_app": flow.limits.per_app,
        "per_service": flow.per_service,
        "apps": announced,
        "appliesWithinSecs": flow.book.check_interval().num_milliseconds().div_euclid(1000) + 1,
    })))
}

/// `GET /api/v2/notifications`: the developer's notifications, newest first.
#[utoipa::path(get, path = "/api/v2/notifications", operation_id = "list_notifications", tag = "app", security(("httpsig" = [])), responses((status = 200, description = "The developer's notifications, newest first", body = serde_json::Value), (status = "4XX", description = "A problem (RFC 9457): the `type` says which", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn notifications(
    State(state): State<AppState>,
    SignedApp(signed): SignedApp,
) -> Result<Json<Value>, Problem> {
    let list = state
        .platform
        .notifications_of_app(&signed.app.app.app_id)
        .await?;
    Ok(Json(json!({
        "notifications": list.iter().map(|n| json!({
            "id": n.id,
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "licenceId": n.licence_id,
            "createdAt": n.created_at.to_rfc3339(),
            "readAt": n.read_at.map(|t| t.to_rfc3339()),
        })).collect::<Vec<_>>()
    })))
}

/// The audit query.
#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    /// Entries before this sequence number (`next` of the previous page).
    before: Option<i64>,
}

/// `GET /api/v2/audit`: the entries about this app (its accesses to Users' data and its
/// licence's events), newest first, a page at a time.
#[utoipa::path(get, path = "/api/v2/audit", operation_id = "list_audit_entries", tag = "app", security(("httpsig" = [])), params(("before" = Option<i64>, Query, description = "Entries before this sequence number (`next` of the previous page)")), responses((status = 200, description = "The audit entries about this app, newest first", body = serde_json::Value), (status = "4XX", description = "A problem (RFC 9457): the `type` says which", body = ProblemBody, content_type = "application/problem+json"), (status = "5XX", description = "Internal error", body = ProblemBody, content_type = "application/problem+json")))]
pub async fn audit(
    State(state): State<AppState>,
    V2Query(q): V2Query<AuditQuery>,
    SignedApp(signed): SignedApp,
) -> Result<Json<Value>, Problem> {
    let entries = state
        .platform
        .audit_of_app(&signed.app.app.app_id, q.before)
        .await?;
    let full = i64::try_from(entries.len()).unwrap_or(0) == crate::services::AUDIT_PAGE;
    let next = entries.last().filter(|_| full).map(|e| e.seq);
    Ok(Json(json!({
        "entries": entries.iter().map(|e| {
            let c = &e.content;
            json!({
                "seq": e.seq,
                "at": chrono::DateTime::from_timestamp(c.at, 0).map(|t| t.to_rfc3339()),
                "action": c.action,
                "userId": c.user_id,
                "invoices": c.invoices,
                "ip": c.ip,
                "hash": e.hash,
            })
        }).collect::<Vec<_>>(),
        "next": next,
    })))
}

//! v2: the modern JSON API over the same services as v1. Every call but the published limits
//! is signed (RFC 9421, `auth`); a User's data needs the User's consent token; every failure
//! is problem+json (`problem`); writes take an `Idempotency-Key` (`idempotency`); flow
//! control (R4.6) runs first and stamps `RateLimit` headers. docs/v2.md describes it.

use axum::middleware;
use axum::routing::{get, post};
use axum::Router;

use super::AppState;

mod app;
pub mod auth;
mod deletion;
mod destruction;
mod docs_page;
mod idempotency;
mod invoices;
pub mod openapi;
pub mod problem;
pub mod problem_types;
pub use invoices::{ListQuery, ListRequest};
mod public;
pub mod query;
mod render;
pub mod try_call;

pub use problem::{Kind, Problem};

/// The v2 routes.
pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/api/v2/openapi.json", get(openapi::document))
        .route("/docs", get(docs_page::docs))
        .route("/docs/try-signed-call.js", get(try_call::script))
        .route("/api/v2/limits", get(app::limits))
        .route("/api/v2/licence", get(app::licence))
        .route("/api/v2/notifications", get(app::notifications))
        .route("/api/v2/audit", get(app::audit))
        .route(
            "/api/v2/winning-numbers/{period}",
            get(public::winning_numbers),
        )
        .route("/api/v2/charities", get(public::charities))
        .route("/api/v2/proof-invoices", get(public::proof_invoice))
        .route("/api/v2/me/invoices", get(invoices::list))
        .route("/api/v2/me/invoices/{number}", get(invoices::detail))
        .route("/api/v2/me/carriers", get(invoices::carriers))
        .route("/api/v2/donations", post(invoices::donate))
        .route("/api/v2/deletion-requests", get(deletion::list))
        .route(
            "/api/v2/deletion-requests/{id}/acknowledge",
            post(deletion::acknowledge),
        )
        .route(
            "/api/v2/deletion-requests/{id}/complete",
            post(deletion::complete),
        )
        .route(
            "/api/v2/destruction-confirmation",
            post(destruction::confirm),
        )
        .route("/api/v2/{*rest}", axum::routing::any(not_found))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::flow_control,
        ))
        .route("/problems/{slug}", get(problem_types::describe))
        .layer(middleware::from_fn_with_state(
            state,
            problem_types::absolute,
        ))
}

async fn not_found() -> Problem {
    Problem::new(Kind::NotFound, "no such v2 resource").field("path")
}

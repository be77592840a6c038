//! The reviewer console: the queue (search, filters, paging, assignment), an application with
//! what its resubmission changed and its documents (viewable in the browser), approve / ask for
//! changes / reject with a templated or typed reason, confirmed when it cannot be undone, re-reviews, suspension and termination,
//! and the registry of events (R4.1, R4.2, R4.7b, R6, R10).

use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use super::developer::{login_form, signed_in};
use super::form_guard::{FormGuard, SignInPost};
use super::layout::Lang;
use super::session::{Role, WebError};
use crate::http::AppState;

mod console;
mod decide;
mod jobs;
pub mod limits;
mod queue;

/// The reviewer routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reviewer/login", get(login_page).post(login))
        .route("/reviewer/logout", post(super::developer::logout))
        .route("/reviewer", get(queue::list))
        .route("/reviewer/licences", get(queue::list))
        .route("/reviewer/events", get(console::events))
        .route("/reviewer/licences/{id}", get(console::detail))
        .route("/reviewer/licences/{id}/{action}", post(console::act))
        .route("/reviewer/documents/{id}", get(console::document))
        .route("/reviewer/limits", get(limits::view).post(limits::set))
        .route("/reviewer/jobs", get(jobs::view))
}

async fn login_page(lang: Lang, guard: FormGuard) -> Response {
    guard.respond(login_form(
        lang,
        ("審核人員登入", "Reviewer sign-in"),
        "/reviewer/login",
        &guard,
    ))
}

async fn login(State(state): State<AppState>, posted: SignInPost) -> Result<Response, WebError> {
    let reviewer = state
        .platform
        .sign_in_reviewer(&posted.email, &posted.password, posted.ip)
        .await?;
    signed_in(&state, Role::Reviewer, reviewer.id, "/reviewer").await
}

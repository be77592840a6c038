//! Extractors for the portal pages of a signed-in account: [`SignedIn`] (the session of the
//! account's role and the account's typed ID) and [`Posted`] (the same, plus a posted form
//! whose CSRF token has been checked). Every page of every role opens with them, so "who is
//! this, may they post this form" is said once, and a handler cannot forget the CSRF check.

use std::collections::HashMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::Form;
use einv_core::{DeveloperId, ReviewerId, UserId};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::session::{Role, WebError, WebSession};
use crate::http::AppState;

/// An account's row ID, and the role whose session it signs in with.
pub trait Account: std::str::FromStr + Send {
    /// The role of the account's sessions.
    const ROLE: Role;
}

impl Account for DeveloperId {
    const ROLE: Role = Role::Developer;
}

impl Account for ReviewerId {
    const ROLE: Role = Role::Reviewer;
}

impl Account for UserId {
    const ROLE: Role = Role::User;
}

/// The session of the account `A` signed in: anyone else goes to `A`'s sign-in page.
#[derive(Debug)]
pub struct SignedIn<A> {
    /// The session (its CSRF token goes into the page's forms).
    pub session: WebSession,
    /// The account.
    pub me: A,
}

impl<A: Account> FromRequestParts<AppState> for SignedIn<A> {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = WebSession::from_request_parts(parts, state).await?;
        let session = session.require(A::ROLE)?;
        let me = session
            .subject
            .parse::<A>()
            .map_err(|_| WebError::SignIn(A::ROLE))?;
        Ok(Self { session, me })
    }
}

/// A form posted by the signed-in account `A`, carrying its session's CSRF token: the fields
/// as `F` (every field but `csrf`; by default all of them by name).
#[derive(Debug)]
pub struct Posted<A, F = HashMap<String, String>> {
    /// The session.
    pub session: WebSession,
    /// The account.
    pub me: A,
    /// The form's fields.
    pub form: F,
}

/// The body of a form: its CSRF token beside the fields the handler reads.
#[derive(Deserialize)]
struct WithCsrf<F> {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    form: F,
}

impl<A: Account, F: DeserializeOwned + Send> FromRequest<AppState> for Posted<A, F> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let SignedIn { session, me } = SignedIn::<A>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Form(posted) =
            Form::<WithCsrf<F>>::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(IntoResponse::into_response)?;
        session
            .check_csrf(&posted.csrf)
            .map_err(IntoResponse::into_response)?;
        Ok(Self {
            session,
            me,
            form: posted.form,
        })
    }
}

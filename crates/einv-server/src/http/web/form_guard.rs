//! CSRF for the forms shown before anyone is signed in (sign-in, sign-up): there is no session
//! to hold a token yet, so the form's token is also kept in a `SameSite=Lax`, HttpOnly
//! cookie and the two must match (a cross-site page can neither read the cookie nor make the
//! browser send it). A browser's `Sec-Fetch-Site: cross-site` is refused outright as well.
//! This stops "login CSRF": a forged form signing the victim into the attacker's account.

use std::collections::HashMap;
use std::net::IpAddr;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Form;
use maud::{html, Markup};

use super::common::field;
use super::session::WebError;
use crate::http::client_ip::ClientIp;
use crate::http::{cookie, AppState};
use crate::services::sessions::{constant_time_eq, random_token};

/// The cookie holding the pre-session form token.
pub const FORM_COOKIE: &str = "einv_form";

/// The pre-session form token of a request: the cookie's, or a new one to set.
#[derive(Debug, Clone)]
pub struct FormGuard {
    token: String,
    fresh: bool,
    secure: bool,
    cross_site: bool,
}

impl FromRequestParts<AppState> for FormGuard {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let existing = cookie(&parts.headers, FORM_COOKIE)
            .map(str::to_owned)
            .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()));
        let cross_site = parts
            .headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"cross-site");
        Ok(Self {
            fresh: existing.is_none(),
            token: existing.unwrap_or_else(random_token),
            secure: state.secure_cookies,
            cross_site,
        })
    }
}

impl FormGuard {
    /// The hidden field the form carries.
    pub fn field(&self) -> Markup {
        html! { input type="hidden" name="csrf" value=(self.token); }
    }

    /// Refuses a POST whose token is missing, not the cookie's, or sent from another site.
    pub fn check(&self, sent: &str) -> Result<(), WebError> {
        if self.fresh
            || self.cross_site
            || !constant_time_eq(sent.as_bytes(), self.token.as_bytes())
        {
            return Err(WebError::Csrf);
        }
        Ok(())
    }

    /// `response`, setting the cookie when this request had none.
    pub fn respond(&self, response: impl IntoResponse) -> Response {
        let mut response = response.into_response();
        if self.fresh {
            let secure = if self.secure { "; Secure" } else { "" };
            let cookie = format!(
                "{FORM_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax{secure}",
                self.token
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }
}

/// The e-mail and password a developer's or reviewer's sign-in form posted, once its
/// pre-session CSRF token checks out, and the IP they came from (sign-in guessing is counted
/// per IP as well as per account).
#[derive(Debug)]
pub struct SignInPost {
    /// The e-mail, trimmed.
    pub email: String,
    /// The password, as typed.
    pub password: String,
    /// The caller's IP.
    pub ip: Option<IpAddr>,
}

impl FromRequest<AppState> for SignInPost {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Ok(guard) = FormGuard::from_request_parts(&mut parts, state).await;
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(&mut parts, state).await;
        let Form(form) =
            Form::<HashMap<String, String>>::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(IntoResponse::into_response)?;
        guard
            .check(field(&form, "csrf"))
            .map_err(IntoResponse::into_response)?;
        Ok(Self {
            email: field(&form, "email").to_owned(),
            password: form.get("password").cloned().unwrap_or_default(),
            ip,
        })
    }
}

//! Signing in and out, and registering (R6.1), with mobile barcode and verification code.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;

use crate::error::{Proof, ServiceError};
use crate::http::client_ip::ClientIp;
use crate::http::web::components::{FormErrors, TextField};
use crate::http::web::form_guard::FormGuard;
use crate::http::web::signed_in::Posted;
use crate::http::web::{page, Lang, Role, WebError, WebSession, PUBLIC_NAV};
use crate::http::AppState;
use einv_core::UserId;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Next {
    next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Credentials {
    barcode: String,
    code: String,
    next: String,
    csrf: String,
}

/// Only a path on this site (no open redirect); `/me` otherwise.
fn safe_next(next: &str) -> &str {
    crate::http::web::security::safe_next(next, "/me")
}

/// The verification code's rule, as the register and change-code forms state it up front.
pub(crate) const CODE_HINT: (&str, &str) = (
    "6 到 16 個英文字母與數字，須同時含有英文字母與數字",
    "6 to 16 letters and digits, with at least one of each",
);

/// The input of a verification code the User has: a password field of at most 16
/// characters, never typed back into the page.
pub(super) fn code_field<'a>(id: &'a str, label: (&'a str, &'a str)) -> TextField<'a> {
    TextField {
        kind: "password",
        autocomplete: "current-password",
        maxlength: Some(16),
        ..TextField::new(id, label)
    }
}

/// The input of a verification code the User chooses, with the rules it must meet.
pub(super) fn new_code_field<'a>(id: &'a str, label: (&'a str, &'a str)) -> TextField<'a> {
    TextField {
        autocomplete: "new-password",
        hint: Some(CODE_HINT),
        ..code_field(id, label)
    }
}

fn login_form(lang: Lang, guard: &FormGuard, f: &Credentials, errors: &FormErrors) -> Markup {
    let barcode = TextField {
        hint: Some((
            "以 / 開頭的 8 個字元，例如 /ABC1234",
            "8 characters starting with /, e.g. /ABC1234",
        )),
        value: &f.barcode,
        autocomplete: "username",
        maxlength: Some(8),
        ..TextField::new("barcode", ("手機條碼", "Mobile barcode"))
    };
    let code = code_field("code", ("驗證碼", "Verification code"));
    let body = html! {
        (errors.summary(lang))
        form.stack.card method="post" action="/me/login" novalidate {
            (guard.field())
            input type="hidden" name="next" value=(safe_next(&f.next));
            (barcode.render(lang, errors))
            (code.render(lang, errors))
            button type="submit" { (lang.t("登入", "Sign in")) }
        }
        p { a href="/me/register" { (lang.t("還沒有手機條碼？註冊", "No mobile barcode yet? Register")) } }
    };
    page(lang, ("使用者登入", "User sign-in"), PUBLIC_NAV, body)
}

/// `GET /me/login`.
pub(super) async fn login_page(lang: Lang, guard: FormGuard, Query(q): Query<Next>) -> Response {
    let f = Credentials {
        next: q.next,
        ..Credentials::default()
    };
    guard.respond(login_form(lang, &guard, &f, &FormErrors::none()))
}

/// `POST /me/login` (CSRF-checked before anything else): a wrong barcode or code shows the
/// form again, with the barcode kept, saying which pair failed but not which half.
pub(super) async fn login(
    State(state): State<AppState>,
    lang: Lang,
    guard: FormGuard,
    ClientIp(ip): ClientIp,
    Form(mut f): Form<Credentials>,
) -> Result<Response, WebError> {
    guard.check(&f.csrf)?;
    let mut errors = FormErrors::none();
    if f.barcode.trim().is_empty() {
        errors.push(
            "barcode",
            lang.t("請輸入手機條碼。", "Enter your mobile barcode."),
        );
    }
    if f.code.is_empty() {
        errors.push(
            "code",
            lang.t("請輸入驗證碼。", "Enter your verification code."),
        );
    }
    if errors.is_empty() {
        match state.platform.sign_in_user(&f.barcode, &f.code, ip).await {
            Ok(user) => {
                let cookie = WebSession::start(&state, Role::User, &user.id.to_string()).await?;
                return Ok((
                    [(header::SET_COOKIE, cookie)],
                    Redirect::to(safe_next(&f.next)),
                )
                    .into_response());
            }
            Err(ServiceError::Unproven(Proof::UserSignIn)) => errors.push(
                "barcode",
                lang.t(
                    "手機條碼或驗證碼錯誤。",
                    "The mobile barcode or verification code is wrong.",
                ),
            ),
            Err(e) => return Err(e.into()),
        }
    }
    f.code.clear();
    let status = if errors.of("code").is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::UNAUTHORIZED
    };
    Ok((status, login_form(lang, &guard, &f, &errors)).into_response())
}

/// `POST /me/logout`.
pub(super) async fn logout(
    State(state): State<AppState>,
    Posted { session, .. }: Posted<UserId>,
) -> Result<Response, WebError> {
    let cookie = session.end(&state).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/me/login")).into_response())
}

/// The registration form posting to `action` with `hidden` (its CSRF field); shared with
/// the blank page `generalCarrierRegBlank`.
pub(crate) fn register_form(
    lang: Lang,
    errors: &FormErrors,
    action: &str,
    hidden: Markup,
) -> Markup {
    let code = new_code_field("code", ("設定驗證碼", "Choose a verification code"));
    let body = html! {
        (errors.summary(lang))
        form.stack.card method="post" action=(action) novalidate {
            (hidden)
            // The Platform issues the barcode: the User only sets the code.
            p { (lang.t("註冊後平台將核發您的手機條碼；請記下它與您設定的驗證碼。", "The Platform issues your mobile barcode when you register; keep it and the code you choose.")) }
            (code.render(lang, errors))
            button type="submit" { (lang.t("註冊", "Register")) }
        }
    };
    page(
        lang,
        ("註冊手機條碼", "Register a mobile barcode"),
        PUBLIC_NAV,
        body,
    )
}

/// The sentence for a verification code that breaks the rule.
pub(crate) fn code_rule_error(lang: Lang) -> &'static str {
    lang.t(
        "驗證碼須為 6 到 16 個英文字母與數字，且同時含有英文字母與數字。",
        "The verification code must be 6 to 16 letters and digits, with at least one of each.",
    )
}

/// `GET /me/register`.
pub(super) async fn register_page(lang: Lang, guard: FormGuard) -> Response {
    guard.respond(register_form(
        lang,
        &FormErrors::none(),
        "/me/register",
        guard.field(),
    ))
}

/// `POST /me/register` (R6.1, CSRF-checked): registers, signs in, and shows the issued
/// barcode on `/me`.
pub(super) async fn register(
    State(state): State<AppState>,
    lang: Lang,
    guard: FormGuard,
    Form(f): Form<Credentials>,
) -> Result<Response, WebError> {
    guard.check(&f.csrf)?;
    match state.platform.register_user(&f.code).await {
        Ok(user) => {
            let cookie = WebSession::start(&state, Role::User, &user.id.to_string()).await?;
            Ok((
                [(header::SET_COOKIE, cookie)],
                Redirect::to("/me?done=registered"),
            )
                .into_response())
        }
        Err(ServiceError::Invalid(_)) => {
            let errors = FormErrors::one("code", code_rule_error(lang));
            let form = register_form(lang, &errors, "/me/register", guard.field());
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, form).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

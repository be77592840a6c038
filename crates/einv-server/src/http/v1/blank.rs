//! The blank pages (docs/v1-compatibility.md, "Blank pages"): HTML pages an app opens for the User, with
//! the same paths and entry parameters as the Ministry's; JSON `{v, code, msg}` only on bad
//! parameters.
//!
//! No state changes on GET (hole 6). The app's entry URL (`appID`, `uuid`, and for the carrier
//! pages `cardCode`, `cardNo`, `verifyCode`) keeps working as given, on GET or POST: the
//! Platform checks it, opens a blank-page session (`blank_session`) and answers `303` to the
//! bare page, which shows the form. Only a POST to the bare page carrying that session's cookie
//! and CSRF token changes anything, and every change is audited (the services do it).

use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::any;
use axum::Router;
use chrono::NaiveDate;
use einv_core::{Carrier, InvalidValue, Service};
use maud::html;

use super::blank_form::{self, form, Blank};
use super::blank_session::{self, BlankContext, BlankSession};
use super::error::{V1Error, V1Result};
use super::params::V1Params;
use super::reply::{CodeType, Reply};
use crate::error::{ServiceError, ServiceResult};
use crate::http::web::components::FormErrors;
use crate::http::web::{page, Lang};
use crate::http::AppState;
use crate::services::Caller;

/// The blank-page routes.
pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for blank in [Blank::Register, Blank::Link, Blank::Bank, Blank::Donate] {
        router = router.route(
            &blank.path(),
            any(
                move |state: State<AppState>,
                      lang: Lang,
                      method: Method,
                      headers: HeaderMap,
                      params: V1Params| {
                    handle(state, lang, method, headers, params, blank)
                },
            ),
        );
    }
    router
}

fn bad(err: impl Into<V1Error>) -> Response {
    Reply::error(Some("1.0"), CodeType::Number, &err.into()).into_response()
}

fn done(lang: Lang, zh: &str, en: &str, cookie: header::HeaderValue) -> Response {
    let body = page(
        lang,
        ("完成", "Done"),
        &[],
        html! {
            div.success.flash role="status" { p { (lang.t(zh, en)) } }
            p { (lang.t("您可以關閉此頁，回到應用程式。", "You can close this page and go back to the app.")) }
        },
    );
    ([(header::SET_COOKIE, cookie)], body).into_response()
}

async fn handle(
    State(state): State<AppState>,
    lang: Lang,
    method: Method,
    headers: HeaderMap,
    params: V1Params,
    blank: Blank,
) -> Response {
    if method == Method::POST && params.get("csrf").is_some() {
        return change(&state, lang, &headers, &params, blank).await;
    }
    if params.get("appID").is_some() || params.get("uuid").is_some() {
        return match enter(&state, &params, blank).await {
            Ok(cookie) => {
                ([(header::SET_COOKIE, cookie)], Redirect::to(&blank.path())).into_response()
            }
            Err(e) => bad(e),
        };
    }
    match blank_session::resume(&state, &headers, blank.name()).await {
        Ok(Some(session)) => {
            form(lang, blank, &session, &params, &FormErrors::none()).into_response()
        }
        // A person reloading a page whose session ended: a page saying so, not JSON.
        Ok(None) => expired(lang),
        Err(e) => bad(e),
    }
}

fn no_session() -> ServiceError {
    InvalidValue::new(
        "appID",
        "open this page from the app (appID, uuid): no page session, or it expired",
    )
    .into()
}

/// The app (`appID`, live, licensed for `service`) and device (`uuid`, not barred).
async fn caller(
    state: &AppState,
    app_id: &str,
    device: &str,
    params: &V1Params,
    service: Service,
) -> ServiceResult<Caller> {
    let p = &state.platform;
    let app = p.authorise_app(app_id, Some(service)).await?;
    p.check_device(&app, Some(device)).await?;
    Ok(Caller {
        app_id: app.app.app_id.clone(),
        ip: params.peer,
        device: Some(device.to_owned()),
    })
}

/// The entry: checks what the app sent (and the User's verification code, R5.2 consent
/// included) and opens the page's session. Changes nothing the User owns.
async fn enter(state: &AppState, params: &V1Params, blank: Blank) -> V1Result<header::HeaderValue> {
    let device = params.require("uuid")?;
    let app_id = params.get("appID").unwrap_or_default();
    let service = blank.service();
    let caller = caller(state, app_id, device, params, service).await?;
    let mut context = BlankContext {
        page: blank.name().to_owned(),
        app_id: caller.app_id.clone(),
        device: device.to_owned(),
        user_id: None,
        card_type: None,
        card_no: None,
        dnt_no: None,
        month: None,
    };
    if blank != Blank::Register {
        if blank == Blank::Donate {
            month(params.get("qryYM"))?;
            context.dnt_no = Some(params.require("dntNo")?.to_owned());
            context.month = params.get("qryYM").map(str::to_owned);
        }
        params.require("cardCode")?;
        params.require("verifyCode")?;
        let (carrier, code) = super::fields::carrier(params, ["cardCode", "cardNo", "verifyCode"])?;
        let holder = state
            .platform
            .authenticate_carrier(&caller, service, &carrier, &code)
            .await?;
        context.user_id = Some(holder.user.id);
        context.card_type = Some(holder.carrier.kind.as_str().to_owned());
        context.card_no = Some(holder.carrier.id.clone());
    }
    Ok(blank_session::start(state, &context).await?)
}

fn month(text: Option<&str>) -> ServiceResult<NaiveDate> {
    text.and_then(|ym| NaiveDate::parse_from_str(&format!("{ym}01"), "%Y%m%d").ok())
        .ok_or_else(|| InvalidValue::new("qryYM", "yyyyMM").into())
}

/// A POST from the page's form: the session's cookie and CSRF token, then the change.
async fn change(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    params: &V1Params,
    blank: Blank,
) -> Response {
    let session = match blank_session::resume(state, headers, blank.name()).await {
        Ok(Some(s)) if s.csrf_matches(params.get("csrf").unwrap_or_default()) => s,
        Ok(_) => return expired(lang),
        Err(e) => return bad(e),
    };
    match apply(state, params, blank, &session).await {
        Ok((zh, en)) => match session.end(state).await {
            Ok(cookie) => done(lang, &zh, &en, cookie),
            Err(e) => bad(e),
        },
        // A mistype, or a refusal the User can act on: the form again, with what was typed
        // (never the code) and the message beside the field — never raw JSON to a person.
        Err(e) => {
            if let ServiceError::Store(_) | ServiceError::Internal(_) = &e {
                tracing::error!(error = %e, page = blank.name(), "blank page failed");
            }
            let errors = blank_form::errors(lang, blank, &e);
            let status = match e {
                ServiceError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                ServiceError::Store(_) | ServiceError::Internal(_) => {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
                _ => StatusCode::CONFLICT,
            };
            (status, form(lang, blank, &session, params, &errors)).into_response()
        }
    }
}

fn expired(lang: Lang) -> Response {
    let body = page(
        lang,
        ("無法完成", "Could not complete"),
        &[],
        html! { p.error { (lang.t("頁面已過期，請從應用程式重新開啟。", "The page expired; open it again from the app.")) } },
    );
    (StatusCode::FORBIDDEN, body).into_response()
}

/// Makes the page's change for the session's User; returns the message to show.
async fn apply(
    state: &AppState,
    params: &V1Params,
    blank: Blank,
    session: &BlankSession,
) -> ServiceResult<(String, String)> {
    let ctx = &session.context;
    let p = &state.platform;
    let caller = caller(
        state,
        ctx.app_id.as_str(),
        &ctx.device,
        params,
        blank.service(),
    )
    .await?;
    if blank == Blank::Register {
        let user = p
            .register_user(params.get("code").unwrap_or_default())
            .await?;
        let b = user.mobile_barcode;
        return Ok((
            format!("已註冊。您的手機條碼是 {b}。"),
            format!("Registered. Your mobile barcode is {b}."),
        ));
    }
    let (Some(user_id), Some(kind), Some(no)) = (ctx.user_id, &ctx.card_type, &ctx.card_no) else {
        return Err(no_session());
    };
    let carrier = Carrier::parse(kind, no).map_err(|e| e.for_field("cardNo"))?;
    let holder = p
        .blank_page_holder(&caller, blank.service(), user_id, &carrier)
        .await?;
    let get = |n| params.get(n).unwrap_or_default();
    match blank {
        Blank::Link => {
            p.aggregate_carrier(
                &caller,
                &holder,
                get("carrierType"),
                get("carrierId1"),
                get("carrierId2"),
                get("carrierName"),
            )
            .await?;
            Ok((
                "載具已歸戶。".into(),
                "The carrier is aggregated under your barcode.".into(),
            ))
        }
        Blank::Bank => {
            p.record_bank_account(&caller, &holder, get("bankCode"), get("accountNo"))
                .await?;
            Ok((
                "領獎帳戶已登錄。".into(),
                "Your bank account for prizes is recorded.".into(),
            ))
        }
        Blank::Donate => {
            let first = month(ctx.month.as_deref())?;
            let npo = ctx.dnt_no.as_deref().unwrap_or_default();
            let n = p.donate_month(&caller, &holder, first, npo).await?;
            Ok((
                format!("已捐贈 {n} 張發票。"),
                format!("{n} invoices donated."),
            ))
        }
        Blank::Register => Err(no_session()),
    }
}

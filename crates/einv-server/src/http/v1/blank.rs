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
use maud::{html, Markup};

use super::blank_session::{self, BlankContext, BlankSession};
use super::error::{V1Error, V1Result};
use super::params::V1Params;
use super::reply::{CodeType, Reply};
use crate::error::{ServiceError, ServiceResult};
use crate::http::web::user::register_form;
use crate::http::web::{page, Lang};
use crate::http::AppState;
use crate::services::Caller;

/// One of the four blank pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Blank {
    Register,
    Link,
    Bank,
    Donate,
}

impl Blank {
    fn name(self) -> &'static str {
        match self {
            Blank::Register => "generalCarrierRegBlank",
            Blank::Link => "carrierLinkBlank",
            Blank::Bank => "carrierBankAccBlank",
            Blank::Donate => "carrierInvDntBlank",
        }
    }

    fn path(self) -> String {
        format!("/PB2CAPIVAN/APIService/{}", self.name())
    }

    fn service(self) -> Service {
        match self {
            Blank::Donate => Service::Donation,
            _ => Service::CarrierAggregation,
        }
    }
}

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
        html! { p.flash { (lang.t(zh, en)) } },
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
        Ok(Some(session)) => form(lang, blank, &session, None).into_response(),
        Ok(None) => bad(no_session()),
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
        Err(ServiceError::Invalid(e)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            form(lang, blank, &session, Some(&e.to_string())),
        )
            .into_response(),
        Err(e) => bad(e),
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
    let caller = caller(state, &ctx.app_id, &ctx.device, params, blank.service()).await?;
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

/// The page's form: posts to the bare path with the CSRF token; no secret in any URL.
fn form(lang: Lang, blank: Blank, session: &BlankSession, error: Option<&str>) -> Markup {
    let action = blank.path();
    let csrf = html! { input type="hidden" name="csrf" value=(session.csrf); };
    if blank == Blank::Register {
        return register_form(lang, error, &action, csrf);
    }
    let (title, fields, button) = match blank {
        Blank::Link => (
            ("載具歸戶", "Aggregate a carrier"),
            html! {
                label for="t" { (lang.t("載具類別", "Carrier type")) }
                select #t name="carrierType" { @for (code, name) in einv_core::carrier::KNOWN_CARRIER_TYPES { @if *code != einv_core::carrier::MOBILE_BARCODE { option value=(code) { (name) " " (code) } } } }
                label for="i1" { (lang.t("載具號碼", "Carrier number")) } input #i1 name="carrierId1" required;
                label for="i2" { (lang.t("載具驗證碼（隱碼）", "Carrier hidden code")) } input #i2 name="carrierId2" required;
                label for="n" { (lang.t("名稱", "Name")) } input #n name="carrierName" required;
            },
            ("歸戶", "Aggregate"),
        ),
        Blank::Bank => (
            ("領獎帳戶", "Prize bank account"),
            html! {
                label for="b" { (lang.t("銀行代碼（3 碼）", "Bank code (3 digits)")) } input #b name="bankCode" inputmode="numeric" required;
                label for="a" { (lang.t("帳號", "Account number")) } input #a name="accountNo" inputmode="numeric" required;
            },
            ("登錄", "Record"),
        ),
        _ => (
            ("發票捐贈", "Donate invoices"),
            html! {
                p { (lang.t("將 ", "Donate your cloud invoices of ")) (session.context.month.as_deref().unwrap_or_default()) (lang.t(" 的雲端發票捐贈予愛心碼 ", " to love code ")) strong { (session.context.dnt_no.as_deref().unwrap_or_default()) } }
            },
            ("確認捐贈", "Donate"),
        ),
    };
    let body = html! {
        @if let Some(e) = error { p.error { (e) } }
        form.stack.card method="post" action=(action) {
            (csrf)
            (fields)
            button type="submit" { (lang.t(button.0, button.1)) }
        }
    };
    page(lang, title, &[], body)
}

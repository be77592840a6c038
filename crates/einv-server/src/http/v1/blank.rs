//! The blank pages (docs/v1-compatibility.md): HTML pages an app opens for the User, with
//! the same paths and parameters as the Ministry's; JSON `{v, code, msg}` only on bad
//! parameters. A form posts back to its own URL with the same parameters: the User's
//! verification code in them is what a forged post would lack, so it stands in for a CSRF token.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use chrono::NaiveDate;
use einv_core::Service;
use maud::{html, Markup};

use super::error::{V1Error, V1Result};
use super::params::V1Params;
use super::reply::{CodeType, Reply};
use crate::error::ServiceError;
use crate::http::web::user::register_form;
use crate::http::web::{page, Lang};
use crate::http::AppState;
use crate::services::{Caller, CarrierHolder};

/// The blank-page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/PB2CAPIVAN/APIService/generalCarrierRegBlank",
            any(register),
        )
        .route("/PB2CAPIVAN/APIService/carrierLinkBlank", any(link))
        .route("/PB2CAPIVAN/APIService/carrierBankAccBlank", any(bank))
        .route("/PB2CAPIVAN/APIService/carrierInvDntBlank", any(donate))
}

fn bad(err: impl Into<V1Error>) -> Response {
    Reply::error(Some("1.0"), CodeType::Number, &err.into()).into_response()
}

fn done(lang: Lang, zh: &str, en: &str) -> Response {
    page(
        lang,
        ("完成", "Done"),
        &[],
        html! { p.flash { (lang.t(zh, en)) } },
    )
    .into_response()
}

/// The app (`appID`, active) and device (`uuid`, not barred) every blank page needs.
async fn caller(state: &AppState, params: &V1Params, service: Service) -> V1Result<Caller> {
    let p = &state.platform;
    let uuid = params.require("uuid")?;
    let app = p
        .authorise_app(params.get("appID").unwrap_or_default(), service)
        .await?;
    p.check_device(Some(uuid)).await?;
    Ok(Caller {
        app_id: app.app.app_id.clone(),
        ip: params.peer,
        device: Some(uuid.to_owned()),
    })
}

/// The User behind `cardCode`/`cardNo`/`verifyCode`, with a live consent to the app (R5.2).
async fn holder(
    state: &AppState,
    params: &V1Params,
    service: Service,
) -> V1Result<(Caller, CarrierHolder)> {
    let caller = caller(state, params, service).await?;
    params.require("cardCode")?;
    params.require("verifyCode")?;
    let (carrier, code) = super::fields::carrier(params, ["cardCode", "cardNo", "verifyCode"])?;
    let holder = state
        .platform
        .authenticate_carrier(&caller, service, &carrier, &code)
        .await?;
    Ok((caller, holder))
}

fn form(action: &str, lang: Lang, fields: Markup, button: (&str, &str)) -> Markup {
    html! {
        form.stack.card method="post" action=(action) {
            (fields)
            button type="submit" { (lang.t(button.0, button.1)) }
        }
    }
}

/// The page's own URL with its query, for the form to post back to.
fn self_url(path: &str, params: &V1Params) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for name in [
        "uuid",
        "appID",
        "cardCode",
        "cardNo",
        "verifyCode",
        "dntNo",
        "qryYM",
    ] {
        if let Some(v) = params
            .get_plus_kept(name)
            .filter(|_| name == "cardNo")
            .or_else(|| params.get(name))
        {
            s.append_pair(name, v);
        }
    }
    format!("{path}?{}", s.finish())
}

async fn register(State(state): State<AppState>, lang: Lang, params: V1Params) -> Response {
    if let Err(e) = caller(&state, &params, Service::CarrierAggregation).await {
        return bad(e);
    }
    let action = self_url("/PB2CAPIVAN/APIService/generalCarrierRegBlank", &params);
    let (Some(barcode), Some(code)) = (params.get_plus_kept("barcode"), params.get("code")) else {
        return register_form(lang, None, &action, html! {}).into_response();
    };
    match state.platform.register_user(barcode, code).await {
        Ok(_) => done(
            lang,
            "手機條碼已註冊。",
            "Your mobile barcode is registered.",
        ),
        Err(ServiceError::Invalid(e)) => {
            register_form(lang, Some(&e.to_string()), &action, html! {}).into_response()
        }
        Err(e) => bad(e),
    }
}

async fn link(State(state): State<AppState>, lang: Lang, params: V1Params) -> Response {
    let (caller, holder) = match holder(&state, &params, Service::CarrierAggregation).await {
        Ok(h) => h,
        Err(e) => return bad(e),
    };
    if let Some(kind) = params.get("carrierType") {
        let get = |n| params.get(n).unwrap_or_default();
        let result = state
            .platform
            .aggregate_carrier(
                &caller,
                &holder,
                kind,
                get("carrierId1"),
                get("carrierId2"),
                get("carrierName"),
            )
            .await;
        return match result {
            Ok(()) => done(
                lang,
                "載具已歸戶。",
                "The carrier is aggregated under your barcode.",
            ),
            Err(e) => bad(e),
        };
    }
    let fields = html! {
        label for="t" { (lang.t("載具類別", "Carrier type")) }
        select #t name="carrierType" { @for (code, name) in einv_core::carrier::KNOWN_CARRIER_TYPES { @if *code != "3J0002" { option value=(code) { (name) " " (code) } } } }
        label for="i1" { (lang.t("載具號碼", "Carrier number")) } input #i1 name="carrierId1" required;
        label for="i2" { (lang.t("載具驗證碼（隱碼）", "Carrier hidden code")) } input #i2 name="carrierId2" required;
        label for="n" { (lang.t("名稱", "Name")) } input #n name="carrierName" required;
    };
    let body = form(
        &self_url("/PB2CAPIVAN/APIService/carrierLinkBlank", &params),
        lang,
        fields,
        ("歸戶", "Aggregate"),
    );
    page(lang, ("載具歸戶", "Aggregate a carrier"), &[], body).into_response()
}

async fn bank(State(state): State<AppState>, lang: Lang, params: V1Params) -> Response {
    let (_, holder) = match holder(&state, &params, Service::CarrierAggregation).await {
        Ok(h) => h,
        Err(e) => return bad(e),
    };
    if let (Some(bank), Some(account)) = (params.get("bankCode"), params.get("accountNo")) {
        return match state
            .platform
            .record_bank_account(&holder, bank, account)
            .await
        {
            Ok(()) => done(
                lang,
                "領獎帳戶已登錄。",
                "Your bank account for prizes is recorded.",
            ),
            Err(e) => bad(e),
        };
    }
    let fields = html! {
        label for="b" { (lang.t("銀行代碼（3 碼）", "Bank code (3 digits)")) } input #b name="bankCode" inputmode="numeric" required;
        label for="a" { (lang.t("帳號", "Account number")) } input #a name="accountNo" inputmode="numeric" required;
    };
    let body = form(
        &self_url("/PB2CAPIVAN/APIService/carrierBankAccBlank", &params),
        lang,
        fields,
        ("登錄", "Record"),
    );
    page(lang, ("領獎帳戶", "Prize bank account"), &[], body).into_response()
}

async fn donate(State(state): State<AppState>, lang: Lang, params: V1Params) -> Response {
    let (caller, holder) = match holder(&state, &params, Service::Donation).await {
        Ok(h) => h,
        Err(e) => return bad(e),
    };
    let month = params
        .get("qryYM")
        .and_then(|ym| NaiveDate::parse_from_str(&format!("{ym}01"), "%Y%m%d").ok())
        .ok_or_else(|| ServiceError::from(einv_core::InvalidValue::new("qryYM", "yyyyMM")));
    let (month, npo) = match (month, params.require("dntNo")) {
        (Ok(m), Ok(n)) => (m, n.to_owned()),
        (Err(e), _) | (_, Err(e)) => return bad(e),
    };
    if params.get("confirm").is_some() {
        return match state
            .platform
            .donate_month(&caller, &holder, month, &npo)
            .await
        {
            Ok(n) => done(
                lang,
                &format!("已捐贈 {n} 張發票。"),
                &format!("{n} invoices donated."),
            ),
            Err(e) => bad(e),
        };
    }
    let fields = html! {
        p { (lang.t("將 ", "Donate your cloud invoices of ")) (month.format("%Y-%m")) (lang.t(" 的雲端發票捐贈予愛心碼 ", " to love code ")) strong { (npo) } }
        input type="hidden" name="confirm" value="1";
    };
    let body = form(
        &self_url("/PB2CAPIVAN/APIService/carrierInvDntBlank", &params),
        lang,
        fields,
        ("確認捐贈", "Donate"),
    );
    page(lang, ("發票捐贈", "Donate invoices"), &[], body).into_response()
}

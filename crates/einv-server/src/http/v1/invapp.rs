//! `/PB2CAPIVAN/invapp/InvApp`: winning numbers (QryWinningList) and invoice lookup by the
//! proof copy (qryInvHeader, qryInvDetail). `code` is a string in these replies.

use axum::extract::State;
use einv_core::barcode::RandomCode;
use einv_core::{InvalidValue, Service};
use serde_json::{json, Map, Value};

use super::fields;
use super::gate::{admit, ActionSpec};
use super::invoice_json::{header_fields, item_fields};
use super::params::V1Params;
use super::reply::{render, CodeType, Reply};
use crate::error::{ServiceError, ServiceResult};
use crate::http::AppState;
use crate::services::{InvoiceLookup, LookupBy};

const WINNING: ActionSpec = ActionSpec {
    service: Service::WinningNumbers,
    versions: &["0.2"],
    signed: false,
    timed: false,
};
const LOOKUP: ActionSpec = ActionSpec {
    service: Service::InvoiceLookup,
    versions: &["0.3", "0.4", "0.5", "0.6"],
    signed: false,
    timed: false,
};

/// The InvApp endpoint: dispatches on `action`.
pub async fn handle(State(state): State<AppState>, params: V1Params) -> Reply {
    match params.get("action").unwrap_or_default() {
        "QryWinningList" => render(&params, CodeType::Text, winning_list(&state, &params).await),
        "qryInvHeader" => render(&params, CodeType::Text, header(&state, &params).await),
        // The real qryInvDetail reply carries no `v` (reference/mof-app-api.md §5).
        "qryInvDetail" => match detail(&state, &params).await {
            Ok(body) => Reply::ok(None, CodeType::Text, body),
            Err(e) => Reply::error(None, CodeType::Text, &e),
        },
        other => render(
            &params,
            CodeType::Text,
            Err(unknown_action(
                other,
                "QryWinningList, qryInvHeader, qryInvDetail",
            )),
        ),
    }
}

/// A 903 for an action this endpoint does not serve.
pub fn unknown_action(action: &str, known: &str) -> ServiceError {
    InvalidValue::new(
        "action",
        format!("{action:?} is not an action of this path; one of {known}"),
    )
    .into()
}

async fn winning_list(state: &AppState, params: &V1Params) -> ServiceResult<Map<String, Value>> {
    admit(&state.platform, params, WINNING).await?;
    let period = fields::period(params, "invTerm")?;
    let draw = state.platform.winning_numbers(period).await?;
    let Value::Object(mut body) = draw.to_qry_winning_list_json() else {
        return Err(ServiceError::Internal(
            "winning list is not an object".into(),
        ));
    };
    // `v`, `code` and `msg` are set by the reply.
    for k in ["v", "code", "msg"] {
        body.remove(k);
    }
    Ok(body)
}

fn lookup_of(params: &V1Params) -> ServiceResult<InvoiceLookup> {
    let kind = params.require("type")?;
    if kind != "QRCode" && kind != "Barcode" {
        return Err(ServiceError::BadQueryType(kind.to_owned()));
    }
    Ok(InvoiceLookup {
        number: fields::invoice_number(params, "invNum")?,
        date: fields::date(params, "invDate")?,
    })
}

async fn header(state: &AppState, params: &V1Params) -> ServiceResult<Map<String, Value>> {
    let admitted = admit(&state.platform, params, LOOKUP).await?;
    let lookup = lookup_of(params)?;
    let view = state
        .platform
        .lookup_header(&admitted.caller, &lookup)
        .await?;
    Ok(header_fields(&view))
}

async fn detail(state: &AppState, params: &V1Params) -> ServiceResult<Map<String, Value>> {
    let admitted = admit(&state.platform, params, LOOKUP).await?;
    let lookup = lookup_of(params)?;
    let random = RandomCode::parse(params.require("randomNumber")?)
        .map_err(|e| e.for_field("randomNumber"))?;
    let by = if params.get("type") == Some("Barcode") {
        LookupBy::Barcode {
            random,
            period: fields::period(params, "invTerm")?,
        }
    } else {
        LookupBy::QrCode {
            random,
            encrypt: params.require("encrypt")?.to_owned(),
            seller_ban: params.require("sellerID")?.to_owned(),
        }
    };
    let (view, items) = state
        .platform
        .lookup_detail(&admitted.caller, &lookup, &by)
        .await?;
    let mut body = header_fields(&view);
    body.insert(
        "amount".into(),
        json!(view.record.header.total_amount.to_string()),
    );
    body.insert("details".into(), item_fields(&items));
    Ok(body)
}

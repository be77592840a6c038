//! `/PB2CAPIVAN/invapp/InvApp`: winning numbers (QryWinningList) and invoice lookup by the
//! proof copy (qryInvHeader, qryInvDetail). `code` is a string in these replies.

use axum::extract::State;
use einv_core::barcode::RandomCode;
use einv_core::Service;
use serde_json::{Map, Value};

use super::error::{V1Error, V1Result};
use super::fields;
use super::gate::{admit, unknown_action, ActionSpec};
use super::invoice_json::{header_fields, item_fields};
use super::params::V1Params;
use super::reply::{render, CodeType, Reply};
use crate::error::ServiceError;
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
        // Captured live replies answer a winning list with 查詢成功, not 執行成功.
        "QryWinningList" => match winning_list(&state, &params).await {
            Ok(body) => {
                Reply::with_code(params.get("version"), CodeType::Text, 200, "查詢成功", body)
            }
            Err(e) => Reply::error(params.get("version"), CodeType::Text, &e),
        },
        "qryInvHeader" => render(&params, CodeType::Text, header(&state, &params).await),
        // The real qryInvDetail reply carries no `v` (docs/v1-compatibility.md).
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

async fn winning_list(state: &AppState, params: &V1Params) -> V1Result<Map<String, Value>> {
    admit(&state.platform, params, WINNING).await?;
    let period = fields::period(params, "invTerm")?;
    let draw = state.platform.winning_numbers(period).await?;
    let Value::Object(mut body) = draw.to_qry_winning_list_json() else {
        return Err(ServiceError::Internal("winning list is not an object".into()).into());
    };
    // `v`, `code` and `msg` are set by the reply.
    for k in ["v", "code", "msg"] {
        body.remove(k);
    }
    // Captured live replies carry `timeStamp`, a serialised java.util.Date of when the numbers
    // were published: the draw day (its hour is not known; 00:00 Taipei).
    body.insert(
        "timeStamp".into(),
        fields::java_date(draw.period().draw_date(), "00:00:00"),
    );
    Ok(body)
}

fn lookup_of(params: &V1Params) -> V1Result<InvoiceLookup> {
    let kind = params.require("type")?;
    if kind != "QRCode" && kind != "Barcode" {
        return Err(V1Error::BadQueryType(kind.to_owned()));
    }
    Ok(InvoiceLookup {
        number: fields::invoice_number(params, "invNum")?,
        date: fields::date(params, "invDate")?,
    })
}

async fn header(state: &AppState, params: &V1Params) -> V1Result<Map<String, Value>> {
    let admitted = admit(&state.platform, params, LOOKUP).await?;
    let lookup = lookup_of(params)?;
    let view = state
        .platform
        .lookup_header(&admitted.caller, &lookup)
        .await?;
    Ok(header_fields(&view))
}

async fn detail(state: &AppState, params: &V1Params) -> V1Result<Map<String, Value>> {
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
    // Captured live qryInvDetail replies have no top-level `amount` (docs/v1-compatibility.md).
    let mut body = header_fields(&view);
    body.insert("details".into(), item_fields(&items));
    Ok(body)
}

//! `/PB2CAPIVAN/invServ/InvServ`: a User's carrier invoices, list (carrierInvChk) and detail
//! (carrierInvDetail). `code` is a number in these replies.

use axum::extract::State;
use chrono::Datelike;
use einv_core::{InvalidValue, Service};

use super::carrier_json::{detail_reply, list_reply};
use super::error::V1Result;
use super::fields;
use super::gate::{holder, unknown_action, ActionSpec};
use super::params::V1Params;
use super::reply::{CodeType, Reply};
use crate::http::AppState;
use crate::services::{InvoiceListQuery, ListAnswer};

const CARRIER: ActionSpec =
    ActionSpec::carrier_read(Service::CarrierInvoices, &["0.3", "0.4", "0.5", "0.6"]);

/// The InvServ endpoint: dispatches on `action`.
pub async fn handle(State(state): State<AppState>, params: V1Params) -> Reply {
    let version = params.get("version");
    let outcome = match params.get("action").unwrap_or_default() {
        "carrierInvChk" => list(&state, &params).await,
        "carrierInvDetail" => detail(&state, &params).await,
        other => Err(unknown_action(other, "carrierInvChk, carrierInvDetail")),
    };
    outcome.unwrap_or_else(|e| Reply::error(version, CodeType::Number, &e))
}

async fn list(state: &AppState, params: &V1Params) -> V1Result<Reply> {
    let (admitted, holder) = holder(state, params, CARRIER).await?;
    let only_winning = match params.get("onlyWinningInv").unwrap_or("N") {
        "Y" => true,
        "N" | "" => false,
        other => {
            return Err(InvalidValue::new(
                "onlyWinningInv",
                format!("must be Y or N, got {other:?}"),
            )
            .into())
        }
    };
    let page = match params.get("page").filter(|p| !p.is_empty()) {
        None => 1,
        Some(p) => p.parse::<u32>().ok().filter(|p| *p >= 1).ok_or_else(|| {
            InvalidValue::new("page", format!("must be a whole number from 1, got {p:?}"))
        })?,
    };
    let (from, to) = (
        fields::date(params, "startDate")?,
        fields::date(params, "endDate")?,
    );
    // The MOF API lists one month at a time (spec v1.7); the service itself takes any range.
    if from > to {
        return Err(InvalidValue::new("startDate", "must not be after endDate").into());
    }
    if (from.year(), from.month()) != (to.year(), to.month()) {
        return Err(InvalidValue::new(
            "endDate",
            "startDate and endDate must be in the same month",
        )
        .into());
    }
    let query = InvoiceListQuery {
        from,
        to,
        only_winning,
        page,
        after: None,
    };
    let version = params.get("version");
    // A page written before is answered from its bytes; a fresh one is written and kept
    // (services/list_replies.rs). Either way the call's read is recorded first.
    let answer = state
        .platform
        .carrier_invoice_list_written(&admitted.caller, &holder, query, version)
        .await?;
    Ok(match answer {
        ListAnswer::Written(page) => {
            let code = if page.more { 996 } else { 200 };
            Reply::prewritten(page.body, code, CodeType::Number)
        }
        ListAnswer::Fresh(result, slot) => {
            let reply = list_reply(version, page, only_winning, &result);
            if let (Some(slot), Some(bytes)) = (slot, reply.written_bytes()) {
                state.platform.keep_written_page(slot, bytes, result.more);
            }
            reply
        }
    })
}

async fn detail(state: &AppState, params: &V1Params) -> V1Result<Reply> {
    let (admitted, holder) = holder(state, params, CARRIER).await?;
    let number = fields::invoice_number(params, "invNum")?;
    let date = fields::date(params, "invDate")?;
    let (view, items) = state
        .platform
        .carrier_invoice_detail(&admitted.caller, &holder, &number, date)
        .await?;
    Ok(detail_reply(params.get("version"), &view, &items))
}

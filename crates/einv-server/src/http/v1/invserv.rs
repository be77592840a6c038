//! `/PB2CAPIVAN/invServ/InvServ`: a User's carrier invoices, list (carrierInvChk) and detail
//! (carrierInvDetail). `code` is a number in these replies.

use axum::extract::State;
use chrono::Datelike;
use einv_core::{InvalidValue, Service};
use serde_json::{json, Map, Value};

use super::error::V1Result;
use super::fields::{self, java_date};
use super::gate::{holder, unknown_action, ActionSpec};
use super::invoice_json::{carrier_item_fields, header_fields, status_text};
use super::params::V1Params;
use super::reply::{render, CodeType, Reply};
use crate::http::AppState;
use crate::services::{InvoiceListQuery, InvoiceView};

const CARRIER: ActionSpec = ActionSpec {
    service: Service::CarrierInvoices,
    versions: &["0.3", "0.4", "0.5", "0.6"],
    signed: false,
    timed: true,
};

/// The InvServ endpoint: dispatches on `action`.
pub async fn handle(State(state): State<AppState>, params: V1Params) -> Reply {
    match params.get("action").unwrap_or_default() {
        "carrierInvChk" => match list(&state, &params).await {
            // More pages: 996 with this page's rows; raise `page` and ask again (spec v1.9).
            Ok((body, true)) => Reply::with_code(
                params.get("version"),
                CodeType::Number,
                996,
                "查詢發票筆數超過上限，請縮小查詢日期區間或以載具分頁功能接續查詢下一頁",
                body,
            ),
            other => render(&params, CodeType::Number, other.map(|(body, _)| body)),
        },
        "carrierInvDetail" => render(&params, CodeType::Number, detail(&state, &params).await),
        other => render(
            &params,
            CodeType::Number,
            Err(unknown_action(other, "carrierInvChk, carrierInvDetail")),
        ),
    }
}

async fn list(state: &AppState, params: &V1Params) -> V1Result<(Map<String, Value>, bool)> {
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
    let result = state
        .platform
        .carrier_invoice_list(&admitted.caller, &holder, query)
        .await?;
    let details: Vec<Value> = result
        .invoices
        .iter()
        .enumerate()
        .map(|(i, view)| {
            list_row(
                i + 1 + (page as usize - 1) * crate::services::PAGE_SIZE,
                view,
            )
        })
        .collect();
    let mut body = Map::new();
    body.insert(
        "onlyWinningInv".into(),
        json!(if only_winning { "Y" } else { "N" }),
    );
    body.insert("details".into(), Value::Array(details));
    Ok((body, result.more))
}

fn list_row(row: usize, view: &InvoiceView) -> Value {
    let h = &view.record.header;
    let carrier = h.carrier.as_ref();
    json!({
        "rowNum": row,
        "invNum": view.shown_number,
        "cardType": carrier.map(|c| c.carrier_type.as_str()),
        "cardNo": carrier.map(|c| c.id1.as_str()),
        "sellerName": h.seller.name,
        "invStatus": status_text(view),
        "invDonatable": view.donatable,
        // A number, as in the captured live carrierInvChk reply.
        "amount": h.total_amount.dollars(),
        "invPeriod": h.period.code(),
        "donateMark": i32::from(view.donated()),
        "sellerBan": h.seller.id.as_str(),
        "sellerAddress": h.seller.address,
        "invoiceTime": h.time.as_str(),
        "buyerBan": h.buyer.as_ref().map_or("", |b| b.as_str()),
        "currency": h.currency.as_ref().map_or("", |c| c.as_str()),
        "invDate": java_date(h.date, &h.time.as_str()),
        "claimDeadline": fields::compact_date(view.claim_deadline),
    })
}

async fn detail(state: &AppState, params: &V1Params) -> V1Result<Map<String, Value>> {
    let (admitted, holder) = holder(state, params, CARRIER).await?;
    let number = fields::invoice_number(params, "invNum")?;
    let date = fields::date(params, "invDate")?;
    let (view, items) = state
        .platform
        .carrier_invoice_detail(&admitted.caller, &holder, &number, date)
        .await?;
    let mut body = header_fields(&view);
    // A number, as in the captured live carrierInvDetail reply.
    body.insert(
        "amount".into(),
        json!(view.record.header.total_amount.dollars()),
    );
    body.insert("details".into(), carrier_item_fields(&items));
    Ok(body)
}

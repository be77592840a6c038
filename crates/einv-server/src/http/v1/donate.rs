//! `/PB2CAPIVAN/CarInv/Donate`: donating a cloud invoice (carrierInvDnt, signed).

use axum::extract::State;
use einv_core::{wire, Service};
use serde_json::{json, Map, Value};

use super::error::V1Result;
use super::fields::{self, taipei_timestamp};
use super::gate::{holder, one_action, serial, ActionSpec};
use super::params::V1Params;
use super::reply::{CodeType, Reply};
use crate::http::AppState;

const DONATE: ActionSpec = ActionSpec::signed_write(Service::Donation, &["0.1"]);

/// The Donate endpoint.
pub async fn handle(State(state): State<AppState>, params: V1Params) -> Reply {
    one_action(&params, "carrierInvDnt", CodeType::Number, || {
        donate(&state, &params)
    })
    .await
}

async fn donate(state: &AppState, params: &V1Params) -> V1Result<Map<String, Value>> {
    let (admitted, holder) = holder(state, params, DONATE).await?;
    let serial = serial(params)?;
    let number = fields::invoice_number(params, "invNum")?;
    let date = fields::date(params, "invDate")?;
    let npo = params.require("npoBan")?;
    let receipt = state
        .platform
        .donate(&admitted.caller, &holder, &number, date, npo)
        .await?;
    let mut body = Map::new();
    body.insert(
        "hashSerial".into(),
        json!(wire::hash_serial(serial, admitted.app.api_key())),
    );
    // The number of a donated invoice is masked in every third-party reply (R5.7).
    body.insert("invNum".into(), json!(receipt.number));
    body.insert("invDate".into(), json!(fields::compact_date(receipt.date)));
    body.insert("NPOBan".into(), json!(npo));
    body.insert("invStatus".into(), json!("已捐贈"));
    body.insert(
        "invDntTimeStamp".into(),
        json!(taipei_timestamp(receipt.at)),
    );
    Ok(body)
}

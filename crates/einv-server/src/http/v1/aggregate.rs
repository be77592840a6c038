//! `/PB2CAPIVAN/Carrier/Aggregate`: carriers aggregated under a mobile barcode (qryCarrierAgg,
//! signed).

use axum::extract::State;
use einv_core::{wire, Service};
use serde_json::{json, Map, Value};

use super::error::V1Result;
use super::gate::{holder, one_action, serial, ActionSpec};
use super::params::V1Params;
use super::reply::{CodeType, Reply};
use crate::http::AppState;

const AGGREGATE: ActionSpec = ActionSpec::signed_write(Service::CarrierAggregation, &["1.0"]);

/// The Aggregate endpoint.
pub async fn handle(State(state): State<AppState>, params: V1Params) -> Reply {
    one_action(&params, "qryCarrierAgg", CodeType::Number, || {
        aggregate(&state, &params)
    })
    .await
}

async fn aggregate(state: &AppState, params: &V1Params) -> V1Result<Map<String, Value>> {
    let (admitted, holder) = holder(state, params, AGGREGATE).await?;
    let serial = serial(params)?;
    let links = state
        .platform
        .carrier_aggregation(&admitted.caller, &holder)
        .await?;
    let carriers: Vec<Value> = links
        .iter()
        .map(|l| json!({ "carrierType": l.carrier_type, "carrierId2": l.id2, "carrierName": l.name }))
        .collect();
    let mut body = Map::new();
    body.insert(
        "hashSerial".into(),
        json!(wire::hash_serial(serial, admitted.app.api_key())),
    );
    body.insert("cardType".into(), json!(holder.carrier.kind.as_str()));
    body.insert("cardNo".into(), json!(holder.carrier.id));
    body.insert("carriers".into(), Value::Array(carriers));
    Ok(body)
}

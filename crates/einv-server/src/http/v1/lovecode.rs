//! `/PB2CAPIVAN/loveCodeapp/qryLoveCode`: charity search. `code` is a string, `rowNum` a number.

use axum::extract::State;
use einv_core::Service;
use serde_json::{json, Map, Value};

use super::error::V1Result;
use super::gate::{admit, one_action, ActionSpec};
use super::params::V1Params;
use super::reply::{CodeType, Reply};
use crate::http::AppState;

/// R3.6: love-code search serves cloud-invoice donation (a User picks the charity to donate
/// to), so it comes with the donation service, not with winning numbers.
const LOVE_CODE: ActionSpec = ActionSpec::public_read(Service::Donation, &["0.1", "0.2"]);

/// The qryLoveCode endpoint.
pub async fn handle(State(state): State<AppState>, params: V1Params) -> Reply {
    one_action(&params, "qryLoveCode", CodeType::Text, || {
        search(&state, &params)
    })
    .await
}

async fn search(state: &AppState, params: &V1Params) -> V1Result<Map<String, Value>> {
    admit(&state.platform, params, LOVE_CODE).await?;
    let key = params.require("qKey")?;
    let found = state.platform.search_charities(key).await?;
    let details: Vec<Value> = found
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({
                "rowNum": i,
                "SocialWelfareBAN": c.ban,
                "LoveCode": c.love_code,
                "SocialWelfareName": c.name,
                "SocialWelfareAbbrev": c.abbrev,
            })
        })
        .collect();
    let mut body = Map::new();
    body.insert("details".into(), Value::Array(details));
    Ok(body)
}

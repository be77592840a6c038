//! `/PB2CAPIVAN/invapp/InvApp`: winning numbers (QryWinningList) and invoice lookup by the
//! proof copy (qryInvHeader, qryInvDetail). `code` is a string in these replies.

use std::sync::Mutex;

use axum::extract::State;
use einv_core::barcode::RandomCode;
use einv_core::prize::WinningNumbers;
use einv_core::Service;
use serde_json::{Map, Value};

use super::error::{V1Error, V1Result};
use super::fields;
use super::gate::{admit, unknown_action, ActionSpec};
use super::invoice_json::{header_fields, item_fields};
use super::params::V1Params;
use super::reply::{render, CodeType, Reply};
use crate::http::AppState;
use crate::services::{InvoiceLookup, LookupBy};

const WINNING: ActionSpec = ActionSpec::public_read(Service::WinningNumbers, &["0.2"]);
const LOOKUP: ActionSpec =
    ActionSpec::public_read(Service::InvoiceLookup, &["0.3", "0.4", "0.5", "0.6"]);

/// The InvApp endpoint: dispatches on `action`.
pub async fn handle(State(state): State<AppState>, params: V1Params) -> Reply {
    let version = params.get("version");
    match params.get("action").unwrap_or_default() {
        // Captured live replies answer a winning list with 查詢成功, not 執行成功.
        "QryWinningList" => winning_reply(&state, &params, version).await,
        "qryInvHeader" => match header(&state, &params).await {
            Ok(Lookup::Found(body)) => Reply::ok(version, CodeType::Text, body),
            Ok(Lookup::Expired) => expired(version),
            Err(e) => Reply::error(version, CodeType::Text, &e),
        },
        // The real qryInvDetail reply carries no `v` (docs/v1-compatibility.md).
        "qryInvDetail" => match detail(&state, &params).await {
            Ok(Lookup::Found(body)) => Reply::ok(None, CodeType::Text, body),
            Ok(Lookup::Expired) => expired(None),
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

/// What a lookup by the proof copy found: the invoice, or one whose proof copy is past its
/// validity.
enum Lookup {
    Found(Map<String, Value>),
    Expired,
}

/// 952 卡片(QR碼)有效存續時間已過: the proof copy (QR code or barcode) of an invoice whose
/// prize-claim period is over no longer answers (docs/v1-compatibility.md). A protocol code,
/// made here at the surface that speaks it.
fn expired(version: Option<&str>) -> Reply {
    Reply::with_code(
        version,
        CodeType::Text,
        952,
        "卡片(QR碼)有效存續時間已過（過期憑證）：invNum: the invoice's prize-claim period is over",
        Map::new(),
    )
}

/// The QryWinningList reply: written once per draw and version, then answered from the
/// written bytes (the draw is immutable once published; a re-published one differs, so it is
/// written anew). Every call still passes the gate.
async fn winning_reply(state: &AppState, params: &V1Params, version: Option<&str>) -> Reply {
    let draw = match winning_draw(state, params).await {
        Ok(draw) => draw,
        Err(e) => return Reply::error(version, CodeType::Text, &e),
    };
    if let Some(bytes) = state.winning_replies.get(version, &draw) {
        return Reply::prewritten(bytes, 200, CodeType::Text);
    }
    let reply = Reply::object(version, CodeType::Text, "查詢成功", winning_list(&draw));
    if reply.code() == Some(200) {
        state
            .winning_replies
            .keep(version, draw, reply.to_stored().into_bytes());
    }
    reply
}

/// QryWinningList replies already written, by request version and draw.
#[derive(Debug, Default)]
pub struct WinningReplies(Mutex<Vec<WrittenWinningList>>);

/// One written QryWinningList reply: the request's version, the draw, the bytes.
type WrittenWinningList = (Option<String>, WinningNumbers, Vec<u8>);

impl WinningReplies {
    /// At most this many replies are kept (a few periods are asked for; when full, it starts
    /// afresh).
    const MAX: usize = 32;

    fn get(&self, version: Option<&str>, draw: &WinningNumbers) -> Option<Vec<u8>> {
        let kept = self.0.lock().ok()?;
        kept.iter()
            .find(|(v, d, _)| v.as_deref() == version && d == draw)
            .map(|(_, _, bytes)| bytes.clone())
    }

    fn keep(&self, version: Option<&str>, draw: WinningNumbers, bytes: Vec<u8>) {
        let Ok(mut kept) = self.0.lock() else {
            return;
        };
        // A re-published draw replaces its period's earlier reply.
        kept.retain(|(v, d, _)| !(v.as_deref() == version && d.period() == draw.period()));
        if kept.len() >= Self::MAX {
            kept.clear();
        }
        kept.push((version.map(str::to_owned), draw, bytes));
    }
}

async fn winning_draw(state: &AppState, params: &V1Params) -> V1Result<WinningNumbers> {
    admit(&state.platform, params, WINNING).await?;
    let period = fields::period(params, "invTerm")?;
    Ok(state.platform.winning_numbers(period).await?)
}

fn winning_list(draw: &WinningNumbers) -> Value {
    let mut body = draw.to_qry_winning_list_json();
    let Some(fields) = body.as_object_mut() else {
        // Not an object: the reply answers 900 (Reply::object).
        return body;
    };
    let body = fields;
    // `v`, `code` and `msg` are set by the reply.
    for k in ["v", "code", "msg"] {
        body.remove(k);
    }
    let draw_day = draw.period().draw_date();
    // Captured live replies carry `timeStamp`, a serialised java.util.Date of when the numbers
    // were published: the draw day (its hour is not known; 00:00 Taipei).
    body.insert(
        "timeStamp".into(),
        fields::java_date(draw_day, chrono::NaiveTime::MIN),
    );
    Value::Object(std::mem::take(body))
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

async fn header(state: &AppState, params: &V1Params) -> V1Result<Lookup> {
    let admitted = admit(&state.platform, params, LOOKUP).await?;
    let lookup = lookup_of(params)?;
    let view = state
        .platform
        .lookup_header(&admitted.caller, &lookup)
        .await?;
    if view.claim_deadline < state.platform.today() {
        return Ok(Lookup::Expired);
    }
    Ok(Lookup::Found(header_fields(&view)))
}

async fn detail(state: &AppState, params: &V1Params) -> V1Result<Lookup> {
    let admitted = admit(&state.platform, params, LOOKUP).await?;
    let lookup = lookup_of(params)?;
    // The specification's cap on qryInvDetail queries (950), per AppID and invoice.
    state
        .platform
        .admit_detail_query(admitted.app.app.app_id.as_str(), lookup.number.as_str())
        .await?;
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
    if view.claim_deadline < state.platform.today() {
        return Ok(Lookup::Expired);
    }
    // Captured live qryInvDetail replies have no top-level `amount` (docs/v1-compatibility.md).
    let mut body = header_fields(&view);
    body.insert("details".into(), item_fields(&items));
    Ok(Lookup::Found(body))
}

//! v1 replies: the MOF JSON shape, and the one place a failure ([`V1Error`], holding the use
//! cases' [`ServiceError`]) becomes a MOF code.

use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::error::V1Error;
use crate::error::{Conflict, Missing, Proof, ServiceError, Undonatable};

/// How an action's reply types `code`: a string in the invapp and love-code replies, a number
/// in the carrier, donation and aggregation replies (docs/v1-compatibility.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeType {
    /// `"code": "200"`.
    Text,
    /// `"code": 200`.
    Number,
}

/// A v1 reply under construction.
#[derive(Debug, Clone)]
pub struct Reply {
    body: Body,
    retry_after: Option<u64>,
}

/// A reply's JSON object: built as a map, or already written by serde from typed structs
/// (the hot carrier replies, `carrier_json.rs`: no `Value` tree per call).
#[derive(Debug, Clone)]
enum Body {
    Fields(Map<String, Value>),
    /// The bytes, the MOF code they carry (for the metrics' label) and how they type it.
    Written(Bytes, u16, CodeType),
}

impl Reply {
    /// A success: `v`, `code` 200, `msg` 執行成功, then `fields`. `version` of `None` leaves `v`
    /// out (qryInvDetail's real reply has none).
    pub fn ok(version: Option<&str>, code_type: CodeType, fields: Map<String, Value>) -> Self {
        Self::with_code(version, code_type, 200, "執行成功", fields)
    }

    /// A success built from a JSON value that must be an object; when it is not, the reply is
    /// 900 建立JSON物件失敗 (the reply object could not be built), its detail in the log.
    pub fn object(version: Option<&str>, code_type: CodeType, msg: &str, value: Value) -> Self {
        match value {
            Value::Object(fields) => Self::with_code(version, code_type, 200, msg, fields),
            other => {
                tracing::error!(reply = %other, "v1 reply is not a JSON object");
                Self::with_code(version, code_type, 900, "建立JSON物件失敗", Map::new())
            }
        }
    }

    /// A reply with any code.
    pub fn with_code(
        version: Option<&str>,
        code_type: CodeType,
        code: u16,
        msg: &str,
        mut fields: Map<String, Value>,
    ) -> Self {
        // The map keeps its keys sorted, so adding `v`, `code` and `msg` to the fields writes
        // the same object as a new map would, without moving every field into one. A field of
        // the same name wins, as it always did.
        if let Some(v) = version {
            fields.entry("v").or_insert_with(|| json!(v));
        }
        fields.entry("code").or_insert_with(|| match code_type {
            CodeType::Text => json!(code.to_string()),
            CodeType::Number => json!(code),
        });
        fields.entry("msg").or_insert_with(|| json!(msg));
        let out = fields;
        Self {
            body: Body::Fields(out),
            retry_after: None,
        }
    }

    /// A reply written by serde from `object`, a typed reply whose fields (`v`, `code` and
    /// `msg` among them) are declared in the byte order of their names, as the map-built
    /// replies write them. `size` is a guess of the length, to write without regrowing.
    /// Should serde fail, the reply is 900 建立JSON物件失敗, its detail in the log.
    pub fn written(
        version: Option<&str>,
        code_type: CodeType,
        code: u16,
        size: usize,
        object: &impl serde::Serialize,
    ) -> Self {
        let mut buf = Vec::with_capacity(size);
        match serde_json::to_writer(&mut buf, object) {
            Ok(()) => Self {
                body: Body::Written(buf.into(), code, code_type),
                retry_after: None,
            },
            Err(e) => {
                tracing::error!(error = %e, "v1 reply could not be written");
                Self::with_code(version, code_type, 900, "建立JSON物件失敗", Map::new())
            }
        }
    }

    /// A success already written (a kept reply, `invapp.rs`), carrying MOF `code` typed as
    /// `code_type` says.
    pub fn prewritten(bytes: impl Into<Bytes>, code: u16, code_type: CodeType) -> Self {
        Self {
            body: Body::Written(bytes.into(), code, code_type),
            retry_after: None,
        }
    }

    /// The bytes of a written reply (to keep them: a reference count, no copy); `None` for
    /// a map-built one.
    pub fn written_bytes(&self) -> Option<Bytes> {
        match &self.body {
            Body::Written(bytes, ..) => Some(bytes.clone()),
            Body::Fields(_) => None,
        }
    }

    /// The refusal to give instead of this reply when what it needs failed after it was made
    /// (its reads could not be recorded): the failure's code, typed as this reply types it.
    pub fn refused_instead(&self, version: Option<&str>, failure: ServiceError) -> Self {
        let code_type = match &self.body {
            Body::Fields(fields) => match fields.get("code") {
                Some(Value::String(_)) => CodeType::Text,
                _ => CodeType::Number,
            },
            Body::Written(_, _, code_type) => *code_type,
        };
        Self::error(version, code_type, &V1Error::Use(failure))
    }

    /// The reply as stored for a repeated signed call (`once.rs`).
    pub fn to_stored(&self) -> String {
        match &self.body {
            Body::Fields(fields) => Value::Object(fields.clone()).to_string(),
            // Written pages are UTF-8 (einv wrote them from strings): `from_utf8` checks that
            // a word at a time, where the lossy scan walked a signed list's ~41 KB byte by
            // byte (11.5 % of that call's CPU in a profile).
            Body::Written(bytes, ..) => match std::str::from_utf8(bytes) {
                Ok(text) => text.to_owned(),
                Err(_) => String::from_utf8_lossy(bytes).into_owned(),
            },
        }
    }

    /// A reply stored by [`Self::to_stored`].
    pub fn from_stored(stored: &str) -> Option<Self> {
        match serde_json::from_str(stored).ok()? {
            Value::Object(fields) => Some(Self {
                body: Body::Fields(fields),
                retry_after: None,
            }),
            _ => None,
        }
    }

    /// The MOF `code` of the reply (a number or its text), for the metrics' label.
    pub fn code(&self) -> Option<u16> {
        match &self.body {
            Body::Fields(fields) => match fields.get("code")? {
                Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
                Value::String(s) => s.parse().ok(),
                _ => None,
            },
            Body::Written(_, code, _) => Some(*code),
        }
    }

    /// Whether this is a 999 (an internal failure, not an answer worth keeping). A written
    /// reply is always an answer.
    pub fn is_internal_failure(&self) -> bool {
        match &self.body {
            Body::Fields(fields) => fields
                .get("code")
                .is_some_and(|c| c == &json!(999) || c == &json!("999")),
            Body::Written(..) => false,
        }
    }

    /// The reply's JSON text.
    #[cfg(test)]
    pub(crate) fn text(&self) -> String {
        self.to_stored()
    }

    /// The MOF reply for a refusal or failure, naming the field in `msg`.
    pub fn error(version: Option<&str>, code_type: CodeType, err: &V1Error) -> Self {
        let (code, label) = mof_code(err);
        let msg = match err {
            // A 500 shows nothing internal; its detail goes to the log once.
            V1Error::Use(ServiceError::Store(e)) => {
                tracing::error!(error = %e, "v1 call failed in the store");
                label.to_owned()
            }
            V1Error::Use(ServiceError::Internal(e)) => {
                tracing::error!(
                    error = e as &(dyn std::error::Error + 'static),
                    "v1 call failed inside"
                );
                label.to_owned()
            }
            other => format!("{label}：{}", v1_text(other)),
        };
        let mut reply = Self::with_code(version, code_type, code, &msg, Map::new());
        if let V1Error::Use(ServiceError::RateLimited {
            retry_after_secs, ..
        })
        | V1Error::Use(ServiceError::TooManyFailures { retry_after_secs }) = err
        {
            reply.retry_after = Some(*retry_after_secs);
        }
        reply
    }
}

/// Renders an action's outcome: `v` (the request's version), `code` typed as the action's
/// replies type it, and the fields or the MOF error.
pub fn render(
    params: &super::params::V1Params,
    code_type: CodeType,
    result: Result<Map<String, Value>, V1Error>,
) -> Reply {
    let version = params.get("version");
    match result {
        Ok(body) => Reply::ok(version, code_type, body),
        Err(e) => Reply::error(version, code_type, &e),
    }
}

/// The MOF code and its official text for each refusal, by the use case's kind
/// (docs/v1-compatibility.md, where the choices the spec leaves open are recorded too).
pub fn mof_code(err: &V1Error) -> (u16, &'static str) {
    use ServiceError as E;
    let e = match err {
        V1Error::BadPeriod(_) => return (902, "期別錯誤"),
        V1Error::BadQueryType(_) => return (904, "錯誤的查詢種類"),
        V1Error::Timestamp(_) => return (951, "連線逾時"),
        V1Error::BadSignature(_) => return (954, "簽名有誤（偽造之訊息、傳遞不完整）"),
        V1Error::Use(e) => e,
    };
    match e {
        E::NotFound(Missing::Draw(_)) => (901, "無此期別資料"),
        E::Invalid(_)
        | E::NotDonatable(Undonatable::Other(_))
        | E::NotFound(Missing::Record(_))
        | E::Unauthorised(_)
        | E::Unproven(Proof::Password)
        | E::Conflict(Conflict::Exists(_)) => (903, "參數錯誤"),
        E::NotFound(Missing::Charity(_)) => (907, "捐贈失敗，捐贈碼不存在"),
        E::Conflict(Conflict::AlreadyDonated) => (908, "捐贈失敗，此發票已被捐贈"),
        E::NotDonatable(Undonatable::IssuedToBusiness) => {
            (913, "捐贈失敗，此發票開立予營業人或機關團體，不能捐贈")
        }
        E::NotFound(Missing::Invoice) => (915, "查無此發票詳細資料"),
        E::Unproven(Proof::VerificationCode | Proof::UserSignIn) => (919, "參數驗證碼錯誤"),
        E::RateLimited { .. } | E::TooManyFailures { .. } => (950, "超過最大查詢次數"),
        E::Unproven(Proof::CheckCode) => (953, "卡片檢查碼有誤（偽造卡片）"),
        E::DeviceBlocked => (997, "UUID不符合規定（黑名單）"),
        // Consent: the spec is silent; 998 is the code MOF clients already treat as "this AppID
        // may not make this call" (docs/v1-compatibility.md, "Consent").
        E::ConsentRequired { .. } => (
            998,
            "AppID不符合規定（使用者尚未同意或同意已失效，請引導使用者重新同意）",
        ),
        E::AppRefused { .. } | E::Refused { .. } => {
            (998, "AppID不符合規定（可能是被停權或是從未申請該AppID）")
        }
        // The database failed: 500 系統執行錯誤, as the live service answers a system failure.
        E::Store(_) => (500, "系統執行錯誤"),
        E::Internal(_) => (999, "未知錯誤"),
    }
}

/// The detail after the MOF text, naming the field by its v1 name (`cardEncrypt`, `invNum` …).
fn v1_text(err: &V1Error) -> String {
    use ServiceError as E;
    let e = match err {
        V1Error::BadPeriod(e) => return e.to_string(),
        V1Error::BadQueryType(t) => return format!("type: must be QRCode or Barcode, got {t:?}"),
        V1Error::Timestamp(why) => return why.clone(),
        V1Error::BadSignature(why) => return format!("signature: {why}"),
        V1Error::Use(e) => e,
    };
    match e {
        E::Invalid(v) => format!("{}: {}", wire_name(&v.field), v.problem),
        E::NotFound(Missing::Draw(p)) => format!("no data for period {p}"),
        E::NotFound(Missing::Invoice) => "invNum: no such invoice".into(),
        E::NotFound(Missing::Charity(c)) => {
            format!("npoBan: no charity has love code or business ID {c:?}")
        }
        E::Conflict(Conflict::AlreadyDonated) => "invNum: this invoice was already donated".into(),
        E::NotDonatable(Undonatable::IssuedToBusiness) => {
            "invNum: issued to a business or public body; it cannot be donated".into()
        }
        E::NotDonatable(Undonatable::Other(why)) => format!("invNum: {why}"),
        E::Unproven(Proof::VerificationCode) => {
            "cardEncrypt: the verification code does not match the carrier".into()
        }
        E::Unproven(Proof::CheckCode) => {
            "encrypt: the check code does not match the invoice".into()
        }
        E::DeviceBlocked => "UUID: this device ID is barred".into(),
        other => other.to_string(),
    }
}

/// A field's v1 name, for the domain names the services use.
fn wire_name(field: &str) -> &str {
    match field {
        "carrierType" => "cardType",
        "carrier" => "cardNo",
        "verificationCode" => "cardEncrypt",
        "from" => "startDate",
        "to" => "endDate",
        "invoiceNumber" => "invNum",
        "charity" => "npoBan",
        "query" => "qKey",
        other => other,
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        // Every v1 reply is HTTP 200 with the outcome in `code`, as MOF clients expect.
        let mut res = match self.body {
            Body::Fields(fields) => {
                (StatusCode::OK, axum::Json(Value::Object(fields))).into_response()
            }
            Body::Written(bytes, ..) => (
                StatusCode::OK,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                bytes,
            )
                .into_response(),
        };
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_that_is_not_an_object_answers_900() {
        let reply = Reply::object(Some("0.2"), CodeType::Text, "查詢成功", json!(["x"]));
        let reply: Value = serde_json::from_str(&reply.text()).unwrap();
        assert_eq!(reply["code"], "900");
        assert_eq!(reply["msg"], "建立JSON物件失敗");
        let ok = Reply::object(Some("0.2"), CodeType::Text, "查詢成功", json!({"a": 1}));
        let ok: Value = serde_json::from_str(&ok.text()).unwrap();
        assert_eq!(ok["code"], "200");
        assert_eq!(ok["a"], 1);
    }

    #[test]
    fn a_failing_database_answers_500_and_shows_nothing_internal() {
        let err = V1Error::Use(ServiceError::Store(einv_store::StoreError::Config(
            "secret path".into(),
        )));
        assert_eq!(mof_code(&err), (500, "系統執行錯誤"));
        let reply: Value =
            serde_json::from_str(&Reply::error(None, CodeType::Number, &err).text()).unwrap();
        assert_eq!(reply["code"], 500);
        assert_eq!(reply["msg"], "系統執行錯誤");
    }
}

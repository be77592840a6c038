//! What every v1 call passes before its action runs: the version, the AppID and its licence
//! (998), the device (997), the timestamps (951) and the signature (954); and the steps several
//! actions share after that (the carrier holder's proof, the call's serial, an unknown action).

use einv_core::{wire, InvalidValue, Service};
use serde_json::{Map, Value};

use super::error::{V1Error, V1Result};
use super::fields;
use super::params::V1Params;
use super::reply::{render, CodeType, Reply};
use crate::http::AppState;
use crate::services::{AuthorisedApp, Caller, CarrierHolder, Platform};

/// What an action requires of a call.
#[derive(Debug, Clone, Copy)]
pub struct ActionSpec {
    /// The service the action belongs to (R3.6): the AppID must be licensed for it.
    pub service: Service,
    /// Versions clients are known to send (docs/v1-compatibility.md).
    pub versions: &'static [&'static str],
    /// Whether a `signature` is required (actions 7 and 8).
    pub signed: bool,
    /// Whether `timeStamp` is required (the carrier actions).
    pub timed: bool,
    /// Whether the action changes stored data beyond the audit entries of its reads (a
    /// donation, an aggregation): a signed call of it is claimed in the store before it acts
    /// (services/replay/); a read is claimed without a write.
    pub writes: bool,
}

impl ActionSpec {
    /// A read that is neither signed nor timed (winning numbers, a lookup by the proof copy,
    /// love codes).
    pub const fn public_read(service: Service, versions: &'static [&'static str]) -> Self {
        Self {
            service,
            versions,
            signed: false,
            timed: false,
            writes: false,
        }
    }

    /// A read of a carrier's invoices: timed, not signed.
    pub const fn carrier_read(service: Service, versions: &'static [&'static str]) -> Self {
        Self {
            timed: true,
            ..Self::public_read(service, versions)
        }
    }

    /// A change to a carrier's data (actions 7 and 8: a donation, an aggregation): signed,
    /// timed, and claimed before it acts.
    pub const fn signed_write(service: Service, versions: &'static [&'static str]) -> Self {
        Self {
            service,
            versions,
            signed: true,
            timed: true,
            writes: true,
        }
    }
}

/// An admitted call: the app with its key, and who called.
#[derive(Debug)]
pub struct Admitted {
    /// The app.
    pub app: AuthorisedApp,
    /// The caller, for consent checks and the audit trail.
    pub caller: Caller,
}

/// Admits a call: returns the authorised app, or the refusal.
pub async fn admit(platform: &Platform, params: &V1Params, spec: ActionSpec) -> V1Result<Admitted> {
    let version = params.require("version")?;
    if !spec.versions.contains(&version) {
        return Err(InvalidValue::new(
            "version",
            format!(
                "{version:?} is not a version of this action; use one of {}",
                spec.versions.join(", ")
            ),
        )
        .into());
    }
    let app_id = params.get("appID").unwrap_or_default();
    // R4.6: per IP first, so a flood costs no database work. An unsigned call is counted per
    // AppID in the same round trip when this node already found the AppID live and callable
    // unsigned; a signed one only once its signature holds (a stranger's forged signatures
    // spend its own IP's allowance, never the app's).
    let unsigned = params.get("signature").is_none_or(str::is_empty);
    let early = if unsigned && !spec.signed { app_id } else { "" };
    let first = platform
        .admit_call(params.peer, early, Some(spec.service))
        .await?;
    let app = platform.authorise_app(app_id, Some(spec.service)).await?;
    platform
        .check_device(&app, params.get_any(&["uuid", "UUID"]))
        .await?;
    if spec.timed {
        let now = platform.clock.now().timestamp();
        wire::check_timestamps(
            params.require("timeStamp")?,
            params.get("expTimeStamp"),
            now,
        )
        .map_err(|e| V1Error::Timestamp(e.to_string()))?;
    }
    // Signed actions must carry a signature, and so must every action of an AppID whose
    // licence says "sign every call"; on the others a signature, when sent, must hold.
    match params.get("signature") {
        None | Some("") if spec.signed => {
            return Err(V1Error::BadSignature("is required for this action".into()));
        }
        None | Some("") if app.sign_every_call => {
            return Err(V1Error::BadSignature(
                "is required on every call of this AppID (its licence says: sign every call)"
                    .into(),
            ));
        }
        None | Some("") => {
            // R4.6 per AppID: only for a live AppID (never a made-up one). Unsigned, anyone
            // can name it; an app that signs every call is safe from that.
            if !first.app_counted {
                platform
                    .admit_app_calls(app.app.app_id.as_str(), Some(spec.service))
                    .await?;
            }
        }
        Some(_) => {
            verify_signature(params, &app)?;
            // R4.6 per AppID, counted once the signature proved the caller holds the key.
            platform
                .admit_app_calls(app.app.app_id.as_str(), Some(spec.service))
                .await?;
            // A repeated identical signed request never acts twice (once.rs).
            super::once::claim(platform, params, &app.app.app_id, spec.writes).await?;
        }
    }
    let caller = Caller {
        app_id: app.app.app_id.clone(),
        ip: params.peer,
        device: params.get_any(&["uuid", "UUID"]).map(str::to_owned),
    };
    Ok(Admitted { app, caller })
}

fn verify_signature(params: &V1Params, app: &AuthorisedApp) -> V1Result<()> {
    // Nearly every client signs the form-decoded reading: try it first, before the second
    // reading (`+` kept) is even parsed.
    let signature = params.get("signature").unwrap_or_default();
    let ok = app.verifies(|key| wire::verify(params.decoded(), key, signature)) || {
        let [decoded, plus_kept] = params.readings();
        let candidates = [
            signature,
            params.get_plus_kept("signature").unwrap_or_default(),
        ];
        // During a rotation's grace period the old and the new key both verify (R4.1).
        app.verifies(|key| {
            [decoded, plus_kept]
                .iter()
                .any(|reading| candidates.iter().any(|sig| wire::verify(reading, key, sig)))
        })
    };
    if ok {
        Ok(())
    } else {
        Err(V1Error::BadSignature(
            "does not match the parameters under this AppID's APIKey (HMAC-SHA256 over the \
             parameters sorted by name, joined as k=v&k=v with raw values)"
                .into(),
        ))
    }
}

/// The reply of an endpoint with the one action `name`: what `act` answers, rendered with
/// `code_type`, or a 903 for any other action.
pub async fn one_action<F>(
    params: &V1Params,
    name: &str,
    code_type: CodeType,
    act: impl FnOnce() -> F,
) -> Reply
where
    F: std::future::Future<Output = V1Result<Map<String, Value>>>,
{
    let result = match params.get("action").unwrap_or_default() {
        action if action == name => act().await,
        other => Err(unknown_action(other, name)),
    };
    render(params, code_type, result)
}

/// A 903 for an action this endpoint does not serve.
pub fn unknown_action(action: &str, known: &str) -> V1Error {
    InvalidValue::new(
        "action",
        format!("{action:?} is not an action of this path; one of {known}"),
    )
    .into()
}

/// Admits a carrier call and proves the carrier with its verification code (919).
pub async fn holder(
    state: &AppState,
    params: &V1Params,
    spec: ActionSpec,
) -> V1Result<(Admitted, CarrierHolder)> {
    let admitted = admit(&state.platform, params, spec).await?;
    params.require("cardNo")?;
    params.require("cardType")?;
    params.require("cardEncrypt")?;
    let (carrier, code) = fields::carrier(params, ["cardType", "cardNo", "cardEncrypt"])?;
    let holder = state
        .platform
        .authenticate_carrier_at(
            admitted.app.checked(),
            &admitted.caller,
            spec.service,
            &carrier,
            &code,
        )
        .await?;
    Ok((admitted, holder))
}

/// The 10-digit `serial` of a signed call.
pub fn serial(params: &V1Params) -> V1Result<&str> {
    let s = params.require("serial")?;
    if s.len() == 10 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s)
    } else {
        Err(einv_core::InvalidValue::new("serial", format!("expected 10 digits, got {s:?}")).into())
    }
}

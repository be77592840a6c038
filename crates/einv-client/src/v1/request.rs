//! Building a v1 request: the action's fixed parameters, the device ID under the name the action
//! expects, fresh timestamps, the serial, and the signature from `einv_core::wire` (the one
//! implementation of the Ministry's signature, shared with the Platform).

use einv_core::wire;

use crate::retry::Idempotency;

/// One of the Ministry's v1 actions (spec v1.7 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    /// The path on the Platform.
    pub path: &'static str,
    /// The `action` value.
    pub name: &'static str,
    /// The `version` sent.
    pub version: &'static str,
    /// `UUID` (actions 1–4) or `uuid` (5–8).
    pub device_param: &'static str,
    /// Whether the call carries `serial` and `signature` (actions 7, 8).
    pub signed: bool,
    /// Whether the call carries `timeStamp` and `expTimeStamp` (the carrier actions).
    pub timed: bool,
    /// Whether it changes state (only the donation does).
    pub changes_state: bool,
}

const INVAPP: &str = "/PB2CAPIVAN/invapp/InvApp";
const INVSERV: &str = "/PB2CAPIVAN/invServ/InvServ";

const fn public(path: &'static str, name: &'static str, version: &'static str) -> Action {
    Action {
        path,
        name,
        version,
        device_param: "UUID",
        signed: false,
        timed: false,
        changes_state: false,
    }
}

const fn carrier(
    path: &'static str,
    name: &'static str,
    version: &'static str,
    signed: bool,
) -> Action {
    Action {
        path,
        name,
        version,
        device_param: "uuid",
        signed,
        timed: true,
        changes_state: false,
    }
}

/// QryWinningList.
pub const WINNING_LIST: Action = public(INVAPP, "QryWinningList", "0.2");
/// qryInvHeader.
pub const INVOICE_HEADER: Action = public(INVAPP, "qryInvHeader", "0.5");
/// qryInvDetail.
pub const INVOICE_DETAIL: Action = public(INVAPP, "qryInvDetail", "0.5");
/// qryLoveCode.
pub const LOVE_CODE: Action = public("/PB2CAPIVAN/loveCodeapp/qryLoveCode", "qryLoveCode", "0.2");
/// carrierInvChk, version 0.6 (paged, spec v1.9).
pub const CARRIER_LIST: Action = carrier(INVSERV, "carrierInvChk", "0.6", false);
/// carrierInvDetail.
pub const CARRIER_DETAIL: Action = carrier(INVSERV, "carrierInvDetail", "0.5", false);
/// carrierInvDnt: signed, and the one call that changes state.
pub const DONATE: Action = Action {
    changes_state: true,
    ..carrier("/PB2CAPIVAN/CarInv/Donate", "carrierInvDnt", "0.1", true)
};
/// qryCarrierAgg: signed.
pub const AGGREGATE: Action = carrier(
    "/PB2CAPIVAN/Carrier/Aggregate",
    "qryCarrierAgg",
    "1.0",
    true,
);

impl Action {
    /// Whether the call may be sent twice. v1 has no idempotency key, so a donation is sent
    /// again only when it never reached the Platform.
    pub fn idempotency(&self) -> Idempotency {
        if self.changes_state {
            Idempotency::NonIdempotent { key: None }
        } else {
            Idempotency::Idempotent
        }
    }
}

/// What varies per attempt: the Platform's time and, for signed calls, the serial.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// The AppID.
    pub app_id: &'a str,
    /// The device ID.
    pub device_id: &'a str,
    /// The Platform's current Unix time, as best known.
    pub platform_now: i64,
    /// The 10-digit serial of a signed call.
    pub serial: u64,
}

/// The form parameters of one attempt, signed when the action is.
///
/// `timeStamp` is the Platform's time + 20 s and `expTimeStamp` + 87 s, as MOF clients send
/// (the spec asks for 10–180 s ahead).
pub fn form(
    action: &Action,
    params: &[(&'static str, String)],
    attempt: Attempt<'_>,
    api_key: &[u8],
) -> Vec<(&'static str, String)> {
    let mut form: Vec<(&'static str, String)> = vec![
        ("version", action.version.to_owned()),
        ("action", action.name.to_owned()),
        ("appID", attempt.app_id.to_owned()),
        (action.device_param, attempt.device_id.to_owned()),
    ];
    form.extend(params.iter().cloned());
    if action.timed {
        form.push(("timeStamp", (attempt.platform_now + 20).to_string()));
        form.push(("expTimeStamp", (attempt.platform_now + 87).to_string()));
    }
    if action.signed {
        form.push(("serial", format!("{:010}", attempt.serial % 10_000_000_000)));
        let signature = wire::sign(&form, api_key);
        form.push((wire::SIGNATURE_PARAM, signature));
    }
    form
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first attempt of the worked example's client, at its platform time.
    fn worked_example_attempt() -> Attempt<'static> {
        Attempt {
            app_id: "test_app_id",
            device_id: "test_uuid",
            platform_now: 1_655_654_400,
            serial: 1,
        }
    }

    /// The signature of a request this client builds matches the worked example of the
    /// Ministry's service (a MOF client's test vector, recomputed).
    #[test]
    fn a_built_donation_matches_the_reference_worked_example() {
        let params = vec![
            ("cardType", "3J0002".to_owned()),
            ("cardNo", "/AB12+-.".to_owned()),
            ("cardEncrypt", "3f56c1f14f83b6eb".to_owned()),
            ("invDate", "2020/01/01".to_owned()),
            ("invNum", "AB12345678".to_owned()),
            ("npoBan", "0".to_owned()),
        ];
        let attempt = worked_example_attempt();
        let mut form = form(&DONATE, &params, attempt, b"test_api_key");
        // The worked example sent the spec's "intended validity" constant.
        for (k, v) in &mut form {
            if *k == "expTimeStamp" {
                *v = "2147483647".into();
            }
        }
        let canonical = wire::canonical_string(&form, wire::Canonicalisation::ByName);
        assert_eq!(
            canonical,
            "action=carrierInvDnt&appID=test_app_id&cardEncrypt=3f56c1f14f83b6eb&cardNo=/AB12+-.&cardType=3J0002&expTimeStamp=2147483647&invDate=2020/01/01&invNum=AB12345678&npoBan=0&serial=0000000001&timeStamp=1655654420&uuid=test_uuid&version=0.1"
        );
        let resigned = wire::sign(&form, b"test_api_key");
        assert_eq!(resigned, "Ydmt4alIcCLYG/VBcI+QUdyfgO5Yp8bfX6TPy5xgsVs=");
    }

    #[test]
    fn the_signature_the_client_sends_is_the_worked_example_when_expiry_matches() {
        // Built with expTimeStamp as the client sends it, the signature covers it: changing any
        // signed value changes the signature.
        let attempt = worked_example_attempt();
        let form = form(&DONATE, &[("invNum", "AB12345678".into())], attempt, b"k");
        let sig = form
            .iter()
            .find(|(k, _)| *k == "signature")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        assert!(wire::verify(&form, b"k", &sig));
        assert!(!wire::verify(&form, b"other", &sig));
        assert!(form.contains(&("serial", "0000000001".to_owned())));
        assert!(form.contains(&("timeStamp", "1655654420".to_owned())));
    }

    #[test]
    fn public_actions_are_not_signed_or_timed_and_use_upper_case_uuid() {
        let attempt = Attempt {
            app_id: "A",
            device_id: "d",
            platform_now: 0,
            serial: 1,
        };
        let form = form(&WINNING_LIST, &[("invTerm", "11410".into())], attempt, b"k");
        assert!(form
            .iter()
            .all(|(k, _)| !["signature", "serial", "timeStamp"].contains(k)));
        assert!(form.contains(&("UUID", "d".to_owned())));
    }
}

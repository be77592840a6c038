//! The v1 wire protocol's signature, exactly as MOF clients compute it
//! (MOF spec §1.9; the client quirks it tolerates are in `docs/v1-compatibility.md`).
//!
//! Take every parameter but `signature`, sort, join as `k=v&k=v` with the raw (not URL-encoded)
//! UTF-8 values, HMAC-SHA256 with the APIKey, Base64 with padding. Real clients disagree on the
//! sort and on empty values, so a signature is accepted when it matches any of the
//! [`Canonicalisation`]s clients are known to use.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The name of the signature parameter, which is never part of what is signed.
pub const SIGNATURE_PARAM: &str = "signature";

/// The ways real clients build the string they sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canonicalisation {
    /// The spec: sort by name (case-sensitive, code point), keep every parameter.
    ByName,
    /// Sort by name, leave out parameters whose value is empty.
    ByNameDroppingEmpty,
    /// Sort the `k=v` strings case-insensitively, keep empty values.
    PairsCaseInsensitive,
}

impl Canonicalisation {
    /// Every form a signature is checked against, the spec's first.
    pub const ALL: [Canonicalisation; 3] = [
        Canonicalisation::ByName,
        Canonicalisation::ByNameDroppingEmpty,
        Canonicalisation::PairsCaseInsensitive,
    ];
}

/// The string that is signed: the parameters but `signature`, in the given canonical form.
pub fn canonical_string<K, V>(params: &[(K, V)], form: Canonicalisation) -> String
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|(k, _)| *k != SIGNATURE_PARAM)
        .filter(|(_, v)| form != Canonicalisation::ByNameDroppingEmpty || !v.is_empty())
        .collect();
    let joined: Vec<String> = match form {
        Canonicalisation::ByName | Canonicalisation::ByNameDroppingEmpty => {
            pairs.sort();
            pairs.iter().map(|(k, v)| format!("{k}={v}")).collect()
        }
        Canonicalisation::PairsCaseInsensitive => {
            let mut s: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            s.sort_by_key(|p| p.to_lowercase());
            s
        }
    };
    joined.join("&")
}

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    <HmacSha256 as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
}

/// Base64(HMAC-SHA256(key, message)).
pub fn hmac_base64(key: &[u8], message: &str) -> String {
    let mut m = mac(key);
    m.update(message.as_bytes());
    STANDARD.encode(m.finalize().into_bytes())
}

/// The `signature` a MOF client sends for these parameters (the spec's canonical form).
pub fn sign<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)], api_key: &[u8]) -> String {
    hmac_base64(api_key, &canonical_string(params, Canonicalisation::ByName))
}

/// Whether `signature` signs `params` under `api_key` in any canonical form clients use.
/// The comparison is constant-time.
///
/// Every call of a signed app comes through here, so the spec's form is checked without
/// building its string: the pairs are sorted once, as borrowed text, and fed to the MAC
/// piece by piece; the form that drops empty values is the same bytes unless a value is
/// empty, so it is only tried then; the case-insensitive form (rare clients) last.
pub fn verify<K: AsRef<str>, V: AsRef<str>>(
    params: &[(K, V)],
    api_key: &[u8],
    signature: &str,
) -> bool {
    // A signature is 32 bytes; room for a little more, so a longer one decodes and fails.
    let mut buffer = [0u8; 48];
    let Ok(len) = STANDARD.decode_slice(signature.trim_end_matches('\n'), &mut buffer) else {
        return false;
    };
    let expected = &buffer[..len];
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|(k, _)| *k != SIGNATURE_PARAM)
        .collect();
    // Equal pairs are the same text, so an unstable sort gives the spec's order.
    pairs.sort_unstable();
    let keyed = mac(api_key);
    let any_empty = pairs.iter().any(|(_, v)| v.is_empty());
    if signs_sorted(&keyed, &pairs, false, expected)
        || (any_empty && signs_sorted(&keyed, &pairs, true, expected))
    {
        return true;
    }
    let mut m = keyed;
    m.update(canonical_string(params, Canonicalisation::PairsCaseInsensitive).as_bytes());
    m.verify_slice(expected).is_ok()
}

/// Whether `expected` is the MAC of the sorted `pairs` joined as `k=v&k=v` (leaving out empty
/// values when `drop_empty`), computed without building the string.
fn signs_sorted(
    keyed: &HmacSha256,
    pairs: &[(&str, &str)],
    drop_empty: bool,
    expected: &[u8],
) -> bool {
    let mut m = keyed.clone();
    let mut first = true;
    for (k, v) in pairs {
        if drop_empty && v.is_empty() {
            continue;
        }
        if !first {
            m.update(b"&");
        }
        first = false;
        m.update(k.as_bytes());
        m.update(b"=");
        m.update(v.as_bytes());
    }
    m.verify_slice(expected).is_ok()
}

/// The `hashSerial` of a signed response: Base64(HMAC-SHA256(APIKey, serial)).
pub fn hash_serial(serial: &str, api_key: &[u8]) -> String {
    hmac_base64(api_key, serial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn vector_params() -> Vec<(&'static str, &'static str)> {
        vec![
            ("version", "0.1"),
            ("serial", "0000000001"),
            ("action", "carrierInvDnt"),
            ("appID", "test_app_id"),
            ("cardEncrypt", "3f56c1f14f83b6eb"),
            ("cardNo", "/AB12+-."),
            ("cardType", "3J0002"),
            ("expTimeStamp", "2147483647"),
            ("invDate", "2020/01/01"),
            ("invNum", "AB12345678"),
            ("npoBan", "0"),
            ("timeStamp", "1655654420"),
            ("uuid", "test_uuid"),
        ]
    }

    #[test]
    fn the_client_test_vector() {
        let params = vector_params();
        assert_eq!(
            canonical_string(&params, Canonicalisation::ByName),
            "action=carrierInvDnt&appID=test_app_id&cardEncrypt=3f56c1f14f83b6eb&cardNo=/AB12+-.&cardType=3J0002&expTimeStamp=2147483647&invDate=2020/01/01&invNum=AB12345678&npoBan=0&serial=0000000001&timeStamp=1655654420&uuid=test_uuid&version=0.1"
        );
        let sig = sign(&params, b"test_api_key");
        assert_eq!(sig, "Ydmt4alIcCLYG/VBcI+QUdyfgO5Yp8bfX6TPy5xgsVs=");
        assert!(verify(&params, b"test_api_key", &sig));
        assert!(!verify(&params, b"other_key", &sig));
    }

    #[test]
    fn signature_param_is_not_signed_and_tampering_fails() {
        let mut params = vector_params();
        let sig = sign(&params, b"k");
        params.push(("signature", "whatever"));
        assert!(verify(&params, b"k", &sig));
        params[0] = ("version", "0.2");
        assert!(!verify(&params, b"k", &sig));
        assert!(!verify(&params, b"k", "not base64!"));
    }

    #[test]
    fn accepts_each_client_canonicalisation() {
        let params = vec![
            ("UUID", "dev"),
            ("appID", "A"),
            ("empty", ""),
            ("action", "x"),
        ];
        for form in Canonicalisation::ALL {
            let sig = hmac_base64(b"k", &canonical_string(&params, form));
            assert!(verify(&params, b"k", &sig), "{form:?}");
        }
    }

    proptest! {
        #[test]
        fn order_does_not_matter(mut params in proptest::collection::btree_map("[a-zA-Z]{1,8}", "[ -~]{0,12}", 1..10)
            .prop_map(|m| m.into_iter().collect::<Vec<_>>()), seed in any::<u64>()) {
            let sig = sign(&params, b"key");
            let n = params.len();
            params.rotate_left((seed as usize) % n);
            if seed % 2 == 0 { params.reverse(); }
            prop_assert_eq!(sign(&params, b"key"), sig.clone());
            prop_assert!(verify(&params, b"key", &sig));
        }

        /// The streamed check accepts exactly what the built strings sign, in every form,
        /// with empty values and duplicate names among the pairs.
        #[test]
        fn the_streamed_check_agrees_with_the_built_strings(
            params in proptest::collection::vec(("[a-cA-C]{1,3}", "[ -~]{0,4}"), 1..8),
        ) {
            for form in Canonicalisation::ALL {
                let sig = hmac_base64(b"key", &canonical_string(&params, form));
                prop_assert!(verify(&params, b"key", &sig), "{:?}", form);
                prop_assert!(!verify(&params, b"other", &sig), "{:?}", form);
            }
            let mut changed = params.clone();
            changed[0].1.push('!');
            let sig = sign(&params, b"key");
            prop_assert!(!verify(&changed, b"key", &sig));
        }
    }
}

/// How far behind the Platform's clock a `timeStamp` may be (client clock skew).
pub const TIMESTAMP_BEHIND_SECS: i64 = 60;
/// How far ahead a `timeStamp` may be: the spec asks for now + 10 to 180 s, plus skew.
pub const TIMESTAMP_AHEAD_SECS: i64 = 240;

/// Checks the v1 `timeStamp` (Unix seconds, sent 10–180 s ahead of the Platform's clock) and
/// the optional `expTimeStamp` (the request's intended validity) against `now`.
pub fn check_timestamps(
    time_stamp: &str,
    exp_time_stamp: Option<&str>,
    now_unix: i64,
) -> Result<(), crate::InvalidValue> {
    use crate::InvalidValue;
    let ts: i64 = time_stamp.parse().map_err(|_| {
        InvalidValue::new(
            "timeStamp",
            format!("expected Unix seconds, got {time_stamp:?}"),
        )
    })?;
    if ts < now_unix - TIMESTAMP_BEHIND_SECS || ts > now_unix + TIMESTAMP_AHEAD_SECS {
        return Err(InvalidValue::new(
            "timeStamp",
            format!(
                "{ts} is outside the accepted window {}..={} (send the Platform's time + 10 to 180 s)",
                now_unix - TIMESTAMP_BEHIND_SECS,
                now_unix + TIMESTAMP_AHEAD_SECS
            ),
        ));
    }
    if let Some(exp) = exp_time_stamp.filter(|e| !e.is_empty()) {
        let exp: i64 = exp.parse().map_err(|_| {
            InvalidValue::new(
                "expTimeStamp",
                format!("expected Unix seconds, got {exp:?}"),
            )
        })?;
        if exp < now_unix {
            return Err(InvalidValue::new(
                "expTimeStamp",
                format!("{exp} has passed (now {now_unix})"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod timestamp_tests {
    use super::*;

    #[test]
    fn window_and_expiry() {
        let now = 1_700_000_000;
        assert!(check_timestamps(&(now + 20).to_string(), Some("2147483647"), now).is_ok());
        assert!(
            check_timestamps(&(now + 20).to_string(), Some(&(now + 87).to_string()), now).is_ok()
        );
        assert!(check_timestamps(&now.to_string(), None, now).is_ok());
        assert_eq!(
            check_timestamps(&(now - 61).to_string(), None, now)
                .unwrap_err()
                .field,
            "timeStamp"
        );
        assert_eq!(
            check_timestamps(&(now + 241).to_string(), None, now)
                .unwrap_err()
                .field,
            "timeStamp"
        );
        assert_eq!(
            check_timestamps("x", None, now).unwrap_err().field,
            "timeStamp"
        );
        assert_eq!(
            check_timestamps(&now.to_string(), Some(&(now - 1).to_string()), now)
                .unwrap_err()
                .field,
            "expTimeStamp"
        );
    }
}

#[cfg(test)]
mod worked_example {
    use super::*;

    /// The worked example of docs/security.md ("Sign every call"): a signed carrierInvChk.
    /// The expected value was computed independently with Python's `hmac` module.
    #[test]
    fn signed_carrier_query_of_the_docs() {
        let params = [
            ("version", "0.6"),
            ("action", "carrierInvChk"),
            ("cardType", "3J0002"),
            ("cardNo", "/AB12+-."),
            ("cardEncrypt", "Code1234"),
            ("timeStamp", "1795838420"),
            ("expTimeStamp", "2147483647"),
            ("uuid", "device-1"),
            ("appID", "EINVEXAMPLE0001"),
            ("startDate", "2026/11/01"),
            ("endDate", "2026/11/30"),
            ("onlyWinningInv", "N"),
        ];
        assert_eq!(
            sign(&params, b"example-api-key-0123456789abcdef"),
            "XftktpJoajToZZj2XAbyZnVvKy9euiWNUYWhHfEci3U="
        );
    }
}

//! Tests of v2 request signing. The worked example is docs/v2.md's: its values were computed
//! independently (Python's hmac, hashlib and `cryptography`), and the test checks that the
//! document still shows what this code computes.

use super::*;

const DOC: &str = include_str!("../../../../docs/v2.md");
const BODY: &[u8] =
    br#"{"invoiceNumber":"AB00000001","invoiceDate":"2026-11-20","loveCode":"919"}"#;
const APP_ID: &str = "EINVEXAMPLE0001";
const API_KEY: &[u8] = b"example-api-key-0123456789abcdef";
const CREATED: i64 = 1_795_744_800;
const NONCE: &str = "n-0123456789abcdef";
/// RFC 8032 §7.1 test 1's secret key.
const SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
];

fn example(key: &SigningKey<'_>) -> SignedHeaders {
    sign_request(
        &Unsigned {
            method: "POST",
            path: "/api/v2/donations",
            query: None,
            body: BODY,
        },
        &Signer {
            key_id: APP_ID,
            created: CREATED,
            nonce: NONCE,
            key: key.clone(),
        },
    )
}

#[test]
fn the_worked_hmac_example_matches_independent_values_and_the_document() {
    let h = example(&SigningKey::Hmac(API_KEY));
    assert_eq!(
        h.content_digest,
        "sha-256=:oDg5lULb76kmuCrlB2LhIPOUBkQ7NC9bTvLd67J0dPY=:"
    );
    assert_eq!(
        h.signature,
        "sig1=:QDSK4nEiQP/ngUzMDdcDL3ZhhvYyJm1zwhwFQLdBjxY=:"
    );
    for shown in [&h.base, &h.signature, &h.signature_input, &h.content_digest] {
        assert!(DOC.contains(shown.as_str()), "docs/v2.md lacks:\n{shown}");
    }
}

#[test]
fn the_worked_ed25519_example_matches_independent_values_and_the_document() {
    let h = example(&SigningKey::Ed25519(&SEED));
    assert_eq!(
        STANDARD.encode(ed25519_public_key(&SEED)),
        "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    );
    assert_eq!(
        h.signature,
        "sig1=:DlzagR03PdXsWjt86xVg2rVb5kY6v3pz+Ea2r0nT7/ddyWh00+JAxqnVS3p01Z2R9SpFaK5YuJgXCHB5YAEnAQ==:"
    );
    assert!(DOC.contains(h.signature.as_str()));
    assert!(DOC.contains("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="));
}

#[test]
fn what_is_signed_verifies_and_a_changed_request_does_not() {
    let h = example(&SigningKey::Hmac(API_KEY));
    let input = parse_signature_input(&h.signature_input).unwrap();
    assert_eq!(input.key_id, APP_ID);
    assert_eq!(input.alg, Algorithm::HmacSha256);
    let sig = parse_signature(&h.signature, &input.label).unwrap();
    let parts = RequestParts {
        method: "POST",
        path: "/api/v2/donations",
        query: None,
        content_digest: &h.content_digest,
    };
    assert!(verify_hmac(API_KEY, &signature_base(&parts, &input), &sig));
    assert!(verify_content_digest(&h.content_digest, BODY).is_ok());
    // The body changed after signing.
    assert_eq!(
        verify_content_digest(&h.content_digest, b"{}"),
        Err(SignatureError::DigestMismatch)
    );
    // Another path, query or key.
    let moved = RequestParts {
        path: "/api/v2/donations/x",
        ..parts
    };
    assert!(!verify_hmac(API_KEY, &signature_base(&moved, &input), &sig));
    let queried = RequestParts {
        query: Some("a=1"),
        ..parts
    };
    assert!(!verify_hmac(
        API_KEY,
        &signature_base(&queried, &input),
        &sig
    ));
    assert!(!verify_hmac(
        b"other",
        &signature_base(&parts, &input),
        &sig
    ));
}

#[test]
fn ed25519_verifies_with_the_public_key_only() {
    let h = example(&SigningKey::Ed25519(&SEED));
    let input = parse_signature_input(&h.signature_input).unwrap();
    let sig = parse_signature(&h.signature, "sig1").unwrap();
    let parts = RequestParts {
        method: "POST",
        path: "/api/v2/donations",
        query: None,
        content_digest: &h.content_digest,
    };
    let public = ed25519_public_key(&SEED);
    assert!(check_ed25519_public_key(&public));
    assert!(verify_ed25519(
        &public,
        &signature_base(&parts, &input),
        &sig
    ));
    let mut forged = sig.clone();
    forged[0] ^= 1;
    assert!(!verify_ed25519(
        &public,
        &signature_base(&parts, &input),
        &forged
    ));
    assert!(!check_ed25519_public_key(&[0u8; 31]));
}

#[test]
fn the_window_is_five_minutes_either_way() {
    assert!(check_created(1000, 1300).is_ok());
    assert!(check_created(1300, 1000).is_ok());
    assert!(matches!(
        check_created(1000, 1360),
        Err(SignatureError::ClockSkew { skew: 360, .. })
    ));
    assert!(check_created(i64::MIN, i64::MAX).is_err());
}

#[test]
fn malformed_inputs_name_the_header_and_the_problem() {
    let bad = [
        "",
        "sig1",
        "Sig1=(\"@method\")",
        "sig1=(\"@method\" \"@path\");created=1;keyid=\"A\";nonce=\"n-0123456789abcdef\";alg=\"hmac-sha256\"",
        "sig1=(\"@method\" \"@path\" \"@query\" \"content-digest\");created=x;keyid=\"A\";nonce=\"n-0123456789abcdef\";alg=\"hmac-sha256\"",
        "sig1=(\"@method\" \"@path\" \"@query\" \"content-digest\");created=1;keyid=\"A\";nonce=\"short\";alg=\"hmac-sha256\"",
        "sig1=(\"@method\" \"@path\" \"@query\" \"content-digest\");created=1;keyid=\"A\";nonce=\"n-0123456789abcdef\";alg=\"rsa-v1_5-sha256\"",
        "sig1=(\"@method\" \"@path\" \"@query\" \"content-digest\");created=1;nonce=\"n-0123456789abcdef\";alg=\"hmac-sha256\"",
    ];
    for header in bad {
        assert!(
            matches!(
                parse_signature_input(header),
                Err(SignatureError::Malformed {
                    header: "signature-input",
                    ..
                })
            ),
            "{header}"
        );
    }
    assert!(parse_signature("sig2=:AAAA:", "sig1").is_err());
    assert!(verify_content_digest("sha-512=:AAAA:", b"").is_err());
}

proptest::proptest! {
    #[test]
    fn signing_then_parsing_round_trips(
        method in "(GET|POST|PUT|DELETE)",
        path in "/[a-z0-9/_-]{0,40}",
        query in proptest::option::of("[a-z0-9=&%_-]{0,40}"),
        body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
        nonce in "[A-Za-z0-9_-]{16,64}",
        created in 0i64..4_000_000_000,
    ) {
        let h = sign_request(
            &Unsigned { method: &method, path: &path, query: query.as_deref(), body: &body },
            &Signer { key_id: APP_ID, created, nonce: &nonce, key: SigningKey::Hmac(API_KEY) },
        );
        let input = parse_signature_input(&h.signature_input).unwrap();
        proptest::prop_assert_eq!(&input.nonce, &nonce);
        proptest::prop_assert_eq!(input.created, created);
        let sig = parse_signature(&h.signature, &input.label).unwrap();
        let parts = RequestParts { method: &method, path: &path, query: query.as_deref(), content_digest: &h.content_digest };
        proptest::prop_assert!(verify_hmac(API_KEY, &signature_base(&parts, &input), &sig));
        proptest::prop_assert!(verify_content_digest(&h.content_digest, &body).is_ok());
    }

    /// What `fuzz/fuzz_targets/v2_signature.rs` checks, kept in the test suite: a
    /// `Signature-Input` built from any parameter values is refused, or accepted exactly when
    /// its values are well-formed, and then writes back to a header that parses the same.
    #[test]
    fn any_signature_input_is_refused_or_round_trips(
        label in "[a-z*][a-z0-9_.*-]{0,4}",
        created in "-?[0-9]{1,20}",
        key_id in "[ -~]{0,20}",
        nonce in "[ -~]{0,40}",
        alg in "(hmac-sha256|ed25519|rsa)",
        extra in "(;tag=\"[a-z]{0,5}\"|;expires=[0-9]{0,5}|)",
    ) {
        let header = format!(
            r#"{label}=("@method" "@path" "@query" "content-digest");created={created};keyid="{key_id}";nonce="{nonce}";alg="{alg}"{extra}"#
        );
        let plain = |v: &str| !v.contains(['"', '\\', ';']);
        let well_formed = created.parse::<i64>().is_ok()
            && plain(&key_id)
            && plain(&nonce)
            && (MIN_NONCE_LEN..=MAX_NONCE_LEN).contains(&nonce.len())
            && alg != "rsa";
        let parsed = parse_signature_input(&header);
        proptest::prop_assert_eq!(parsed.is_ok(), well_formed, "{}", header);
        if let Ok(input) = parsed {
            proptest::prop_assert_eq!(parse_signature_input(&input.header_value()).ok(), Some(input));
        }
    }
}

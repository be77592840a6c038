//! v2 request authentication parsing (RFC 9421 `Signature-Input` and `Signature`, RFC 9530
//! `Content-Digest`): any header text parses or is refused without panicking; a parsed
//! `Signature-Input` writes back to a header that parses to the same value; a signature made
//! over any request verifies, and only over that request.
//!
//! Input: line 1 `Signature-Input`, line 2 `Signature`, line 3 method, line 4 path, line 5
//! query; the rest is the body.
#![no_main]

use einv_core::httpsig::{self, RequestParts};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.splitn(6, '\n');
    let mut next = || lines.next().unwrap_or_default();
    let (input_header, signature_header, method, path, query) = (next(), next(), next(), next(), next());
    let body = next().as_bytes();

    let digest = httpsig::content_digest(body);
    assert!(httpsig::verify_content_digest(&digest, body).is_ok());
    let _ = httpsig::verify_content_digest(input_header, body);

    let Ok(input) = httpsig::parse_signature_input(input_header) else {
        return;
    };
    let again = httpsig::parse_signature_input(&input.header_value());
    assert_eq!(again.as_ref().ok(), Some(&input), "Signature-Input round trip");
    let _ = httpsig::parse_signature(signature_header, &input.label);

    let parts = RequestParts {
        method,
        path,
        query: Some(query),
        content_digest: &digest,
    };
    let base = httpsig::signature_base(&parts, &input);
    let key = b"fuzz-api-key";
    let signature = httpsig::sign_hmac(key, &base);
    assert!(httpsig::verify_hmac(key, &base, &signature));
    if !method.eq_ignore_ascii_case("TAMPERED") {
        let tampered = RequestParts {
            method: "TAMPERED",
            ..parts
        };
        let other = httpsig::signature_base(&tampered, &input);
        assert!(!httpsig::verify_hmac(key, &other, &signature));
    }
});

use super::*;

#[test]
fn pkce_s256_against_an_independent_vector() {
    // Computed with Python: base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).
    let verifier = "dBjftJeZ4CVP-mJ92ZRXaaNOvx2JTN2BhTvEGg-pLe8";
    assert!(pkce_s256_matches(
        verifier,
        "u5OQRN1TgTh0nHHRa5j1p2GLzNW_RTv2UQLikyUk6uE"
    ));
    assert!(!pkce_s256_matches(
        verifier,
        "u5OQRN1TgTh0nHHRa5j1p2GLzNW_RTv2UQLikyUk6uF"
    ));
    assert!(!pkce_s256_matches(
        "short",
        "u5OQRN1TgTh0nHHRa5j1p2GLzNW_RTv2UQLikyUk6uE"
    ));
}

#[test]
fn redirects_exact_or_loopback_any_port() {
    let reg = vec![
        "https://app.example/cb".to_owned(),
        "http://127.0.0.1/callback".to_owned(),
    ];
    assert!(redirect_allowed("https://app.example/cb", &reg));
    assert!(!redirect_allowed("https://app.example/cb2", &reg));
    assert!(redirect_allowed("http://127.0.0.1:53111/callback", &reg));
    assert!(!redirect_allowed("http://127.0.0.1:53111/other", &reg));
    assert!(!redirect_allowed(
        "http://127.0.0.1.evil.example/callback",
        &reg
    ));
}

//! The server's parsing of OAuth and v2 requests: the `/oauth/authorize` query (and the consent
//! items and scope in it), the `/oauth/token` and `/oauth/introspect` forms, HTTP Basic
//! credentials, and the v2 invoice list's query. The input is split at its first two newlines
//! into a query, a form body and an `Authorization` value. Each parses or is refused naming
//! what is wrong; nothing panics.
#![no_main]

use einv_core::consent::{parse_services, ConsentRequest};
use einv_core::Period;
use einv_server::http::oauth::{
    basic_credentials_of, parse_authorize_query, parse_form, IntrospectForm, TokenForm,
};
use einv_server::http::v2::query::parse_query;
use einv_server::http::v2::ListQuery;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |b| *b == b'\n');
    let query = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let form = parts.next().unwrap_or_default();
    let authorization = String::from_utf8_lossy(parts.next().unwrap_or_default());

    if let Ok(p) = parse_authorize_query(&query) {
        if let Err(e) = ConsentRequest::parse(&p.consent) {
            assert!(!e.field.is_empty());
        }
        if let Err(e) = parse_services("scope", &p.scope) {
            assert!(!e.field.is_empty());
        }
    }
    let _ = parse_form::<TokenForm>(form);
    let _ = parse_form::<IntrospectForm>(form);
    if let Some((user, password)) = basic_credentials_of(&authorization) {
        // The user ends at the first colon; the password keeps any after it.
        assert!(!user.contains(':'));
        assert!(user.len() + password.len() < authorization.len() + 1);
    }
    if let Ok(list) = parse_query::<ListQuery>(&query) {
        if let Ok(checked) = list.checked() {
            assert_eq!(Period::of_date(checked.from), Period::of_date(checked.to));
            assert!(checked.after.is_none_or(|id| id >= 1));
        }
    }
});

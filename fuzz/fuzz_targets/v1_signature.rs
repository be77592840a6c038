//! v1 parameter parsing and signature canonicalisation: any form body, split into parameters
//! the way a v1 request is, canonicalises in every accepted form without panicking, and a
//! signature made over it always verifies.
#![no_main]

use einv_core::wire::{self, Canonicalisation};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let params: Vec<(&str, &str)> = text
        .split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .collect();
    for form in [
        Canonicalisation::ByName,
        Canonicalisation::ByNameDroppingEmpty,
        Canonicalisation::PairsCaseInsensitive,
    ] {
        let _ = wire::canonical_string(&params, form);
    }
    let key = b"fuzz-api-key";
    let signature = wire::sign(&params, key);
    assert!(wire::verify(&params, key, &signature));
    let _ = wire::check_timestamps(text, Some(text), 1_800_000_000);
});

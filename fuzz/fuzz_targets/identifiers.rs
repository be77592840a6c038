//! The identifiers every surface parses from users: carriers and mobile barcodes, invoice
//! numbers, periods, business IDs, love codes. Any text parses or is refused naming a field,
//! and what parses round-trips.
#![no_main]

use einv_core::{BusinessId, Carrier, InvoiceNumber, LoveCode, MobileBarcode, Period};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(b) = MobileBarcode::parse_form_decoded(text) {
        assert_eq!(MobileBarcode::parse(b.as_str()).ok(), Some(b));
    }
    let (kind, id) = text.split_once(':').unwrap_or(("3J0002", text));
    if let Err(e) = Carrier::parse(kind, id) {
        assert!(!e.field.is_empty());
    }
    let _ = InvoiceNumber::parse(text);
    if let Ok(p) = Period::parse(text) {
        assert_eq!(Period::parse(&p.to_string()).ok(), Some(p));
    }
    let _ = BusinessId::parse(text);
    let _ = LoveCode::parse(text);
});

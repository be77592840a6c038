//! QR and barcode decoding: any bytes as the two QR codes of a proof copy (split at the first
//! zero byte), and any text as its Code39 barcode, decode or refuse without panicking; what
//! decodes builds again.
#![no_main]

use einv_core::barcode::{ProofBarcode, ProofQr};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (left, right) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    if let Ok(qr) = ProofQr::decode_bytes(left, right) {
        let _ = qr.build();
        let _ = qr.seller_business_id();
    }
    let _ = ProofQr::decode_left_bytes(left);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(barcode) = ProofBarcode::parse(text) {
            let _ = barcode.build();
        }
        let (l, r) = text.split_once('\n').unwrap_or((text, ""));
        let _ = ProofQr::parse(l, r);
    }
});

//! `einv validate` and `einv qr` run as a user runs them: the real binary, its stdout and its
//! exit status.

use std::process::Output;

const SPEC_LEFT: &str = "AB112233441020523999900000144000001540000000001234567\
    ajrLaenbGmyWaZBdJk9diw==:**********:3:3:1:乾電池:1:105:";
const SPEC_RIGHT: &str = "**口罩:1:210:牛奶:1:25";
const SPEC_KEY: &str = "FE05F029154F6AA67A78B338ED2F6601";

fn einv(args: &[&str]) -> Output {
    crate::process::einv_command().args(args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn validate_valid_values_exit_0_with_the_normalised_value() {
    let cases = [
        (vec!["ban", "04595257"], "04595257"),
        (vec!["invoice", "LY-42140650"], "LY42140650"),
        (vec!["carrier", "/AB12+-."], "3J0002:/AB12+-."),
        (
            vec!["carrier", "CQ0001:AB12345678901234"],
            "CQ0001:AB12345678901234",
        ),
        (
            vec!["carrier", "--type", "1K0001", "1234567890"],
            "1K0001:1234567890",
        ),
        (vec!["love-code", "919"], "919"),
    ];
    for (args, normalised) in cases {
        let mut with_json = args.clone();
        with_json.insert(0, "validate");
        let out = einv(&with_json);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = stdout(&out);
        assert!(text.starts_with("valid\n"), "{text}");
        assert!(
            text.contains(&format!("normalised: {normalised}\n")),
            "{text}"
        );
        with_json.push("--json");
        let v = json(&einv(&with_json));
        assert_eq!(v["valid"], true);
        assert_eq!(v["normalised"], normalised);
    }
    let v = json(&einv(&["validate", "ban", "10458574", "--json"]));
    assert_eq!(v["details"]["checksum_sum"], 29);
}

#[test]
fn validate_invalid_values_exit_1_with_the_problem() {
    let cases = [
        (vec!["ban", "12345678"], "business ID", "checksum"),
        (vec!["ban", " 04595257"], "business ID", "8 digits"),
        (vec!["ban", "00000000"], "business ID", "no buyer"),
        (vec!["invoice", "1234567890"], "invoice number", "letters"),
        (vec!["carrier", "/AB12+-"], "carrier ID", "7 characters"),
        (vec!["carrier", "CQ0001:AB1234"], "carrier ID", "14 digits"),
        (vec!["love-code", "12"], "love code", "3 to 7 digits"),
    ];
    for (args, field, words) in cases {
        let mut full = vec!["validate"];
        full.extend(&args);
        let out = einv(&full);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let text = stdout(&out);
        assert!(
            text.starts_with("invalid\n") && text.contains(words),
            "{args:?}: {text}"
        );
        full.push("--json");
        let out = einv(&full);
        assert_eq!(out.status.code(), Some(1));
        let v = json(&out);
        assert_eq!(
            (v["valid"].clone(), v["field"].clone()),
            (false.into(), field.into())
        );
    }
    // A usage error is not an invalid value.
    let out = einv(&["validate", "ban", "04595257", "--type", "3J0002"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn qr_decode_the_spec_example() {
    let out = einv(&["qr", "decode", SPEC_LEFT, SPEC_RIGHT]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for line in [
        "invoice number: AB11223344",
        "date: 2013-05-23",
        "total amount: NT$340",
        "  口罩 × 1 @ 210",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let out = einv(&[
        "qr", "decode", SPEC_LEFT, SPEC_RIGHT, "--key", SPEC_KEY, "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["verified"], true);
    assert_eq!(v["qr"]["sales_amount"], 324);
    assert_eq!(v["qr"]["items"][2]["name"], "牛奶");
    assert_eq!(v["barcode"], "10206AB112233449999");
    // The wrong key: decoded, but the check fails.
    let wrong = einv(&[
        "qr",
        "decode",
        SPEC_LEFT,
        SPEC_RIGHT,
        "--key",
        "0123456789abcdef0123456789abcdef",
    ]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(stdout(&wrong).contains("DOES NOT match"));
    // The left code alone.
    let v = json(&einv(&["qr", "decode", SPEC_LEFT, "--json"]));
    assert_eq!(
        (v["complete"].clone(), v["items_in_codes"].clone()),
        (false.into(), 3.into())
    );
}

#[test]
fn qr_decode_rejects_malformed_codes_naming_the_field() {
    let bad_date = SPEC_LEFT.replacen("1020523", "1021399", 1);
    let cases = [
        (
            bad_date.as_str(),
            SPEC_RIGHT,
            "left QR code, offset 10, date",
        ),
        (
            "AB1122334410205",
            SPEC_RIGHT,
            "left QR code, offset 15, date",
        ),
        (SPEC_LEFT, "口罩:1:210", "right QR code, offset 0, prefix"),
    ];
    for (left, right, message) in cases {
        let out = einv(&["qr", "decode", left, right]);
        assert_ne!(out.status.code(), Some(0));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(message), "{err}");
    }
    let out = einv(&["qr", "decode", SPEC_LEFT, SPEC_RIGHT, "--key", "123"]);
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn qr_encode_from_flags_and_json_gives_the_spec_codes() {
    let flags = einv(&[
        "qr",
        "encode",
        "--invoice",
        "AB11223344",
        "--date",
        "1020523",
        "--random",
        "9999",
        "--sales",
        "324",
        "--total",
        "340",
        "--seller",
        "01234567",
        "--key",
        SPEC_KEY,
        "--item",
        "乾電池:1:105",
        "--item",
        "口罩:1:210",
        "--item",
        "牛奶:1:25",
    ]);
    assert_eq!(flags.status.code(), Some(0));
    assert_eq!(stdout(&flags), format!("{SPEC_LEFT}\n{SPEC_RIGHT}\n"));
    let input = r#"{"invoice_number": "AB11223344", "date": "2013-05-23", "random_code": "9999",
        "sales_amount": 324, "total_amount": 340, "seller_id": "01234567",
        "verification": "ajrLaenbGmyWaZBdJk9diw==", "items": [
        {"name": "乾電池", "quantity": 1, "unit_price": 105},
        {"name": "口罩", "quantity": 1, "unit_price": 210},
        {"name": "牛奶", "quantity": 1, "unit_price": 25}]}"#;
    let v = json(&einv(&["qr", "encode", "--json-input", input, "--json"]));
    assert_eq!(
        (v["left"].as_str(), v["right"].as_str()),
        (Some(SPEC_LEFT), Some(SPEC_RIGHT))
    );
    let missing = einv(&[
        "qr",
        "encode",
        "--json-input",
        r#"{"invoice_number": "AB11223344"}"#,
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8(missing.stderr)
        .unwrap()
        .contains("required"));
}

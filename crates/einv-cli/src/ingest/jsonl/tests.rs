use einv_store::InvoiceStatus;

use super::{parse, record, JsonInvoice};
use crate::ingest::{Parsed, Record};

const GOOD: &str = r#"{"number":"AB12345678","date":"2026-09-03","time":"12:30:00","sellerBan":"04595257","sellerName":"示範商店","sellerAddress":"台北市","randomCode":"1234","salesAmount":116,"taxAmount":0,"totalAmount":116,"carrierType":"3J0002","carrierId1":"/ABC1234","printMark":"N","donateMark":0,"items":[{"description":"乾電池","quantity":1,"unitPrice":105,"amount":105},{"description":"口罩","quantity":"2","unitPrice":5.5,"amount":11}]}"#;

fn with(field: &str, value: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(GOOD).unwrap();
    v[field] = serde_json::from_str(value).unwrap();
    v.to_string()
}

#[test]
fn reads_a_good_line() {
    let Ok(Record::Issue(issue)) = record(GOOD.as_bytes(), 1) else {
        panic!()
    };
    let h = &issue.header;
    assert_eq!(h.number.as_str(), "AB12345678");
    assert_eq!(h.period.code(), "11510");
    assert_eq!(h.tax_rate.as_str(), "0.05");
    let carrier = h.carrier.as_ref().unwrap();
    assert_eq!(
        (carrier.id1.as_str(), carrier.id2.as_str()),
        ("/ABC1234", "/ABC1234")
    );
    let items = &issue.items;
    assert_eq!(
        (
            items[1].row.as_str(),
            items[1].quantity.as_str(),
            items[1].unit_price.as_str()
        ),
        ("002", "2", "5.5")
    );
    assert_eq!(h.seller.address, "台北市");
}

#[test]
fn reads_void_and_cancel_messages() {
    let line =
        r#"{"status":"void","number":"AB12345678","date":"2026-09-03","sellerBan":"04595257"}"#;
    let Ok(Record::Status(s)) = record(line.as_bytes(), 1) else {
        panic!()
    };
    assert_eq!(s.status, InvoiceStatus::Voided);
    let line = r#"{"message":"cancel","number":"AB12345678","date":"2026-09-03"}"#;
    let Ok(Record::Status(s)) = record(line.as_bytes(), 1) else {
        panic!()
    };
    assert_eq!((s.status, s.seller_ban), (InvoiceStatus::Cancelled, None));
}

#[test]
fn errors_name_the_field() {
    let cases = [
        (with("salesAmount", r#""abc""#), "salesAmount"),
        (with("totalAmount", "-5"), "totalAmount"),
        (with("sellerBan", r#""12345678""#), "sellerBan"),
        (with("buyerBan", r#""1234""#), "buyerBan"),
        (with("number", r#""1234567890""#), "number"),
        (with("date", r#""2026-9-3""#), "date"),
        (with("time", r#""25:00:00""#), "time"),
        (with("time", r#""8:00:00""#), "time"),
        (with("carrierId1", r#""ABC1234""#), "carrierId1"),
        (with("carrierType", r#""3J02""#), "carrierType"),
        (with("printMark", r#""X""#), "printMark"),
        (with("printMark", r#""Y""#), "printMark"),
        (with("donateMark", "1"), "npoban"),
        (with("sellerBAN", r#""04595257""#), "sellerBAN"),
        (with("items", "[]"), "items"),
        (
            with(
                "items",
                r#"[{"description":"x","quantity":"1,5","unitPrice":1,"amount":1}]"#,
            ),
            "items[1].quantity",
        ),
        (
            with(
                "items",
                r#"[{"description":"x","quantity":1,"unitPrice":1,"amount":[]}]"#,
            ),
            "items[1].amount",
        ),
        (
            with(
                "items",
                r#"[{"description":"x","quantity":1,"unitPrice":1}]"#,
            ),
            "items[1].amount",
        ),
        (with("status", r#""refund""#), "status"),
        (r#"{"date":"2026-09-03"}"#.to_owned(), "number"),
        ("[1,2]".to_owned(), "(line)"),
        ("{\"number\":".to_owned(), "(line)"),
    ];
    for (line, field) in cases {
        let err = record(line.as_bytes(), 7)
            .err()
            .unwrap_or_else(|| panic!("accepted: {line}"));
        assert_eq!(
            (err.field.as_str(), err.line),
            (field, 7),
            "{line}: {}",
            err.reason
        );
    }
}

#[test]
fn parse_counts_lines_and_skips_blank_ones() {
    let text = format!(
        "\u{feff}{GOOD}\n\n{}\n   \n{GOOD}",
        with("randomCode", r#""12""#)
    );
    let mut seen: Vec<Parsed> = Vec::new();
    parse(text.as_bytes(), &mut |p| {
        seen.push(p);
        Ok(())
    })
    .unwrap();
    let lines: Vec<_> = seen.iter().map(|p| (p.line, p.result.is_ok())).collect();
    assert_eq!(lines, [(1, true), (3, false), (5, true)]);
    assert_eq!(seen[2].offset, text.len() as u64);
}

#[test]
fn written_lines_read_back() {
    let json: JsonInvoice = serde_json::from_str(GOOD).unwrap();
    let text = serde_json::to_string(&json).unwrap();
    assert_eq!(serde_json::from_str::<JsonInvoice>(&text).unwrap(), json);
    assert!(
        text.contains(r#""printMark":"N""#) && text.contains(r#""donateMark":0"#),
        "{text}"
    );
    assert!(
        text.contains(r#""quantity":1"#) && text.contains(r#""unitPrice":"5.5""#),
        "{text}"
    );
}

#[test]
fn the_documented_example_reads() {
    let doc = include_str!("../../../../../docs/import.md");
    let start = doc.find("```json\n").unwrap() + "```json\n".len();
    let example = &doc[start..start + doc[start..].find("```").unwrap()];
    let mut seen = 0;
    parse(example.as_bytes(), &mut |p| {
        assert!(p.result.is_ok(), "line {}: {:?}", p.line, p.result);
        seen += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, 4);
}

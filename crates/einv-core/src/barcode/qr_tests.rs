//! Tests of the QR codes: the spec's example, Base64 and Big5 examples, errors, and
//! `parse(build(x)) == x`.
#![allow(clippy::unwrap_used)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::NaiveDate;
use proptest::prelude::*;

use super::qr::{
    ItemEncoding, ProofQr, QrError, QrItem, QrSide, FIXED_LEN, UNUSED_SELLER_AREA, ZEROS,
};
use super::{QrSeedKey, RandomCode};
use crate::{InvoiceNumber, Ntd};

/// The spec's example; its verification field is test vector 1 of `docs/domain.md` §7.
const SPEC_LEFT: &str = "AB112233441020523999900000144000001540000000001234567\
    ajrLaenbGmyWaZBdJk9diw==:**********:3:3:1:乾電池:1:105:";
const SPEC_RIGHT: &str = "**口罩:1:210:牛奶:1:25";

fn item(name: &str, quantity: &str, unit_price: &str) -> QrItem {
    QrItem {
        name: name.into(),
        quantity: quantity.into(),
        unit_price: unit_price.into(),
    }
}

fn spec_example() -> ProofQr {
    ProofQr {
        invoice_number: InvoiceNumber::parse("AB11223344").unwrap(),
        date: NaiveDate::from_ymd_opt(2013, 5, 23).unwrap(),
        random_code: RandomCode::parse("9999").unwrap(),
        sales_amount: Some(Ntd::new(0x144)),
        total_amount: Ntd::new(0x154),
        buyer_id: None,
        seller_id: "01234567".into(),
        verification: "ajrLaenbGmyWaZBdJk9diw==".into(),
        seller_area: UNUSED_SELLER_AREA.into(),
        total_items: 3,
        encoding: ItemEncoding::Utf8,
        items: vec![
            item("乾電池", "1", "105"),
            item("口罩", "1", "210"),
            item("牛奶", "1", "25"),
        ],
    }
}

#[test]
fn the_spec_example_both_ways() {
    assert_eq!(SPEC_LEFT.find(':'), Some(FIXED_LEN));
    let qr = ProofQr::parse(SPEC_LEFT, SPEC_RIGHT).unwrap();
    assert_eq!(qr, spec_example());
    assert_eq!(qr.total_amount.dollars(), 340);
    assert_eq!(qr.period().code(), "10206");
    assert_eq!(qr.barcode().build(), "10206AB112233449999");
    assert_eq!(
        qr.build().unwrap(),
        (SPEC_LEFT.to_owned(), SPEC_RIGHT.to_owned())
    );
    let key = QrSeedKey::parse("FE05F029154F6AA67A78B338ED2F6601").unwrap();
    assert!(qr.verify(&key));
    assert!(!qr.verify(&QrSeedKey::parse("0123456789abcdef0123456789abcdef").unwrap()));
    // The example's seller ID is a placeholder that fails the checksum.
    assert_eq!(qr.seller_business_id().unwrap_err().field, "seller ID");
}

#[test]
fn a_big5_example() {
    let qr = ProofQr {
        encoding: ItemEncoding::Big5,
        ..spec_example()
    };
    let (left, right) = qr.build_bytes().unwrap();
    // 乾電池 in Big5 is B0 AE B9 71 A6 C0 (checked with Python's big5 codec), not its UTF-8 bytes.
    let big5 = [0xB0, 0xAE, 0xB9, 0x71, 0xA6, 0xC0];
    assert!(left.windows(6).any(|w| w == big5));
    assert!(std::str::from_utf8(&left).is_err());
    assert_eq!(&left[FIXED_LEN..FIXED_LEN + 19], b":**********:3:3:0:\xB0");
    assert_eq!(ProofQr::decode_bytes(&left, &right).unwrap(), qr);
    assert_eq!(
        ProofQr::decode_left_bytes(&left).unwrap().qr.items,
        qr.items[..1]
    );
    // A UTF-8 scan decodes as UTF-8.
    let (l, r) = spec_example().build_bytes().unwrap();
    assert_eq!(ProofQr::decode_bytes(&l, &r).unwrap(), spec_example());
    // Characters without a Big5 form cannot be built in Big5 mode.
    let mut emoji = qr.clone();
    emoji.items[0].name = "😀".into();
    assert_eq!(emoji.build().unwrap_err().field, "item 1");
}

/// A change that makes a [`ProofQr`] unbuildable.
type Spoil = fn(&mut ProofQr);

#[test]
fn build_refuses_what_would_not_read_back() {
    let cases: [(&str, Spoil); 7] = [
        ("buyer ID", |q| q.buyer_id = Some(ZEROS.into())),
        ("seller ID", |q| q.seller_id = "1234567".into()),
        ("sales amount", |q| q.sales_amount = Some(Ntd::ZERO)),
        ("total amount", |q| q.total_amount = Ntd::new(1 << 32)),
        ("seller area", |q| q.seller_area = "**:*******".into()),
        ("total items", |q| q.total_items = 2),
        ("item 2", |q| q.items[1].quantity = "one".into()),
    ];
    for (field, spoil) in cases {
        let mut qr = spec_example();
        spoil(&mut qr);
        assert_eq!(qr.build().unwrap_err().field, field);
    }
}

fn any_qr() -> impl Strategy<Value = ProofQr> {
    let encoding = prop_oneof![
        Just(ItemEncoding::Big5),
        Just(ItemEncoding::Utf8),
        Just(ItemEncoding::Base64),
        Just(ItemEncoding::Utf8CrossBorder),
    ];
    let number = "-?[0-9]{1,5}(\\.[0-9]{1,2})?";
    let items = prop::collection::vec(("[^:]{1,8}", number, number), 0..6);
    let header = (
        "[A-Z]{2}[0-9]{8}",
        (1912i32..2911, 1u32..=12, 1u32..=28),
        "[0-9]{4}",
        prop::option::of(1u64..=0xFFFF_FFFF),
        0u64..=0xFFFF_FFFF,
        prop::option::of("[0-9]{7}[1-9]"),
        "[1-9][0-9]{7}",
        "[A-Za-z0-9+/]{22}==",
        "[!-9;-~]{10}",
    );
    (header, encoding, items, 0u32..3).prop_map(|(h, encoding, items, extra)| {
        let big5_safe = |s: String| {
            if encoding == ItemEncoding::Big5 {
                format!("乾{}", s.len())
            } else {
                s
            }
        };
        let items: Vec<QrItem> = items
            .into_iter()
            .map(|(n, q, p)| QrItem {
                name: big5_safe(n),
                quantity: q,
                unit_price: p,
            })
            .collect();
        ProofQr {
            invoice_number: InvoiceNumber::parse(&h.0).unwrap(),
            date: NaiveDate::from_ymd_opt(h.1 .0, h.1 .1, h.1 .2).unwrap(),
            random_code: RandomCode::parse(&h.2).unwrap(),
            sales_amount: h.3.map(Ntd::new),
            total_amount: Ntd::new(h.4),
            buyer_id: h.5,
            seller_id: h.6,
            verification: h.7,
            seller_area: h.8,
            total_items: items.len() as u32 + extra,
            encoding,
            items,
        }
    })
}

proptest! {
    #[test]
    fn parse_inverts_build(qr in any_qr(), left_items in 0usize..7) {
        let (left, right) = qr.build_with_left_items(left_items).unwrap();
        prop_assert_eq!(ProofQr::parse(&left, &right).unwrap(), qr.clone());
        let (left, right) = qr.build_bytes().unwrap();
        prop_assert_eq!(ProofQr::decode_bytes(&left, &right).unwrap(), qr);
    }
}

const FIXED: &str = "AB112233441020523999900000144000001540000000001234567ajrLaenbGmyWaZBdJk9diw==";

fn error(left: &str, right: &str) -> QrError {
    ProofQr::parse(left, right).unwrap_err()
}

#[test]
fn hex_is_read_case_insensitively() {
    let lower = SPEC_LEFT.replacen("0000014400000154", "000001a4000001Bc", 1);
    let qr = ProofQr::parse(&lower, SPEC_RIGHT).unwrap();
    assert_eq!(
        (qr.sales_amount, qr.total_amount),
        (Some(Ntd::new(0x1a4)), Ntd::new(0x1bc))
    );
}

#[test]
fn a_base64_example_per_code_and_split_once() {
    let b64 = |s: &str| STANDARD.encode(s);
    let left = format!("{FIXED}:**********:3:3:2:{}", b64("乾電池:1:105:"));
    let right = format!("**{}", b64("口罩:1:210:牛奶:1:25"));
    let qr = ProofQr::parse(&left, &right).unwrap();
    assert_eq!(
        qr,
        ProofQr {
            encoding: ItemEncoding::Base64,
            ..spec_example()
        }
    );
    assert_eq!(qr.build().unwrap(), (left.clone(), right));
    // Encoded once, split after 10 characters (mid Base64 group, mid character).
    let whole = b64("乾電池:1:105:口罩:1:210:牛奶:1:25");
    let split = format!("{FIXED}:**********:3:3:2:{}", &whole[..10]);
    assert_eq!(
        ProofQr::parse(&split, &format!("**{}", &whole[10..])).unwrap(),
        qr
    );
    // A character split between two separately encoded codes survives too.
    let bytes = "A乾:1:1".as_bytes();
    let (l, r) = (STANDARD.encode(&bytes[..3]), STANDARD.encode(&bytes[3..]));
    let odd = format!("{FIXED}:**********:1:1:2:{l}");
    assert_eq!(
        ProofQr::parse(&odd, &format!("**{r}")).unwrap().items,
        [item("A乾", "1", "1")]
    );
    let e = error(&format!("{FIXED}:**********:3:3:2:!!!!"), "**");
    assert_eq!((e.field.as_str(), e.offset), ("items (Base64)", 95));
}

#[test]
fn the_left_code_alone() {
    let partial = ProofQr::parse_left(SPEC_LEFT).unwrap();
    assert_eq!(partial.items_in_codes, 3);
    assert_eq!(partial.qr.items, [item("乾電池", "1", "105")]);
    // Stopped inside the price: the last item may continue, so it is left out.
    let cut = format!("{FIXED}:**********:2:2:1:乾電池:1:105:口罩:1:21");
    assert_eq!(ProofQr::parse_left(&cut).unwrap().qr.items.len(), 1);
    // Even when it is the last item of all: the right code may hold more of its price.
    let last = format!("{FIXED}:**********:1:1:1:乾電池:1:105");
    assert_eq!(ProofQr::parse_left(&last).unwrap().qr.items.len(), 0);
    assert_eq!(ProofQr::parse(&last, "**").unwrap().items.len(), 1);
    // The same cut read with the right code joins the split price.
    let qr = ProofQr::parse(&cut, "**0").unwrap();
    assert_eq!(qr.items[1], item("口罩", "1", "210"));
}

#[test]
fn errors_name_the_code_field_and_offset() {
    let with = |at: usize, text: &str| {
        let mut s = SPEC_LEFT.to_owned();
        s.replace_range(at..at + text.len(), text);
        s
    };
    let cases = [
        (with(0, "ab"), "invoice number", 0),
        (with(10, "1021323"), "date", 10),
        (with(17, "99a9"), "random code", 17),
        (with(21, "0000014G"), "sales amount", 21),
        (with(29, "+0000154"), "total amount", 29),
        (with(45, "00000000"), "seller ID", 45),
        (with(53, "!"), "encrypted verification", 53),
        (SPEC_LEFT[..60].to_owned(), "encrypted verification", 60),
        (with(77, ";"), "separator", 77),
        (with(89, "x"), "items in codes", 89),
        (with(93, "9"), "encoding", 93),
        (SPEC_LEFT.replace(":3:3:", ":3:2:"), "total items", 91),
        (SPEC_LEFT.replace(":3:3:", ":4:4:"), "items in codes", 89),
        (SPEC_LEFT.replace(":1:105:", ":one:105:"), "items", 105),
    ];
    for (left, field, offset) in cases {
        let e = error(&left, SPEC_RIGHT);
        assert_eq!(
            (e.side, e.field.as_str(), e.offset),
            (QrSide::Left, field, offset),
            "{left}"
        );
    }
    let e = error(SPEC_LEFT, "口罩:1:210");
    assert_eq!(
        (e.side, e.field.as_str(), e.offset),
        (QrSide::Right, "prefix", 0)
    );
    let e = error(SPEC_LEFT, "**口罩:1:210:牛奶:1");
    assert_eq!(
        (e.side, e.field.as_str(), e.offset),
        (QrSide::Right, "items", 15)
    );
    assert_eq!(
        e.to_string(),
        format!("right QR code, offset 15, items: {}", e.problem)
    );
    let e = ProofQr::decode_bytes(b"AB11\xff", b"**").unwrap_err();
    assert_eq!((e.field.as_str(), e.offset), ("text", 4));
}

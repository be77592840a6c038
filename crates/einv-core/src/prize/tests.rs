//! Unit tests: the 2018 worked example (`docs/domain.md` §3), the MOF JSON shape and
//! eligibility. The engine-versus-reference property tests are in `proptests.rs`.

use chrono::NaiveDate;
use serde_json::json;

use super::*;
use crate::{BusinessId, InvoiceNumber, Ntd, Period};

/// Nov–Dec 2018 (period 10712): special 88515559, grand 47551146, first 83513656 / 85250862 /
/// 61472404, additional sixth 185 / 079 / 442.
fn draw_2018() -> WinningNumbers {
    let period = Period::parse("10712").unwrap();
    WinningNumbers::new(
        period,
        88_515_559,
        &[47_551_146],
        &[83_513_656, 85_250_862, 61_472_404],
        &[185, 79, 442],
    )
    .unwrap()
}

/// Every row of the worked example, plus the grand and first prizes and a loser.
const EXAMPLE: [(u32, Option<Prize>, u64); 10] = [
    (88_515_559, Some(Prize::Special), 10_000_000),
    (47_551_146, Some(Prize::Grand), 2_000_000),
    (83_513_656, Some(Prize::First), 200_000),
    (15_250_862, Some(Prize::Second), 40_000),
    (12_513_656, Some(Prize::Third), 10_000),
    (72_404, Some(Prize::Fourth), 4_000),
    (99_990_862, Some(Prize::Fifth), 1_000),
    (12_345_656, Some(Prize::Sixth), 200),
    (12_345_185, Some(Prize::AdditionalSixth), 200),
    (12_345_678, None, 0),
];

#[test]
fn worked_example_2018_reference_and_engine_agree_on_every_row() {
    let draw = draw_2018();
    let engine = draw.engine();
    for (digits, prize, amount) in EXAMPLE {
        assert_eq!(draw.check_digits(digits), prize, "reference, {digits:08}");
        assert_eq!(engine.check(digits), prize, "engine, {digits:08}");
        let paid = prize.map_or(Ntd::ZERO, |p| draw.amount(p));
        assert_eq!(paid, Ntd::new(amount), "{digits:08}");
        // Regular prizes ignore the track letters.
        let number = InvoiceNumber::parse(&format!("LY{digits:08}")).unwrap();
        assert_eq!(draw.check(&number), prize);
        assert_eq!(engine.check_invoice(&number), prize);
    }
    let all: Vec<u32> = EXAMPLE.iter().map(|row| row.0).collect();
    let summary = engine.check_bulk(&all);
    assert_eq!(summary.checked(), 10);
    assert_eq!(summary.winners(), 9);
    assert_eq!(
        summary.total(),
        Ntd::new(EXAMPLE.iter().map(|row| row.2).sum())
    );
    assert_eq!(engine.winners(&all).count(), 9);
    assert_eq!(
        engine.winners(&all).last(),
        Some((8, Prize::AdditionalSixth))
    );
}

#[test]
fn an_invoice_wins_only_its_highest_prize() {
    let draw = draw_2018();
    // 83513656 also matches second … sixth of itself: only the first prize is won.
    assert_eq!(draw.regular_matches(83_513_656).len(), 6);
    assert_eq!(draw.check_digits(83_513_656), Some(Prize::First));
    // A number matching a first-prize suffix and an additional sixth at once takes the
    // suffix prize (fifth here; sixth over additional sixth on equal amounts).
    let both = WinningNumbers::new(
        draw.period(),
        88_515_559,
        &[47_551_146],
        &[11_111_185, 2, 3],
        &[185],
    )
    .unwrap();
    assert_eq!(
        both.regular_matches(99_991_185),
        vec![Prize::Fifth, Prize::Sixth, Prize::AdditionalSixth]
    );
    assert_eq!(both.check_digits(99_991_185), Some(Prize::Fifth));
    assert_eq!(both.check_digits(99_999_185), Some(Prize::Sixth));
    assert_eq!(both.engine().check(99_999_185), Some(Prize::Sixth));
}

#[test]
fn cloud_prizes_need_all_ten_characters_and_the_best_paid_prize_wins() {
    let n = |s: &str| InvoiceNumber::parse(s).unwrap();
    let draw = draw_2018()
        .with_cloud_prizes([
            (n("AB12345656"), CloudPrizeLevel::TwoThousand),
            (n("AB88515559"), CloudPrizeLevel::Million),
            (n("CD00000001"), CloudPrizeLevel::FiveHundred),
        ])
        .unwrap();
    let engine = draw.engine();
    let cases = [
        (
            "AB12345656",
            Some(Prize::Cloud(CloudPrizeLevel::TwoThousand)),
        ), // beats sixth (200)
        ("AC12345656", Some(Prize::Sixth)), // other track: no cloud
        ("AB88515559", Some(Prize::Special)), // special beats 1,000,000
        (
            "CD00000001",
            Some(Prize::Cloud(CloudPrizeLevel::FiveHundred)),
        ),
        ("CE00000001", None),
    ];
    for (text, prize) in cases {
        assert_eq!(draw.check(&n(text)), prize, "{text}");
        assert_eq!(engine.check_invoice(&n(text)), prize, "{text}");
    }
    assert!(draw
        .clone()
        .with_cloud_prizes([(n("CD00000001"), CloudPrizeLevel::Million)])
        .is_err());
}

#[test]
fn construction_validates_digits_counts_duplicates_and_amounts() {
    let p = Period::parse("10712").unwrap();
    let err = |r: Result<WinningNumbers, crate::InvalidValue>| r.unwrap_err().field;
    assert_eq!(
        err(WinningNumbers::new(p, 100_000_000, &[1], &[2, 3, 4], &[])),
        "special"
    );
    assert_eq!(
        err(WinningNumbers::new(p, 1, &[], &[2, 3, 4], &[])),
        "grand"
    );
    assert_eq!(
        err(WinningNumbers::new(p, 1, &[5, 6, 7, 8], &[2, 3, 4], &[])),
        "grand"
    );
    assert_eq!(err(WinningNumbers::new(p, 1, &[5], &[2, 3], &[])), "first");
    assert_eq!(
        err(WinningNumbers::new(
            p,
            1,
            &[5],
            &[2, 3, 4],
            &[1, 2, 3, 4, 5, 6, 7]
        )),
        "additional_sixth"
    );
    assert_eq!(
        err(WinningNumbers::new(p, 1, &[5], &[2, 3, 4], &[1000])),
        "additional_sixth[0]"
    );
    assert_eq!(
        err(WinningNumbers::new(p, 1, &[5], &[2, 3, 5], &[])),
        "first[2]"
    );
    assert_eq!(
        err(WinningNumbers::new(p, 1, &[5], &[2, 3, 4], &[9, 9])),
        "additional_sixth[1]"
    );
    let inverted = PrizeAmounts {
        sixth: Ntd::new(5_000),
        ..PrizeAmounts::STATUTORY
    };
    assert_eq!(err(draw_2018().with_amounts(inverted)), "amounts");
}

fn real_shape_10712() -> serde_json::Value {
    // The shape of real replies: 7-digit amounts, "" for unused slots; here also a null slot, a
    // missing one and the Java-Date `timeStamp` real replies carry.
    json!({
        "v": "0.2", "code": "200", "msg": "查詢成功", "invoYm": "10712", "updateDate": "1080125",
        "superPrizeNo": "88515559", "spcPrizeNo": "47551146", "spcPrizeNo2": "", "spcPrizeNo3": null,
        "firstPrizeNo1": "83513656", "firstPrizeNo2": "85250862", "firstPrizeNo3": "61472404",
        "firstPrizeNo4": "", "firstPrizeNo5": "", "firstPrizeNo6": "", "firstPrizeNo7": "",
        "firstPrizeNo8": "", "firstPrizeNo9": "", "firstPrizeNo10": "",
        "sixthPrizeNo1": "185", "sixthPrizeNo2": "079", "sixthPrizeNo3": "442",
        "sixthPrizeNo4": "", "sixthPrizeNo5": "",
        "superPrizeAmt": "10000000", "spcPrizeAmt": "2000000", "firstPrizeAmt": "0200000",
        "secondPrizeAmt": "0040000", "thirdPrizeAmt": "0010000", "fourthPrizeAmt": "0004000",
        "fifthPrizeAmt": "0001000", "sixthPrizeAmt": "0000200",
        "timeStamp": {"date": 25, "time": 1548397673000_i64, "timezoneOffset": -480}
    })
}

#[test]
fn parses_a_qry_winning_list_reply_and_writes_the_same_shape_back() {
    let draw = WinningNumbers::from_qry_winning_list_value(&real_shape_10712()).unwrap();
    assert_eq!(draw, draw_2018());
    let out = draw.to_qry_winning_list_json();
    let fields = [
        ("invoYm", "10712"),
        ("code", "200"),
        ("updateDate", "1080125"),
        ("spcPrizeNo2", ""),
        ("firstPrizeNo10", ""),
        ("sixthPrizeNo2", "079"),
        ("sixthPrizeNo6", ""),
        ("firstPrizeAmt", "0200000"),
        ("superPrizeAmt", "10000000"),
    ];
    for (key, want) in fields {
        assert_eq!(out[key], want, "{key}");
    }
    for key in real_shape_10712().as_object().unwrap().keys() {
        assert!(
            key == "timeStamp" || out.get(key).is_some(),
            "{key} missing"
        );
    }
    let again = WinningNumbers::from_qry_winning_list_json(&out.to_string()).unwrap();
    assert_eq!(again, draw);
}

#[test]
fn published_amounts_are_used_and_checked() {
    let mut reply = real_shape_10712();
    reply["superPrizeAmt"] = json!("02000000");
    let draw = WinningNumbers::from_qry_winning_list_value(&reply).unwrap();
    assert_eq!(draw.amount(Prize::Special), Ntd::new(2_000_000));
    reply["sixthPrizeAmt"] = json!(50_000);
    let e = WinningNumbers::from_qry_winning_list_value(&reply).unwrap_err();
    assert_eq!(e.field, "superPrizeAmt…sixthPrizeAmt");
}

#[test]
fn reply_errors_name_the_field() {
    let cases: [(&str, serde_json::Value, &str); 9] = [
        ("firstPrizeNo2", json!("8525086"), "firstPrizeNo2"),
        ("firstPrizeNo3", json!(""), "firstPrizeNo1…firstPrizeNo10"),
        ("superPrizeNo", json!(null), "superPrizeNo"),
        ("spcPrizeNo", json!(47551146), "spcPrizeNo"),
        ("sixthPrizeNo2", json!("79"), "sixthPrizeNo2"),
        ("invoYm", json!("10711"), "invoYm"),
        ("fifthPrizeAmt", json!("1,000"), "fifthPrizeAmt"),
        ("code", json!("901"), "code"),
        ("firstPrizeNo4", json!("88515559"), "firstPrizeNo4"),
    ];
    for (key, value, field) in cases {
        let mut reply = real_shape_10712();
        reply[key] = value;
        let e = WinningNumbers::from_qry_winning_list_value(&reply).unwrap_err();
        assert_eq!(e.field, field, "{key}: {e}");
    }
    let e = WinningNumbers::from_qry_winning_list_json("{").unwrap_err();
    assert_eq!(e.field, "QryWinningList");
}

fn facts(number: &str) -> InvoiceFacts {
    InvoiceFacts {
        number: InvoiceNumber::parse(number).unwrap(),
        period: Period::parse("10712").unwrap(),
        total: Some(Ntd::new(105)),
        buyer_business_id: None,
        voided: false,
        donated: false,
    }
}

#[test]
fn eligibility_reasons_and_the_charity() {
    let draw = draw_2018();
    let day = |m, d| NaiveDate::from_ymd_opt(2019, m, d).unwrap();
    let (deadline, today) = (day(5, 6), day(3, 1));
    let assess = |f: &InvoiceFacts| draw.assess(f, deadline, today);

    assert_eq!(
        assess(&facts("AB12345656")),
        Verdict::Payable {
            prize: Prize::Sixth,
            amount: Ntd::new(200)
        }
    );
    assert_eq!(assess(&facts("AB12345678")), Verdict::NoPrize);
    let donated = InvoiceFacts {
        donated: true,
        ..facts("AB12345656")
    };
    assert_eq!(
        assess(&donated),
        Verdict::ToCharity {
            prize: Prize::Sixth,
            amount: Ntd::new(200)
        }
    );

    let reasons = |f: InvoiceFacts, today| match draw.assess(&f, deadline, today) {
        Verdict::NotPayable { reasons, .. } => reasons
            .iter()
            .map(IneligibleReason::code)
            .collect::<Vec<_>>(),
        other => panic!("expected NotPayable, got {other:?}"),
    };
    let winner = facts("AB88515559");
    let cases: [(InvoiceFacts, NaiveDate, &[&str]); 6] = [
        (
            InvoiceFacts {
                buyer_business_id: Some(BusinessId::parse("04595257").unwrap()),
                ..winner.clone()
            },
            today,
            &["business_buyer"],
        ),
        (
            InvoiceFacts {
                total: Some(Ntd::ZERO),
                ..winner.clone()
            },
            today,
            &["no_amount"],
        ),
        (
            InvoiceFacts {
                total: None,
                ..winner.clone()
            },
            today,
            &["no_amount"],
        ),
        (
            InvoiceFacts {
                voided: true,
                donated: true,
                ..winner.clone()
            },
            today,
            &["voided"],
        ),
        (winner.clone(), day(5, 7), &["past_claim_deadline"]),
        (
            InvoiceFacts {
                period: Period::parse("10710").unwrap(),
                ..winner.clone()
            },
            day(5, 7),
            &["different_period", "past_claim_deadline"],
        ),
    ];
    for (f, today, expected) in cases {
        assert_eq!(reasons(f, today), expected);
    }
    // The deadline day itself is still in time.
    assert!(matches!(
        draw.assess(&facts("AB88515559"), deadline, deadline),
        Verdict::Payable { .. }
    ));
    assert_eq!(
        Eligibility::of(&facts("AB00000000"), draw.period(), deadline, today),
        Eligibility::Eligible
    );
}

#[test]
fn names_and_amounts() {
    assert_eq!(Prize::Special.name_zh(), "特別獎");
    assert_eq!(Prize::Grand.name_en(), "grand prize");
    assert_eq!(Prize::AdditionalSixth.amount(), Ntd::new(200));
    assert_eq!(
        Prize::Cloud(CloudPrizeLevel::EightHundred).amount(),
        Ntd::new(800)
    );
    assert_eq!(
        CloudPrizeLevel::from_amount(Ntd::new(2_000)),
        Some(CloudPrizeLevel::TwoThousand)
    );
    assert_eq!(Prize::Fourth.to_string(), "四獎 (fourth prize)");
    for (rank, prize) in Prize::REGULAR.iter().enumerate() {
        assert_eq!(prize.regular_rank(), Some(rank));
    }
}

//! The MOF `QryWinningList` reply (MOF spec ch. 2; `docs/v1-compatibility.md`, Replies): parsed into [`WinningNumbers`]
//! and produced from it, so our server can answer the action in the shape clients expect.

use chrono::Datelike;
use serde_json::{Map, Value};

use crate::prize::winning::{Draft, Named};
use crate::prize::{PrizeAmounts, WinningNumbers};
use crate::{InvalidValue, Ntd, Period};

/// The name errors use for the reply as a whole.
const REPLY: &str = "QryWinningList";

/// The grand-number slots, in order.
const GRAND_FIELDS: [&str; 3] = ["spcPrizeNo", "spcPrizeNo2", "spcPrizeNo3"];

/// The amount fields, in [`crate::prize::Prize::REGULAR`] order (the additional sixth prize
/// has no field of its own: it pays `sixthPrizeAmt`).
const AMOUNT_FIELDS: [&str; 8] = [
    "superPrizeAmt",
    "spcPrizeAmt",
    "firstPrizeAmt",
    "secondPrizeAmt",
    "thirdPrizeAmt",
    "fourthPrizeAmt",
    "fifthPrizeAmt",
    "sixthPrizeAmt",
];

impl WinningNumbers {
    /// Parses a saved or received `QryWinningList` reply. Unused number slots may be absent,
    /// `null` or `""`; amounts are zero-padded digit strings (`"0200000"`) or integers, and a
    /// missing amount means the statutory one. Errors name the JSON field.
    ///
    /// The reply carries no cloud-invoice prize numbers; add them with
    /// [`WinningNumbers::with_cloud_prizes`].
    pub fn from_qry_winning_list_json(text: &str) -> Result<Self, InvalidValue> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| InvalidValue::new(REPLY, format!("not valid JSON: {e}")))?;
        Self::from_qry_winning_list_value(&value)
    }

    /// Like [`Self::from_qry_winning_list_json`], from parsed JSON.
    pub fn from_qry_winning_list_value(value: &Value) -> Result<Self, InvalidValue> {
        let obj = value
            .as_object()
            .ok_or_else(|| InvalidValue::new(REPLY, "expected a JSON object"))?;
        check_code(obj)?;

        let period_text = text_slot(obj, "invoYm")?
            .ok_or_else(|| InvalidValue::new("invoYm", "the period is missing"))?;
        let period = Period::parse(period_text).map_err(|e| e.for_field("invoYm"))?;

        let special = eight_digit_slot(obj, "superPrizeNo")?.ok_or_else(|| {
            InvalidValue::new("superPrizeNo", "the special-prize number is missing")
        })?;
        let grand = eight_digit_slots(obj, GRAND_FIELDS.iter().map(|f| (*f).to_owned()))?;
        let first = eight_digit_slots(obj, (1..=10).map(|i| format!("firstPrizeNo{i}")))?;
        let mut additional_sixth = Vec::new();
        for field in (1..=6).map(|i| format!("sixthPrizeNo{i}")) {
            if let Some(text) = text_slot(obj, &field)? {
                let n = parse_digits(text, 3).ok_or_else(|| {
                    InvalidValue::new(&field, format!("expected 3 digits, got {text:?}"))
                })?;
                // Three digits: at most 999, so the cast cannot truncate.
                additional_sixth.push((field, n as u16));
            }
        }

        let draw = WinningNumbers::from_draft(Draft {
            period,
            special: ("superPrizeNo".to_owned(), special),
            grand,
            first,
            additional_sixth,
            group_names: [
                "spcPrizeNo…spcPrizeNo3",
                "firstPrizeNo1…firstPrizeNo10",
                "sixthPrizeNo1…sixthPrizeNo6",
            ],
        })?;
        let amounts = parse_amounts(obj)?;
        draw.with_amounts(amounts)
            .map_err(|e| e.for_field("superPrizeAmt…sixthPrizeAmt"))
    }

    /// The `QryWinningList` reply (version 0.2, code 200) for this draw: every slot present,
    /// unused ones as `""`, amounts as 7-digit zero-padded strings, and `updateDate` (ROC
    /// `yyyMMdd`) set to the draw date.
    ///
    /// Why these choices: two captured real replies (10612, 10802) show `""` for unused slots,
    /// 7-digit amounts (`"0200000"`, `"10000000"`) and `updateDate` equal to the draw date, and
    /// clients read every slot with `getString`, which fails on a missing key. Cloud prizes are
    /// not part of this reply.
    pub fn to_qry_winning_list_json(&self) -> Value {
        let mut obj = Map::new();
        let mut put = |k: &str, v: String| {
            obj.insert(k.to_owned(), Value::String(v));
        };
        put("v", "0.2".into());
        put("code", "200".into());
        put("msg", "執行成功".into());
        put("invoYm", self.period().code());
        let draw = self.period().draw_date();
        put(
            "updateDate",
            format!(
                "{:03}{:02}{:02}",
                draw.year() - crate::period::ROC_OFFSET,
                draw.month(),
                draw.day()
            ),
        );
        put("superPrizeNo", format!("{:08}", self.special()));
        for (i, field) in GRAND_FIELDS.iter().enumerate() {
            put(
                field,
                slot_text(self.grand().get(i).map(|n| format!("{n:08}"))),
            );
        }
        for i in 0..10 {
            put(
                &format!("firstPrizeNo{}", i + 1),
                slot_text(self.first().get(i).map(|n| format!("{n:08}"))),
            );
        }
        for i in 0..6 {
            let text = self.additional_sixth().get(i).map(|n| format!("{n:03}"));
            put(&format!("sixthPrizeNo{}", i + 1), slot_text(text));
        }
        let ranked = self.amounts().in_rank_order();
        for (field, amount) in AMOUNT_FIELDS.iter().zip(ranked) {
            put(field, format!("{:07}", amount.dollars()));
        }
        Value::Object(obj)
    }
}

fn slot_text(text: Option<String>) -> String {
    text.unwrap_or_default()
}

/// A reply that is itself an error (code other than 200) has no numbers to read. `code` is a
/// string in invapp replies, but compare it as a number as clients do (docs/mof-v1.md, "Reply shape").
fn check_code(obj: &Map<String, Value>) -> Result<(), InvalidValue> {
    let code = match obj.get("code") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        Some(Value::Number(n)) => n.as_i64(),
        Some(_) => None,
    };
    if code == Some(200) {
        return Ok(());
    }
    let msg = obj.get("msg").and_then(Value::as_str).unwrap_or("");
    Err(InvalidValue::new(
        "code",
        format!(
            "the reply is an error, not a winning list: code {}, msg {msg:?}",
            obj.get("code").map(Value::to_string).unwrap_or_default()
        ),
    ))
}

/// A text slot: `None` when absent, `null` or `""` (unused), the text otherwise.
fn text_slot<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a str>, InvalidValue> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        // A JSON number would have lost its leading zeros (`00106725`), so it cannot be trusted.
        Some(other) => Err(InvalidValue::new(
            field,
            format!("expected a string, got {other}"),
        )),
    }
}

fn eight_digit_slot(obj: &Map<String, Value>, field: &str) -> Result<Option<u32>, InvalidValue> {
    let Some(text) = text_slot(obj, field)? else {
        return Ok(None);
    };
    parse_digits(text, 8)
        .map(Some)
        .ok_or_else(|| InvalidValue::new(field, format!("expected 8 digits, got {text:?}")))
}

/// The used slots among `fields`, each with its field name; unused slots are skipped.
fn eight_digit_slots(
    obj: &Map<String, Value>,
    fields: impl Iterator<Item = String>,
) -> Result<Vec<Named<u32>>, InvalidValue> {
    let mut found = Vec::new();
    for field in fields {
        if let Some(n) = eight_digit_slot(obj, &field)? {
            found.push((field, n));
        }
    }
    Ok(found)
}

/// Exactly `len` ASCII digits as a number.
pub(crate) fn parse_digits(text: &str, len: usize) -> Option<u32> {
    if text.len() != len || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn parse_amounts(obj: &Map<String, Value>) -> Result<PrizeAmounts, InvalidValue> {
    let statutory = PrizeAmounts::STATUTORY.in_rank_order();
    let mut amounts = [Ntd::ZERO; 8];
    for (i, field) in AMOUNT_FIELDS.iter().enumerate() {
        amounts[i] = match obj.get(*field) {
            None | Some(Value::Null) => statutory[i],
            Some(Value::String(s)) if s.is_empty() => statutory[i],
            Some(Value::String(s)) if s.bytes().all(|b| b.is_ascii_digit()) => {
                Ntd::parse(s).map_err(|e| e.for_field(*field))?
            }
            Some(Value::Number(n)) => n.as_u64().map(Ntd::new).ok_or_else(|| {
                InvalidValue::new(
                    *field,
                    format!("expected a whole non-negative amount, got {n}"),
                )
            })?,
            Some(other) => {
                return Err(InvalidValue::new(
                    *field,
                    format!("expected a zero-padded amount such as \"0200000\", got {other}"),
                ))
            }
        };
    }
    let [special, grand, first, second, third, fourth, fifth, sixth] = amounts;
    Ok(PrizeAmounts {
        special,
        grand,
        first,
        second,
        third,
        fourth,
        fifth,
        sixth,
    })
}

//! The value types of an invoice's fields that have no home elsewhere in the core: decimals
//! (item quantities and prices), the time of issue, the tax rate, the currency and the item row
//! number. Each validates on construction; what each keeps as uploaded and what it normalises
//! is written in docs/import.md.

use chrono::{NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::InvalidValue;

/// A decimal number as MIG writes item quantities, unit prices and amounts (`xsd:decimal`,
/// at most 20 significant digits of which 7 after the point, MIG 4.0 `ProductItem`).
///
/// The text is kept as uploaded (`25.0000` stays `25.0000`: the live service returns the
/// digits it was given); only forms JSON clients cannot read back as a number are normalised:
/// a leading `+` is dropped, `.5` becomes `0.5` and `5.` becomes `5`. Negative values are
/// allowed: discount lines carry a negative amount.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Decimal(String);

/// Significant digits a MIG decimal may have (`totalDigits`).
pub const DECIMAL_TOTAL_DIGITS: usize = 20;
/// Digits after the point a MIG decimal may have (`fractionDigits`).
pub const DECIMAL_FRACTION_DIGITS: usize = 7;

impl Decimal {
    /// Parses an `xsd:decimal` within MIG's digit limits.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let err = |why: &str| InvalidValue::new("decimal", format!("{why}, got {text:?}"));
        let (negative, body) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
            return Err(err("expected a decimal number such as 25 or -3.5"));
        }
        let significant_fraction = fraction.trim_end_matches('0');
        if significant_fraction.len() > DECIMAL_FRACTION_DIGITS {
            return Err(err("at most 7 digits after the point"));
        }
        if whole.trim_start_matches('0').len() + significant_fraction.len() > DECIMAL_TOTAL_DIGITS {
            return Err(err("at most 20 significant digits"));
        }
        let whole = if whole.is_empty() { "0" } else { whole };
        let mut kept = String::with_capacity(text.len() + 1);
        if negative {
            kept.push('-');
        }
        kept.push_str(whole);
        if !fraction.is_empty() {
            kept.push('.');
            kept.push_str(fraction);
        }
        Ok(Self(kept))
    }

    /// The text as kept.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the value is below zero (a discount line's amount).
    pub fn is_negative(&self) -> bool {
        self.0.starts_with('-') && !self.is_zero()
    }

    /// Whether the value is zero (`0`, `0.000`, `-0`).
    pub fn is_zero(&self) -> bool {
        self.0.bytes().all(|b| matches!(b, b'0' | b'.' | b'-'))
    }
}

crate::text::text_newtype!(Decimal);

/// The time an invoice was issued, Taipei wall-clock time to the second (`HH:mm:ss`).
///
/// MIG types `InvoiceTime` as `xsd:time`, which allows fractions of a second and a time-zone
/// offset: `09:15:00.000` and `09:15:00+08:00` are both valid. einv keeps what the v1 API
/// serves (`invoiceTime`, `HH:mm:ss`): fractions are dropped, an offset is converted to
/// Taipei time (UTC+8), see [`InvoiceTime::parse`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InvoiceTime(NaiveTime);

/// Taipei's offset from UTC, in seconds (UTC+8, no daylight saving).
const TAIPEI_OFFSET: i32 = 8 * 3600;

impl InvoiceTime {
    /// Parses `HH:mm:ss` exactly (the stored form).
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        match Self::parse_xsd(text)? {
            (time, 0) if text.len() == 8 => Ok(time),
            _ => Err(InvalidValue::new(
                "time",
                format!("expected HH:mm:ss, got {text:?}"),
            )),
        }
    }

    /// Parses an `xsd:time` (`HH:mm:ss`, optional fraction, optional `Z` or `±hh:mm`) into
    /// Taipei time, with the day it falls on relative to the time's own day (-1, 0 or +1):
    /// `01:15:00Z` is `09:15:00` the same day, `20:00:00Z` is `04:00:00` the next day.
    pub fn parse_xsd(text: &str) -> Result<(Self, i8), InvalidValue> {
        let err = || {
            InvalidValue::new(
                "time",
                format!("expected an xsd:time such as 09:15:00, 09:15:00.5 or 09:15:00+08:00, got {text:?}"),
            )
        };
        let (clock, offset) = split_offset(text).ok_or_else(err)?;
        let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
        if hms.len() != 8 || (clock.contains('.') && fraction.is_empty()) {
            return Err(err());
        }
        if !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let time = NaiveTime::parse_from_str(hms, "%H:%M:%S").map_err(|_| err())?;
        let seconds = i32::try_from(time.num_seconds_from_midnight()).map_err(|_| err())?;
        let local = seconds - offset.unwrap_or(TAIPEI_OFFSET) + TAIPEI_OFFSET;
        let day = i8::try_from(local.div_euclid(86_400)).map_err(|_| err())?;
        let secs = u32::try_from(local.rem_euclid(86_400)).map_err(|_| err())?;
        let time = NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).ok_or_else(err)?;
        Ok((Self(time), day))
    }

    /// The time.
    pub fn time(&self) -> NaiveTime {
        self.0
    }

    /// `HH:mm:ss`.
    pub fn as_str(&self) -> String {
        self.0.format("%H:%M:%S").to_string()
    }
}

/// Splits `09:15:00+08:00` into the clock part and the offset in seconds, if any.
fn split_offset(text: &str) -> Option<(&str, Option<i32>)> {
    if let Some(clock) = text.strip_suffix('Z') {
        return Some((clock, Some(0)));
    }
    let at = text.len().checked_sub(6)?;
    match text.as_bytes().get(at) {
        Some(sign @ (b'+' | b'-')) if text.len() > 6 => {
            let (clock, zone) = text.split_at(at);
            let zone = &zone[1..];
            let (h, m) = zone.split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
            if h > 14 || m > 59 {
                return None;
            }
            let seconds = h * 3600 + m * 60;
            Some((clock, Some(if *sign == b'-' { -seconds } else { seconds })))
        }
        _ => Some((text, None)),
    }
}

crate::text::text_newtype!(InvoiceTime);

/// A tax rate between 0 and 1 (`0.05` for the general business tax), normalised: `0.050`,
/// `.05` and `0.05` are the same rate and are all kept as `0.05` (a rate is a number, not text
/// a client reads back; normalising makes a re-import of the same rate unchanged).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxRate(String);

impl TaxRate {
    /// The general rate, 5%.
    pub fn general() -> Self {
        Self("0.05".into())
    }

    /// Parses a decimal rate from 0 to 1 inclusive.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let err = || {
            InvalidValue::new(
                "tax rate",
                format!("expected a rate from 0 to 1 such as 0.05, got {text:?}"),
            )
        };
        let decimal = Decimal::parse(text).map_err(|_| err())?;
        if decimal.is_negative() {
            return Err(err());
        }
        let body = decimal.as_str().trim_start_matches('-');
        let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
        let whole = whole.trim_start_matches('0');
        let fraction = fraction.trim_end_matches('0');
        let canonical = match (whole, fraction) {
            ("", "") => "0".to_owned(),
            ("", f) => format!("0.{f}"),
            ("1", "") => "1".to_owned(),
            _ => return Err(err()),
        };
        Ok(Self(canonical))
    }

    /// The normalised rate, e.g. `0.05`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::text_newtype!(TaxRate);

/// A currency: an ISO 4217 code such as `USD` (MIG `Amount/Currency`); no currency means NTD.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    /// Parses three upper-case letters.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        if text.len() != 3 || !text.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(InvalidValue::new(
                "currency",
                format!("expected an ISO 4217 code such as USD, got {text:?}"),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::text_newtype!(Currency);

/// An item's row number (MIG `SequenceNumber`, served as v1 `rowNum`): 1 to 4 characters,
/// kept exactly as uploaded (`0001` stays `0001`). MIG types it as a string, so it need not be
/// numeric.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RowNumber(String);

/// The longest row number (MIG 4.0 `SequenceNumber`: string, at most 4 characters).
pub const ROW_NUMBER_MAX: usize = 4;

impl RowNumber {
    /// Parses 1 to 4 characters, none of them a control character or a space at either end.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let n = text.chars().count();
        let ok = (1..=ROW_NUMBER_MAX).contains(&n)
            && !text.chars().any(char::is_control)
            && text.trim() == text;
        if !ok {
            return Err(InvalidValue::new(
                "row number",
                format!("expected 1 to 4 characters, got {text:?}"),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The row number a line without one gets: its position from 1, three digits (`001`), the
    /// form the v1 API has always served.
    pub fn of_position(position: usize) -> Self {
        Self(
            format!("{position:03}")
                .chars()
                .take(ROW_NUMBER_MAX)
                .collect(),
        )
    }

    /// The row number as uploaded.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::text_newtype!(RowNumber);

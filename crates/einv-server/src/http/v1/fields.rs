//! Reading and writing v1 field formats: dates `yyyy/MM/dd` in requests, `yyyyMMdd` in replies,
//! the `java.util.Date` object of carrierInvChk.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};
use einv_core::clock::taipei;
use einv_core::{
    Carrier, CarrierType, InvalidValue, InvoiceNumber, MobileBarcode, Period, VerificationCode,
};
use serde::{Serialize, Serializer};
use serde_json::{json, Value};

use super::error::{V1Error, V1Result};
use super::params::V1Params;

/// A request date `yyyy/MM/dd` from parameter `name`.
pub fn date(params: &V1Params, name: &str) -> V1Result<NaiveDate> {
    let text = params.require(name)?;
    NaiveDate::parse_from_str(text, "%Y/%m/%d").map_err(|_| {
        InvalidValue::new(name, format!("expected a date yyyy/MM/dd, got {text:?}")).into()
    })
}

/// An invoice number from parameter `name`.
pub fn invoice_number(params: &V1Params, name: &str) -> V1Result<InvoiceNumber> {
    Ok(InvoiceNumber::parse(params.require(name)?).map_err(|e| e.for_field(name))?)
}

/// A period `yyyMM` from parameter `name`; a malformed one is code 902.
pub fn period(params: &V1Params, name: &str) -> V1Result<Period> {
    Period::parse(params.require(name)?).map_err(|e| V1Error::BadPeriod(e.for_field(name)))
}

/// The carrier and its verification code, from the parameters named `names` (`cardType`,
/// `cardNo`, `cardEncrypt` on the JSON API). A mobile barcode is read with a raw `+` kept, and
/// a space read back as `+` (`docs/v1-compatibility.md`, Parameters).
pub fn carrier(
    params: &V1Params,
    [type_name, no_name, code_name]: [&str; 3],
) -> V1Result<(Carrier, VerificationCode)> {
    let kind =
        CarrierType::parse(params.require(type_name)?).map_err(|e| e.for_field(type_name))?;
    let code = VerificationCode::parse(params.get(code_name).unwrap_or_default())
        .map_err(|e| e.for_field(code_name))?;
    let card_no = params
        .get_plus_kept(no_name)
        .filter(|c| !c.is_empty())
        .unwrap_or(params.get(no_name).unwrap_or_default());
    let carrier = if kind.is_mobile_barcode() {
        let barcode =
            MobileBarcode::parse_form_decoded(card_no).map_err(|e| e.for_field(no_name))?;
        Carrier::parse(kind.as_str(), barcode.as_str())
    } else {
        Carrier::parse(kind.as_str(), card_no)
    };
    Ok((carrier.map_err(|e| e.for_field(no_name))?, code))
}

/// A reply date `yyyyMMdd`.
pub fn compact_date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// A reply date `yyyyMMdd`, written by serde straight into the reply (no `String` per date).
#[derive(Debug, Clone, Copy)]
pub struct CompactDate(pub NaiveDate);

impl Serialize for CompactDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format("%Y%m%d"))
    }
}

/// carrierInvChk's `invDate`: a serialised `java.util.Date` in Taipei time: `year` since 1900,
/// 0-based `month`, `date` of month, `day` of week (0 = Sunday), and epoch milliseconds. The
/// fields are declared in the byte order of their names, as every v1 object is written.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JavaDate {
    date: u32,
    day: u32,
    hours: u32,
    minutes: u32,
    month: u32,
    seconds: u32,
    time: i64,
    timezone_offset: i32,
    year: i32,
}

impl JavaDate {
    /// The `java.util.Date` of day `d` at time `t`, Taipei time.
    pub fn new(d: NaiveDate, t: NaiveTime) -> Self {
        let epoch_ms = d
            .and_time(t)
            .and_local_timezone(taipei())
            .single()
            .map(|dt| dt.with_timezone(&Utc).timestamp_millis())
            .unwrap_or_default();
        Self {
            date: d.day(),
            day: d.weekday().num_days_from_sunday(),
            hours: t.hour(),
            minutes: t.minute(),
            month: d.month0(),
            seconds: t.second(),
            time: epoch_ms,
            timezone_offset: -480,
            year: d.year() - 1900,
        }
    }
}

/// [`JavaDate`] as a JSON value, for replies still built as maps.
pub fn java_date(d: NaiveDate, t: NaiveTime) -> Value {
    json!(JavaDate::new(d, t))
}

/// An instant as `yyyy/MM/dd HH:mm:ss` Taipei time.
pub fn taipei_timestamp(at: DateTime<Utc>) -> String {
    at.with_timezone(&taipei())
        .format("%Y/%m/%d %H:%M:%S")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_date_matches_the_spec_shape() {
        let v = java_date(
            NaiveDate::from_ymd_opt(2012, 3, 4).unwrap(),
            NaiveTime::from_hms_opt(13, 5, 9).unwrap(),
        );
        assert_eq!(v["year"], 112);
        assert_eq!(v["month"], 2);
        assert_eq!(v["date"], 4);
        assert_eq!(v["day"], 0, "2012-03-04 was a Sunday");
        assert_eq!(v["hours"], 13);
        assert_eq!(v["time"], 1_330_837_509_000_i64);
        assert_eq!(v["timezoneOffset"], -480);
    }

    #[test]
    fn request_dates_name_the_field() {
        let p = V1Params::parse("invDate=2024-01-01", b"");
        match date(&p, "invDate") {
            Err(V1Error::Use(crate::error::ServiceError::Invalid(e))) => {
                assert_eq!(e.field, "invDate")
            }
            other => panic!("{other:?}"),
        }
    }
}

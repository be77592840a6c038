//! Invoice periods (期別): two calendar months, written `yyyMM` with the ROC year and the even
//! month (`11304` = March–April 2024).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::InvalidValue;

/// The offset between the Gregorian and the ROC (民國) year.
pub const ROC_OFFSET: i32 = 1911;

/// A bimonthly invoice period, e.g. `11304`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    /// Gregorian year.
    year: i32,
    /// The period's even month, 2..=12.
    even_month: u32,
}

impl Period {
    /// A period from a Gregorian year and its even month (2, 4, … 12).
    pub fn new(year: i32, even_month: u32) -> Result<Self, InvalidValue> {
        if !(1912..=9999).contains(&year) {
            return Err(InvalidValue::new(
                "period",
                format!("year {year} is out of range"),
            ));
        }
        if even_month == 0 || even_month > 12 || !even_month.is_multiple_of(2) {
            return Err(InvalidValue::new(
                "period",
                format!("the month must be even (02, 04 … 12), got {even_month:02}"),
            ));
        }
        Ok(Self { year, even_month })
    }

    /// Parses `yyyMM` (3-digit ROC year, even month), e.g. `11304`.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        if text.len() != 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidValue::new(
                "period",
                format!("expected yyyMM (ROC year + even month, e.g. 11304), got {text:?}"),
            ));
        }
        let roc: i32 = text[..3]
            .parse()
            .map_err(|_| InvalidValue::new("period", "bad year"))?;
        let month: u32 = text[3..]
            .parse()
            .map_err(|_| InvalidValue::new("period", "bad month"))?;
        if roc == 0 {
            return Err(InvalidValue::new("period", "ROC year 000 does not exist"));
        }
        Self::new(roc + ROC_OFFSET, month)
    }

    /// The period a date belongs to: 2013-05-23 → `10206`.
    pub fn of_date(date: NaiveDate) -> Self {
        let m = date.month();
        Self {
            year: date.year(),
            even_month: if m.is_multiple_of(2) { m } else { m + 1 },
        }
    }

    /// Gregorian year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// ROC year (民國), e.g. 113 for 2024.
    pub fn roc_year(&self) -> i32 {
        self.year - ROC_OFFSET
    }

    /// The even (second) month, 2..=12.
    pub fn even_month(&self) -> u32 {
        self.even_month
    }

    /// The first (odd) month, 1..=11.
    pub fn first_month(&self) -> u32 {
        self.even_month - 1
    }

    /// The first day of the period.
    pub fn first_day(&self) -> NaiveDate {
        ymd(self.year, self.first_month(), 1)
    }

    /// The last day of the period.
    pub fn last_day(&self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    /// Whether `date` falls in this period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        Self::of_date(date) == *self
    }

    /// The period after this one.
    #[must_use]
    pub fn next(&self) -> Self {
        if self.even_month == 12 {
            Self {
                year: self.year + 1,
                even_month: 2,
            }
        } else {
            Self {
                year: self.year,
                even_month: self.even_month + 2,
            }
        }
    }

    /// The period before this one.
    #[must_use]
    pub fn previous(&self) -> Self {
        if self.even_month == 2 {
            Self {
                year: self.year - 1,
                even_month: 12,
            }
        } else {
            Self {
                year: self.year,
                even_month: self.even_month - 2,
            }
        }
    }

    /// The draw date: the 25th of the odd month after the period (11304 → 2024-05-25).
    pub fn draw_date(&self) -> NaiveDate {
        self.next()
            .first_day()
            .with_day(25)
            .unwrap_or(NaiveDate::MAX)
    }

    /// The display form `113年03-04月`.
    pub fn display_zh(&self) -> String {
        format!(
            "{}年{:02}-{:02}月",
            self.roc_year(),
            self.first_month(),
            self.even_month
        )
    }

    /// The `yyyMM` code, e.g. `11304`.
    pub fn code(&self) -> String {
        format!("{:03}{:02}", self.roc_year(), self.even_month)
    }
}

/// A calendar date from parts known to be valid.
pub(crate) fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

crate::text::text_newtype!(Period, code);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_displays() {
        let p = Period::parse("11304").unwrap();
        assert_eq!(p.year(), 2024);
        assert_eq!(p.display_zh(), "113年03-04月");
        assert_eq!(p.first_day(), ymd(2024, 3, 1));
        assert_eq!(p.last_day(), ymd(2024, 4, 30));
        assert_eq!(p.draw_date(), ymd(2024, 5, 25));
    }

    #[test]
    fn period_of_a_date() {
        assert_eq!(Period::of_date(ymd(2013, 5, 23)).code(), "10206");
        assert_eq!(Period::of_date(ymd(2024, 4, 30)).code(), "11304");
        assert_eq!(Period::of_date(ymd(2024, 12, 1)).code(), "11312");
    }

    #[test]
    fn next_and_previous_cross_years() {
        let p = Period::parse("11312").unwrap();
        assert_eq!(p.next().code(), "11402");
        assert_eq!(p.next().previous(), p);
        assert_eq!(p.draw_date(), ymd(2025, 1, 25));
    }

    #[test]
    fn rejects_odd_months_and_bad_shapes() {
        for bad in [
            "11303", "11300", "11314", "1130", "abcde", " 11304", "00002",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn roundtrip(roc in 1i32..=999, half in 1u32..=6) {
            let p = Period::new(roc + ROC_OFFSET, half * 2).unwrap();
            prop_assert_eq!(Period::parse(&p.code()).unwrap(), p);
            prop_assert_eq!(p.next().previous(), p);
            prop_assert!(p.contains(p.first_day()) && p.contains(p.last_day()));
        }
    }
}

//! Licence terms (R4.7a) and the renewal window (R4.7b), in Taipei days.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::{end_of_taipei_day, sub_calendar_months, taipei_midnight, term_last_day};
use crate::InvalidValue;

/// The longest term a licence may have, in calendar years (R4.7a).
pub const MAX_TERM_YEARS: u32 = 3;
/// The renewal window opens this many calendar months before the term ends (R4.7b).
pub const RENEWAL_OPENS_MONTHS: u32 = 6;
/// The renewal window closes this many calendar months before the term ends (R4.7b).
pub const RENEWAL_CLOSES_MONTHS: u32 = 2;

/// A licence term: a first and a last Taipei day, at most three calendar years (R4.7a).
/// The term is over at the first instant after its last day (R4.7c).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawTerm", into = "RawTerm")]
pub struct LicenceTerm {
    start: NaiveDate,
    last_day: NaiveDate,
}

#[derive(Serialize, Deserialize)]
struct RawTerm {
    start: NaiveDate,
    last_day: NaiveDate,
}

impl TryFrom<RawTerm> for LicenceTerm {
    type Error = InvalidValue;
    fn try_from(raw: RawTerm) -> Result<Self, Self::Error> {
        Self::new(raw.start, raw.last_day)
    }
}

impl From<LicenceTerm> for RawTerm {
    fn from(t: LicenceTerm) -> Self {
        Self {
            start: t.start,
            last_day: t.last_day,
        }
    }
}

impl LicenceTerm {
    /// A term from `start` to `last_day` inclusive. Refused when it ends before it starts or
    /// runs past three calendar years (R4.7a).
    pub fn new(start: NaiveDate, last_day: NaiveDate) -> Result<Self, InvalidValue> {
        if last_day < start {
            return Err(InvalidValue::new(
                "term",
                format!("last day {last_day} is before the start {start}"),
            ));
        }
        let longest = term_last_day(start, MAX_TERM_YEARS);
        if last_day > longest {
            return Err(InvalidValue::new(
                "term",
                format!("R4.7a: a term starting {start} may last until {longest} at most, not {last_day}"),
            ));
        }
        Ok(Self { start, last_day })
    }

    /// The full three-year term starting on `start` (R4.7a).
    pub fn full(start: NaiveDate) -> Self {
        Self {
            start,
            last_day: term_last_day(start, MAX_TERM_YEARS),
        }
    }

    /// The first day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The last day (inclusive).
    pub fn last_day(&self) -> NaiveDate {
        self.last_day
    }

    /// The instant the term begins (00:00 Taipei of its first day).
    pub fn begins_at(&self) -> DateTime<Utc> {
        taipei_midnight(self.start)
    }

    /// The first instant after the term: from then on the API stops (R4.7c).
    pub fn ends_at(&self) -> DateTime<Utc> {
        end_of_taipei_day(self.last_day)
    }

    /// Whether `now` lies inside the term.
    pub fn covers(&self, now: DateTime<Utc>) -> bool {
        self.begins_at() <= now && now < self.ends_at()
    }

    /// The renewal window (R4.7b): from six to two calendar months before the end, both
    /// instants included.
    pub fn renewal_window(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let end_day = self.last_day.succ_opt().unwrap_or(self.last_day);
        (
            taipei_midnight(sub_calendar_months(end_day, RENEWAL_OPENS_MONTHS)),
            taipei_midnight(sub_calendar_months(end_day, RENEWAL_CLOSES_MONTHS)),
        )
    }

    /// Whether a renewal may be filed at `now` (R4.7b).
    pub fn in_renewal_window(&self, now: DateTime<Utc>) -> bool {
        let (opens, closes) = self.renewal_window();
        opens <= now && now <= closes
    }

    /// The term an approved renewal grants: three years from the day after this one ends
    /// (R4.7b), so the two are contiguous.
    pub fn successor(&self) -> Self {
        Self::full(self.last_day.succ_opt().unwrap_or(self.last_day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::taipei;
    use crate::period::ymd;
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    #[test]
    fn r4_7a_three_years_at_most() {
        let t = LicenceTerm::full(ymd(2026, 1, 1));
        assert_eq!(t.last_day(), ymd(2028, 12, 31));
        assert!(
            LicenceTerm::new(ymd(2026, 1, 1), ymd(2029, 1, 1)).is_err(),
            "R4.7a"
        );
        assert!(LicenceTerm::new(ymd(2026, 1, 2), ymd(2026, 1, 1)).is_err());
    }

    #[test]
    fn r4_7c_ends_at_the_first_instant_after_the_last_day() {
        let t = LicenceTerm::full(ymd(2026, 1, 1));
        let end = taipei()
            .with_ymd_and_hms(2029, 1, 1, 0, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(t.ends_at(), end);
        assert!(t.covers(end - Duration::seconds(1)));
        assert!(!t.covers(end));
    }

    #[test]
    fn r4_7b_window_six_to_two_months() {
        let t = LicenceTerm::full(ymd(2026, 1, 1));
        let at = |y, m, d| {
            taipei()
                .with_ymd_and_hms(y, m, d, 0, 0, 0)
                .unwrap()
                .with_timezone(&Utc)
        };
        assert!(
            !t.in_renewal_window(at(2028, 6, 30)),
            "6 months + 1 day before the end"
        );
        assert!(t.in_renewal_window(at(2028, 7, 1)));
        assert!(t.in_renewal_window(at(2028, 11, 1)));
        assert!(!t.in_renewal_window(at(2028, 11, 1) + Duration::seconds(1)));
        assert_eq!(t.successor().start(), ymd(2029, 1, 1));
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (2000i32..2100, 1u32..=12, 1u32..=31)
            .prop_filter_map("real dates", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
    }

    proptest! {
        #[test]
        fn full_terms_are_at_most_three_years_and_renewals_contiguous(start in any_date()) {
            let t = LicenceTerm::full(start);
            prop_assert!(LicenceTerm::new(t.start(), t.last_day()).is_ok());
            prop_assert!(t.last_day() < start.checked_add_months(chrono::Months::new(36)).unwrap());
            let next = t.successor();
            prop_assert_eq!(next.begins_at(), t.ends_at());
            let (opens, closes) = t.renewal_window();
            prop_assert!(opens < closes && closes < t.ends_at());
        }

        #[test]
        fn constructed_terms_never_exceed_three_years(start in any_date(), days in 0i64..2000) {
            let last = start + Duration::days(days);
            let made = LicenceTerm::new(start, last);
            prop_assert_eq!(made.is_ok(), last <= crate::clock::term_last_day(start, 3));
        }
    }
}

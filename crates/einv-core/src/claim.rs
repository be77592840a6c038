//! Prize claim periods (領獎期間) and the holiday calendar their deadline depends on
//! (`docs/domain.md` §3 "Claim period").
//!
//! A period's prizes are claimed from the 6th of the month after the draw, for three months,
//! ending on the 5th; a last day that is not a working day moves to the next working day. Which
//! days are holidays is data ([`HolidayCalendar`]), loaded from a text file the operator keeps up
//! to date; only weekends are built into the code.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};

use crate::clock::is_weekend;
use crate::Period;

/// The holiday list shipped with einv: fixed-date national holidays only (see the file's header).
const BUILTIN_HOLIDAYS: &str = include_str!("../data/holidays.txt");

/// The days on which offices are closed: every Saturday and Sunday, plus a list of holidays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayCalendar {
    /// Holiday → its name (empty when the file gave none).
    holidays: BTreeMap<NaiveDate, String>,
}

/// A line of a holiday file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("holiday calendar, line {line}: {problem}")]
pub struct CalendarError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong with the line.
    pub problem: String,
}

impl HolidayCalendar {
    /// A calendar with weekends only and no holidays.
    pub fn new() -> Self {
        Self::default()
    }

    /// The small default list embedded in einv (`data/holidays.txt`): Taiwan's fixed-date
    /// national holidays 2009–2027. Operators should load the official list with
    /// [`Self::parse`] and [`Self::merge`]; this one lacks the lunar holidays and make-up days.
    pub fn builtin() -> Self {
        // The embedded file is checked by a test, so the fallback is never taken.
        Self::parse(BUILTIN_HOLIDAYS).unwrap_or_default()
    }

    /// Reads a holiday file: one `YYYY-MM-DD` per line, optionally followed by whitespace and
    /// the holiday's name; blank lines and lines starting with `#` are ignored. A date listed
    /// twice is an error, since two names for one day usually means a mistyped date.
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        let mut calendar = Self::new();
        let mut first_line_of: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        // A file saved by a Windows editor may start with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let content = raw.trim();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let (date_text, name) = content
                .split_once(char::is_whitespace)
                .map_or((content, ""), |(d, n)| (d, n.trim()));
            let date = parse_iso_date(date_text).ok_or_else(|| CalendarError {
                line,
                problem: format!("expected a date as YYYY-MM-DD, got {date_text:?}"),
            })?;
            if let Some(first) = first_line_of.insert(date, line) {
                return Err(CalendarError {
                    line,
                    problem: format!("{date} is already listed on line {first}"),
                });
            }
            calendar.holidays.insert(date, name.to_owned());
        }
        Ok(calendar)
    }

    /// Adds one holiday (replacing the name if the date was already a holiday).
    pub fn insert(&mut self, date: NaiveDate, name: impl Into<String>) {
        self.holidays.insert(date, name.into());
    }

    /// Removes a holiday, e.g. a day the official list turned back into a working day.
    pub fn remove(&mut self, date: NaiveDate) -> bool {
        self.holidays.remove(&date).is_some()
    }

    /// Adds every holiday of `other`; where both name a date, `other`'s name wins.
    pub fn merge(&mut self, other: &HolidayCalendar) {
        for (date, name) in &other.holidays {
            self.holidays.insert(*date, name.clone());
        }
    }

    /// Whether `date` is on the holiday list (weekends aside).
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains_key(&date)
    }

    /// The name of the holiday on `date`, if it is one.
    pub fn holiday_name(&self, date: NaiveDate) -> Option<&str> {
        self.holidays.get(&date).map(String::as_str)
    }

    /// Whether offices are open on `date`: neither a weekend nor a listed holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !is_weekend(date) && !self.is_holiday(date)
    }

    /// `date` itself if it is a working day, else the first working day after it.
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        // Terminates: the list is finite, so a weekday past its last holiday is a working day.
        while !self.is_working_day(day) {
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        day
    }

    /// The holidays in date order, with their names.
    pub fn iter(&self) -> impl Iterator<Item = (NaiveDate, &str)> + '_ {
        self.holidays.iter().map(|(d, n)| (*d, n.as_str()))
    }

    /// How many holidays are listed.
    pub fn len(&self) -> usize {
        self.holidays.len()
    }

    /// Whether no holidays are listed (weekends still count).
    pub fn is_empty(&self) -> bool {
        self.holidays.is_empty()
    }
}

/// `YYYY-MM-DD` exactly: chrono alone would also take `2025-1-1`, which a holiday file never
/// means to contain.
fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// The days on which a period's prizes can be claimed, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimWindow {
    /// The first claim day: the 6th of the month after the draw.
    pub first_day: NaiveDate,
    /// The last claim day: the 5th, three months on, moved to the next working day if needed.
    pub last_day: NaiveDate,
}

impl ClaimWindow {
    /// Whether a prize can be claimed on `date`.
    pub fn contains(&self, date: NaiveDate) -> bool {
        (self.first_day..=self.last_day).contains(&date)
    }
}

/// The claim window of `period`'s prizes: from the 6th of the month after the draw month to the
/// 5th three months later (Jan–Feb invoices: 04-06 to 07-05), the last day moved to the next
/// working day of `calendar` when it falls on a weekend or holiday.
pub fn claim_window(period: Period, calendar: &HolidayCalendar) -> ClaimWindow {
    let draw = period.draw_date();
    let month_after_draw = draw
        .checked_add_months(Months::new(1))
        .unwrap_or(NaiveDate::MAX);
    let first_day = month_after_draw.with_day(6).unwrap_or(month_after_draw);
    let nominal_last = first_day
        .checked_add_months(Months::new(3))
        .and_then(|d| d.with_day(5))
        .unwrap_or(NaiveDate::MAX);
    ClaimWindow {
        first_day,
        last_day: calendar.next_working_day(nominal_last),
    }
}

/// The last day a prize of `period` can be claimed, after weekend and holiday shifts.
///
/// R6.2: temporarily stored e-invoice data may not be kept past this day, so the client kit's
/// cache expires each invoice at the end of it and API responses carry it.
pub fn claim_deadline(period: Period, calendar: &HolidayCalendar) -> NaiveDate {
    claim_window(period, calendar).last_day
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::period::ymd;

    fn period(code: &str) -> Period {
        Period::parse(code).unwrap()
    }

    #[test]
    fn the_reference_table() {
        // (period month, first day (month, day), last day (month, day), last day's year offset)
        let rows = [
            (2, (4, 6), (7, 5), 0),
            (4, (6, 6), (9, 5), 0),
            (6, (8, 6), (11, 5), 0),
            (8, (10, 6), (1, 5), 1),
            (10, (12, 6), (3, 5), 1),
            (12, (2, 6), (5, 5), 1),
        ];
        let calendar = HolidayCalendar::new();
        for year in 2010..2030 {
            for (month, (fm, fd), (lm, ld), later) in rows {
                let p = Period::new(year, month).unwrap();
                let w = claim_window(p, &calendar);
                let first_year = if month == 12 { year + 1 } else { year };
                assert_eq!(w.first_day, ymd(first_year, fm, fd), "{p}");
                let nominal = ymd(year + later, lm, ld);
                // Weekends only: Saturday moves two days, Sunday one.
                let shift = match nominal.weekday().number_from_monday() {
                    6 => 2,
                    7 => 1,
                    _ => 0,
                };
                assert_eq!(w.last_day, nominal + chrono::Days::new(shift), "{p}");
            }
        }
    }

    #[test]
    fn observed_weekend_shifts() {
        let calendar = HolidayCalendar::new();
        // Jul–Aug 2024: 2025-01-05 is a Sunday.
        assert_eq!(claim_deadline(period("11308"), &calendar), ymd(2025, 1, 6));
        // Mar–Apr 2009: 2009-09-05 is a Saturday.
        assert_eq!(claim_deadline(period("09804"), &calendar), ymd(2009, 9, 7));
        // Jul–Aug 2018: 2019-01-05 is a Saturday.
        assert_eq!(claim_deadline(period("10708"), &calendar), ymd(2019, 1, 7));
        // Nov–Dec 2024: 2025-05-05 is a Monday, no shift.
        assert_eq!(claim_deadline(period("11312"), &calendar), ymd(2025, 5, 5));
        let w = claim_window(period("11308"), &calendar);
        assert_eq!(w.first_day, ymd(2024, 10, 6));
        assert!(w.contains(ymd(2025, 1, 6)) && !w.contains(ymd(2025, 1, 7)));
        assert!(!w.contains(ymd(2024, 10, 5)));
    }

    #[test]
    fn a_loaded_holiday_moves_the_deadline() {
        let text = "# test list\n2025-01-06 made-up holiday\n\n2025-01-07\n";
        let calendar = HolidayCalendar::parse(text).unwrap();
        assert_eq!(calendar.len(), 2);
        assert_eq!(
            calendar.holiday_name(ymd(2025, 1, 6)),
            Some("made-up holiday")
        );
        assert_eq!(calendar.holiday_name(ymd(2025, 1, 7)), Some(""));
        // Sunday the 5th → Monday (holiday) → Tuesday (holiday) → Wednesday.
        assert_eq!(claim_deadline(period("11308"), &calendar), ymd(2025, 1, 8));
        // A weekday 5th that is a holiday moves too: 2025-05-05 is a Monday.
        let mut calendar = HolidayCalendar::new();
        calendar.insert(ymd(2025, 5, 5), "test");
        assert_eq!(claim_deadline(period("11312"), &calendar), ymd(2025, 5, 6));
        assert!(calendar.remove(ymd(2025, 5, 5)));
        assert_eq!(claim_deadline(period("11312"), &calendar), ymd(2025, 5, 5));
    }

    #[test]
    fn builtin_list_parses_and_merges() {
        let builtin = HolidayCalendar::parse(BUILTIN_HOLIDAYS).unwrap();
        assert_eq!(HolidayCalendar::builtin(), builtin);
        assert!(builtin.is_holiday(ymd(2009, 10, 10)));
        assert!(builtin.is_holiday(ymd(2027, 2, 28)));
        assert!(builtin.is_holiday(ymd(2025, 5, 1)));
        assert!(
            !builtin.is_holiday(ymd(2024, 5, 1)),
            "Labour Day is a day off from 2025"
        );
        assert!(!builtin.is_working_day(ymd(2024, 1, 1)));
        assert!(builtin.is_working_day(ymd(2024, 1, 2)));
        let mut merged = builtin.clone();
        merged.merge(&HolidayCalendar::parse("2024-02-09 除夕").unwrap());
        assert_eq!(merged.len(), builtin.len() + 1);
        assert!(!merged.is_working_day(ymd(2024, 2, 9)));
    }

    #[test]
    fn file_errors_name_the_line() {
        let cases = [
            ("2025-01-01\n2025-13-01 bad month", 2),
            ("# c\n\n2025/01/01", 3),
            ("2025-1-1", 1),
            ("holiday 2025-01-01", 1),
            ("2025-01-01 a\n2025-01-02\n2025-01-01 again", 3),
        ];
        for (text, line) in cases {
            let e = HolidayCalendar::parse(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}");
            assert!(e
                .to_string()
                .starts_with(&format!("holiday calendar, line {line}: ")));
        }
        assert!(HolidayCalendar::parse("\u{feff}2025-01-01\r\n  \t# indented comment\r\n").is_ok());
    }
}

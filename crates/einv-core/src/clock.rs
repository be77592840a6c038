//! Time: an injected clock, and the Asia/Taipei calendar arithmetic the rules speak in.
//!
//! Every rule about time reads `Clock::now()`, never the system clock directly, so tests move
//! time instead of sleeping. Instants are UTC; the rules' days are Taipei days.

use std::sync::{Arc, Mutex};

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, Months, NaiveDate, NaiveTime, TimeZone, Utc,
};

/// Asia/Taipei: UTC+8 all year, no daylight saving.
pub fn taipei() -> FixedOffset {
    const TAIPEI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
        Some(offset) => offset,
        None => panic!("UTC+8 is a valid offset"),
    };
    TAIPEI
}

/// Unix seconds `at` as Taipei wall time in chrono's `format`, or the number itself when it is
/// no instant chrono can show (an audit entry's time is shown as stored, even when edited).
pub fn taipei_text(at: i64, format: &str) -> String {
    DateTime::from_timestamp(at, 0)
        .map(|t| t.with_timezone(&taipei()).format(format).to_string())
        .unwrap_or_else(|| at.to_string())
}

/// The Taipei calendar date of an instant.
pub fn taipei_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&taipei()).date_naive()
}

/// The instant a Taipei calendar day starts (00:00 UTC+8).
pub fn taipei_midnight(date: NaiveDate) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::MIN);
    taipei()
        .from_local_datetime(&local)
        .single()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `months` calendar months after `at`, in Taipei time, keeping the time of day; a day that
/// does not exist rolls back to the month's last day (2026-08-31 + 6 months → 2027-02-28).
/// R5.6 ("half a year") uses this with 6.
pub fn add_calendar_months(at: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    let local = at.with_timezone(&taipei());
    local
        .checked_add_months(Months::new(months))
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `months` calendar months before `date`, clamped to the month's last day.
pub fn sub_calendar_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// R4.7a: a term starting on Taipei day `start` runs for `years` calendar years and ends at the
/// end of the day before the same date `years` on. Returns that last day (inclusive).
pub fn term_last_day(start: NaiveDate, years: u32) -> NaiveDate {
    let same_date = start
        .checked_add_months(Months::new(12 * years))
        .unwrap_or(NaiveDate::MAX);
    same_date.pred_opt().unwrap_or(same_date)
}

/// The first instant after Taipei day `last_day` ends: when a term that ends that day is over.
pub fn end_of_taipei_day(last_day: NaiveDate) -> DateTime<Utc> {
    taipei_midnight(last_day.succ_opt().unwrap_or(last_day))
}

/// Whether a date is Saturday or Sunday.
pub fn is_weekend(date: NaiveDate) -> bool {
    date.weekday().number_from_monday() >= 6
}

/// Where the current time comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock, for production.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved: for tests and for a sandbox's time travel.
#[derive(Debug, Clone)]
pub struct FixedClock(Arc<Mutex<DateTime<Utc>>>);

impl FixedClock {
    /// A clock showing `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(at)))
    }

    /// Sets the time.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut now) = self.0.lock() {
            *now = at;
        }
    }

    /// Moves the time forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
            .lock()
            .map(|n| *n)
            .unwrap_or_else(|p| *p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::ymd;

    fn taipei_at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        taipei()
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn six_calendar_months_with_month_end_clamping() {
        assert_eq!(
            add_calendar_months(taipei_at(2026, 1, 31, 10), 6),
            taipei_at(2026, 7, 31, 10)
        );
        assert_eq!(
            add_calendar_months(taipei_at(2026, 8, 31, 10), 6),
            taipei_at(2027, 2, 28, 10)
        );
        // 23:30 Taipei on Aug 31 is still Aug 31 in Taipei though Aug 31 15:30 UTC.
        assert_eq!(
            add_calendar_months(taipei_at(2026, 8, 31, 23), 6),
            taipei_at(2027, 2, 28, 23)
        );
    }

    #[test]
    fn three_year_term_ends_the_day_before() {
        assert_eq!(term_last_day(ymd(2026, 1, 1), 3), ymd(2028, 12, 31));
        assert_eq!(term_last_day(ymd(2024, 2, 29), 3), ymd(2027, 2, 27));
        assert_eq!(
            end_of_taipei_day(ymd(2028, 12, 31)),
            taipei_at(2029, 1, 1, 0)
        );
    }

    #[test]
    fn taipei_dates() {
        let utc = Utc.with_ymd_and_hms(2026, 3, 31, 16, 30, 0).unwrap();
        assert_eq!(taipei_date(utc), ymd(2026, 4, 1));
        assert_eq!(
            taipei_midnight(ymd(2026, 4, 1)),
            Utc.with_ymd_and_hms(2026, 3, 31, 16, 0, 0).unwrap()
        );
        assert!(is_weekend(ymd(2025, 1, 5)));
        assert!(!is_weekend(ymd(2025, 1, 6)));
    }

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let c = FixedClock::new(taipei_at(2026, 1, 1, 0));
        c.advance(Duration::seconds(1));
        assert_eq!(c.now(), taipei_at(2026, 1, 1, 0) + Duration::seconds(1));
    }
}

//! The `Date` header of every answer, from the Platform's injected clock rather than the
//! machine's (RFC 9110 §6.6.1). Clients measure their clock skew against it (the client kit
//! refuses to sign when the skew is too large), and v2 checks a signature's `created` against
//! the same clock, so the two must agree; it also makes the skew check testable by moving the
//! clock. hyper adds its own `Date` only when the answer has none.

use axum::http::{header, HeaderMap, HeaderValue};
use chrono::{DateTime, Utc};

/// Stamps `Date` (IMF-fixdate) for `now`, the Platform's clock. Called by the one middleware
/// that sets every answer's headers (`web::security::answer_headers`).
pub fn stamp(headers: &mut HeaderMap, now: DateTime<Utc>) {
    if let Some(value) = date_value(now) {
        headers.insert(header::DATE, value);
    }
}

thread_local! {
    /// The last `Date` value this thread made, with its second: formatting a date costs more
    /// than the rest of a cached v1 call's headers, and a busy server answers many calls in
    /// the same second. Keyed by the clock's second, so a moved (injected) clock is followed.
    static LAST: std::cell::RefCell<Option<(i64, HeaderValue)>> = const { std::cell::RefCell::new(None) };
}

/// The `Date` value for `at`, formatted once per second and thread.
fn date_value(at: DateTime<Utc>) -> Option<HeaderValue> {
    let second = at.timestamp();
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((kept, value)) = last.as_ref() {
            if *kept == second {
                return Some(value.clone());
            }
        }
        let value = HeaderValue::from_str(&imf_fixdate(at)).ok()?;
        *last = Some((second, value.clone()));
        Some(value)
    })
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
fn imf_fixdate(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    #[test]
    fn the_kept_date_follows_the_clock() {
        let first = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).single();
        let next = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 1).single();
        let (Some(first), Some(next)) = (first, next) else {
            panic!("valid dates");
        };
        let shown = |at| super::date_value(at).and_then(|v| v.to_str().ok().map(str::to_owned));
        assert_eq!(
            shown(first).as_deref(),
            Some("Tue, 01 Dec 2026 10:00:00 GMT")
        );
        assert_eq!(
            shown(next).as_deref(),
            Some("Tue, 01 Dec 2026 10:00:01 GMT")
        );
        // Back to an earlier second (a test clock moved back): formatted again, not kept.
        assert_eq!(
            shown(first).as_deref(),
            Some("Tue, 01 Dec 2026 10:00:00 GMT")
        );
    }

    #[test]
    fn date_is_an_imf_fixdate() {
        let t = Utc.with_ymd_and_hms(1994, 11, 6, 8, 49, 37).single();
        // RFC 9110 §5.6.7's example.
        assert_eq!(
            t.map(super::imf_fixdate).as_deref(),
            Some("Sun, 06 Nov 1994 08:49:37 GMT")
        );
    }
}

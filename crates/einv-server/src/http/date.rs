//! The `Date` header of every answer, from the Platform's injected clock rather than the
//! machine's (RFC 9110 §6.6.1). Clients measure their clock skew against it (the client kit
//! refuses to sign when the skew is too large), and v2 checks a signature's `created` against
//! the same clock, so the two must agree; it also makes the skew check testable by moving the
//! clock. hyper adds its own `Date` only when the answer has none.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::AppState;

/// Stamps `Date` (IMF-fixdate) from `state.platform.clock`.
pub async fn stamp(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&imf_fixdate(state.platform.clock.now())) {
        res.headers_mut().insert(header::DATE, value);
    }
    res
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
fn imf_fixdate(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

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

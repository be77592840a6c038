//! Session cookies: the one place their attributes are written, for setting and for clearing
//! alike (a browser only replaces a cookie set with the same name, path and attributes, and a
//! clearing cookie without `Secure` would be the one sent in clear over HTTP), and reading
//! them back from a request.

use axum::http::header::{self, HeaderValue, InvalidHeaderValue};
use axum::http::HeaderMap;

use super::AppState;

impl AppState {
    /// The `Set-Cookie` value carrying session `token` as cookie `name`, sent on `path` for
    /// `lifetime`: HttpOnly (no script reads it), SameSite=Lax, Secure over HTTPS. The web
    /// portal's and the blank pages' sessions share it.
    pub fn session_cookie(
        &self,
        name: &str,
        path: &str,
        token: &str,
        lifetime: chrono::Duration,
    ) -> Result<HeaderValue, InvalidHeaderValue> {
        session_cookie(
            name,
            path,
            token,
            lifetime.num_seconds(),
            self.secure_cookies,
        )
    }

    /// The `Set-Cookie` value that clears session cookie `name` on `path`: the attributes
    /// [`Self::session_cookie`] set it with, no value, `Max-Age=0`.
    pub fn cleared_cookie(
        &self,
        name: &str,
        path: &str,
    ) -> Result<HeaderValue, InvalidHeaderValue> {
        session_cookie(name, path, "", 0, self.secure_cookies)
    }
}

fn session_cookie(
    name: &str,
    path: &str,
    token: &str,
    max_age_secs: i64,
    secure: bool,
) -> Result<HeaderValue, InvalidHeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={token}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    ))
}

/// The value of cookie `name` the request sent, in any of its `Cookie` headers (HTTP/2 may
/// send each cookie in a header of its own, RFC 9113 §8.2.3).
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(name)?.strip_prefix('='))
}

#[cfg(test)]
mod tests {
    use super::session_cookie;
    use crate::testing::cookie_attributes as attributes;

    #[test]
    fn clearing_a_cookie_repeats_the_attributes_it_was_set_with() {
        for secure in [true, false] {
            let set =
                session_cookie("einv_blank", "/PB2CAPIVAN/APIService", "t0k", 900, secure).unwrap();
            let cleared =
                session_cookie("einv_blank", "/PB2CAPIVAN/APIService", "", 0, secure).unwrap();
            let (set, cleared) = (set.to_str().unwrap(), cleared.to_str().unwrap());
            assert_eq!(attributes(set), attributes(cleared), "{set} / {cleared}");
            assert!(cleared.starts_with("einv_blank=; "), "{cleared}");
            assert!(cleared.contains("; Max-Age=0"), "{cleared}");
            assert_eq!(attributes(cleared).contains(&"Secure".to_owned()), secure);
            assert!(attributes(cleared).contains(&"HttpOnly".to_owned()));
            assert!(attributes(cleared).contains(&"Path=/PB2CAPIVAN/APIService".to_owned()));
        }
    }
}

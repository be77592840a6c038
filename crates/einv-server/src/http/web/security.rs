//! Response headers for every answer (issue #9, hole 8), the page context the shell reads,
//! the "not found" answer of each surface, and `safe_next` (no open redirect).

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::layout::{page, PageContext};
use super::PUBLIC_NAV;
use crate::http::AppState;

/// The Content-Security-Policy of every HTML answer: nothing inline runs or styles (no inline
/// `style` attribute or element: the pages use the stylesheet's classes), styles and scripts
/// come from this origin only, no page can be framed (clickjacking), and `<base>` cannot move
/// relative links. `form-action` is left out on purpose: the consent form's redirect to the
/// app's registered `redirect_uri` is another origin, and browsers apply it to redirects.
static CSP: HeaderValue = HeaderValue::from_static(
    "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
);

/// Paths whose pages show nothing personal or secret, so a shared cache may keep them.
fn is_public_path(path: &str) -> bool {
    const PUBLIC: [&str; 7] = [
        "/",
        "/announcements",
        "/limits",
        "/terms",
        "/privacy",
        "/apps",
        "/assets",
    ];
    // No allocation: this runs on every request, the v1 hot path included.
    PUBLIC.iter().any(|p| {
        path == *p
            || (*p != "/"
                && path
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.starts_with('/')))
    })
}

/// Whether answers under `path` may be pages: everything but the JSON APIs and the probes
/// (the v1 blank pages under `/PB2CAPIVAN/APIService/` are pages).
fn renders_pages(path: &str) -> bool {
    let api = path.starts_with("/api/")
        || (path.starts_with("/PB2CAPIVAN/") && !path.starts_with("/PB2CAPIVAN/APIService/"))
        || matches!(path, "/healthz" | "/readyz" | "/metrics");
    !api
}

/// Wraps every request: runs it with its [`PageContext`], then adds the headers of every
/// answer. `Date` from the Platform's clock (`http/date.rs`); `nosniff` and `Referrer-Policy`
/// on every answer; the CSP and `X-Frame-Options` on HTML; `Cache-Control: no-store` on every
/// answer outside the public pages that did not set its own (sign-in, the User's data, keys,
/// the blank pages, the APIs). One middleware rather than one per header family: each
/// `from_fn` layer boxes and moves the request's future, which showed in the v1 hot path.
pub async fn answer_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let public = is_public_path(path);
    // The API hot paths render no page: they skip building the page context (a parse of the
    // query and a few allocations per call) and only get the headers.
    let mut response = if renders_pages(path) {
        let (parts, body) = request.into_parts();
        let context = PageContext::of(&parts);
        context
            .scope(next.run(Request::from_parts(parts, body)))
            .await
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    crate::http::date::stamp(headers, state.platform.clock.now());
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if html {
        headers.insert(header::CONTENT_SECURITY_POLICY, CSP.clone());
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if !public && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// What a path that nothing serves answers: each API in its own shape (v2 problem+json; v1,
/// OAuth and the operations endpoints an empty 404 as before), a page for everyone else.
pub async fn not_found(request: Request) -> Response {
    let path = request.uri().path();
    if path.starts_with("/api/") {
        let problem = crate::http::v2::problem::Problem::new(
            crate::http::v2::problem::Kind::NotFound,
            format!("no such endpoint: {path}"),
        );
        return problem.into_response();
    }
    if path.starts_with("/PB2CAPIVAN/") || path.starts_with("/oauth/") {
        return StatusCode::NOT_FOUND.into_response();
    }
    let lang = PageContext::current()
        .map(|c| c.lang)
        .unwrap_or_else(|| super::Lang::from_parts(&request.into_parts().0));
    let body = page(
        lang,
        ("找不到這個頁面", "Page not found"),
        PUBLIC_NAV,
        html! {
            p { (lang.t("網址可能有誤，或頁面已移除。", "If you typed the web address, check it is correct. The page may have moved.")) }
            ul {
                li { a href="/" { (lang.t("回到首頁", "Go to the home page")) } }
                li { a href="/me" { (lang.t("我的資料與同意", "My data and consents")) } }
                li { a href="/apps" { (lang.t("已授權應用程式名冊", "Register of licensed apps")) } }
            }
        },
    );
    (StatusCode::NOT_FOUND, body).into_response()
}

/// Only a path on this site: never an absolute, scheme-relative or backslash URL, however it
/// is encoded (`//evil`, `/\evil`, `/%09/evil`, `/%2F/evil`, control characters …); `fallback`
/// otherwise. Browsers drop tabs and newlines and read `\` as `/`, and some proxies decode
/// before they route, so the check is made on the decoded text as well as the raw one.
pub fn safe_next<'a>(next: &'a str, fallback: &'a str) -> &'a str {
    if is_local_path(next) {
        next
    } else {
        fallback
    }
}

fn is_local_path(next: &str) -> bool {
    let decoded: String = percent_decode_repeatedly(next);
    [next, decoded.as_str()].iter().all(|text| {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_control() && !c.is_whitespace())
            .map(|c| if c == '\\' { '/' } else { c })
            .collect();
        text.starts_with('/')
            && !cleaned.starts_with("//")
            && !text.chars().any(|c| c.is_control() || c == '\\')
    }) && next.len() <= 2048
}

/// Decodes `%XX` until nothing changes (double-encoded `%252F` included), at most a few times.
fn percent_decode_repeatedly(text: &str) -> String {
    let mut current = text.to_owned();
    for _ in 0..4 {
        let next: String =
            form_urlencoded::parse(format!("x={}", current.replace('+', "%2B")).as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
        if next == current {
            break;
        }
        current = next;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn public_paths_are_the_listed_ones_and_their_subpaths() {
        for public in ["/", "/apps", "/apps/EINV1", "/assets/site.css", "/limits"] {
            assert!(is_public_path(public), "{public}");
        }
        for private in [
            "/me",
            "/appsx",
            "/apps-x/1",
            "/x/",
            "/PB2CAPIVAN/invapp/InvApp",
        ] {
            assert!(!is_public_path(private), "{private}");
        }
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next("/oauth/authorize?x=1&y=%2F", "/me"),
            "/oauth/authorize?x=1&y=%2F"
        );
        assert_eq!(safe_next("/me/history", "/me"), "/me/history");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%252F/evil.example",
            "/%5Cevil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            " //evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_next(bad, "/me"), "/me", "{bad:?}");
        }
    }

    proptest! {
        /// Whatever is put between the leading `/` and the host — tabs, newlines, backslashes,
        /// slashes, any of them percent-encoded once or twice — the answer never leaves the site.
        #[test]
        fn no_encoding_of_a_second_slash_gets_through(
            junk in proptest::collection::vec(
                prop_oneof![
                    Just("/"), Just("\\"), Just("\t"), Just("\n"), Just("\r"), Just(" "),
                    Just("%09"), Just("%0a"), Just("%0D"), Just("%2f"), Just("%2F"), Just("%5c"),
                    Just("%5C"), Just("%252f"), Just("%255C"), Just("%20"),
                ],
                1..6,
            ),
            host in "[a-z]{1,10}\\.example",
        ) {
            let next = format!("/{}{host}", junk.concat());
            let answer = safe_next(&next, "/me");
            // The oracle is a WHATWG URL parser (as browsers resolve `Location`), applied to
            // the answer as sent and as a decoding proxy would pass it on.
            let base = url::Url::parse("https://einv.test/me/login").map_err(|e| TestCaseError::fail(e.to_string()))?;
            for text in [answer.to_owned(), percent_decode_repeatedly(answer)] {
                let resolved = base.join(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(resolved.host_str(), Some("einv.test"), "{:?} -> {:?}", next, answer);
            }
        }

        /// Plain paths on this site are kept as they are.
        #[test]
        fn plain_local_paths_pass(path in "(/[a-z0-9_-]{1,12}){1,4}(\\?[a-z]=[0-9]{1,4})?") {
            prop_assert_eq!(safe_next(&path, "/me"), path.as_str());
        }
    }
}

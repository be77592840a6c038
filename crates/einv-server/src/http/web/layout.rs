//! The page shell every web page shares (skip link, navigation with `aria-current`, the
//! language switch, the footer), the page language, and the request context the shell reads.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use maud::{html, Markup, DOCTYPE};

/// The cookie that keeps a visitor's language choice (set by `/lang/{code}`).
pub const LANG_COOKIE: &str = "einv_lang";

/// The language a page is shown in: Traditional Chinese by default, English on request
/// (`?lang=en`, the `einv_lang` cookie, or an English-first `Accept-Language`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 繁體中文.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// `zh` or `en` text, whichever this language is.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-Hant-TW",
            Lang::En => "en",
        }
    }

    /// The short code used in URLs and the cookie (`zh`, `en`).
    pub fn short(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The language named by a short code, if it is one.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language a request asks for: `?lang=`, then the cookie, then `Accept-Language`.
    pub fn from_parts(parts: &Parts) -> Self {
        let query = parts.uri.query().unwrap_or_default();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            if k == "lang" {
                return if v == "en" { Lang::En } else { Lang::Zh };
            }
        }
        if let Some(lang) = crate::http::cookie(&parts.headers, LANG_COOKIE).and_then(Lang::parse) {
            return lang;
        }
        let accepted = parts.headers.get(header::ACCEPT_LANGUAGE);
        if accepted
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("en"))
        {
            return Lang::En;
        }
        Lang::Zh
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::from_parts(parts))
    }
}

/// What the shell needs to know about the request a page answers: its path (for
/// `aria-current` and the language switch's way back) and its language (for error pages).
#[derive(Debug, Clone)]
pub struct PageContext {
    /// The path and query, without any `lang=` parameter.
    pub here: String,
    /// The request's path alone.
    pub path: String,
    /// The language the request asked for.
    pub lang: Lang,
    /// Whether the request is a GET (a page one can come back to after signing in).
    pub is_get: bool,
}

tokio::task_local! {
    // Set by the web middleware (`security::answer_headers`) around each request, so the shell can
    // mark the current page without every handler of every audience passing its path down.
    static PAGE: PageContext;
}

impl PageContext {
    /// The context of `parts`.
    pub fn of(parts: &Parts) -> Self {
        let path = parts.uri.path().to_owned();
        let query: Vec<(String, String)> =
            form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
                .filter(|(k, _)| k != "lang")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
        let here = if query.is_empty() {
            path.clone()
        } else {
            let q = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(query)
                .finish();
            format!("{path}?{q}")
        };
        Self {
            here,
            path,
            lang: Lang::from_parts(parts),
            is_get: parts.method == axum::http::Method::GET,
        }
    }

    /// Runs `fut` with this context visible to the shell.
    pub async fn scope<F: std::future::Future>(self, fut: F) -> F::Output {
        PAGE.scope(self, fut).await
    }

    /// The current request's context, if a page is being answered.
    pub fn current() -> Option<Self> {
        PAGE.try_with(Clone::clone).ok()
    }
}

/// The nav entry that is the current page: the longest `href` that is the path or a parent
/// of it at a `/` boundary.
fn current_entry<'a>(nav: &[(&'a str, &str, &str)], path: &str) -> Option<&'a str> {
    nav.iter()
        .map(|(href, _, _)| *href)
        .filter(|href| path == *href || (*href != "/" && path.starts_with(&format!("{href}/"))))
        .max_by_key(|href| href.len())
}

fn language_switch(lang: Lang, here: &str) -> Markup {
    let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    html! {
        @if lang == Lang::En {
            a.lang-switch href={ "/lang/zh?next=" (next) } lang="zh-Hant-TW" hreflang="zh-Hant-TW" { "中文" }
        } @else {
            a.lang-switch href={ "/lang/en?next=" (next) } lang="en" hreflang="en" { "English" }
        }
    }
}

/// A whole page: `title` (zh, en), the navigation links for the audience, and `body`.
pub fn page(lang: Lang, title: (&str, &str), nav: &[(&str, &str, &str)], body: Markup) -> Markup {
    let title = lang.t(title.0, title.1);
    let context = PageContext::current();
    let path = context.as_ref().map(|c| c.path.as_str()).unwrap_or("/");
    let here = context.as_ref().map(|c| c.here.as_str()).unwrap_or("/");
    let current = current_entry(nav, path);
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · einv" }
                link rel="stylesheet" href=(super::assets::STYLESHEET);
            }
            body {
                a.skip href="#main" { (lang.t("跳至主要內容", "Skip to main content")) }
                header {
                    a.brand href="/" { "einv " (lang.t("電子發票應用 API 平台", "e-invoice API Platform")) }
                    @if !nav.is_empty() {
                        nav aria-label=(lang.t("主要導覽", "Main")) {
                            ul {
                                @for (href, zh, en) in nav {
                                    li { a href=(href) aria-current=[(current == Some(*href)).then_some("page")] { (lang.t(zh, en)) } }
                                }
                            }
                        }
                    }
                    (language_switch(lang, here))
                }
                main #main tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
                footer {
                    p { (lang.t("本平台依《電子發票應用程式介面使用規範》運作。", "This Platform operates under the E-Invoice API Usage Specification.")) }
                    ul.footer-links {
                        li { a href="/apps" { (lang.t("已授權應用程式", "Licensed apps")) } }
                        li { a href="/terms" { (lang.t("使用規範", "Terms")) } }
                        li { a href="/privacy" { (lang.t("隱私權政策", "Privacy policy")) } }
                        li { a href="/me" { (lang.t("我的資料", "My data")) } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAV: &[(&str, &str, &str)] = &[("/me", "", ""), ("/me/history", "", ""), ("/", "", "")];

    #[test]
    fn the_longest_matching_entry_is_current() {
        assert_eq!(current_entry(NAV, "/me"), Some("/me"));
        assert_eq!(current_entry(NAV, "/me/history"), Some("/me/history"));
        assert_eq!(current_entry(NAV, "/me/consents/3/revoke"), Some("/me"));
        assert_eq!(current_entry(NAV, "/"), Some("/"));
        assert_eq!(current_entry(NAV, "/mess"), None);
    }

    #[test]
    fn the_language_cookie_is_read() {
        let req = axum::http::Request::get("/x?a=1&lang=en")
            .body(())
            .map(|r| r.into_parts().0);
        let parts = req.expect("request");
        let context = PageContext::of(&parts);
        assert_eq!(context.lang, Lang::En);
        assert_eq!(
            context.here, "/x?a=1",
            "the switch does not carry lang= along"
        );
        let parts = axum::http::Request::get("/x")
            .header("cookie", "a=b; einv_lang=en")
            .body(())
            .map(|r| r.into_parts().0)
            .expect("request");
        assert_eq!(Lang::from_parts(&parts), Lang::En);
    }
}

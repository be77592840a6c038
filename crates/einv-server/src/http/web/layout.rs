//! The page shell every web page shares, and the page language.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use maud::{html, Markup, PreEscaped, DOCTYPE};

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

    fn from_parts(parts: &Parts) -> Self {
        let query = parts.uri.query().unwrap_or_default();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            if k == "lang" {
                return if v == "en" { Lang::En } else { Lang::Zh };
            }
        }
        let header_text = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
        };
        if header_text(header::COOKIE)
            .split(';')
            .any(|c| c.trim() == "einv_lang=en")
        {
            return Lang::En;
        }
        if header_text(header::ACCEPT_LANGUAGE)
            .trim_start()
            .starts_with("en")
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

const STYLE: &str = r#"
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"Noto Sans TC","PingFang TC","Microsoft JhengHei",sans-serif;line-height:1.6;color:#1d2733;background:#f5f7fa}
header{background:#0b5394;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.8rem;align-items:center}
header a{color:#fff;text-decoration:none}header .brand{font-weight:700;margin-right:auto}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:1.6rem}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.95rem}th,td{border:1px solid #d5dbe3;padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:#e9eef5}.card{background:#fff;border:1px solid #d5dbe3;border-radius:.4rem;padding:1rem;margin:1rem 0}
form.stack label{display:block;margin:.6rem 0 .2rem;font-weight:600}
input,select,textarea{font:inherit;padding:.45rem;width:100%;max-width:32rem;border:1px solid #aab4c0;border-radius:.3rem}
input[type=checkbox],input[type=radio]{width:auto}
button,.button{font:inherit;background:#0b5394;color:#fff;border:0;border-radius:.3rem;padding:.5rem 1rem;margin:.6rem .4rem 0 0;cursor:pointer;text-decoration:none;display:inline-block}
button.danger{background:#b3261e}button.secondary{background:#5f6b7a}
.flash{background:#fff4ce;border:1px solid #e5c100;padding:.6rem;border-radius:.3rem}
.error{background:#fde7e9;border:1px solid #b3261e;padding:.6rem;border-radius:.3rem}
.secret{font-family:ui-monospace,monospace;background:#112;color:#9f9;padding:.6rem;word-break:break-all}
.muted{color:#5f6b7a;font-size:.9rem}footer{max-width:60rem;margin:2rem auto;padding:0 1rem;color:#5f6b7a;font-size:.85rem}
@media (max-width:40rem){table{font-size:.85rem}th,td{padding:.3rem}}
"#;

/// A whole page: `title` (zh, en), the navigation links for the signed-in role, and `body`.
pub fn page(lang: Lang, title: (&str, &str), nav: &[(&str, &str, &str)], body: Markup) -> Markup {
    let title = lang.t(title.0, title.1);
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · einv" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    a.brand href="/" { "einv " (lang.t("電子發票應用 API 平台", "e-invoice API Platform")) }
                    @for (href, zh, en) in nav {
                        a href=(href) { (lang.t(zh, en)) }
                    }
                    a href="?lang=zh" { "中文" }
                    a href="?lang=en" { "EN" }
                }
                main {
                    h1 { (title) }
                    (body)
                }
                footer {
                    (lang.t("本平台依《電子發票應用程式介面使用規範》運作。", "This Platform operates under the E-Invoice API Usage Specification."))
                    " "
                    a href="/privacy" { (lang.t("隱私權政策", "Privacy policy")) }
                }
            }
        }
    }
}

//! "Are you sure?" for what cannot be undone, in two forms. The portal's (approve, reject,
//! suspend, terminate, withdraw, rotate, remove): the first POST shows a page saying what will
//! happen, carrying the form's fields; only its second POST, with `confirm=yes`, acts
//! ([`confirmed`], [`page_for`]). The citizen's pages build the page themselves around
//! [`confirm_form`]. One decision per page, as the GOV.UK pattern has it.

use std::collections::HashMap;

use maud::{html, Markup};

use crate::http::web::common::csrf_field;
use crate::http::web::layout::{page, Lang};
use crate::http::web::session::WebSession;

/// Whether the form is the confirmed second POST.
pub fn confirmed(form: &HashMap<String, String>) -> bool {
    form.get("confirm").is_some_and(|v| v == "yes")
}

/// What the confirmation page says and where it goes.
#[derive(Debug)]
pub struct Confirmation<'a> {
    /// The page title (zh, en).
    pub title: (&'a str, &'a str),
    /// What will happen, in the page's language.
    pub consequence: Markup,
    /// Where the confirmed form posts.
    pub action: String,
    /// The button's words (zh, en).
    pub button: (&'a str, &'a str),
    /// Where "cancel" goes.
    pub back: String,
}

/// The confirmation page for `c`, carrying every field of `form` except the CSRF token.
pub fn page_for(
    lang: Lang,
    nav: &[(&str, &str, &str)],
    session: &WebSession,
    c: Confirmation<'_>,
    form: &HashMap<String, String>,
) -> Markup {
    let mut carried: Vec<(&String, &String)> = form
        .iter()
        .filter(|(k, _)| *k != "csrf" && *k != "confirm")
        .collect();
    carried.sort();
    page(
        lang,
        c.title,
        nav,
        html! {
            div.card #confirmation {
                p.flash { strong { (lang.t("此動作無法復原。", "This cannot be undone.")) } }
                (c.consequence)
                form method="post" action=(c.action) {
                    (csrf_field(session))
                    @for (k, v) in &carried { input type="hidden" name=(k) value=(v); }
                    input type="hidden" name="confirm" value="yes";
                    button.danger #confirm type="submit" { (lang.t(c.button.0, c.button.1)) }
                    " "
                    a.button.secondary href=(c.back) { (lang.t("取消", "Cancel")) }
                }
            }
        },
    )
}

/// A page part asking to confirm what cannot be undone: what will happen, then a danger
/// button that posts `hidden` to `action`, and a way back that changes nothing.
pub fn confirm_form(
    lang: Lang,
    what_happens: Markup,
    action: &str,
    hidden: Markup,
    button: (&str, &str),
    cancel: &str,
) -> Markup {
    html! {
        div.card {
            h2 { (lang.t("確認後將會：", "If you confirm:")) }
            (what_happens)
            form method="post" action=(action) {
                (hidden)
                button.danger type="submit" { (lang.t(button.0, button.1)) }
                a.button.secondary href=(cancel) { (lang.t("取消，回上一頁", "Cancel, go back")) }
            }
        }
    }
}

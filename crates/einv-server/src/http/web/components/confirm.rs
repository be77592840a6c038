//! "Are you sure?" for what cannot be undone (approve, reject, suspend, terminate, withdraw,
//! rotate, remove): the first POST shows a page saying what will happen, carrying the form's
//! fields; only its second POST, with `confirm=yes`, acts. One decision per page, as the
//! GOV.UK pattern has it. (Used by the reviewer's pages too; the lead may fold it into the
//! shared shell.)

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

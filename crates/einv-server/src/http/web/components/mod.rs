//! Reusable page parts, after the GOV.UK Design System: an error summary with each error also
//! beside its field, labelled fields with hints, a success banner, a confirmation panel, a
//! "confirm what cannot be undone" form, status badges, tables that scroll on a phone, dates
//! with their time zone (and ROC years, 民國, for citizens), and file sizes in KB/MB.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use maud::{html, Markup};

use super::layout::Lang;

/// One problem with one field: the input's `id` and the sentence to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The `id` of the input at fault (the summary links to it).
    pub field: String,
    /// What is wrong and how to put it right, in the page's language.
    pub message: String,
}

/// The problems of one submitted form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors(Vec<FieldError>);

impl FormErrors {
    /// No problems.
    pub fn none() -> Self {
        Self::default()
    }

    /// One problem with the input `field`.
    pub fn one(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::none();
        errors.push(field, message);
        errors
    }

    /// Adds a problem with the input `field`.
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// Whether there is no problem.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problem with `field`, if any.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// The summary at the top of the page: every problem, each a link to its field. Empty
    /// when there is none.
    pub fn summary(&self, lang: Lang) -> Markup {
        html! {
            @if !self.is_empty() {
                div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                    h2 #error-summary-title { (lang.t("有問題需要修正", "There is a problem")) }
                    ul { @for e in &self.0 { li { a href={ "#" (e.field) } { (e.message) } } } }
                }
            }
        }
    }
}

/// A text (or password, e-mail, date …) input with its label, hint and error.
#[derive(Debug, Clone, Copy)]
pub struct TextField<'a> {
    /// The input's `id` and `name`.
    pub id: &'a str,
    /// The label (zh, en).
    pub label: (&'a str, &'a str),
    /// A hint under the label (zh, en): the format, the limits.
    pub hint: Option<(&'a str, &'a str)>,
    /// `text`, `password`, `date` …
    pub kind: &'a str,
    /// What was typed (never set for secrets).
    pub value: &'a str,
    /// The `autocomplete` token.
    pub autocomplete: &'a str,
    /// The most characters accepted.
    pub maxlength: Option<usize>,
    /// Whether the field must be filled.
    pub required: bool,
}

impl<'a> TextField<'a> {
    /// A required text field.
    pub fn new(id: &'a str, label: (&'a str, &'a str)) -> Self {
        Self {
            id,
            label,
            hint: None,
            kind: "text",
            value: "",
            autocomplete: "off",
            maxlength: None,
            required: true,
        }
    }

    /// The field with its label, hint, error and input, linked for screen readers.
    pub fn render(&self, lang: Lang, errors: &FormErrors) -> Markup {
        let error = errors.of(self.id);
        let hint_id = format!("{}-hint", self.id);
        let error_id = format!("{}-error", self.id);
        let described: Vec<&str> = [
            self.hint.map(|_| hint_id.as_str()),
            error.map(|_| error_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        html! {
            label for=(self.id) {
                (lang.t(self.label.0, self.label.1))
                @if self.required { span.visually-hidden { (lang.t("（必填）", " (required)")) } }
            }
            @if let Some(hint) = self.hint { p.hint id=(hint_id) { (lang.t(hint.0, hint.1)) } }
            @if let Some(message) = error {
                p.field-error id=(error_id) { span.visually-hidden { (lang.t("錯誤：", "Error: ")) } (message) }
            }
            input id=(self.id) name=(self.id) type=(self.kind) value=(self.value)
                autocomplete=(self.autocomplete) required[self.required]
                maxlength=[self.maxlength]
                aria-describedby=[(!described.is_empty()).then(|| described.join(" "))]
                aria-invalid=[error.map(|_| "true")];
        }
    }
}

/// A green banner saying something was done (after a redirect, from `?done=`).
pub fn success_banner(lang: Lang, title: (&str, &str), detail: Option<Markup>) -> Markup {
    html! {
        div.success role="status" {
            h2 { (lang.t(title.0, title.1)) }
            @if let Some(detail) = detail { (detail) }
        }
    }
}

/// The panel of a confirmation page: what was done and its reference number.
pub fn confirmation_panel(lang: Lang, title: (&str, &str), reference: Option<&str>) -> Markup {
    html! {
        div.panel {
            h2 { (lang.t(title.0, title.1)) }
            @if let Some(reference) = reference {
                p { (lang.t("您的收據編號", "Your receipt number")) br; strong { (reference) } }
            }
        }
    }
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

/// How a status reads at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// In force, done.
    Ok,
    /// Needs attention soon.
    Warn,
    /// Ended, refused.
    Bad,
    /// Neither.
    Neutral,
}

/// A status badge: the words carry the meaning, the colour only repeats it.
pub fn badge(tone: Tone, text: &str) -> Markup {
    let class = match tone {
        Tone::Ok => "badge ok",
        Tone::Warn => "badge warn",
        Tone::Bad => "badge bad",
        Tone::Neutral => "badge neutral",
    };
    html! { span class=(class) { (text) } }
}

/// A table in a region that scrolls sideways on a narrow screen, reachable by keyboard.
pub fn scroll_table(label: &str, table: Markup) -> Markup {
    html! { div.table-wrap role="region" aria-label=(label) tabindex="0" { (table) } }
}

/// A day as citizens read it: `民國115年11月27日` in Chinese (ROC year = AD − 1911),
/// `27 Nov 2026` in English.
pub fn citizen_date(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::Zh => format!(
            "民國{}年{}月{}日",
            day.year() - 1911,
            day.month(),
            day.day()
        ),
        Lang::En => day.format("%-d %b %Y").to_string(),
    }
}

/// An instant as citizens read it, in Taipei time and saying so:
/// `民國115年11月27日 10:00（臺北時間）`, `27 Nov 2026, 10:00 Taipei time (UTC+8)`.
pub fn citizen_time(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&einv_core::clock::taipei());
    let day = citizen_date(lang, local.date_naive());
    let time = local.format("%H:%M");
    match lang {
        Lang::Zh => format!("{day} {time}（臺北時間）"),
        Lang::En => format!("{day}, {time} Taipei time (UTC+8)"),
    }
}

/// A size in bytes as people read it: `512 B`, `12.5 KB`, `3.2 MB` (1 KB = 1024 B).
pub fn file_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    // Sizes shown are at most a few GB: f64 is exact far beyond that.
    #[allow(clippy::cast_precision_loss)]
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / (KB * KB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_read_as_citizens_expect() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        assert_eq!(citizen_date(Lang::Zh, day), "民國115年11月27日");
        assert_eq!(citizen_date(Lang::En, day), "27 Nov 2026");
        // 2026-11-27 02:30 UTC is 10:30 in Taipei.
        let at = Utc
            .with_ymd_and_hms(2026, 11, 27, 2, 30, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            citizen_time(Lang::Zh, at),
            "民國115年11月27日 10:30（臺北時間）"
        );
        assert_eq!(
            citizen_time(Lang::En, at),
            "27 Nov 2026, 10:30 Taipei time (UTC+8)"
        );
        // Late evening UTC is already the next day in Taipei.
        let at = Utc
            .with_ymd_and_hms(2026, 12, 31, 17, 0, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            citizen_date(
                Lang::Zh,
                at.with_timezone(&einv_core::clock::taipei()).date_naive()
            ),
            "民國116年1月1日"
        );
    }

    #[test]
    fn sizes_read_in_kb_and_mb() {
        assert_eq!(file_size(0), "0 B");
        assert_eq!(file_size(1023), "1023 B");
        assert_eq!(file_size(1536), "1.5 KB");
        assert_eq!(file_size(5 * 1024 * 1024), "5.0 MB");
    }

    #[test]
    fn errors_are_summarised_and_linked_to_their_field() {
        let errors = FormErrors::one("code", "Enter 6 to 16 letters and digits");
        let summary = errors.summary(Lang::En).into_string();
        assert!(summary.contains("href=\"#code\""), "{summary}");
        let field = TextField::new("code", ("驗證碼", "Code"))
            .render(Lang::En, &errors)
            .into_string();
        assert!(field.contains("aria-invalid=\"true\""), "{field}");
        assert!(field.contains("aria-describedby=\"code-error\""), "{field}");
        assert!(FormErrors::none()
            .summary(Lang::En)
            .into_string()
            .is_empty());
    }
}

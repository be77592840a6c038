//! The page parts every web area (developer, reviewer, user, public, v1 blank pages) shares,
//! after the GOV.UK Design System: forms with an error summary and labelled fields (`forms`),
//! "confirm what cannot be undone" (`confirm`), a licence's state, progress, term and history
//! in words (`licence`); here a success banner, a confirmation panel, status badges, tables
//! that scroll on a phone, times with their time zone (and ROC years, 民國, for citizens), and
//! file sizes in KB/MB.

pub mod confirm;
mod forms;
pub mod licence;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use maud::{html, Markup};

pub use forms::{FieldError, FormErrors, TextField};

use super::common::taipei_time;
use super::layout::Lang;

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

/// An instant in Taipei time with the zone said, as the portal's pages show it:
/// `2026-11-27 10:30 (Taipei, UTC+8)`.
pub fn when(lang: Lang, at: DateTime<Utc>) -> String {
    format!(
        "{} {}",
        taipei_time(at),
        lang.t("（臺北時間）", "(Taipei, UTC+8)")
    )
}

/// A size in bytes as people read it: `512 B`, `12.5 KB`, `3.2 MB` (1 KB = 1024 B).
pub fn file_size(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    // Sizes shown are at most a few GB: f64 is exact far beyond that.
    #[allow(clippy::cast_precision_loss)]
    let b = bytes.max(0) as f64;
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

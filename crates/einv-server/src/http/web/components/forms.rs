//! Forms after the GOV.UK Design System: an error summary at the top with each error also
//! beside its field, and labelled fields with hints.

use maud::{html, Markup};

use crate::http::web::layout::Lang;

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

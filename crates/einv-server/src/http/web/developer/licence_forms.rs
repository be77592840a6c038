//! The licence page's forms (R4.7b re-review, R5.11 change, R5.10 research, R6 certificate,
//! R10.1 withdrawal, R11 destruction): labelled fields with their limits up front. A refused
//! form comes back on the licence page, as the application form does: the problem in the
//! page's language in the error summary at the top and beside its field, what was typed kept.

use einv_core::LicenceId;
use std::collections::HashMap;

use maud::{html, Markup};

use crate::error::ServiceError;
use crate::http::web::common::csrf_field;
use crate::http::web::components::FormErrors;
use crate::http::web::layout::Lang;
use crate::http::web::messages;
use crate::http::web::session::WebSession;

/// How a field is typed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Line,
    Date,
    Area,
}

/// One field of a form: the domain name the service reports it under, its label, its limit.
struct Field {
    name: &'static str,
    label: (&'static str, &'static str),
    kind: Kind,
    max: Option<usize>,
}

const fn field(
    name: &'static str,
    label: (&'static str, &'static str),
    kind: Kind,
    max: Option<usize>,
) -> Field {
    Field {
        name,
        label,
        kind,
        max,
    }
}

const ISMS: [Field; 4] = [
    field(
        "isms_number",
        ("證書號碼", "Certificate number"),
        Kind::Line,
        Some(100),
    ),
    field("isms_issuer", ("發證機構", "Issuer"), Kind::Line, Some(200)),
    field("isms_scope", ("驗證範圍", "Scope"), Kind::Line, Some(1000)),
    field("isms_expiry", ("有效期限", "Expiry"), Kind::Date, None),
];
const CHANGE: [Field; 2] = [
    field("product_version", ("版本", "Version"), Kind::Line, Some(50)),
    field(
        "purpose",
        (
            "使用目的（變更將重新審核）",
            "Purpose (a change goes back to review)",
        ),
        Kind::Area,
        Some(2000),
    ),
];
const RESEARCH: [Field; 2] = [
    field("title", ("標題", "Title"), Kind::Line, Some(200)),
    field("body", ("內容", "Content"), Kind::Area, Some(20_000)),
];
const WITHDRAW: [Field; 1] = [field(
    "reason",
    ("終止使用之原因", "Why you withdraw"),
    Kind::Line,
    Some(1000),
)];
const DESTRUCTION: [Field; 1] = [field(
    "statement",
    ("聲明", "Statement"),
    Kind::Area,
    Some(2000),
)];

/// The fields of the form posted to `action`.
fn fields_of(action: &str) -> Option<&'static [Field]> {
    Some(match action {
        "renew" | "certificate" => &ISMS,
        "change" => &CHANGE,
        "research" => &RESEARCH,
        "withdraw" => &WITHDRAW,
        "destruction" => &DESTRUCTION,
        _ => return None,
    })
}

/// The `id` of the input for `name` in the form of `action` (unique on the page).
fn input_id(action: &str, name: &str) -> String {
    format!("{action}-{name}")
}

/// A form the service refused: which one, what was typed, the problem.
pub(super) struct Refused {
    action: String,
    typed: HashMap<String, String>,
    /// The problems, keyed by input `id`; the page shows their summary at the top.
    pub errors: FormErrors,
}

impl Refused {
    /// The refusal of the form of `action` when the service named a problem its user can
    /// put right (a field's value, a rule); `None` for the rest (not found, internal …), which
    /// the error page answers.
    pub fn of(
        lang: Lang,
        action: &str,
        typed: &HashMap<String, String>,
        e: &ServiceError,
    ) -> Option<Self> {
        let fields = fields_of(action)?;
        let (name, problem) = match e {
            ServiceError::Invalid(v) => (v.field.as_str(), messages::problem_words(lang, v)),
            ServiceError::Refused { rule, reason } => (
                reason.split_once(": ").map_or("", |(f, _)| f),
                messages::refusal_words(lang, rule, reason),
            ),
            _ => return None,
        };
        // A problem that is not one field's belongs to the form's first field.
        let at = fields.iter().find(|f| f.name == name).unwrap_or(&fields[0]);
        let message = format!(
            "{}{}{problem}",
            lang.t(at.label.0, at.label.1),
            lang.t("：", ": ")
        );
        Some(Self {
            action: action.to_owned(),
            typed: typed.clone(),
            errors: FormErrors::one(&input_id(action, at.name), message),
        })
    }
}

/// What a form on the licence page is.
pub(super) struct LicenceForm<'a> {
    /// The licence.
    pub id: LicenceId,
    /// The last segment of the path it posts to, also its fields' `id` prefix.
    pub action: &'a str,
    /// Its heading and button (zh, en).
    pub title: (&'a str, &'a str),
    /// Whether its fields must be filled (a re-review may keep the certificate on file).
    pub required: bool,
    /// Words before the fields.
    pub intro: Option<Markup>,
}

impl LicenceForm<'_> {
    /// The form, with what was typed and the problem beside its field when it was refused.
    pub fn render(&self, lang: Lang, session: &WebSession, refused: Option<&Refused>) -> Markup {
        let mine = refused.filter(|r| r.action == self.action);
        let no_errors = FormErrors::none();
        let errors = mine.map_or(&no_errors, |r| &r.errors);
        let fields = fields_of(self.action).unwrap_or_default();
        html! {
            form.stack.card #(format!("{}-form", self.action)) method="post" action=(format!("/developer/licences/{}/{}", self.id, self.action)) {
                h2 { (lang.t(self.title.0, self.title.1).trim_end_matches('…')) }
                (csrf_field(session))
                @if let Some(intro) = &self.intro { (intro) }
                @for f in fields {
                    @let typed = mine.and_then(|r| r.typed.get(f.name)).map_or("", |v| v.trim());
                    (self.input(lang, f, typed, errors))
                }
                button type="submit" { (lang.t(self.title.0, self.title.1)) }
            }
        }
    }

    fn input(&self, lang: Lang, f: &Field, typed: &str, errors: &FormErrors) -> Markup {
        let id = input_id(self.action, f.name);
        let hint_id = format!("{id}-hint");
        let error_id = format!("{id}-error");
        let error = errors.of(&id);
        let described = match (f.max.is_some(), error.is_some()) {
            (true, true) => Some(format!("{hint_id} {error_id}")),
            (true, false) => Some(hint_id.clone()),
            (false, true) => Some(error_id.clone()),
            (false, false) => None,
        };
        html! {
            label for=(id) {
                (lang.t(f.label.0, f.label.1))
                @if self.required { span.visually-hidden { (lang.t("（必填）", " (required)")) } }
            }
            @if let Some(max) = f.max {
                p.hint id=(hint_id) { (lang.t("最多 ", "Up to ")) (max) (lang.t(" 字", " characters")) }
            }
            @if let Some(message) = error {
                p.field-error id=(error_id) { span.visually-hidden { (lang.t("錯誤：", "Error: ")) } (message) }
            }
            @match f.kind {
                Kind::Area => textarea id=(id) name=(f.name) required[self.required] maxlength=[f.max]
                    aria-describedby=[described.as_deref()] aria-invalid=[error.map(|_| "true")] { (typed) },
                Kind::Line | Kind::Date => input id=(id) name=(f.name) value=(typed)
                    type=(if f.kind == Kind::Date { "date" } else { "text" })
                    required[self.required] maxlength=[f.max]
                    aria-describedby=[described.as_deref()] aria-invalid=[error.map(|_| "true")];
            }
        }
    }
}

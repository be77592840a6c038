//! The one error type of the domain: a value that failed validation at the boundary.

/// What kind of problem a value has, for a surface that words it in its own language (the web
/// pages in Chinese or English). The sentence in [`InvalidValue::problem`] stays the one the
/// APIs send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProblemKind {
    /// The field's own format or rule: only the sentence says which.
    #[default]
    Other,
    /// Nothing was given.
    Required,
    /// Longer than `max` characters.
    TooLong {
        /// The most characters accepted.
        max: usize,
    },
    /// Not a calendar date `YYYY-MM-DD`.
    NotADate,
}

/// A value that is not what the domain allows, naming the field and the problem.
///
/// Every newtype of the core returns this from its `parse`; callers at an input boundary rename
/// the field to the name the user typed (`invNum`, `--winning`, `cardNo` …) with [`Self::for_field`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct InvalidValue {
    /// The field as the user knows it.
    pub field: String,
    /// What is wrong, in one sentence.
    pub problem: String,
    /// The kind of problem, when it is one of the common ones.
    pub kind: ProblemKind,
}

impl InvalidValue {
    /// A new error for `field`.
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            problem: problem.into(),
            kind: ProblemKind::Other,
        }
    }

    /// `field` was left empty.
    pub fn required(field: impl Into<String>) -> Self {
        Self {
            kind: ProblemKind::Required,
            ..Self::new(field, "is required")
        }
    }

    /// `field` is longer than `max` characters.
    pub fn too_long(field: impl Into<String>, max: usize) -> Self {
        Self {
            kind: ProblemKind::TooLong { max },
            ..Self::new(field, format!("must be at most {max} characters"))
        }
    }

    /// `field` is not a date `YYYY-MM-DD`.
    pub fn not_a_date(field: impl Into<String>) -> Self {
        Self {
            kind: ProblemKind::NotADate,
            ..Self::new(field, "must be a date YYYY-MM-DD")
        }
    }

    /// The same problem, reported under the name the caller's user knows the field by.
    #[must_use]
    pub fn for_field(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

/// Asserts that `parse` takes every one of `good` and refuses every one of `bad`, naming
/// `field`: the check each text newtype's tests make.
#[cfg(test)]
pub(crate) fn assert_parses<T: std::fmt::Debug>(
    parse: impl Fn(&str) -> Result<T, InvalidValue>,
    good: &[&str],
    bad: &[&str],
    field: &str,
) {
    for text in good {
        assert!(parse(text).is_ok(), "{text:?}");
    }
    for text in bad {
        assert_eq!(parse(text).unwrap_err().field, field, "{text:?}");
    }
}

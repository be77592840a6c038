//! The one error type of the domain: a value that failed validation at the boundary.

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
}

impl InvalidValue {
    /// A new error for `field`.
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// The same problem, reported under the name the caller's user knows the field by.
    #[must_use]
    pub fn for_field(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

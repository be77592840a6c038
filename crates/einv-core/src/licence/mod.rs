//! The licence lifecycle (R4.1–R4.7, R5.11, R6, R10) as a pure state machine:
//! [`apply`]`(state, event, now)` gives the next state or a [`Refusal`] naming the rule, and
//! [`settle`] says what the passing of time alone has done to a licence (expiry R4.7c, the
//! legacy deadline R4.7d, a renewed term beginning R4.7b). No I/O: the server stores the states
//! and the events.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::end_of_taipei_day;

mod event;
mod history;
mod kinds;
mod settle;
mod suspensions;
mod term;
#[cfg(test)]
mod tests;
mod transition;

pub use event::LicenceEvent;
pub use history::{LicenceEventKind, LicenceStateKind};
pub use kinds::{SuspensionReason, TerminationGround};
pub use settle::{check_access, settle, Settled};
pub use suspensions::Suspensions;
pub use term::{LicenceTerm, MAX_TERM_YEARS, RENEWAL_CLOSES_MONTHS, RENEWAL_OPENS_MONTHS};
pub use transition::apply;

/// The day the amended spec took effect (2023-03-31): licences approved before it are legacy
/// (R4.7d); applications filed before it but approved after follow the new rules (R4.7e).
pub fn reform_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 3, 31).unwrap_or(NaiveDate::MIN)
}

/// The last day legacy licences may apply for re-review (R4.7d): two years after the reform.
pub fn legacy_deadline() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 31).unwrap_or(NaiveDate::MIN)
}

/// What an active licence rests on: a term (R4.7a), or a legacy approval that runs until the
/// re-review deadline (R4.7d).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Coverage {
    /// A term of at most three years.
    Term {
        /// The term.
        term: LicenceTerm,
    },
    /// Approved before 2023-03-31 under the old rules.
    Legacy {
        /// The day it was approved.
        approved_on: NaiveDate,
    },
}

impl Coverage {
    /// The first instant the API stops unless renewed: the end of the term (R4.7c), or the
    /// end of the legacy deadline day (R4.7d).
    pub fn ends_at(&self) -> DateTime<Utc> {
        match self {
            Self::Term { term } => term.ends_at(),
            Self::Legacy { .. } => end_of_taipei_day(legacy_deadline()),
        }
    }

    /// The rule that ends it.
    pub fn end_rule(&self) -> &'static str {
        match self {
            Self::Term { .. } => "R4.7c",
            Self::Legacy { .. } => "R4.7d",
        }
    }

    /// The term, when it is one.
    pub fn term(&self) -> Option<LicenceTerm> {
        match self {
            Self::Term { term } => Some(*term),
            Self::Legacy { .. } => None,
        }
    }
}

/// Where a renewal (re-review, 重行審核) stands beside an active licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Renewal {
    /// None filed.
    #[default]
    None,
    /// Filed, awaiting review.
    Applied {
        /// When.
        filed_at: DateTime<Utc>,
    },
    /// Approved: the next term starts the day after the current one ends (R4.7b).
    Approved {
        /// The next term.
        next: LicenceTerm,
    },
}

/// Where a licence stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum LicenceState {
    /// Filed, awaiting review (R4.1).
    Applied {
        /// When it was (last) filed.
        filed_at: DateTime<Utc>,
    },
    /// The reviewer asked for corrections (R4.2).
    ChangesRequested,
    /// Refused.
    Rejected,
    /// In force: the API serves the AppID.
    Active {
        /// What it rests on.
        coverage: Coverage,
        /// A renewal beside it.
        renewal: Renewal,
    },
    /// The Product's purpose changed; back under review (R5.11). The API stops until approved,
    /// and then only if no suspension is left (R10.2: causes stack).
    Reviewing {
        /// What it rested on.
        coverage: Coverage,
        /// A renewal beside it (R4.7b: the term runs on while a re-review is undecided).
        #[serde(default)]
        renewal: Renewal,
        /// Suspensions that also hold (R6, R10.2); each is lifted only by its own cure.
        #[serde(default)]
        suspensions: Suspensions,
    },
    /// Cut off until every cause is cured (R6, R10.2); never empty.
    Suspended {
        /// What it rests on.
        coverage: Coverage,
        /// A renewal beside it: a suspended licence may still file its re-review (R4.7b).
        renewal: Renewal,
        /// Why: one or more causes.
        #[serde(alias = "reason")]
        reasons: Suspensions,
    },
    /// The term ended without an approved renewal (R4.7c), or the legacy deadline passed (R4.7d).
    Expired {
        /// Whether it was a legacy licence that missed the re-review deadline (R4.7d).
        #[serde(default)]
        legacy: bool,
    },
    /// Terminated by the Center on one of the grounds of R10.3.
    Terminated {
        /// The ground.
        ground: TerminationGround,
    },
    /// The Developer stopped by notice (R10.1).
    Withdrawn,
    /// The Developer merged into another entity; the survivor applies anew (R10.5).
    MergedAway,
}

impl LicenceState {
    /// A new application filed at `now` (R4.1). Filed before 2023-03-31 or after, it follows
    /// the new rules (R4.7e).
    pub fn filed(now: DateTime<Utc>) -> Self {
        Self::Applied { filed_at: now }
    }

    /// A licence approved on `approved_on` under the old rules: legacy only when approved
    /// before 2023-03-31 (R4.7d); otherwise it is refused (approvals after the reform get a
    /// term, R4.7e).
    pub fn legacy(approved_on: NaiveDate) -> Result<Self, Refusal> {
        if approved_on >= reform_date() {
            return Err(Refusal::new(
                "R4.7e",
                format!(
                    "only licences approved before {} are legacy; {approved_on} is not",
                    reform_date()
                ),
            ));
        }
        Ok(Self::Active {
            coverage: Coverage::Legacy { approved_on },
            renewal: Renewal::None,
        })
    }

    /// A legacy licence (approved before 2023-03-31) whose re-review was filed at `filed_at`:
    /// refused unless that was by the end of 2025-03-31 (R4.7d). It runs until the re-review
    /// is decided, so it can be recorded after the deadline.
    pub fn legacy_re_review_filed(
        approved_on: NaiveDate,
        filed_at: DateTime<Utc>,
    ) -> Result<Self, Refusal> {
        let coverage = Coverage::Legacy { approved_on };
        Self::legacy(approved_on)?;
        if filed_at >= coverage.ends_at() {
            return Err(Refusal::new(
                "R4.7d",
                format!(
                    "a legacy re-review had to be filed by {}; filed on {} it does not keep the licence",
                    legacy_deadline(),
                    crate::clock::taipei_date(filed_at)
                ),
            ));
        }
        if crate::clock::taipei_date(filed_at) < approved_on {
            return Err(Refusal::new(
                "R4.7d",
                "the re-review cannot be filed before the licence was approved",
            ));
        }
        Ok(Self::Active {
            coverage,
            renewal: Renewal::Applied { filed_at },
        })
    }

    /// The one-word name kept beside the state (for queries, history and pages).
    pub fn kind(&self) -> LicenceStateKind {
        match self {
            Self::Applied { .. } => LicenceStateKind::Applied,
            Self::ChangesRequested => LicenceStateKind::ChangesRequested,
            Self::Rejected => LicenceStateKind::Rejected,
            Self::Active { .. } => LicenceStateKind::Active,
            Self::Reviewing { .. } => LicenceStateKind::Reviewing,
            Self::Suspended { .. } => LicenceStateKind::Suspended,
            Self::Expired { .. } => LicenceStateKind::Expired,
            Self::Terminated { .. } => LicenceStateKind::Terminated,
            Self::Withdrawn => LicenceStateKind::Withdrawn,
            Self::MergedAway => LicenceStateKind::MergedAway,
        }
    }

    /// The stable one-word name of [`kind`](Self::kind).
    pub fn name(&self) -> &'static str {
        self.kind().as_str()
    }

    /// Whether the licence has ended for good (R11 follows).
    pub fn is_ended(&self) -> bool {
        matches!(
            self,
            Self::Expired { .. }
                | Self::Terminated { .. }
                | Self::Withdrawn
                | Self::MergedAway
                | Self::Rejected
        )
    }

    /// Whether the licence was ever approved and has now ended: the cases R11 speaks of.
    pub fn ends_an_approved_licence(&self) -> bool {
        matches!(
            self,
            Self::Expired { .. } | Self::Terminated { .. } | Self::Withdrawn | Self::MergedAway
        )
    }

    /// The coverage, while there is one.
    pub fn coverage(&self) -> Option<Coverage> {
        match self {
            Self::Active { coverage, .. }
            | Self::Reviewing { coverage, .. }
            | Self::Suspended { coverage, .. } => Some(*coverage),
            _ => None,
        }
    }

    /// The re-review beside a licence that has a coverage (R4.7b).
    pub fn renewal(&self) -> Renewal {
        match self {
            Self::Active { renewal, .. }
            | Self::Reviewing { renewal, .. }
            | Self::Suspended { renewal, .. } => *renewal,
            _ => Renewal::None,
        }
    }

    /// The suspensions that hold (R6, R10.2), empty when none.
    pub fn suspensions(&self) -> Suspensions {
        match self {
            Self::Suspended { reasons, .. } => *reasons,
            Self::Reviewing { suspensions, .. } => *suspensions,
            _ => Suspensions::NONE,
        }
    }

    /// The same licence with another re-review status.
    fn with_renewal(mut self, new: Renewal) -> Self {
        if let Some((_, renewal)) = self.term_mut() {
            *renewal = new;
        }
        self
    }

    /// The same licence with another coverage.
    fn with_coverage(mut self, new: Coverage) -> Self {
        if let Some((coverage, _)) = self.term_mut() {
            *coverage = new;
        }
        self
    }

    /// The coverage and re-review status of a state that has a term (active, under review,
    /// suspended); `None` for the others, which are left as they are.
    fn term_mut(&mut self) -> Option<(&mut Coverage, &mut Renewal)> {
        match self {
            Self::Active { coverage, renewal }
            | Self::Reviewing {
                coverage, renewal, ..
            }
            | Self::Suspended {
                coverage, renewal, ..
            } => Some((coverage, renewal)),
            _ => None,
        }
    }

    /// A covered licence held by `suspensions` (active when there are none).
    fn held(coverage: Coverage, renewal: Renewal, suspensions: Suspensions) -> Self {
        if suspensions.is_empty() {
            Self::Active { coverage, renewal }
        } else {
            Self::Suspended {
                coverage,
                renewal,
                reasons: suspensions,
            }
        }
    }
}

/// Why an event cannot happen, with the rule that says so.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule}: {reason}")]
pub struct Refusal {
    /// The rule (R4.7b …).
    pub rule: &'static str,
    /// Why, in one sentence.
    pub reason: String,
}

impl Refusal {
    pub(crate) fn new(rule: &'static str, reason: impl Into<String>) -> Self {
        Self {
            rule,
            reason: reason.into(),
        }
    }
}

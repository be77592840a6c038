//! What the passing of time alone does to a licence (R4.7b, R4.7c, R4.7d), and whether the API
//! serves it at an instant.

use chrono::{DateTime, Utc};

use super::SuspensionReason;
use super::{legacy_deadline, Coverage, LicenceEventKind, LicenceState, Refusal, Renewal};

/// A change time alone made to a licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    /// The new state.
    pub state: LicenceState,
    /// The rule that made it.
    pub rule: &'static str,
    /// The history entry: [`LicenceEventKind::TermRenewed`] or [`LicenceEventKind::Expired`].
    pub event: LicenceEventKind,
}

/// What the passing of time has done to `state` by `now`: an approved renewal's term has
/// begun (R4.7b), or the licence expired (R4.7c, R4.7d). `None` when nothing changed.
pub fn settle(state: &LicenceState, now: DateTime<Utc>) -> Option<Settled> {
    let coverage = state.coverage()?;
    if now < coverage.ends_at() {
        return None;
    }
    match state.renewal() {
        Renewal::Approved { next } => {
            let state = state
                .with_coverage(Coverage::Term { term: next })
                .with_renewal(Renewal::None);
            // The next term may itself be over if nobody looked for three years.
            let settled = Settled {
                state,
                rule: "R4.7b",
                event: LicenceEventKind::TermRenewed,
            };
            Some(settle(&settled.state, now).unwrap_or(settled))
        }
        // R4.7b/R4.7d: the API stops at the end only when the re-review "審核未通過或未依規定申請"
        // (was refused or never filed in time): one filed in time runs on until it is decided.
        Renewal::Applied { .. } => None,
        Renewal::None => Some(Settled {
            state: LicenceState::Expired {
                legacy: matches!(coverage, Coverage::Legacy { .. }),
            },
            rule: coverage.end_rule(),
            event: LicenceEventKind::Expired,
        }),
    }
}

/// Whether the API serves a licence in `state` at `now`; the refusal names the rule.
pub fn check_access(state: &LicenceState, now: DateTime<Utc>) -> Result<Coverage, Refusal> {
    match settle(state, now).map_or(*state, |s| s.state) {
        LicenceState::Active { coverage, .. } => Ok(coverage),
        LicenceState::Expired { legacy: true } => Err(Refusal::new(
            "R4.7d",
            format!("the legacy licence was not re-reviewed by {}; the API has stopped", legacy_deadline()),
        )),
        LicenceState::Expired { legacy: false } => Err(Refusal::new(
            "R4.7c",
            "the licence term ended without an approved re-review; the API stopped at the first instant after the term",
        )),
        LicenceState::Suspended { reasons, .. } => {
            let rule = reasons.first().map_or("R10.2", SuspensionReason::rule);
            let why: Vec<_> = reasons.iter().map(|r| format!("{} ({})", r.describe(), r.rule())).collect();
            Err(Refusal::new(rule, format!("the licence is suspended: {}", why.join("; "))))
        }
        LicenceState::Reviewing { .. } => {
            Err(Refusal::new("R5.11", "the Product's purpose changed; the licence is back under review"))
        }
        LicenceState::Terminated { ground } => Err(Refusal::new(
            ground.rule(),
            format!("the licence was terminated ({}, {})", ground.as_str(), ground.name_zh()),
        )),
        LicenceState::Withdrawn => Err(Refusal::new("R10.1", "the Developer withdrew the licence")),
        LicenceState::MergedAway => Err(Refusal::new(
            "R10.5",
            "the licence ended with a merger; the surviving entity must apply anew",
        )),
        LicenceState::Applied { .. } | LicenceState::ChangesRequested | LicenceState::Rejected => {
            Err(Refusal::new("R4.1", "the application has not been approved"))
        }
    }
}

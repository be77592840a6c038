//! The transitions: which event may happen in which state, and what it leads to.

use chrono::{DateTime, Utc};

use super::{
    legacy_deadline, settle, Coverage, LicenceEvent, LicenceState, LicenceTerm, Refusal, Renewal,
    SuspensionReason, Suspensions,
};
use crate::clock::taipei_date;

/// The next state after `event` at `now`, or the refusal naming the rule. Time is settled
/// first, so an event on a licence whose term is over meets the expired licence.
pub fn apply(
    state: &LicenceState,
    event: LicenceEvent,
    now: DateTime<Utc>,
) -> Result<LicenceState, Refusal> {
    use LicenceEvent as E;
    use LicenceState as S;
    let state = settle(state, now).map_or(*state, |s| s.state);
    let today = taipei_date(now);
    let wrong = || {
        Refusal::new(
            event.rule(),
            format!("a licence that is {} cannot {}", state.name(), event.name()),
        )
    };
    match (state, event) {
        (S::Expired { legacy }, _) => {
            let rule = if legacy { "R4.7d" } else { "R4.7c" };
            Err(Refusal::new(rule, "the licence has expired; apply anew"))
        }
        (S::ChangesRequested, E::Resubmit) => Ok(S::Applied { filed_at: now }),
        (S::Applied { .. }, E::RequestChanges) => Ok(S::ChangesRequested),
        (S::Applied { .. } | S::ChangesRequested | S::Reviewing { .. }, E::Reject) => {
            Ok(S::Rejected)
        }
        // R4.7e: whenever it was filed, an approval now gets a term under the new rules.
        (S::Applied { .. }, E::Approve) => Ok(S::Active {
            coverage: Coverage::Term {
                term: LicenceTerm::full(today),
            },
            renewal: Renewal::None,
        }),
        // R5.11 decided; R10.2: a suspension that came meanwhile still holds.
        (
            S::Reviewing {
                coverage,
                renewal,
                suspensions,
            },
            E::Approve,
        ) => Ok(S::held(coverage, renewal, suspensions)),
        // R4.7b: an active or suspended licence (or one under purpose review) files its
        // re-review inside the window; the suspension does not stop the filing.
        (s, E::ApplyRenewal) if s.coverage().is_some() => match (s.coverage(), s.renewal()) {
            (Some(coverage), Renewal::None) => {
                renewal_allowed(coverage, now)?;
                Ok(s.with_renewal(Renewal::Applied { filed_at: now }))
            }
            _ => Err(Refusal::new("R4.7b", "a re-review is already filed")),
        },
        (s, E::ApproveRenewal) if matches!(s.renewal(), Renewal::Applied { .. }) => {
            approve_renewal(s, now)
        }
        (s, E::RejectRenewal) if matches!(s.renewal(), Renewal::Applied { .. }) => {
            match s.coverage() {
                // R4.7b: refused after the term's end, the API stops at the decision.
                Some(coverage) if now >= coverage.ends_at() => Ok(S::Expired {
                    legacy: matches!(coverage, Coverage::Legacy { .. }),
                }),
                _ => Ok(s.with_renewal(Renewal::None)),
            }
        }
        (S::Active { coverage, renewal }, E::Suspend { reason }) => Ok(S::Suspended {
            coverage,
            renewal,
            reasons: Suspensions::of(reason),
        }),
        // R10.2: causes stack; the same cause twice is a mistake.
        (s @ (S::Suspended { .. } | S::Reviewing { .. }), E::Suspend { reason }) => {
            let held = s.suspensions();
            if held.contains(reason) {
                return Err(Refusal::new(
                    reason.rule(),
                    "the licence is already suspended for this reason",
                ));
            }
            Ok(with_suspensions(s, held.with(reason)))
        }
        (
            s @ (S::Suspended { .. } | S::Reviewing { .. }),
            E::Reinstate {
                reason,
                certificate_valid_until,
            },
        ) => {
            let held = s.suspensions();
            if !held.contains(reason) {
                let why = held.first().map_or_else(
                    || "the licence is not suspended".to_owned(),
                    |h| format!("the suspension is because {}", h.describe()),
                );
                let rule = held.first().map_or(reason.rule(), SuspensionReason::rule);
                return Err(Refusal::new(rule, why));
            }
            if reason == SuspensionReason::LapsedIsmsCertificate
                && certificate_valid_until.is_none_or(|d| d < today)
            {
                return Err(Refusal::new(
                    "R6",
                    "a valid ISMS certificate must be on file before reinstatement",
                ));
            }
            // R10.2: only this cause is lifted; any other still holds.
            Ok(with_suspensions(s, held.without(reason)))
        }
        // R5.11: a purpose change goes to review whether the licence is active or suspended;
        // the suspensions stay beside it. A second change while under review is recorded.
        (s @ (S::Active { .. } | S::Suspended { .. } | S::Reviewing { .. }), E::ChangePurpose) => {
            match s.coverage() {
                Some(coverage) => Ok(S::Reviewing {
                    coverage,
                    renewal: s.renewal(),
                    suspensions: s.suspensions(),
                }),
                None => Err(wrong()),
            }
        }
        (s, E::Terminate { ground }) if s.coverage().is_some() => Ok(S::Terminated { ground }),
        (s, E::Withdraw)
            if s.coverage().is_some() || matches!(s, S::Applied { .. } | S::ChangesRequested) =>
        {
            Ok(S::Withdrawn)
        }
        (s, E::Merge) if s.coverage().is_some() => Ok(S::MergedAway),
        _ => Err(wrong()),
    }
}

/// A covered licence with its suspensions replaced: under review it stays under review; else
/// it is suspended while any cause is left, active when none is.
fn with_suspensions(state: LicenceState, suspensions: Suspensions) -> LicenceState {
    match (state, state.coverage()) {
        (
            LicenceState::Reviewing {
                coverage, renewal, ..
            },
            _,
        ) => LicenceState::Reviewing {
            coverage,
            renewal,
            suspensions,
        },
        (s, Some(coverage)) => LicenceState::held(coverage, s.renewal(), suspensions),
        (s, None) => s,
    }
}

/// R4.7b: the new term starts the day after the old one ended; approved after the old term's
/// end (the re-review kept the API running), the new term is in force at once. R4.7d: a legacy
/// licence's new term starts on approval.
fn approve_renewal(state: LicenceState, now: DateTime<Utc>) -> Result<LicenceState, Refusal> {
    let today = taipei_date(now);
    match state.coverage() {
        Some(Coverage::Term { term }) => {
            let next = term.successor();
            if now >= term.ends_at() {
                Ok(state
                    .with_coverage(Coverage::Term { term: next })
                    .with_renewal(Renewal::None))
            } else {
                Ok(state.with_renewal(Renewal::Approved { next }))
            }
        }
        Some(Coverage::Legacy { .. }) => Ok(state
            .with_coverage(Coverage::Term {
                term: LicenceTerm::full(today),
            })
            .with_renewal(Renewal::None)),
        None => Err(Refusal::new("R4.7b", "no licence term to renew")),
    }
}

/// R4.7b: a term's renewal only inside its window; R4.7d: a legacy licence's re-review any
/// time up to the deadline.
fn renewal_allowed(coverage: Coverage, now: DateTime<Utc>) -> Result<(), Refusal> {
    match coverage {
        Coverage::Term { term } if term.in_renewal_window(now) => Ok(()),
        Coverage::Term { term } => {
            let (opens, closes) = term.renewal_window();
            Err(Refusal::new(
                "R4.7b",
                format!(
                    "re-review is accepted from {} to {} (six to two months before the term ends on {})",
                    taipei_date(opens),
                    taipei_date(closes),
                    term.last_day()
                ),
            ))
        }
        Coverage::Legacy { .. } if now < coverage.ends_at() => Ok(()),
        Coverage::Legacy { .. } => Err(Refusal::new(
            "R4.7d",
            format!("legacy re-review was due by {}", legacy_deadline()),
        )),
    }
}

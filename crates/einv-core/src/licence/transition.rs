//! The transitions: which event may happen in which state, and what it leads to.

use chrono::{DateTime, Utc};

use super::{
    legacy_deadline, settle, Coverage, LicenceEvent, LicenceState, LicenceTerm, Refusal, Renewal,
    SuspensionReason,
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
        (S::Reviewing { coverage }, E::Approve) => Ok(S::Active {
            coverage,
            renewal: Renewal::None,
        }),
        (
            S::Active {
                coverage,
                renewal: Renewal::None,
            },
            E::ApplyRenewal,
        ) => {
            renewal_allowed(coverage, now)?;
            Ok(S::Active {
                coverage,
                renewal: Renewal::Applied { filed_at: now },
            })
        }
        (
            S::Active {
                renewal: Renewal::Applied { .. } | Renewal::Approved { .. },
                ..
            },
            E::ApplyRenewal,
        ) => Err(Refusal::new("R4.7b", "a re-review is already filed")),
        (
            S::Active {
                coverage,
                renewal: Renewal::Applied { .. },
            },
            E::ApproveRenewal,
        ) => {
            let next = match coverage {
                Coverage::Term { term } => term.successor(),
                // A legacy licence's new term starts on approval (R4.7d).
                Coverage::Legacy { .. } => LicenceTerm::full(today),
            };
            match coverage {
                Coverage::Legacy { .. } => Ok(S::Active {
                    coverage: Coverage::Term { term: next },
                    renewal: Renewal::None,
                }),
                Coverage::Term { .. } => Ok(S::Active {
                    coverage,
                    renewal: Renewal::Approved { next },
                }),
            }
        }
        (
            S::Active {
                coverage,
                renewal: Renewal::Applied { .. },
            },
            E::RejectRenewal,
        ) => Ok(S::Active {
            coverage,
            renewal: Renewal::None,
        }),
        (S::Active { coverage, renewal }, E::Suspend { reason }) => Ok(S::Suspended {
            coverage,
            renewal,
            reason,
        }),
        (S::Suspended { reason: held, .. }, E::Suspend { reason }) if held == reason => {
            Err(Refusal::new(
                reason.rule(),
                "the licence is already suspended for this reason",
            ))
        }
        (
            S::Suspended {
                coverage,
                renewal,
                reason: held,
            },
            E::Reinstate {
                reason,
                certificate_valid_until,
            },
        ) => {
            if held != reason {
                return Err(Refusal::new(
                    held.rule(),
                    format!("the suspension is because {}", held.describe()),
                ));
            }
            if reason == SuspensionReason::LapsedIsmsCertificate
                && certificate_valid_until.is_none_or(|d| d < today)
            {
                return Err(Refusal::new(
                    "R6",
                    "a valid ISMS certificate must be on file before reinstatement",
                ));
            }
            Ok(S::Active { coverage, renewal })
        }
        (S::Active { coverage, .. }, E::ChangePurpose) => Ok(S::Reviewing { coverage }),
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

//! The lifecycle, rule by rule, each with the event that breaks it.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::clock::taipei;
use crate::period::ymd;

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    taipei()
        .with_ymd_and_hms(y, m, d, 0, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn active_from(y: i32, m: u32, d: u32) -> LicenceState {
    apply(
        &LicenceState::filed(at(y, m, d)),
        LicenceEvent::Approve,
        at(y, m, d),
    )
    .unwrap()
}

/// The rule `check_access` refuses `state` under at `now`.
fn refused_by(state: &LicenceState, now: DateTime<Utc>) -> &'static str {
    check_access(state, now).unwrap_err().rule
}

/// The rule `apply` refuses `event` on `state` under at `now`.
fn event_refused_by(state: &LicenceState, event: LicenceEvent, now: DateTime<Utc>) -> &'static str {
    apply(state, event, now).unwrap_err().rule
}

fn suspend(state: &LicenceState, reason: SuspensionReason, when: DateTime<Utc>) -> LicenceState {
    apply(state, LicenceEvent::Suspend { reason }, when).unwrap()
}

fn reinstate(reason: SuspensionReason, certificate_valid_until: Option<NaiveDate>) -> LicenceEvent {
    LicenceEvent::Reinstate {
        reason,
        certificate_valid_until,
    }
}

#[test]
fn r4_1_review_paths() {
    let filed = LicenceState::filed(at(2026, 1, 1));
    let asked = apply(&filed, LicenceEvent::RequestChanges, at(2026, 1, 2)).unwrap();
    assert_eq!(asked, LicenceState::ChangesRequested);
    assert_eq!(
        event_refused_by(&asked, LicenceEvent::Approve, at(2026, 1, 3)),
        "R4.1"
    );
    let again = apply(&asked, LicenceEvent::Resubmit, at(2026, 1, 3)).unwrap();
    assert!(
        check_access(&again, at(2026, 1, 3)).is_err(),
        "not approved yet"
    );
    let active = apply(&again, LicenceEvent::Approve, at(2026, 1, 4)).unwrap();
    assert_eq!(
        active.coverage().unwrap().term().unwrap(),
        LicenceTerm::full(ymd(2026, 1, 4))
    );
    assert!(check_access(&active, at(2026, 1, 4)).is_ok());
    assert_eq!(
        apply(&filed, LicenceEvent::Reject, at(2026, 1, 2)).unwrap(),
        LicenceState::Rejected
    );
}

#[test]
fn r4_7c_the_api_stops_at_the_first_instant_after_the_term() {
    let active = active_from(2026, 1, 1);
    let end = at(2029, 1, 1);
    assert!(check_access(&active, end - Duration::seconds(1)).is_ok());
    let refused = check_access(&active, end).unwrap_err();
    assert_eq!(refused.rule, "R4.7c");
    assert_eq!(
        settle(&active, end).unwrap().state,
        LicenceState::Expired { legacy: false }
    );
}

#[test]
fn r4_7b_renewal_window_and_contiguous_term() {
    let active = active_from(2026, 1, 1);
    // The term ends 2029-01-01 00:00; six months before is 2028-07-01.
    let too_early = apply(&active, LicenceEvent::ApplyRenewal, at(2028, 6, 30)).unwrap_err();
    assert_eq!(too_early.rule, "R4.7b");
    let too_late = apply(&active, LicenceEvent::ApplyRenewal, at(2028, 11, 2)).unwrap_err();
    assert_eq!(too_late.rule, "R4.7b");
    let filed = apply(&active, LicenceEvent::ApplyRenewal, at(2028, 7, 1)).unwrap();
    assert!(
        check_access(&filed, at(2028, 8, 1)).is_ok(),
        "a pending renewal keeps the licence active"
    );
    assert_eq!(
        event_refused_by(&filed, LicenceEvent::ApplyRenewal, at(2028, 7, 2)),
        "R4.7b"
    );
    let approved = apply(&filed, LicenceEvent::ApproveRenewal, at(2028, 8, 1)).unwrap();
    let next = check_access(&approved, at(2029, 1, 1))
        .unwrap()
        .term()
        .unwrap();
    assert_eq!(next.start(), ymd(2029, 1, 1));
    assert_eq!(
        settle(&approved, at(2029, 1, 1)).unwrap().event.as_str(),
        "term-renewed"
    );
}

#[test]
fn r4_7b_an_undecided_re_review_keeps_the_api_running_past_the_term() {
    let active = active_from(2026, 1, 1);
    let end = at(2029, 1, 1);
    let filed = apply(&active, LicenceEvent::ApplyRenewal, at(2028, 7, 1)).unwrap();
    // Filed inside the window, undecided at the end: the API runs on (only "審核未通過或未依規定
    // 申請" stops it at the end of the term).
    assert!(check_access(&filed, end).is_ok());
    assert!(settle(&filed, end + Duration::days(30)).is_none());
    // Approved after the end: the new term starts the day after the old one ended.
    let approved = apply(
        &filed,
        LicenceEvent::ApproveRenewal,
        end + Duration::days(30),
    )
    .unwrap();
    let term = approved.coverage().unwrap().term().unwrap();
    assert_eq!(term.start(), ymd(2029, 1, 1));
    assert_eq!(approved.renewal(), Renewal::None);
    assert!(check_access(&approved, end + Duration::days(30)).is_ok());
    // Refused after the end: the API stops at the decision.
    let decided = end + Duration::days(40);
    assert!(check_access(&filed, decided - Duration::seconds(1)).is_ok());
    let refused = apply(&filed, LicenceEvent::RejectRenewal, decided).unwrap();
    assert_eq!(refused, LicenceState::Expired { legacy: false });
    assert_eq!(refused_by(&refused, decided), "R4.7c");
    // Refused before the end: it runs to the end of its term, then stops.
    let early = apply(&filed, LicenceEvent::RejectRenewal, at(2028, 8, 1)).unwrap();
    assert!(check_access(&early, end - Duration::seconds(1)).is_ok());
    assert_eq!(refused_by(&early, end), "R4.7c");
    // Not filed: the API stops at the first instant after the term.
    assert_eq!(refused_by(&active, end), "R4.7c");
}

#[test]
fn r4_7b_a_suspended_licence_can_still_file_its_re_review() {
    let active = active_from(2026, 1, 1);
    let tax = SuspensionReason::TaxRegistrySuspension;
    let suspended = suspend(&active, tax, at(2028, 6, 1));
    let filed = apply(&suspended, LicenceEvent::ApplyRenewal, at(2028, 7, 1)).unwrap();
    assert!(matches!(
        filed,
        LicenceState::Suspended {
            renewal: Renewal::Applied { .. },
            ..
        }
    ));
    assert_eq!(
        event_refused_by(&suspended, LicenceEvent::ApplyRenewal, at(2028, 6, 30)),
        "R4.7b",
        "the window still applies"
    );
    let approved = apply(&filed, LicenceEvent::ApproveRenewal, at(2028, 8, 1)).unwrap();
    // The suspension outlives the old term and holds in the new one.
    let renewed = settle(&approved, at(2029, 1, 1)).unwrap().state;
    assert_eq!(renewed.suspensions(), Suspensions::of(tax));
    assert_eq!(
        renewed.coverage().unwrap().term().unwrap().start(),
        ymd(2029, 1, 1)
    );
    let back = apply(&renewed, reinstate(tax, None), at(2029, 2, 1)).unwrap();
    assert!(check_access(&back, at(2029, 2, 1)).is_ok());
}

#[test]
fn r10_2_suspensions_stack_by_cause() {
    let active = active_from(2026, 1, 1);
    let tax = SuspensionReason::TaxRegistrySuspension;
    let isms = SuspensionReason::LapsedIsmsCertificate;
    let cure_isms = reinstate(isms, Some(ymd(2030, 1, 1)));
    let cure_tax = reinstate(tax, None);
    let lapsed = suspend(&active, isms, at(2026, 2, 1));
    let both = suspend(&lapsed, tax, at(2026, 2, 2));
    // R6 cured: 停業 still holds.
    let still = apply(&both, cure_isms, at(2026, 3, 1)).unwrap();
    assert_eq!(still.suspensions(), Suspensions::of(tax));
    assert_eq!(refused_by(&still, at(2026, 3, 1)), "R10.2");
    // 復業 lifts only its own cause: the other order leaves R6 holding.
    let resumed = apply(&both, cure_tax, at(2026, 3, 1)).unwrap();
    assert_eq!(refused_by(&resumed, at(2026, 3, 1)), "R6");
    assert!(check_access(
        &apply(&still, cure_tax, at(2026, 3, 2)).unwrap(),
        at(2026, 3, 2)
    )
    .is_ok());
    // 復業 on a licence not suspended for 停業 is refused.
    assert!(apply(&lapsed, cure_tax, at(2026, 3, 1)).is_err());

    // 停業 during an R5.11 review holds after the purpose change is approved.
    let reviewing = apply(&active, LicenceEvent::ChangePurpose, at(2026, 4, 1)).unwrap();
    let stopped = suspend(&reviewing, tax, at(2026, 4, 2));
    let approved = apply(&stopped, LicenceEvent::Approve, at(2026, 4, 3)).unwrap();
    assert_eq!(refused_by(&approved, at(2026, 4, 3)), "R10.2");
    // …and 復業 during the review does not end the review.
    let resumed = apply(&stopped, cure_tax, at(2026, 4, 3)).unwrap();
    assert_eq!(refused_by(&resumed, at(2026, 4, 3)), "R5.11");
}

#[test]
fn r5_11_a_purpose_change_on_a_suspended_licence_goes_to_review() {
    let tax = SuspensionReason::TaxRegistrySuspension;
    let suspended = apply(
        &active_from(2026, 1, 1),
        LicenceEvent::Suspend { reason: tax },
        at(2026, 2, 1),
    )
    .unwrap();
    let reviewing = apply(&suspended, LicenceEvent::ChangePurpose, at(2026, 2, 2)).unwrap();
    assert_eq!(reviewing.name(), "reviewing");
    let approved = apply(&reviewing, LicenceEvent::Approve, at(2026, 2, 3)).unwrap();
    assert_eq!(
        approved.suspensions(),
        Suspensions::of(tax),
        "R10.2 still holds"
    );
}

#[test]
fn suspended_states_stored_with_one_reason_still_load() {
    let text = r#"{"state":"suspended","coverage":{"kind":"term","term":{"start":"2026-01-01","last_day":"2028-12-31"}},"renewal":{"kind":"none"},"reason":"lapsed-isms-certificate"}"#;
    let s: LicenceState = serde_json::from_str(text).unwrap();
    assert_eq!(
        s.suspensions(),
        Suspensions::of(SuspensionReason::LapsedIsmsCertificate)
    );
    let again: LicenceState = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(again, s);
}

#[test]
fn r4_7d_legacy_licences_stop_after_the_deadline() {
    let legacy = LicenceState::legacy(ymd(2020, 5, 1)).unwrap();
    assert!(check_access(&legacy, at(2025, 3, 31)).is_ok());
    assert_eq!(refused_by(&legacy, at(2025, 4, 1)), "R4.7d");
    assert_eq!(settle(&legacy, at(2025, 4, 1)).unwrap().rule, "R4.7d");
    // Filed in time: runs until decided; approval gives a three-year term from that day.
    let filed = apply(&legacy, LicenceEvent::ApplyRenewal, at(2024, 1, 1)).unwrap();
    assert!(check_access(&filed, at(2025, 6, 1)).is_ok());
    let renewed = apply(&filed, LicenceEvent::ApproveRenewal, at(2025, 6, 1)).unwrap();
    assert_eq!(
        renewed.coverage().unwrap().term().unwrap().start(),
        ymd(2025, 6, 1)
    );
    assert_eq!(
        event_refused_by(&legacy, LicenceEvent::ApplyRenewal, at(2025, 4, 1)),
        "R4.7d"
    );
}

#[test]
fn r4_7e_applications_filed_before_the_reform_follow_the_new_rules() {
    let filed = LicenceState::filed(at(2023, 3, 1));
    let approved = apply(&filed, LicenceEvent::Approve, at(2023, 5, 1)).unwrap();
    assert!(matches!(approved.coverage(), Some(Coverage::Term { .. })));
    assert_eq!(
        LicenceState::legacy(ymd(2023, 3, 31)).unwrap_err().rule,
        "R4.7e"
    );
}

/// R10.2 (tax registry) and R6 (ISMS certificate): a suspension refuses access under its
/// rule, a reinstatement that does not cure its cause is refused under the same rule, and the
/// one that does gives access back.
#[test]
fn r10_2_and_r6_suspension_and_reinstatement() {
    let active = active_from(2026, 1, 1);
    let tax = SuspensionReason::TaxRegistrySuspension;
    let isms = SuspensionReason::LapsedIsmsCertificate;
    let cases = [
        (
            tax,
            "R10.2",
            reinstate(isms, Some(ymd(2030, 1, 1))),
            reinstate(tax, None),
            at(2026, 3, 1),
        ),
        (
            isms,
            "R6",
            reinstate(isms, Some(ymd(2026, 1, 31))),
            reinstate(isms, Some(ymd(2027, 1, 31))),
            at(2026, 2, 2),
        ),
    ];
    for (reason, rule, wrong_cure, cure, when) in cases {
        let suspended = suspend(&active, reason, at(2026, 2, 1));
        assert_eq!(refused_by(&suspended, at(2026, 2, 1)), rule);
        assert_eq!(event_refused_by(&suspended, wrong_cure, when), rule);
        let back = apply(&suspended, cure, when).unwrap();
        assert!(check_access(&back, when).is_ok(), "{rule}");
    }
}

#[test]
fn r10_ends_and_r5_11_purpose_change() {
    let active = active_from(2026, 1, 1);
    let now = at(2026, 6, 1);
    for ground in TerminationGround::ALL {
        let ended = apply(&active, LicenceEvent::Terminate { ground }, now).unwrap();
        assert_eq!(refused_by(&ended, now), ground.rule());
        assert!(ended.ends_an_approved_licence());
        assert!(
            apply(&ended, LicenceEvent::Approve, now).is_err(),
            "R10.4: an ended licence stays ended"
        );
    }
    assert_eq!(
        refused_by(&apply(&active, LicenceEvent::Withdraw, now).unwrap(), now),
        "R10.1"
    );
    let merged = apply(&active, LicenceEvent::Merge, now).unwrap();
    assert_eq!(refused_by(&merged, now), "R10.5");
    assert!(apply(
        &merged,
        reinstate(SuspensionReason::TaxRegistrySuspension, None),
        now
    )
    .is_err());
    let reviewing = apply(&active, LicenceEvent::ChangePurpose, now).unwrap();
    assert_eq!(refused_by(&reviewing, now), "R5.11");
    let again = apply(&reviewing, LicenceEvent::Approve, now).unwrap();
    assert_eq!(
        again.coverage(),
        active.coverage(),
        "the term is unchanged by a purpose review"
    );
}

#[test]
fn states_roundtrip_as_json() {
    let s = apply(
        &active_from(2026, 1, 1),
        LicenceEvent::ApplyRenewal,
        at(2028, 8, 1),
    )
    .unwrap();
    let text = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<LicenceState>(&text).unwrap(), s);
    let bad = text.replace("2028-12-31", "2031-12-31");
    assert!(
        serde_json::from_str::<LicenceState>(&bad).is_err(),
        "R4.7a holds on load too"
    );
}

fn any_event() -> impl Strategy<Value = LicenceEvent> {
    let reason = prop_oneof![
        Just(SuspensionReason::TaxRegistrySuspension),
        Just(SuspensionReason::LapsedIsmsCertificate)
    ];
    prop_oneof![
        Just(LicenceEvent::Resubmit),
        Just(LicenceEvent::RequestChanges),
        Just(LicenceEvent::Reject),
        Just(LicenceEvent::Approve),
        Just(LicenceEvent::ApplyRenewal),
        Just(LicenceEvent::ApproveRenewal),
        Just(LicenceEvent::RejectRenewal),
        reason
            .clone()
            .prop_map(|reason| LicenceEvent::Suspend { reason }),
        reason.prop_map(|reason| LicenceEvent::Reinstate {
            reason,
            certificate_valid_until: Some(ymd(2040, 1, 1))
        }),
        (0usize..7).prop_map(|i| LicenceEvent::Terminate {
            ground: TerminationGround::ALL[i]
        }),
        Just(LicenceEvent::Withdraw),
        Just(LicenceEvent::Merge),
        Just(LicenceEvent::ChangePurpose),
    ]
}

proptest! {
    /// Whatever happens, in whatever order: every term is at most three years, renewed terms
    /// are contiguous with the one before, and an ended licence never comes back.
    #[test]
    fn lifecycle_invariants(steps in proptest::collection::vec((any_event(), 0i64..400), 1..40)) {
        let mut state = LicenceState::filed(at(2026, 1, 1));
        let mut now = at(2026, 1, 1);
        for (event, days) in steps {
            now += Duration::days(days);
            let before = settle(&state, now).map_or(state, |s| s.state);
            if let Ok(next) = apply(&state, event, now) {
                if let (Some(Coverage::Term { term: a }), Some(Coverage::Term { term: b })) = (before.coverage(), next.coverage()) {
                    prop_assert!(a == b || a.successor() == b || b.start() == crate::clock::taipei_date(now));
                }
                if let LicenceState::Active { renewal: Renewal::Approved { next: n }, coverage: Coverage::Term { term } } = next {
                    prop_assert_eq!(n.begins_at(), term.ends_at());
                }
                prop_assert!(!before.is_ended(), "an ended licence changed: {:?} -> {:?}", before, next);
                state = next;
            }
            if let Some(term) = state.coverage().and_then(|c| c.term()) {
                prop_assert!(LicenceTerm::new(term.start(), term.last_day()).is_ok());
            }
        }
    }
}

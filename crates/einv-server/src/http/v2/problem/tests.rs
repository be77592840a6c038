use super::*;

fn kind(e: ServiceError) -> (Kind, Option<String>, Option<&'static str>) {
    let p = Problem::from(e);
    (p.kind, p.field, p.rule)
}

#[test]
fn each_use_case_kind_has_its_own_problem_type() {
    let consent = |rule| ServiceError::ConsentRequired {
        reason: "r".into(),
        rule,
        consent_url: "/x".into(),
    };
    assert_eq!(kind(consent("R5.6")).0, Kind::ConsentLapsed, "R5.6");
    assert_eq!(kind(consent("R5.2")).0, Kind::ConsentRequired);
    assert_eq!(kind(consent("R10.2")).0, Kind::ConsentRequired);
    let app = |rule| ServiceError::AppRefused {
        reason: "r".into(),
        rule,
    };
    assert_eq!(kind(app(Some("R4.1"))).0, Kind::UnknownKey);
    assert_eq!(kind(app(Some("R10.2"))).0, Kind::LicenceSuspended);
    assert_eq!(kind(app(Some("R4.5"))).0, Kind::ServiceNotLicensed);
    assert_eq!(kind(app(Some("R4.7c"))).0, Kind::LicenceInactive);
    assert_eq!(kind(app(Some("R11"))).0, Kind::LicenceInactive);
    let throttled = Problem::from(ServiceError::RateLimited {
        limit: 1,
        window_secs: 60,
        retry_after_secs: 7,
    });
    assert_eq!(
        (throttled.kind, throttled.retry_after),
        (Kind::RateLimited, Some(7))
    );
    assert_eq!(
        kind(ServiceError::Conflict(Conflict::AlreadyDonated)).0,
        Kind::Conflict
    );
    assert_eq!(
        kind(ServiceError::Refused {
            rule: "R4.3",
            reason: "r".into()
        }),
        (Kind::Forbidden, None, Some("R4.3"))
    );
    assert_eq!(
        kind(ServiceError::Invalid(einv_core::InvalidValue::new(
            "from", "x"
        )))
        .1,
        Some("from".into())
    );
    let refused = |why| kind(ServiceError::Unauthorised(why)).0;
    assert_eq!(refused(Authorisation::OutOfScope), Kind::InsufficientScope);
    assert_eq!(
        refused(Authorisation::AccessTokenNotValid),
        Kind::TokenInvalid
    );
    // Nothing internal leaks.
    let internal = Problem::from(ServiceError::Internal("secret detail".into()));
    assert_eq!(
        (internal.kind, internal.detail.as_str()),
        (Kind::Internal, "internal error")
    );
}

#[test]
fn problem_types_are_distinct_and_stable() {
    let mut slugs: Vec<_> = Kind::ALL.iter().map(|k| k.describe().0).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), Kind::ALL.len());
    assert_eq!(Kind::Replay.type_path(), "/problems/replay");
}

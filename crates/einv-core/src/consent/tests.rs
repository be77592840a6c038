use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::clock::taipei;

fn taipei_at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    taipei()
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

pub(crate) fn fields() -> ConsentFields {
    ConsentFields {
        services: "carrier-invoices donation".into(),
        purpose_category: "e-invoice-service".into(),
        purpose: "顯示您的載具發票".into(),
        period: "同意後六個月".into(),
        region: "臺灣".into(),
        recipients: "本 App 開發者".into(),
        manner: "於 App 中顯示，不另行儲存".into(),
        laws: None,
        refusal_effect: None,
    }
}

#[test]
fn r5_4_every_pdpa_item_is_required_and_named() {
    type Blank = (&'static str, fn(&mut ConsentFields));
    let setters: [Blank; 6] = [
        ("scope", |f| f.services = " ".into()),
        ("purpose", |f| f.purpose = "  ".into()),
        ("period", |f| f.period.clear()),
        ("region", |f| f.region.clear()),
        ("recipients", |f| f.recipients.clear()),
        ("manner", |f| f.manner.clear()),
    ];
    for (field, blank) in setters {
        let mut f = fields();
        blank(&mut f);
        let err = ConsentRequest::parse(&f).unwrap_err();
        assert_eq!(err.field, field);
        assert!(err.problem.starts_with("R5.4"), "{err}");
    }
    let ok = ConsentRequest::parse(&fields()).unwrap();
    assert_eq!(ok.kind(), ConsentKind::InScope);
    assert_eq!(ok.scope(), "carrier-invoices donation");
}

#[test]
fn r5_3_out_of_scope_needs_laws_and_what_refusing_means() {
    let mut f = fields();
    f.purpose_category = "personal-finance".into();
    let err = ConsentRequest::parse(&f).unwrap_err();
    assert_eq!(err.field, "laws");
    assert!(err.problem.starts_with("R5.3"));
    f.laws = Some("個人資料保護法".into());
    assert_eq!(
        ConsentRequest::parse(&f).unwrap_err().field,
        "refusal_effect"
    );
    f.refusal_effect = Some("不同意仍可使用發票查詢，但無記帳功能".into());
    let req = ConsentRequest::parse(&f).unwrap();
    assert_eq!(req.kind(), ConsentKind::OutOfScope);
    assert!(req.out_of_scope().is_some());
}

#[test]
fn r5_5_forbidden_purposes_cannot_be_declared() {
    for bad in [
        "trade-secret-profiling",
        "third-party-disclosure",
        "data-resale",
    ] {
        let mut f = fields();
        f.purpose_category = bad.into();
        let err = ConsentRequest::parse(&f).unwrap_err();
        assert_eq!(err.field, "purpose_category");
        assert!(err.problem.starts_with("R5.5"), "{err}");
    }
}

#[test]
fn r5_6_lapse_exactly_six_calendar_months_later() {
    let given = taipei_at(2026, 1, 31, 10);
    let grant = ConsentGrant::give(ConsentRequest::parse(&fields()).unwrap(), given);
    assert_eq!(grant.lapses_at(), taipei_at(2026, 7, 31, 10));
    assert!(grant.is_live(grant.lapses_at() - Duration::seconds(1)));
    assert_eq!(grant.status(grant.lapses_at()), ConsentStatus::Lapsed);
    let clamped = ConsentGrant::give(
        ConsentRequest::parse(&fields()).unwrap(),
        taipei_at(2026, 8, 31, 23),
    );
    assert_eq!(clamped.lapses_at(), taipei_at(2027, 2, 28, 23));
}

#[test]
fn revocation_and_voiding_end_a_grant_at_their_instant() {
    let given = taipei_at(2026, 3, 1, 9);
    let mut grant = ConsentGrant::give(ConsentRequest::parse(&fields()).unwrap(), given);
    assert!(grant.allows(Service::CarrierInvoices, given));
    assert!(
        !grant.allows(Service::CarrierAggregation, given),
        "not in scope"
    );
    let t = given + Duration::days(3);
    grant.revoked_at = Some(t);
    assert!(grant.is_live(t - Duration::seconds(1)));
    assert_eq!(grant.status(t), ConsentStatus::Revoked);
    grant.voided_at = Some(t);
    assert_eq!(grant.status(t), ConsentStatus::Voided);
    assert!(
        !grant.is_live(given - Duration::seconds(1)),
        "not live before it was given"
    );
}

proptest! {
    #[test]
    fn live_exactly_until_six_calendar_months(secs in 1_600_000_000i64..2_200_000_000i64, probe in 0i64..20_000_000i64) {
        let given = DateTime::from_timestamp(secs, 0).unwrap();
        let lapse = lapse_instant(given);
        // Six calendar months are between 181 and 184 days.
        prop_assert!(lapse - given >= Duration::days(181) && lapse - given <= Duration::days(184));
        prop_assert_eq!(consent_status(given, None, None, lapse), ConsentStatus::Lapsed);
        prop_assert_eq!(consent_status(given, None, None, lapse - Duration::seconds(1)), ConsentStatus::Live);
        let now = given + Duration::seconds(probe);
        let live = consent_status(given, None, None, now) == ConsentStatus::Live;
        prop_assert_eq!(live, now < lapse);
    }

    #[test]
    fn any_blank_item_is_refused(which in 0usize..5, blank in "[ \t]{0,3}") {
        let mut f = fields();
        let slot = [&mut f.purpose, &mut f.period, &mut f.region, &mut f.recipients, &mut f.manner];
        let names = ["purpose", "period", "region", "recipients", "manner"];
        *slot.into_iter().nth(which).unwrap() = blank;
        prop_assert_eq!(ConsentRequest::parse(&f).unwrap_err().field, names[which]);
    }
}

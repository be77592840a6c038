//! The kit's refusals, each with the clock moved instead of waited for.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use einv_core::clock::taipei;
use einv_core::consent::PurposeCategory;
use einv_core::{FixedClock, InvoiceNumber, Period, Service};

use super::*;
use crate::display::ShownNumber;
use crate::v1::CarrierCredentials;
use crate::{ApiKey, ClientConfig, RetryPolicy, V1Client};

fn taipei_at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    taipei()
        .with_ymd_and_hms(y, m, d, 12, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

async fn kit(at: DateTime<Utc>) -> (ComplianceKit, FixedClock) {
    let clock = FixedClock::new(at);
    let store = SqliteKitStore::in_memory().await.unwrap();
    (
        ComplianceKit::new("APP", store, Arc::new(clock.clone())),
        clock,
    )
}

/// A client that must never be reached: the refusals come first.
fn unreachable_client() -> V1Client {
    let config = ClientConfig::new("http://127.0.0.1:9", "APP", ApiKey::new("k"))
        .with_retry(RetryPolicy::never());
    V1Client::new(config).unwrap()
}

fn invoice(number: &str, period: &str, donated: bool) -> CarrierInvoice {
    let period = Period::parse(period).unwrap();
    CarrierInvoice {
        number: ShownNumber::from_reply(number, donated).unwrap(),
        date: period.first_day(),
        time: "10:00:00".into(),
        period,
        card_type: "3J0002".into(),
        seller_name: "示範商店".into(),
        seller_ban: "04595257".into(),
        status: if donated { "已捐贈" } else { "已確認" }.into(),
        amount: "100".into(),
        donatable: !donated,
        donated,
        claim_deadline: None,
    }
}

/// `user` consents to every service, in the service's scope.
async fn consent_to_all(kit: &ComplianceKit, user: &str) -> ConsentRecord {
    kit.record_consent(user, ConsentScope::InScope, &Service::ALL)
        .await
        .unwrap()
}

/// Whether `user`'s use of `service` is covered by a live consent.
async fn allowed(kit: &ComplianceKit, user: &str, service: Service) -> bool {
    kit.require_consent(user, service).await.is_ok()
}

/// `user` consents to every service, and has one invoice cached and one carrier stored.
async fn seed_user(kit: &ComplianceKit, user: &str) {
    consent_to_all(kit, user).await;
    kit.cache_invoice(
        user,
        &invoice("AB12345678", "11512", false),
        Purpose::Service,
    )
    .await
    .unwrap();
    kit.store_carrier(&StoredCarrier::new(user, "3J0002", "/AB12+-.", "Code1234"))
        .await
        .unwrap();
}

/// `user` consents to the personal-finance use outside the service's scope (R6.3).
async fn consent_to_finance(kit: &ComplianceKit, user: &str) -> Result<(), Error> {
    kit.record_consent(
        user,
        ConsentScope::OutOfScope(PurposeCategory::PersonalFinance),
        &[],
    )
    .await
    .map(drop)
}

/// Keeps `value` as `user`'s budget, a personal-finance datum outside the service's scope.
async fn keep_budget(kit: &ComplianceKit, user: &str, value: i64) -> Result<(), Error> {
    kit.store_out_of_scope(
        user,
        PurposeCategory::PersonalFinance,
        "budget",
        serde_json::json!(value),
    )
    .await
    .map(drop)
}

fn carrier() -> CarrierCredentials {
    CarrierCredentials::mobile_barcode("/AB12+-.", "Code1234")
}

/// The rule under which "u1"'s carrier listing for `day` is refused.
async fn listing_refused_by(kit: &ComplianceKit, day: NaiveDate) -> &'static str {
    let e = kit
        .carrier_invoices(&unreachable_client(), "u1", &carrier(), day, day)
        .await
        .unwrap_err();
    no_consent_rule(&e)
}

/// The rule under which `user`'s use of `service` is refused.
async fn refused_by(kit: &ComplianceKit, user: &str, service: Service) -> &'static str {
    no_consent_rule(&kit.require_consent(user, service).await.unwrap_err())
}

/// Whether the usage trail (of `user`, or of all) holds an entry for `action`.
async fn trail_has(kit: &ComplianceKit, user: Option<&str>, action: &str) -> bool {
    let trail = kit.usage_trail(user).await.unwrap();
    trail.iter().any(|e| e.action == action)
}

fn no_consent_rule(e: &Error) -> &'static str {
    match e {
        Error::NoConsent { rule, .. } => rule,
        other => panic!("expected a consent refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn r5_2_no_fetch_without_a_consent_and_none_after_revocation() {
    let (kit, _clock) = kit(taipei_at(2026, 1, 31)).await;
    let day = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
    assert_eq!(listing_refused_by(&kit, day).await, "R5.2");
    let n = InvoiceNumber::parse("AB12345678").unwrap();
    let e = kit
        .donate(&unreachable_client(), "u1", &carrier(), &n, day, "919")
        .await
        .unwrap_err();
    assert_eq!(no_consent_rule(&e), "R5.2");

    // A consent for listing only does not cover donation.
    kit.record_consent("u1", ConsentScope::InScope, &[Service::CarrierInvoices])
        .await
        .unwrap();
    assert!(allowed(&kit, "u1", Service::CarrierInvoices).await);
    assert_eq!(refused_by(&kit, "u1", Service::Donation).await, "R5.2");
    // Another User's consent is not this one's.
    assert!(kit
        .require_consent("u2", Service::CarrierInvoices)
        .await
        .is_err());

    kit.revoke_consent("u1", ConsentScope::InScope)
        .await
        .unwrap();
    assert_eq!(
        refused_by(&kit, "u1", Service::CarrierInvoices).await,
        "R5.2"
    );
}

#[tokio::test]
async fn r5_6_a_consent_lapses_six_calendar_months_on_and_renewal_is_announced() {
    // 2026-01-31 + six calendar months = 2026-07-31 (the domain's own example).
    let given = taipei_at(2026, 1, 31);
    let (kit, clock) = kit(given).await;
    let record = consent_to_all(&kit, "u1").await;
    assert_eq!(record.lapses_at, taipei_at(2026, 7, 31));

    assert!(kit
        .renewals_due(Duration::days(30))
        .await
        .unwrap()
        .is_empty());
    clock.set(taipei_at(2026, 7, 10));
    let due = kit.renewals_due(Duration::days(30)).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].user.as_str(), due[0].lapsed), ("u1", false));
    assert!(allowed(&kit, "u1", Service::CarrierInvoices).await);

    clock.set(taipei_at(2026, 7, 31));
    assert_eq!(
        refused_by(&kit, "u1", Service::CarrierInvoices).await,
        "R5.6"
    );
    assert!(kit.renewals_due(Duration::zero()).await.unwrap()[0].lapsed);
    let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    assert_eq!(listing_refused_by(&kit, day).await, "R5.6");

    // Renewal is a new consent, six months from now.
    let renewed = consent_to_all(&kit, "u1").await;
    assert_eq!(renewed.lapses_at, taipei_at(2027, 1, 31));
    assert!(allowed(&kit, "u1", Service::CarrierInvoices).await);
}

#[tokio::test]
async fn r6_2_an_invoice_is_not_kept_past_its_claim_deadline() {
    // Period 11408 (Jul–Aug 2025), drawn 2025-09-25: prizes claimed until 2026-01-05, a Monday.
    let (kit, clock) = kit(taipei_at(2026, 1, 5)).await;
    let inv = invoice("AB12345678", "11408", false);
    let cached = kit
        .cache_invoice("u1", &inv, Purpose::Service)
        .await
        .unwrap();
    assert_eq!(
        cached.claim_deadline,
        NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()
    );
    assert_eq!(kit.cached_invoices("u1").await.unwrap().len(), 1);

    clock.set(taipei_at(2026, 1, 6));
    assert!(
        kit.cached_invoices("u1").await.unwrap().is_empty(),
        "expired at the deadline"
    );
    match kit
        .cache_invoice("u1", &inv, Purpose::Service)
        .await
        .unwrap_err()
    {
        Error::PastClaimDeadline { period, .. } => assert_eq!(period, "11408"),
        other => panic!("{other:?}"),
    }
    assert!(trail_has(&kit, None, "cache.expired").await);
}

#[tokio::test]
async fn r6_3_out_of_scope_storage_needs_the_matching_live_consent() {
    let (kit, clock) = kit(taipei_at(2026, 1, 10)).await;
    let inv = invoice("AB12345678", "11512", false);
    let finance = Purpose::OutOfScope(PurposeCategory::PersonalFinance);
    let e = kit.cache_invoice("u1", &inv, finance).await.unwrap_err();
    assert_eq!(no_consent_rule(&e), "R6.3");
    let e = keep_budget(&kit, "u1", 1).await.unwrap_err();
    assert_eq!(no_consent_rule(&e), "R6.3");

    // The in-scope consent does not cover out-of-scope use, nor does another purpose's.
    consent_to_all(&kit, "u1").await;
    kit.record_consent("u1", ConsentScope::OutOfScope(PurposeCategory::Offers), &[])
        .await
        .unwrap();
    assert!(kit.cache_invoice("u1", &inv, finance).await.is_err());

    consent_to_finance(&kit, "u1").await.unwrap();
    kit.cache_invoice("u1", &inv, finance).await.unwrap();
    keep_budget(&kit, "u1", 1).await.unwrap();

    clock.advance(Duration::days(200));
    let e = keep_budget(&kit, "u1", 2).await.unwrap_err();
    assert_eq!(no_consent_rule(&e), "R6.3");
}

#[tokio::test]
async fn r5_7_a_donated_invoice_is_cached_and_read_back_masked() {
    let (kit, _clock) = kit(taipei_at(2026, 1, 10)).await;
    let inv = invoice("AB12345678", "11512", true);
    kit.cache_invoice("u1", &inv, Purpose::Service)
        .await
        .unwrap();
    let back = kit.cached_invoices("u1").await.unwrap();
    assert_eq!(back[0].number.as_str(), "AB12345***");
    assert_eq!(back[0].number.full(), None);
    let trail = kit.usage_trail(Some("u1")).await.unwrap();
    assert!(
        trail.iter().all(|e| !e.detail.contains("AB12345678")),
        "{trail:?}"
    );
}

#[tokio::test]
async fn r5_3_the_usage_trail_is_kept_six_months_and_not_less() {
    let (kit, clock) = kit(taipei_at(2026, 1, 10)).await;
    assert!(matches!(
        ComplianceKit::new(
            "APP",
            SqliteKitStore::in_memory().await.unwrap(),
            Arc::new(clock.clone())
        )
        .with_trail_months(5),
        Err(Error::Retention(_))
    ));
    consent_to_all(&kit, "u1").await;
    clock.set(taipei_at(2026, 7, 9));
    kit.expire().await.unwrap();
    assert_eq!(
        kit.usage_trail(Some("u1")).await.unwrap().len(),
        1,
        "kept for six months"
    );
    clock.set(taipei_at(2026, 7, 11));
    kit.expire().await.unwrap();
    assert!(
        kit.usage_trail(Some("u1")).await.unwrap().is_empty(),
        "pruned after six months"
    );
}

#[tokio::test]
async fn r11_purge_deletes_every_user_datum_and_reports_it() {
    let (kit, _clock) = kit(taipei_at(2026, 1, 10)).await;
    for user in ["u1", "u2"] {
        seed_user(&kit, user).await;
        consent_to_finance(&kit, user).await.unwrap();
        keep_budget(&kit, user, 1).await.unwrap();
    }
    let report = kit.purge("licence expired").await.unwrap();
    assert_eq!(
        report.counts,
        PurgeCounts {
            invoices: 2,
            carriers: 2,
            verification_codes: 2,
            out_of_scope: 2,
            consents: 4,
            users: 2
        }
    );
    for user in ["u1", "u2"] {
        assert!(kit.cached_invoices(user).await.unwrap().is_empty());
        assert!(kit.store().carriers(user).await.unwrap().is_empty());
        assert!(kit.store().out_of_scope(user).await.unwrap().is_empty());
        assert_eq!(
            refused_by(&kit, user, Service::CarrierInvoices).await,
            "R5.2"
        );
    }
    let statement = report.statement();
    assert!(statement.contains("deleted 2 invoices, 2 carriers, 2 verification codes and 2 out-of-scope data of 2 Users"), "{statement}");
    assert!(statement.chars().count() <= 2000);
}

#[tokio::test]
async fn two_donated_invoices_with_one_mask_on_one_day_are_both_kept() {
    let (kit, _clock) = kit(taipei_at(2026, 1, 10)).await;
    let mut a = invoice("AB12345678", "11512", true);
    let mut b = invoice("AB12345679", "11512", true);
    a.time = "10:00:00".into();
    b.time = "10:05:00".into();
    kit.cache_invoice("u1", &a, Purpose::Service).await.unwrap();
    kit.cache_invoice("u1", &b, Purpose::Service).await.unwrap();
    let kept = kit.cached_invoices("u1").await.unwrap();
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().all(|i| i.number.as_str() == "AB12345***"));
}

#[tokio::test]
async fn r5_2_erasing_one_user_leaves_the_others() {
    let (kit, _clock) = kit(taipei_at(2026, 1, 10)).await;
    for user in ["u1", "u2"] {
        seed_user(&kit, user).await;
    }
    let erased = kit.erase_user("u1", "asked to").await.unwrap();
    assert_eq!(
        (
            erased.invoices,
            erased.carriers,
            erased.consents,
            erased.users
        ),
        (1, 1, 1, 1)
    );
    assert!(kit.cached_invoices("u1").await.unwrap().is_empty());
    assert_eq!(refused_by(&kit, "u1", Service::Donation).await, "R5.2");
    assert_eq!(kit.cached_invoices("u2").await.unwrap().len(), 1);
    assert!(allowed(&kit, "u2", Service::Donation).await);
    assert!(trail_has(&kit, Some("u1"), "user.erased").await);
}

#[tokio::test]
async fn verification_codes_are_sealed_at_rest_with_the_apps_key() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("kit.db").display());
    let key = SealingKey::new(&[3; 32]);
    let store = SqliteKitStore::open(&url)
        .await
        .unwrap()
        .with_sealing_key(key.clone());
    store
        .put_carrier(&StoredCarrier::new("u1", "3J0002", "/AB12+-.", "Code1234"))
        .await
        .unwrap();
    let back = store.carriers("u1").await.unwrap();
    assert_eq!(
        back[0].credentials().unwrap().verification_code(),
        "Code1234"
    );
    drop(store);
    // The database and its journal files: the code is in none of them in clear, the card is.
    let mut raw = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        raw.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(
        raw.windows(8).any(|w| w == b"/AB12+-."),
        "the scan sees stored rows"
    );
    assert!(
        !raw.windows(8).any(|w| w == b"Code1234"),
        "the code is not stored in clear"
    );
    // Without the key, or with another, the codes do not open.
    let keyless = SqliteKitStore::open(&url).await.unwrap();
    assert!(matches!(
        keyless.carriers("u1").await,
        Err(Error::Storage(_))
    ));
    let other = SqliteKitStore::open(&url)
        .await
        .unwrap()
        .with_sealing_key(SealingKey::new(&[4; 32]));
    assert!(matches!(other.carriers("u1").await, Err(Error::Storage(_))));
}

use super::*;
use einv_core::CarrierType;
use einv_store::testing::invoice;
use einv_store::{CarrierKey, FeedReading, InvoiceStatus};

use crate::services::carrier_months::{CarrierMonths, MonthKey};

fn period(code: &str) -> Period {
    Period::parse(code).unwrap()
}

fn number(n: &str) -> InvoiceNumber {
    InvoiceNumber::parse(n).unwrap()
}

fn record(n: &str, month: u32) -> Arc<InvoiceRecord> {
    let stored = invoice(n, (2026, month, 1), None, |_| {});
    Arc::new(InvoiceRecord {
        id: 1,
        header: stored.header,
        status: InvoiceStatus::Issued,
        donated_at: None,
    })
}

fn carrier(id: &str) -> CarrierKey {
    CarrierKey {
        carrier_type: CarrierType::parse("3J0002").unwrap(),
        id1: id.into(),
    }
}

fn change(carrier_id: Option<&str>, code: &str, n: Option<&str>) -> ChangedInvoices {
    ChangedInvoices {
        carrier: carrier_id.map(carrier),
        period: period(code),
        number: n.map(number),
    }
}

/// A cache that read the feed once and keeps AB00000001 and AB00000002 of 11512 and
/// AB00000003 of 11510.
fn warm() -> KeptInvoices {
    let kept = KeptInvoices::default();
    kept.apply(false, &[]);
    for (n, code, month) in [
        ("AB00000001", "11512", 11),
        ("AB00000002", "11512", 11),
        ("AB00000003", "11510", 9),
    ] {
        let key = (number(n), period(code));
        let (_, epoch) = kept.get(&key);
        kept.keep(key, epoch, |k| k.record = Some(record(n, month)));
    }
    assert_eq!(kept.len(), 3);
    kept
}

fn is_kept(kept: &KeptInvoices, n: &str, code: &str) -> bool {
    kept.get(&(number(n), period(code))).0.record.is_some()
}

#[test]
fn a_change_to_an_invoice_evicts_that_invoice_only() {
    let kept = warm();
    // A void of a carrier's invoice, and of one without a carrier (a paper receipt's QR).
    kept.apply(false, &[change(Some("/A"), "11512", Some("AB00000001"))]);
    assert!(!is_kept(&kept, "AB00000001", "11512"));
    assert!(is_kept(&kept, "AB00000002", "11512"));
    kept.apply(false, &[change(None, "11510", Some("AB00000003"))]);
    assert!(!is_kept(&kept, "AB00000003", "11510"));
    assert_eq!(kept.len(), 1);
}

#[test]
fn a_dropped_period_evicts_its_invoices_and_new_invoices_evict_nothing() {
    let kept = warm();
    kept.apply(false, &[change(Some("/A"), "11512", None)]);
    assert_eq!(
        kept.len(),
        3,
        "new invoices of a carrier: none of them was kept"
    );
    kept.apply(false, &[change(None, "11512", None)]);
    assert!(is_kept(&kept, "AB00000003", "11510"));
    assert_eq!(kept.len(), 1);
}

#[test]
fn a_reading_that_cannot_tell_forgets_everything() {
    let kept = warm();
    kept.apply(true, &[]);
    assert!(kept.is_empty());
}

#[test]
fn a_record_read_before_an_eviction_is_not_kept_after_it() {
    let kept = warm();
    let key = (number("AB00000009"), period("11512"));
    let (_, epoch) = kept.get(&key);
    // The read is under way when a change to another invoice is applied.
    kept.apply(false, &[change(None, "11512", Some("AB00000001"))]);
    kept.keep(key, epoch, |k| k.record = Some(record("AB00000009", 11)));
    assert!(!is_kept(&kept, "AB00000009", "11512"));
}

#[test]
fn nothing_is_kept_before_the_feed_was_read() {
    let kept = KeptInvoices::default();
    let key = (number("AB00000001"), period("11512"));
    let (_, epoch) = kept.get(&key);
    kept.keep(key, epoch, |k| k.record = Some(record("AB00000001", 11)));
    assert!(kept.is_empty());
}

#[test]
fn a_change_to_an_invoice_without_a_carrier_evicts_no_carrier_month() {
    let months = CarrierMonths::default();
    months.apply(None, &FeedReading::default());
    let key = MonthKey {
        carrier: carrier("/A"),
        year: 2026,
        month: 11,
    };
    let (_, epoch) = months.get(&key);
    months.keep(key, Arc::from(vec![record("AB00000001", 11)]), epoch);
    let reading = FeedReading {
        head: 1,
        changes: vec![change(None, "11512", Some("AB00000005"))],
        ..FeedReading::default()
    };
    assert!(!months.apply(Some(0), &reading));
    assert_eq!(
        months.len(),
        1,
        "no carrier list shows an invoice without a carrier"
    );
    // The whole period (a dropped one) still evicts every carrier's months.
    let dropped = FeedReading {
        head: 2,
        changes: vec![change(None, "11512", None)],
        ..FeedReading::default()
    };
    months.apply(Some(1), &dropped);
    assert!(months.is_empty());
}

use super::*;
use einv_core::CarrierType;
use einv_store::ChangedInvoices;

fn carrier(id: &str) -> CarrierKey {
    CarrierKey {
        carrier_type: CarrierType::parse("3J0002").unwrap(),
        id1: id.into(),
    }
}

fn key(id: &str, month: u32) -> MonthKey {
    MonthKey {
        carrier: carrier(id),
        year: 2026,
        month,
    }
}

fn rows() -> MonthRows {
    Arc::from(Vec::new())
}

fn reading(head: i64, changes: Vec<ChangedInvoices>) -> FeedReading {
    FeedReading {
        head,
        changes,
        ..FeedReading::default()
    }
}

fn change(id: Option<&str>, period: &str) -> ChangedInvoices {
    ChangedInvoices {
        carrier: id.map(carrier),
        period: Period::parse(period).unwrap(),
        number: None,
    }
}

/// A cache that read the feed once (at head 10) and keeps September and October of /A and
/// September of /B.
fn warm() -> CarrierMonths {
    let months = CarrierMonths::default();
    months.apply(None, &reading(10, vec![]));
    for k in [key("/A", 9), key("/A", 10), key("/B", 9)] {
        let (_, epoch) = months.get(&k);
        months.keep(k, rows(), epoch);
    }
    assert_eq!(months.len(), 3);
    months
}

#[test]
fn nothing_is_kept_before_the_feed_was_read() {
    let months = CarrierMonths::default();
    let (_, epoch) = months.get(&key("/A", 9));
    months.keep(key("/A", 9), rows(), epoch);
    assert!(months.is_empty());
}

#[test]
fn a_change_evicts_both_months_of_its_carrier_and_period_only() {
    let months = warm();
    // Period 11510 is September and October 2026.
    months.apply(Some(10), &reading(11, vec![change(Some("/A"), "11510")]));
    assert_eq!(months.len(), 1);
    assert!(months.get(&key("/B", 9)).0.is_some());
    assert_eq!(months.seen(), Some(11));
}

#[test]
fn a_change_of_another_period_evicts_nothing() {
    let months = warm();
    months.apply(Some(10), &reading(11, vec![change(Some("/A"), "11512")]));
    assert_eq!(months.len(), 3);
}

#[test]
fn a_period_without_carrier_evicts_every_carrier_of_it() {
    let months = warm();
    months.apply(Some(10), &reading(11, vec![change(None, "11510")]));
    assert!(months.is_empty());
}

#[test]
fn a_month_read_before_an_eviction_is_not_kept_after_it() {
    let months = warm();
    let (_, epoch) = months.get(&key("/C", 9));
    // Meanwhile a change (of any key) is applied: the rows read may predate it.
    months.apply(Some(10), &reading(11, vec![change(Some("/C"), "11510")]));
    months.keep(key("/C", 9), rows(), epoch);
    assert!(months.get(&key("/C", 9)).0.is_none());
}

#[test]
fn a_reader_past_the_retention_or_too_far_behind_forgets_everything() {
    let months = warm();
    let pruned = FeedReading {
        head: 500,
        pruned_through: 400,
        ..FeedReading::default()
    };
    months.apply(Some(10), &pruned);
    assert!(months.is_empty());
    let months = warm();
    let overflow = FeedReading {
        head: 9_000,
        overflow: true,
        ..FeedReading::default()
    };
    months.apply(Some(10), &overflow);
    assert!(months.is_empty());
    assert_eq!(months.seen(), Some(9_000));
}

#[test]
fn a_head_only_reading_after_a_later_one_forgets_what_it_cannot_name() {
    let months = warm();
    months.apply(None, &reading(12, vec![]));
    assert!(months.is_empty());
}

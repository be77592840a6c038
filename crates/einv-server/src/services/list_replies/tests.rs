use super::*;

fn key(months: Vec<u64>, before_draw: bool) -> PageKey {
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    PageKey {
        months,
        from: day(1),
        to: day(30),
        page: 1,
        only_winning: false,
        draws: 1,
        before_draw,
        claimable: true,
        form: Some("0.5".into()),
    }
}

fn page(body: &'static str) -> KeptPage {
    KeptPage {
        body: Bytes::from_static(body.as_bytes()),
        more: false,
        numbers: vec!["AB00000001".into()].into(),
    }
}

#[test]
fn a_page_is_found_only_under_everything_it_was_written_from() {
    let pages = ListReplies::default();
    pages.keep(key(vec![1, 2], true), page("a"));
    assert_eq!(&pages.get(&key(vec![1, 2], true)).unwrap().body[..], b"a");
    // A month read again (another generation), the clock past the draw day: not found.
    assert!(pages.get(&key(vec![1, 3], true)).is_none());
    assert!(pages.get(&key(vec![1, 2], false)).is_none());
}

#[test]
fn a_full_cache_starts_afresh() {
    let pages = ListReplies::default();
    for g in 0..MAX_PAGES as u64 {
        pages.keep(key(vec![g], true), page("x"));
    }
    assert_eq!(pages.len(), MAX_PAGES);
    pages.keep(key(vec![u64::MAX], true), page("y"));
    assert_eq!(pages.len(), 1);
}

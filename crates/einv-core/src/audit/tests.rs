//! The chain catches any single edit, removal or swap, and names the entry (R6.4).

use proptest::prelude::*;

use super::*;

fn key() -> CheckpointKey {
    CheckpointKey::new([3; 32])
}

fn content(i: i64) -> EntryContent {
    EntryContent {
        at: 1_780_000_000 + i,
        actor: "app:EINVTEST000001".into(),
        action: "data.carrier-invoices".into(),
        user_id: Some(i % 3),
        app_id: Some("EINVTEST000001".into()),
        invoices: vec![format!("AB{i:08}")],
        ip: Some("127.0.0.1".into()),
        detail: "null".into(),
    }
}

/// A chain of `n` entries after `anchor`.
fn chain(n: i64, anchor: &Anchor) -> Vec<StoredEntry> {
    let mut prev = anchor.hash.clone();
    (anchor.seq + 1..=anchor.seq + n)
        .map(|seq| {
            let c = content(seq);
            let hash = entry_hash(&prev, seq, &c);
            let e = StoredEntry {
                seq,
                prev_hash: prev.clone(),
                hash: hash.clone(),
                content: c,
            };
            prev = hash;
            e
        })
        .collect()
}

fn run(
    entries: Vec<StoredEntry>,
    checkpoints: &[StoredCheckpoint],
    head: Option<Anchor>,
) -> Report {
    let mut v = Verifier::new(&key(), checkpoints);
    for e in entries {
        v.push(e);
    }
    v.finish(head)
}

fn head_of(entries: &[StoredEntry]) -> Option<Anchor> {
    entries.last().map(|e| Anchor {
        seq: e.seq,
        hash: e.hash.clone(),
    })
}

#[test]
fn canonical_form_is_unambiguous() {
    let a = EntryContent {
        actor: "a\nb".into(),
        ..EntryContent::default()
    };
    let b = EntryContent {
        actor: "a".into(),
        action: "b".into(),
        ..EntryContent::default()
    };
    assert_ne!(canonical(&a), canonical(&b));
    let none = EntryContent::default();
    let empty = EntryContent {
        app_id: Some(String::new()),
        ..EntryContent::default()
    };
    assert_ne!(
        canonical(&none),
        canonical(&empty),
        "absent differs from empty"
    );
    assert_eq!(genesis_hash().len(), 64);
}

#[test]
fn intact_chain_verifies_with_its_checkpoints() {
    let entries = chain(10, &Anchor::genesis());
    let cp = StoredCheckpoint {
        seq: 5,
        hash: entries[4].hash.clone(),
        mac: key().sign(5, &entries[4].hash),
        kind: "checkpoint".into(),
    };
    let head = head_of(&entries);
    let report = run(entries, &[cp], head);
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(
        (report.entries, report.checkpoints, report.last_seq),
        (10, 1, 10)
    );
}

#[test]
fn a_rewritten_tail_is_caught_by_a_signed_checkpoint_and_forgeries_by_the_key() {
    let mut entries = chain(6, &Anchor::genesis());
    let genuine = StoredCheckpoint {
        seq: 4,
        hash: entries[3].hash.clone(),
        mac: key().sign(4, &entries[3].hash),
        kind: "checkpoint".into(),
    };
    // Rewrite entry 3 and recompute every hash after it: the chain alone looks fine.
    entries[2].content.actor = "someone else".into();
    let mut prev = entries[1].hash.clone();
    for e in entries.iter_mut().skip(2) {
        e.prev_hash = prev.clone();
        e.hash = entry_hash(&prev, e.seq, &e.content);
        prev = e.hash.clone();
    }
    let forged = StoredCheckpoint {
        seq: 6,
        hash: entries[5].hash.clone(),
        mac: CheckpointKey::new([4; 32]).sign(6, &entries[5].hash),
        kind: "checkpoint".into(),
    };
    let head = head_of(&entries);
    let report = run(entries, &[genuine, forged], head);
    assert!(
        matches!(&report.problems[..], [Problem::CheckpointMismatch(e), Problem::ForgedCheckpoint { seq: 6 }] if e.seq == 4),
        "{:?}",
        report.problems
    );
}

#[test]
fn a_purge_anchor_starts_the_walk_and_removing_the_tail_shows() {
    let all = chain(8, &Anchor::genesis());
    let anchor = StoredCheckpoint {
        seq: 3,
        hash: all[2].hash.clone(),
        mac: key().sign(3, &all[2].hash),
        kind: verify::ANCHOR.into(),
    };
    let head = head_of(&all);
    let kept: Vec<_> = all[3..6].to_vec();
    let report = run(kept, &[anchor], head);
    assert_eq!(report.anchor.seq, 3);
    assert_eq!(report.problems, vec![Problem::Removed { from: 7, to: 8 }]);
}

#[test]
fn retention_is_never_below_six_months() {
    use crate::period::ymd;
    assert!(Retention::months(5).is_err(), "R5.3");
    let r = Retention::months(6).unwrap();
    assert!(r.check_purge(ymd(2026, 8, 31), ymd(2026, 2, 28)).is_ok());
    let refused = r
        .check_purge(ymd(2026, 8, 31), ymd(2026, 3, 1))
        .unwrap_err();
    assert_eq!(refused.field, "before");
    assert!(refused.problem.contains("R5.3"));
}

#[derive(Debug, Clone)]
enum Tamper {
    Edit(usize),
    EditHash(usize),
    Delete(usize),
    Swap(usize, usize),
}

fn tamper_strategy() -> impl Strategy<Value = (i64, Tamper)> {
    (3i64..40).prop_flat_map(|n| {
        let i = 0..n as usize;
        let tamper = prop_oneof![
            i.clone().prop_map(Tamper::Edit),
            i.clone().prop_map(Tamper::EditHash),
            i.clone().prop_map(Tamper::Delete),
            (i.clone(), i)
                .prop_filter("two places", |(a, b)| a != b)
                .prop_map(|(a, b)| Tamper::Swap(a.min(b), a.max(b))),
        ];
        (Just(n), tamper)
    })
}

proptest! {
    #[test]
    fn any_single_edit_delete_or_swap_is_caught_and_named((n, tamper) in tamper_strategy(), anchored in any::<bool>()) {
        let anchor = if anchored { Anchor { seq: 100, hash: entry_hash(&genesis_hash(), 100, &content(100)) } } else { Anchor::genesis() };
        let checkpoints = if anchored {
            vec![StoredCheckpoint { seq: 100, hash: anchor.hash.clone(), mac: key().sign(100, &anchor.hash), kind: verify::ANCHOR.into() }]
        } else {
            Vec::new()
        };
        let mut entries = chain(n, &anchor);
        let head = head_of(&entries);
        let seq_of = |i: usize| anchor.seq + 1 + i as i64;
        let expected: Vec<i64> = match tamper {
            Tamper::Edit(i) => { entries[i].content.invoices.push("XX00000000".into()); vec![seq_of(i)] }
            Tamper::EditHash(i) => { entries[i].hash = "0".repeat(64); vec![seq_of(i)] }
            Tamper::Delete(i) => { entries.remove(i); vec![seq_of(i)] }
            Tamper::Swap(i, j) => {
                // A reorder in a table is an exchange of seq numbers: the rows keep the rest.
                let (si, sj) = (entries[i].seq, entries[j].seq);
                entries[i].seq = sj;
                entries[j].seq = si;
                entries.swap(i, j);
                vec![seq_of(i), seq_of(j)]
            }
        };
        let report = run(entries, &checkpoints, head);
        let named: Vec<i64> = report.problems.iter().map(problem_seq_for_test).collect();
        prop_assert_eq!(&named, &expected, "{:?}", report.problems);
        match tamper {
            Tamper::Edit(_) | Tamper::EditHash(_) => {
                let altered = matches!(report.problems[0], Problem::Altered(_));
                prop_assert!(altered, "{:?}", report.problems);
            }
            Tamper::Delete(_) => {
                let removed = matches!(report.problems[0], Problem::Removed { .. });
                prop_assert!(removed, "{:?}", report.problems);
            }
            Tamper::Swap(i, j) => {
                let moved: Vec<(i64, i64)> = report.problems.iter().filter_map(|p| match p {
                    Problem::Moved { entry, written_at } => Some((entry.seq, *written_at)),
                    _ => None,
                }).collect();
                prop_assert_eq!(moved, vec![(seq_of(i), seq_of(j)), (seq_of(j), seq_of(i))]);
            }
        }
    }
}

fn problem_seq_for_test(p: &Problem) -> i64 {
    match p {
        Problem::Altered(e)
        | Problem::Rewritten(e)
        | Problem::OutOfOrder(e)
        | Problem::CheckpointMismatch(e) => e.seq,
        Problem::Moved { entry, .. } => entry.seq,
        Problem::Removed { from, .. } => *from,
        Problem::ForgedCheckpoint { seq } => *seq,
    }
}

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
        invoices: vec![format!("AB{i:08}")].into(),
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
    head: Option<SignedHead>,
) -> Report {
    let mut v = Verifier::new(&key(), checkpoints);
    for e in entries {
        v.push(e);
    }
    v.finish(head)
}

/// The head as the writer signs it after appending `entries`.
fn head_of(entries: &[StoredEntry]) -> Option<SignedHead> {
    entries.last().map(|e| signed_head(e.seq, &e.hash))
}

fn signed_head(seq: i64, hash: &str) -> SignedHead {
    let at = 1_790_000_000;
    SignedHead {
        seq,
        hash: hash.to_owned(),
        at,
        mac: key().sign(HEAD, seq, hash, at),
    }
}

fn cp(kind: &str, seq: i64, hash: &str) -> StoredCheckpoint {
    key().checkpoint(kind, seq, hash.to_owned(), 1_785_000_000)
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
    let checkpoint = cp("checkpoint", 5, &entries[4].hash);
    let head = head_of(&entries);
    let report = run(entries, &[checkpoint], head);
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(
        (report.entries, report.checkpoints, report.last_seq),
        (10, 1, 10)
    );
    assert_eq!(
        report.proven_through,
        Some(10),
        "complete up to the signed head"
    );
}

#[test]
fn a_rewritten_tail_is_caught_by_a_signed_checkpoint_and_forgeries_by_the_key() {
    let mut entries = chain(6, &Anchor::genesis());
    let genuine = cp("checkpoint", 4, &entries[3].hash);
    // Rewrite entry 3 and recompute every hash after it: the chain alone looks fine.
    entries[2].content.actor = "someone else".into();
    let mut prev = entries[1].hash.clone();
    for e in entries.iter_mut().skip(2) {
        e.prev_hash = prev.clone();
        e.hash = entry_hash(&prev, e.seq, &e.content);
        prev = e.hash.clone();
    }
    let forged =
        CheckpointKey::new([4; 32]).checkpoint("checkpoint", 6, entries[5].hash.clone(), 0);
    // The writer of the rewrite cannot sign the head either: it stays the genuine one.
    let head = Some(signed_head(6, &chain(6, &Anchor::genesis())[5].hash));
    let report = run(entries, &[genuine, forged], head);
    assert!(
        matches!(&report.problems[..], [Problem::CheckpointMismatch(e), Problem::ForgedCheckpoint { seq: 6 }, Problem::Rewritten(r)] if e.seq == 4 && r.seq == 6)
            || matches!(&report.problems[..], [Problem::CheckpointMismatch(e), Problem::Rewritten(r), Problem::ForgedCheckpoint { seq: 6 }] if e.seq == 4 && r.seq == 6),
        "{:?}",
        report.problems
    );
}

#[test]
fn a_purge_anchor_starts_the_walk_and_removing_the_tail_shows() {
    let all = chain(8, &Anchor::genesis());
    let anchor = cp(verify::ANCHOR, 3, &all[2].hash);
    let head = head_of(&all);
    let kept: Vec<_> = all[3..6].to_vec();
    let report = run(kept, &[anchor], head);
    assert_eq!(report.anchor.seq, 3);
    assert_eq!(report.problems, vec![Problem::Removed { from: 7, to: 8 }]);
    assert_eq!(
        report.proven_through, None,
        "nothing proven while entries are missing"
    );
}

/// Hole 7: a database writer turns a genuine checkpoint into a purge anchor to drop the start
/// of the log. The MAC covers the kind, so the forged anchor does not verify and the walk
/// starts at genesis: the dropped entries show as removed.
#[test]
fn a_checkpoint_forged_into_a_purge_anchor_is_caught() {
    let all = chain(8, &Anchor::genesis());
    let mut turned = cp("checkpoint", 4, &all[3].hash);
    turned.kind = verify::ANCHOR.into();
    let head = head_of(&all);
    let report = run(all[4..].to_vec(), &[turned], head);
    assert_eq!(report.anchor.seq, 0, "the forged anchor is not trusted");
    assert!(report
        .problems
        .contains(&Problem::ForgedCheckpoint { seq: 4 }));
    assert!(report
        .problems
        .contains(&Problem::Removed { from: 1, to: 4 }));
    // Moving a genuine anchor's purge date is caught the same way.
    let mut moved = cp(verify::ANCHOR, 4, &all[3].hash);
    moved.at += 86_400 * 200;
    let report = run(all[4..].to_vec(), &[moved], head_of(&all));
    assert!(report
        .problems
        .contains(&Problem::ForgedCheckpoint { seq: 4 }));
}

/// Hole 7: dropping the head of the log (its first entries) without a genuine anchor shows.
#[test]
fn dropping_the_head_of_the_log_is_caught() {
    let all = chain(8, &Anchor::genesis());
    let report = run(all[3..].to_vec(), &[], head_of(&all));
    assert_eq!(report.problems, vec![Problem::Removed { from: 1, to: 3 }]);
}

/// Hole 7: dropping the tail and rolling the head back is caught, because the head is signed
/// with every batch: an edited head does not verify, and a deleted one is missing.
#[test]
fn dropping_the_tail_is_caught_by_the_signed_head() {
    let all = chain(8, &Anchor::genesis());
    let kept = all[..5].to_vec();
    // The attacker rewrites the head row to the new last entry, without the key.
    let mut rolled = signed_head(8, &all[7].hash);
    rolled.seq = 5;
    rolled.hash = all[4].hash.clone();
    let report = run(kept.clone(), &[], Some(rolled));
    assert_eq!(
        report.problems,
        vec![Problem::UnsignedHead { seq: Some(5) }]
    );
    assert_eq!(report.proven_through, None);
    let report = run(kept.clone(), &[], None);
    assert_eq!(report.problems, vec![Problem::UnsignedHead { seq: None }]);
    // Leaving the genuine head in place: the missing tail shows against it.
    let report = run(kept, &[], head_of(&all));
    assert_eq!(report.problems, vec![Problem::Removed { from: 6, to: 8 }]);
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
            vec![cp(verify::ANCHOR, 100, &anchor.hash)]
        } else {
            Vec::new()
        };
        let mut entries = chain(n, &anchor);
        let head = head_of(&entries);
        let seq_of = |i: usize| anchor.seq + 1 + i as i64;
        let expected: Vec<i64> = match tamper {
            Tamper::Edit(i) => { let mut edited = entries[i].content.invoices.to_vec(); edited.push("XX00000000".into()); entries[i].content.invoices = edited.into(); vec![seq_of(i)] }
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
        let named: Vec<i64> = report.problems.iter().map(|p| p.seq().unwrap_or(-1)).collect();
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

/// The canonical form as it was first written (a `String` per number): the stack-buffer
/// writer must give the same bytes, or every stored chain would stop verifying.
fn canonical_as_first_written(entry: &EntryContent) -> Vec<u8> {
    fn put(out: &mut Vec<u8>, name: &str, value: Option<&str>) {
        out.extend_from_slice(name.as_bytes());
        match value {
            None => out.extend_from_slice(b"=~"),
            Some(v) => out.extend_from_slice(format!("={}:{v}", v.len()).as_bytes()),
        }
        out.push(b'\n');
    }
    let mut out = b"einv-audit-entry-v1\n".to_vec();
    put(&mut out, "at", Some(&entry.at.to_string()));
    put(&mut out, "actor", Some(&entry.actor));
    put(&mut out, "action", Some(&entry.action));
    put(
        &mut out,
        "user_id",
        entry.user_id.map(|u| u.to_string()).as_deref(),
    );
    put(&mut out, "app_id", entry.app_id.as_deref());
    put(
        &mut out,
        "invoices",
        Some(&entry.invoices.len().to_string()),
    );
    for number in entry.invoices.iter() {
        put(&mut out, "invoice", Some(number));
    }
    put(&mut out, "ip", entry.ip.as_deref());
    put(&mut out, "detail", Some(&entry.detail));
    out
}

#[test]
fn a_stored_hash_still_verifies() {
    // Computed with the first implementation of `entry_hash` (einv-core before hotcpu).
    let entry = content(7);
    assert_eq!(
        entry_hash(&genesis_hash(), 7, &entry),
        "aff52eb2c0b533d197156484da5da4b726cd14bbed045585bf761f810f83473f"
    );
}

proptest! {
    #[test]
    fn the_canonical_form_is_the_one_first_written(
        at in any::<i64>(),
        user_id in proptest::option::of(any::<i64>()),
        actor in ".{0,12}",
        app_id in proptest::option::of("[A-Z0-9]{0,14}"),
        invoices in proptest::collection::vec(".{0,12}", 0..120),
        ip in proptest::option::of(".{0,40}"),
        detail in ".{0,30}",
    ) {
        let entry = EntryContent { at, actor, action: "data.carrier-invoices".into(), user_id, app_id, invoices: invoices.into(), ip, detail };
        prop_assert_eq!(canonical(&entry), canonical_as_first_written(&entry));
    }
}

#[test]
fn a_checkpoint_mac_is_the_hmac_of_the_32_byte_key() {
    // HMAC-SHA256 under [3; 32], computed outside this crate (Python's hmac module).
    assert_eq!(
        key().sign(HEAD, 5, "ab", 1_790_000_000),
        "589ed9427a694376c6448b5ac9a2e74e6f1f6bd4c4df750f63bff50453dd0639"
    );
}

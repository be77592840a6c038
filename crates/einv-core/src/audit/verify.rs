//! Walking a stored chain and naming every entry that is not what was written (R6.4).
//!
//! Entries are fed in ascending `seq` order, one page at a time, so a trail of any length is
//! verified in constant memory apart from the entries found suspicious.

use std::collections::BTreeMap;

use super::{entry_hash, genesis_hash, CheckpointKey, EntryContent};

mod findings;

pub use findings::{EntryRef, Problem, Report};

/// The kind of a checkpoint that marks where the chain resumes after a purge.
pub const ANCHOR: &str = "anchor";

/// How many suspicious entries are cross-checked for having been moved (O(n²) hashes).
const MAX_MOVE_CHECK: usize = 1000;

/// One entry as stored: its place, the hash it claims to follow, its hash and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    /// Its sequence number (1, 2, …).
    pub seq: i64,
    /// The previous entry's hash, as recorded.
    pub prev_hash: String,
    /// Its hash, as recorded.
    pub hash: String,
    /// What it says.
    pub content: EntryContent,
}

/// One stored checkpoint: a MAC over `(kind, seq, hash, at)` under the checkpoint key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// The entry it vouches for.
    pub seq: i64,
    /// That entry's hash.
    pub hash: String,
    /// HMAC-SHA256 over `(kind, seq, hash, at)`, hex ([`CheckpointKey::sign`]).
    pub mac: String,
    /// `checkpoint`, or [`ANCHOR`] for the last entry of a purge.
    pub kind: String,
    /// When it was signed (Unix seconds); for an anchor, the purge's cut instant.
    pub at: i64,
}

/// The chain head as stored, signed with every appended batch: the last `(seq, hash)` and when
/// it was written. A genuine signed head proves the chain complete up to `seq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHead {
    /// The last entry's seq (0 for an empty chain).
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// When the head was signed, Unix seconds.
    pub at: i64,
    /// HMAC over `("head", seq, hash, at)`; empty on a chain never appended to.
    pub mac: String,
}

/// Where the chain starts: genesis, or the last purged entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// Its sequence number (0 for genesis).
    pub seq: i64,
    /// Its hash.
    pub hash: String,
}

impl Anchor {
    /// The start of an unpurged chain.
    pub fn genesis() -> Self {
        Self {
            seq: 0,
            hash: genesis_hash(),
        }
    }
}

/// Walks a chain page by page: `new`, `push` each entry in ascending seq, `finish`.
#[derive(Debug)]
pub struct Verifier {
    key: CheckpointKey,
    anchor: Anchor,
    checkpoints: BTreeMap<i64, String>,
    good_checkpoints: u64,
    expected_seq: i64,
    prev_hash: String,
    prev: Option<(EntryRef, bool)>,
    entries: u64,
    suspects: Vec<StoredEntry>,
    gaps: Vec<(i64, i64)>,
    problems: Vec<Problem>,
}

impl Verifier {
    /// A verifier that trusts only checkpoints signed with `key`. The chain resumes at the
    /// latest genuine [`ANCHOR`] checkpoint, or at genesis.
    pub fn new(key: &CheckpointKey, checkpoints: &[StoredCheckpoint]) -> Self {
        let mut problems = Vec::new();
        let mut genuine = BTreeMap::new();
        let mut anchor = Anchor::genesis();
        for c in checkpoints {
            if !key.check(&c.kind, c.seq, &c.hash, c.at, &c.mac) {
                problems.push(Problem::ForgedCheckpoint { seq: c.seq });
                continue;
            }
            if c.kind == ANCHOR && c.seq > anchor.seq {
                anchor = Anchor {
                    seq: c.seq,
                    hash: c.hash.clone(),
                };
            }
            genuine.insert(c.seq, c.hash.clone());
        }
        let good_checkpoints = genuine.len() as u64;
        let checkpoints = genuine.split_off(&(anchor.seq + 1));
        Self {
            key: key.clone(),
            expected_seq: anchor.seq + 1,
            prev_hash: anchor.hash.clone(),
            anchor,
            checkpoints,
            good_checkpoints,
            prev: None,
            entries: 0,
            suspects: Vec::new(),
            gaps: Vec::new(),
            problems,
        }
    }

    /// The next entry, in ascending seq order.
    pub fn push(&mut self, entry: StoredEntry) {
        self.entries += 1;
        let here = EntryRef {
            seq: entry.seq,
            at: entry.content.at,
            action: entry.content.action.clone(),
        };
        if entry.seq < self.expected_seq {
            self.problems.push(Problem::OutOfOrder(here));
            return;
        }
        let gap = entry.seq > self.expected_seq;
        if gap {
            self.gaps.push((self.expected_seq, entry.seq - 1));
            self.problems.push(Problem::Removed {
                from: self.expected_seq,
                to: entry.seq - 1,
            });
        }
        let intact = entry_hash(&entry.prev_hash, entry.seq, &entry.content) == entry.hash;
        if !intact {
            self.suspects.push(entry.clone());
        } else if !gap && entry.prev_hash != self.prev_hash {
            // This entry is intact, so it was chained to a different previous hash: the previous
            // entry was rewritten (unless it is already reported as broken, or is the anchor).
            // With no previous entry, it is this one that was chained to something else.
            let problem = match &self.prev {
                Some((prev, true)) => Some(Problem::Rewritten(prev.clone())),
                Some((_, false)) => None,
                None => Some(Problem::Altered(here.clone())),
            };
            self.problems.extend(problem);
        }
        if let Some(signed) = self.checkpoints.remove(&entry.seq) {
            if signed != entry.hash {
                self.problems
                    .push(Problem::CheckpointMismatch(here.clone()));
            }
        }
        self.expected_seq = entry.seq + 1;
        self.prev_hash = entry.hash;
        self.prev = Some((here, intact));
    }

    /// Ends the walk. `head` is the chain head the store recorded, if any. A genuine signed
    /// head proves completeness: entries missing from the end show against it (and against any
    /// genuine checkpoint past the last entry). A missing or unsigned head is itself a problem
    /// once the trail has entries, since the tail could then be cut unseen.
    pub fn finish(mut self, head: Option<SignedHead>) -> Report {
        let last_seq = self.expected_seq - 1;
        let mut missing_to = self
            .checkpoints
            .keys()
            .next_back()
            .copied()
            .unwrap_or(last_seq);
        let head_seq = head.as_ref().map(|h| h.seq);
        let genuine = head.filter(|h| self.key.check(super::HEAD, h.seq, &h.hash, h.at, &h.mac));
        // A chain never appended to has an unsigned genesis head: there is nothing to prove.
        let never_written = last_seq == 0 && self.anchor.seq == 0 && head_seq.unwrap_or(0) == 0;
        if genuine.is_none() && !never_written {
            self.problems.push(Problem::UnsignedHead { seq: head_seq });
        }
        if let Some(head) = &genuine {
            missing_to = missing_to.max(head.seq);
            if head.seq == last_seq && last_seq > self.anchor.seq && head.hash != self.prev_hash {
                if let Some((prev, true)) = &self.prev {
                    self.problems.push(Problem::Rewritten(prev.clone()));
                }
            }
            if last_seq > head.seq {
                if let Some((prev, _)) = &self.prev {
                    self.problems.push(Problem::PastHead(prev.clone()));
                }
            }
        }
        if missing_to > last_seq {
            self.problems.push(Problem::Removed {
                from: last_seq + 1,
                to: missing_to,
            });
        }
        let suspects = std::mem::take(&mut self.suspects);
        for s in &suspects {
            let problem = self.diagnose(s, &suspects);
            self.problems.push(problem);
        }
        // A missing head sorts last: it speaks of the end of the trail.
        self.problems.sort_by_key(|p| p.seq().unwrap_or(i64::MAX));
        let proven_through = genuine
            .as_ref()
            .filter(|_| self.problems.is_empty())
            .map(|h| h.seq);
        Report {
            entries: self.entries,
            checkpoints: self.good_checkpoints,
            anchor: self.anchor,
            last_seq,
            head: genuine,
            proven_through,
            problems: self.problems,
        }
    }

    /// An entry whose hash does not match: moved (it hashes correctly at another seq that is
    /// now empty or held by another suspect) or altered.
    fn diagnose(&self, s: &StoredEntry, suspects: &[StoredEntry]) -> Problem {
        let entry = EntryRef {
            seq: s.seq,
            at: s.content.at,
            action: s.content.action.clone(),
        };
        if suspects.len() <= MAX_MOVE_CHECK {
            let gap_seqs = self
                .gaps
                .iter()
                .filter(|(a, b)| b - a < MAX_MOVE_CHECK as i64)
                .flat_map(|(a, b)| *a..=*b);
            let candidates = suspects.iter().map(|o| o.seq).chain(gap_seqs);
            for seq in candidates.filter(|&c| c != s.seq) {
                if entry_hash(&s.prev_hash, seq, &s.content) == s.hash {
                    return Problem::Moved {
                        entry,
                        written_at: seq,
                    };
                }
            }
        }
        Problem::Altered(entry)
    }
}

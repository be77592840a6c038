//! What a verification finds: the entries it names, each problem, and the report.

use std::fmt;

use super::{Anchor, SignedHead};

/// Which entry a problem concerns, as an operator would look it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRef {
    /// Its sequence number.
    pub seq: i64,
    /// When it was recorded, Unix seconds.
    pub at: i64,
    /// What it recorded.
    pub action: String,
}

impl fmt::Display for EntryRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = crate::clock::taipei_text(self.at, "%Y-%m-%d %H:%M:%S%:z");
        write!(f, "entry {} ({at}, {})", self.seq, self.action)
    }
}

/// Something wrong with the stored trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The entry's content or hash was edited: its hash no longer matches.
    Altered(EntryRef),
    /// The entry is intact but sits at another place than the one it was written at.
    Moved {
        /// The entry where it now is.
        entry: EntryRef,
        /// The seq it was written at.
        written_at: i64,
    },
    /// Entries `from..=to` are missing.
    Removed {
        /// First missing seq.
        from: i64,
        /// Last missing seq.
        to: i64,
    },
    /// The entry was rewritten with a recomputed hash: the next entry was chained to another.
    Rewritten(EntryRef),
    /// A seq appears twice or goes backwards.
    OutOfOrder(EntryRef),
    /// A checkpoint's MAC is wrong: forged or edited.
    ForgedCheckpoint {
        /// The seq it names.
        seq: i64,
    },
    /// A genuine checkpoint does not match the entry it vouches for: the chain up to it was
    /// rewritten.
    CheckpointMismatch(EntryRef),
    /// The chain head is missing or its signature does not verify: nothing proves that the
    /// end of the trail is where the entries stop (the tail may have been cut).
    UnsignedHead {
        /// The seq the stored head names (none when it is missing).
        seq: Option<i64>,
    },
    /// Entries past the signed head: nobody with the key vouched for them.
    PastHead(EntryRef),
}

impl Problem {
    /// The seq the problem is found at (the first missing one for a gap; none for a missing
    /// head).
    pub fn seq(&self) -> Option<i64> {
        match self {
            Problem::Altered(e)
            | Problem::Rewritten(e)
            | Problem::OutOfOrder(e)
            | Problem::CheckpointMismatch(e)
            | Problem::PastHead(e) => Some(e.seq),
            Problem::Moved { entry, .. } => Some(entry.seq),
            Problem::Removed { from, .. } => Some(*from),
            Problem::ForgedCheckpoint { seq } => Some(*seq),
            Problem::UnsignedHead { seq } => *seq,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Altered(e) => write!(f, "{e}: altered (its content or hash was changed)"),
            Self::Moved { entry, written_at } => {
                write!(
                    f,
                    "{entry}: reordered (it was written as entry {written_at})"
                )
            }
            Self::Removed { from, to } if from == to => write!(f, "entry {from}: removed"),
            Self::Removed { from, to } => write!(f, "entries {from} to {to}: removed"),
            Self::Rewritten(e) => write!(
                f,
                "{e}: rewritten (the next entry was chained to a different hash)"
            ),
            Self::OutOfOrder(e) => write!(f, "{e}: out of order (seq repeats or goes backwards)"),
            Self::ForgedCheckpoint { seq } => {
                write!(f, "checkpoint at entry {seq}: signature does not verify")
            }
            Self::UnsignedHead { seq: Some(seq) } => write!(
                f,
                "chain head at entry {seq}: missing signature or signature does not verify (the tail may have been cut)"
            ),
            Self::UnsignedHead { seq: None } => {
                write!(f, "chain head: missing (the tail may have been cut)")
            }
            Self::PastHead(e) => write!(f, "{e}: past the signed chain head (inserted?)"),
            Self::CheckpointMismatch(e) => {
                write!(
                    f,
                    "{e}: does not match its signed checkpoint (the chain up to it was rewritten)"
                )
            }
        }
    }
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Entries walked.
    pub entries: u64,
    /// Checkpoints whose signature verified.
    pub checkpoints: u64,
    /// Where the walk started.
    pub anchor: Anchor,
    /// The last seq seen (the anchor's when there are no entries).
    pub last_seq: i64,
    /// The genuine signed head, when there is one.
    pub head: Option<SignedHead>,
    /// Through which seq the trail is proven complete: the signed head's seq, when the head
    /// verified and nothing is wrong. None means nothing is proven (an empty trail, or problems).
    pub proven_through: Option<i64>,
    /// Every problem, in the order found.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Whether the trail is intact.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

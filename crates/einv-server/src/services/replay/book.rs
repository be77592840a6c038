//! The signed calls this node knows of, in memory (services/replay/mod.rs): a replay of a
//! call this node claimed or answered is stopped here without any I/O, and on a single
//! SQLite node the book is where read calls are claimed at all.
//!
//! Bounds: at most [`MAX_CALLS`] open calls (about 150 bytes each) and [`MAX_ANSWER_BYTES`]
//! of kept answers; an answer past that bound is only in the store (`Answered(None)`; an
//! answer past `STORED_ANSWER_MAX` is not kept there either: a replay is refused), and a
//! claim past the call bound is not held here (the caller claims it in the store instead).
//! A call leaves the book when its window has ended (checked against the injected clock).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use einv_store::OpenSignedCall;

/// The key of a signed call: SHA-256 over its AppID and parameters (http/v1/once.rs).
pub type CallKey = [u8; 32];

/// At most this many open signed calls are held per node.
pub const MAX_CALLS: usize = 1_000_000;
/// At most this many bytes of kept answers are held per node.
pub const MAX_ANSWER_BYTES: usize = 64 << 20;
/// At most this many ended calls are dropped per claim (each claim adds one).
const PRUNE_PER_CLAIM: usize = 64;

/// What the book holds of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    /// Claimed; its answer is not kept yet.
    InFlight,
    /// Answered: the answer, or `None` when it is kept only in the store.
    Answered(Option<Arc<str>>),
}

/// The outcome of [`ReplayBook::try_claim`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Local {
    /// Not known here: now held as in flight, for this caller.
    Claimed,
    /// Known here, its window still open.
    Seen(Held),
    /// The book is full: not held here.
    Full,
}

#[derive(Debug, Default)]
struct Inner {
    calls: HashMap<CallKey, (i64, Held)>,
    /// Keys in the order they came in, with their window's end, for pruning.
    order: VecDeque<(i64, CallKey)>,
    answer_bytes: usize,
}

/// The signed calls of one node.
#[derive(Debug, Default)]
pub struct ReplayBook {
    inner: Mutex<Inner>,
}

impl ReplayBook {
    /// Holds `key` as in flight until `expires` (Unix seconds) unless a call with that key
    /// is already held with its window open at `now`. One lock: of two identical calls, one
    /// is `Claimed`.
    pub fn try_claim(&self, key: CallKey, expires: i64, now: i64) -> Local {
        let mut inner = self.lock();
        inner.prune(now);
        if let Some((end, held)) = inner.calls.get(&key) {
            if *end >= now {
                return Local::Seen(held.clone());
            }
        }
        if inner.calls.len() >= MAX_CALLS {
            return Local::Full;
        }
        inner.put(key, expires, Held::InFlight);
        Local::Claimed
    }

    /// Holds `key`, claimed elsewhere (the store at start-up), until `expires`.
    pub fn load(&self, calls: &[OpenSignedCall]) {
        let mut inner = self.lock();
        for call in calls {
            let Some(key) = decode_key(&call.call_key) else {
                continue;
            };
            if inner.calls.len() >= MAX_CALLS {
                break;
            }
            let held = if call.answered {
                Held::Answered(None)
            } else {
                Held::InFlight
            };
            inner.put(key, call.expires_at, held);
        }
    }

    /// Records `key`'s answer (held in memory within [`MAX_ANSWER_BYTES`]). A key not held
    /// here (a call claimed in the store only) stays unknown.
    pub fn answered(&self, key: &CallKey, reply: Option<&str>) {
        let mut inner = self.lock();
        let old = match inner.calls.get(key) {
            Some((_, held)) => answer_len(held),
            None => return,
        };
        let fits = reply.is_some_and(|r| inner.answer_bytes - old + r.len() <= MAX_ANSWER_BYTES);
        let kept: Option<Arc<str>> = reply.filter(|_| fits).map(Arc::from);
        let added = kept.as_ref().map_or(0, |r| r.len());
        if let Some((_, held)) = inner.calls.get_mut(key) {
            *held = Held::Answered(kept);
        }
        inner.answer_bytes = inner.answer_bytes - old + added;
    }

    /// Forgets `key` (its claim was given up, or lost to another node).
    pub fn forget(&self, key: &CallKey) {
        let mut inner = self.lock();
        if let Some((_, held)) = inner.calls.remove(key) {
            inner.answer_bytes -= answer_len(&held);
        }
    }

    /// How many calls are held (for tests and metrics).
    pub fn len(&self) -> usize {
        self.lock().calls.len()
    }

    /// Whether no call is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves whole entries only: carry on with them.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    fn put(&mut self, key: CallKey, expires: i64, held: Held) {
        self.answer_bytes += answer_len(&held);
        if let Some((_, old)) = self.calls.insert(key, (expires, held)) {
            self.answer_bytes -= answer_len(&old);
        }
        self.order.push_back((expires, key));
    }

    /// Drops the calls at the front of the arrival order whose window ended before `now`, at
    /// most [`PRUNE_PER_CLAIM`] of them: a burst of calls whose windows end in the same
    /// second is dropped over the next claims instead of by one claim under the lock (a
    /// dropped call is past its window, so leaving it a little longer changes no answer).
    /// Windows are at most five minutes wide, so one that ends later holds the ones behind
    /// it back for at most that long.
    fn prune(&mut self, now: i64) {
        for _ in 0..PRUNE_PER_CLAIM {
            let Some(&(end, key)) = self.order.front() else {
                break;
            };
            if end >= now {
                break;
            }
            self.order.pop_front();
            // The key may have been claimed again since, with a later window: keep that.
            if self.calls.get(&key).is_some_and(|(e, _)| *e < now) {
                if let Some((_, held)) = self.calls.remove(&key) {
                    self.answer_bytes -= answer_len(&held);
                }
            }
        }
    }
}

fn answer_len(held: &Held) -> usize {
    match held {
        Held::Answered(Some(reply)) => reply.len(),
        Held::Answered(None) | Held::InFlight => 0,
    }
}

/// The book's key from the store's hex text (`None` for a row not written by this code).
pub fn decode_key(hex_key: &str) -> Option<CallKey> {
    let mut key = [0u8; 32];
    hex::decode_to_slice(hex_key, &mut key).ok()?;
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: CallKey = [7; 32];

    #[test]
    fn one_of_two_identical_claims_wins_until_the_window_ends() {
        let book = ReplayBook::default();
        assert_eq!(book.try_claim(K, 100, 0), Local::Claimed);
        assert_eq!(book.try_claim(K, 100, 0), Local::Seen(Held::InFlight));
        book.answered(&K, Some("{\"code\":200}"));
        assert_eq!(
            book.try_claim(K, 100, 100),
            Local::Seen(Held::Answered(Some(Arc::from("{\"code\":200}")))),
            "the last second of the window still answers"
        );
        assert_eq!(book.try_claim(K, 300, 101), Local::Claimed, "a new window");
        assert_eq!(book.len(), 1, "the ended call was pruned");
    }

    #[test]
    fn a_burst_of_ended_calls_is_dropped_a_bounded_number_per_claim() {
        let book = ReplayBook::default();
        let key = |i: usize| -> CallKey {
            let mut k = [0u8; 32];
            k[..8].copy_from_slice(&(i as u64).to_le_bytes());
            k
        };
        for i in 0..200 {
            assert_eq!(book.try_claim(key(i), 10, 0), Local::Claimed);
        }
        assert_eq!(book.try_claim(key(1000), 100, 11), Local::Claimed);
        assert_eq!(
            book.len(),
            200 - PRUNE_PER_CLAIM + 1,
            "one claim drops a bounded part"
        );
        // An ended call not dropped yet is still no replay.
        assert_eq!(book.try_claim(key(199), 100, 11), Local::Claimed);
        for i in 1001..1004 {
            assert_eq!(book.try_claim(key(i), 100, 11), Local::Claimed);
        }
        assert_eq!(book.len(), 5, "the next claims drop the rest");
    }

    #[test]
    fn a_given_up_claim_may_be_claimed_again() {
        let book = ReplayBook::default();
        assert_eq!(book.try_claim(K, 100, 0), Local::Claimed);
        book.forget(&K);
        assert_eq!(book.try_claim(K, 100, 0), Local::Claimed);
    }

    #[test]
    fn answers_past_the_byte_bound_are_left_to_the_store() {
        let book = ReplayBook::default();
        let big = "x".repeat(MAX_ANSWER_BYTES);
        assert_eq!(book.try_claim([1; 32], 100, 0), Local::Claimed);
        book.answered(&[1; 32], Some(&big));
        assert_eq!(book.try_claim([2; 32], 100, 0), Local::Claimed);
        book.answered(&[2; 32], Some("{}"));
        assert_eq!(
            book.try_claim([2; 32], 100, 0),
            Local::Seen(Held::Answered(None))
        );
        // Once the big answer's window ends its bytes are free again.
        assert_eq!(book.try_claim([3; 32], 300, 101), Local::Claimed);
        book.answered(&[3; 32], Some("{}"));
        assert_eq!(
            book.try_claim([3; 32], 300, 101),
            Local::Seen(Held::Answered(Some(Arc::from("{}"))))
        );
    }

    #[test]
    fn loaded_calls_are_known_with_their_state() {
        let book = ReplayBook::default();
        let open = |key: &CallKey, answered| OpenSignedCall {
            call_key: hex::encode(key),
            answered,
            expires_at: 100,
        };
        book.load(&[open(&[1; 32], true), open(&[2; 32], false)]);
        assert_eq!(
            book.try_claim([1; 32], 100, 0),
            Local::Seen(Held::Answered(None))
        );
        assert_eq!(book.try_claim([2; 32], 100, 0), Local::Seen(Held::InFlight));
    }
}

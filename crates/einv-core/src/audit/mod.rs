//! The audit trail's hash chain, as pure functions (R5.3, R6.4; `docs/audit.md`).
//!
//! Every entry is chained to the one before it:
//! `hash(n) = SHA-256(hash(n-1) ‖ n as 8 big-endian bytes ‖ canonical(entry n))`, starting from
//! [`genesis_hash`]. Editing, removing or moving a stored entry breaks the chain at that entry,
//! and [`verify::Verifier`] says which. An attacker who can write the database could recompute
//! the whole tail, so every so often the chain head is *checkpointed*: an HMAC-SHA256 under a
//! key derived from the server key over `(kind, seq, hash, at)`, which nobody without the key
//! can forge. The kind is covered so that a checkpoint cannot be turned into a purge anchor
//! (which would let a writer drop the start of the log), and `at` (for an anchor, the purge's
//! cut instant) so that a purge cannot be moved. The head itself is signed with every appended
//! batch ([`SignedHead`]), so dropping the tail shows too.

use std::sync::Arc;

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::InvalidValue;

#[cfg(test)]
mod tests;
pub mod verify;

pub use verify::{Anchor, Problem, Report, SignedHead, StoredCheckpoint, StoredEntry, Verifier};

/// Labels the canonical form, so a future format cannot be confused with this one.
const FORMAT: &[u8] = b"einv-audit-entry-v1\n";
/// Labels a checkpoint MAC input. v2 covers kind and time as well as (seq, hash).
const CHECKPOINT_LABEL: &[u8] = b"einv-audit-checkpoint-v2\n";
/// The kind word of a signed chain head.
pub const HEAD: &str = "head";

/// What one audit entry says: everything the hash covers except its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EntryContent {
    /// When, as Unix seconds (UTC).
    pub at: i64,
    /// Who acted: `app:<AppID>`, `developer:<id>`, `reviewer:<id>`, `user:<id>`, `system`.
    pub actor: String,
    /// What happened, e.g. `data.carrier-invoices`, `consent.granted`.
    pub action: String,
    /// The User concerned.
    pub user_id: Option<i64>,
    /// The AppID concerned.
    pub app_id: Option<String>,
    /// The invoices read or changed. Shared: a kept list page's numbers go into the entry of
    /// every call it answers without copying a hundred `String`s each time.
    pub invoices: Arc<[String]>,
    /// The caller's IP address, as text.
    pub ip: Option<String>,
    /// Further detail: JSON text, hashed byte for byte as stored.
    pub detail: String,
}

/// The canonical bytes of an entry: a format label, then each field in a fixed order as
/// `name=` followed by `~` when absent or `<byte length>:<UTF-8 bytes>`, one per line. Length
/// prefixes make the encoding unambiguous whatever the fields contain.
///
/// Written into one buffer sized up front, numbers without a `String` each: a carrier list's
/// entry carries up to a hundred invoices, and every v1 data call hashes one (R6.4).
pub fn canonical(entry: &EntryContent) -> Vec<u8> {
    let mut out = Vec::with_capacity(canonical_len_hint(entry));
    out.extend_from_slice(FORMAT);
    field(&mut out, b"at", Some(Decimal::new(entry.at).digits()));
    field(&mut out, b"actor", Some(entry.actor.as_bytes()));
    field(&mut out, b"action", Some(entry.action.as_bytes()));
    let user = entry.user_id.map(Decimal::new);
    field(&mut out, b"user_id", user.as_ref().map(Decimal::digits));
    field(
        &mut out,
        b"app_id",
        entry.app_id.as_deref().map(str::as_bytes),
    );
    let count = Decimal::of_len(entry.invoices.len());
    field(&mut out, b"invoices", Some(count.digits()));
    for number in entry.invoices.iter() {
        field(&mut out, b"invoice", Some(number.as_bytes()));
    }
    field(&mut out, b"ip", entry.ip.as_deref().map(str::as_bytes));
    field(&mut out, b"detail", Some(entry.detail.as_bytes()));
    out
}

/// About how long [`canonical`] is, so its buffer is allocated once.
fn canonical_len_hint(entry: &EntryContent) -> usize {
    let invoices: usize = entry.invoices.iter().map(|n| n.len() + 16).sum();
    let optional =
        entry.app_id.as_ref().map_or(0, String::len) + entry.ip.as_ref().map_or(0, String::len);
    200 + entry.actor.len() + entry.action.len() + entry.detail.len() + optional + invoices
}

fn field(out: &mut Vec<u8>, name: &[u8], value: Option<&[u8]>) {
    out.extend_from_slice(name);
    match value {
        None => out.extend_from_slice(b"=~\n"),
        Some(v) => {
            out.push(b'=');
            push_len(out, v.len());
            out.push(b':');
            out.extend_from_slice(v);
            out.push(b'\n');
        }
    }
}

/// A length prefix in decimal: one or two digits for nearly every field, written directly.
fn push_len(out: &mut Vec<u8>, len: usize) {
    match u8::try_from(len) {
        // Below 10 and 100: each digit is below 10, so the sums stay ASCII digits.
        Ok(n) if n < 10 => out.push(b'0' + n),
        Ok(n) if n < 100 => out.extend_from_slice(&[b'0' + n / 10, b'0' + n % 10]),
        _ => out.extend_from_slice(Decimal::of_len(len).digits()),
    }
}

/// An integer's decimal text (as `to_string` writes it), in a buffer on the stack.
struct Decimal {
    digits: [u8; 20],
    start: usize,
}

impl Decimal {
    fn new(n: i64) -> Self {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        let mut rest = n.unsigned_abs();
        loop {
            start -= 1;
            // `rest % 10` is below 10: the cast cannot truncate.
            digits[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if n < 0 {
            start -= 1;
            digits[start] = b'-';
        }
        Self { digits, start }
    }

    fn of_len(len: usize) -> Self {
        Self::new(i64::try_from(len).unwrap_or(i64::MAX))
    }

    /// The text's bytes: ASCII digits and a leading `-`.
    fn digits(&self) -> &[u8] {
        &self.digits[self.start..]
    }
}

/// The hash the chain starts from (seq 0): SHA-256 of a fixed label, as hex.
pub fn genesis_hash() -> String {
    hex::encode(Sha256::digest(b"einv audit trail genesis v1"))
}

/// `SHA-256(prev_hash ‖ seq ‖ canonical(entry))` as lowercase hex. `prev_hash` is the previous
/// entry's hash as hex; a malformed one is hashed as its text, so it can never verify.
pub fn entry_hash(prev_hash: &str, seq: i64, entry: &EntryContent) -> String {
    let mut h = Sha256::new();
    let mut prev = [0u8; 32];
    match hex::decode_to_slice(prev_hash, &mut prev) {
        Ok(()) => h.update(prev),
        Err(_) => h.update(prev_hash.as_bytes()),
    }
    h.update(seq.to_be_bytes());
    // One update of the whole form: SHA-256 fed piece by piece (a few bytes each) cost more
    // than building the form once.
    h.update(canonical(entry));
    hex::encode(h.finalize())
}

/// The key checkpoints are signed with, derived from the server key by the server. Kept as the
/// HMAC state after the key (its inner and outer blocks hashed once): the head is signed with
/// every audit batch, and keying HMAC anew each time hashed two more blocks per signature.
#[derive(Clone)]
pub struct CheckpointKey(Hmac<Sha256>);

impl std::fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckpointKey(**)")
    }
}

impl CheckpointKey {
    /// A key from 32 bytes.
    pub fn new(bytes: [u8; 32]) -> Self {
        // HMAC pads a key shorter than its block with zeros: padded here, the same key.
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&bytes);
        Self(<Hmac<Sha256> as KeyInit>::new(&block.into()))
    }

    /// The MAC of a checkpoint of `kind` (`checkpoint`, `anchor`, `head`) vouching that entry
    /// `seq` has `hash`, made at `at` (Unix seconds; for an anchor, the purge's cut instant):
    /// HMAC-SHA256 over all four, length-prefixed so no field can bleed into another; hex.
    pub fn sign(&self, kind: &str, seq: i64, hash: &str, at: i64) -> String {
        hex::encode(self.mac(kind, seq, hash, at).finalize().into_bytes())
    }

    /// Whether `mac` is this key's MAC over `(kind, seq, hash, at)` (constant time).
    pub fn check(&self, kind: &str, seq: i64, hash: &str, at: i64, mac: &str) -> bool {
        match hex::decode(mac) {
            Ok(bytes) => self.mac(kind, seq, hash, at).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }

    /// A signed checkpoint of `kind` for entry `seq`/`hash` at `at`.
    pub fn checkpoint(&self, kind: &str, seq: i64, hash: String, at: i64) -> StoredCheckpoint {
        StoredCheckpoint {
            seq,
            mac: self.sign(kind, seq, &hash, at),
            hash,
            kind: kind.to_owned(),
            at,
        }
    }

    fn mac(&self, kind: &str, seq: i64, hash: &str, at: i64) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        mac.update(CHECKPOINT_LABEL);
        for part in [kind.as_bytes(), hash.as_bytes()] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.update(&seq.to_be_bytes());
        mac.update(&at.to_be_bytes());
        mac
    }
}

/// How long the trail is kept: R5.3 says at least six months, so fewer cannot be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention(u32);

impl Retention {
    /// The legal minimum (R5.3): six calendar months.
    pub const MINIMUM_MONTHS: u32 = 6;

    /// A retention of `months` calendar months; fewer than six is refused (R5.3).
    pub fn months(months: u32) -> Result<Self, InvalidValue> {
        if months < Self::MINIMUM_MONTHS {
            return Err(InvalidValue::new(
                "retention",
                format!(
                    "the audit trail is kept at least {} months (R5.3); {months} is too short",
                    Self::MINIMUM_MONTHS
                ),
            ));
        }
        Ok(Self(months))
    }

    /// The number of months.
    pub fn get(self) -> u32 {
        self.0
    }

    /// The latest date a purge may cut at, on Taipei day `today`: entries from that date on
    /// are still inside the retention period.
    pub fn earliest_kept(self, today: chrono::NaiveDate) -> chrono::NaiveDate {
        crate::clock::sub_calendar_months(today, self.0)
    }

    /// R5.3: a purge of everything before `before` is allowed on `today` only when nothing
    /// younger than the retention period would go.
    pub fn check_purge(
        self,
        today: chrono::NaiveDate,
        before: chrono::NaiveDate,
    ) -> Result<(), InvalidValue> {
        let limit = self.earliest_kept(today);
        if before > limit {
            return Err(InvalidValue::new(
                "before",
                format!(
                    "entries are kept {} months (R5.3): the latest allowed cut on {today} is {limit}, not {before}",
                    self.0
                ),
            ));
        }
        Ok(())
    }
}

impl Default for Retention {
    fn default() -> Self {
        Self(Self::MINIMUM_MONTHS)
    }
}

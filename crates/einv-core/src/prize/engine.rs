//! The bulk prize engine: checks millions of 8-digit numbers against one draw.
//!
//! Every regular prize needs at least the last 3 digits to equal those of a drawn number, and a
//! draw has at most 20 distinct 3-digit endings, so ~99% of numbers can be rejected early. The
//! obvious prefilter, a 1000-entry table on `digits % 1000`, costs two multiplications per
//! number (the compiler's division by a constant), and the loop is bound by the multiplier,
//! not by memory. This one hashes with a single multiplication (see [`prefilter_table`] for
//! why it misses no winner): `digits * HASH_MULTIPLIER (mod 2³²)`, top 12 bits, one
//! L1-resident byte table. The bulk loop ORs the lookups of a short chunk branch-free and
//! branches once per chunk; the few numbers that pass take the exact path (a 10,000-entry table
//! on the last 4 digits, then whole-number compares only when 4 digits match), which is also
//! where numbers above 99,999,999 are turned away.

use std::collections::HashMap;
use std::fmt;

use crate::prize::winning::MAX_EIGHT_DIGITS;
use crate::prize::{CloudPrizeLevel, Prize, WinningNumbers};
use crate::{InvoiceNumber, Ntd};

/// [`PrizeEngine::tail4`] entries: the low bits hold 1 + the rank of the best prize the last 4
/// digits alone decide (fifth, sixth, additional sixth; 0 for none), and these flags ask for
/// more: a special or grand number ends in these 4 digits …
const CHECK_FULL: u8 = 0x10;
/// … or a first-prize number does (fourth prize or better possible).
const CHECK_LONGER: u8 = 0x20;
const RANK_BITS: u8 = 0x0F;

/// Numbers looked up branch-free before one branch decides whether any of them needs the
/// slow path. 8 keeps the chance that a random chunk needs a second look small (≈4% with 5
/// drawn endings) while hiding the branch cost.
const CHUNK: usize = 8;

/// The prefilter's multiplier `M`: `125 * M ≡ 2²⁹ + 1` and so `1000 * M ≡ 8 (mod 2³²)`. (It is
/// `(2²⁹ + 1) * 125⁻¹ mod 2³²`.)
const HASH_MULTIPLIER: u32 = 0xC6E9_78D5;
const _: () = assert!(HASH_MULTIPLIER.wrapping_mul(1000) == 8);
const _: () = assert!(HASH_MULTIPLIER.wrapping_mul(125) == (1 << 29) + 1);
/// The prefilter buckets are the top 12 bits of the hash product.
const BUCKET_SHIFT: u32 = 20;
const BUCKETS: usize = 1 << (32 - BUCKET_SHIFT);

const RANK_FIRST: usize = 2;
const RANK_FIFTH: usize = 6;
const RANK_SIXTH: usize = 7;
const RANK_ADDITIONAL_SIXTH: usize = 8;

/// Lookup tables for one draw, for checking many numbers fast. Build with
/// [`WinningNumbers::engine`]; agrees with [`WinningNumbers::check_digits`] and
/// [`WinningNumbers::check`] (a property test holds it to that).
#[derive(Clone)]
pub struct PrizeEngine {
    /// Indexed by [`prefilter_bucket`]: nonzero when a number in the bucket could win.
    prefilter: Box<[u8; BUCKETS]>,
    /// Indexed by the last 4 digits: the exact path's first step (see [`CHECK_FULL`]).
    tail4: Box<[u8; 10_000]>,
    special: u32,
    grand: Vec<u32>,
    first: Vec<u32>,
    /// Amounts in [`Prize::REGULAR`] order.
    amounts: [Ntd; 9],
    cloud: HashMap<InvoiceNumber, CloudPrizeLevel>,
}

impl fmt::Debug for PrizeEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The tables say nothing useful to a reader; the endings they flag do.
        let endings: Vec<usize> = (0..10_000).filter(|&i| self.tail4[i] != 0).collect();
        f.debug_struct("PrizeEngine")
            .field("four_digit_endings", &endings)
            .field("special", &self.special)
            .field("grand", &self.grand)
            .field("first", &self.first)
            .field("cloud_prizes", &self.cloud.len())
            .finish()
    }
}

impl PrizeEngine {
    /// Builds the tables for `draw`.
    pub fn new(draw: &WinningNumbers) -> Self {
        let first_endings: Vec<u32> = draw.first().iter().map(|f| f % 1000).collect();
        let mut tail4 = Box::new([0u8; 10_000]);
        for (tail, entry) in (0u32..).zip(tail4.iter_mut()) {
            let ending = tail % 1000;
            // Lowest rank first, so a better prize overwrites a lesser one.
            let mut rank = None;
            if draw
                .additional_sixth()
                .iter()
                .any(|&a| u32::from(a) == ending)
            {
                rank = Some(RANK_ADDITIONAL_SIXTH);
            }
            if first_endings.contains(&ending) {
                rank = Some(RANK_SIXTH);
            }
            if draw.first().iter().any(|f| f % 10_000 == tail) {
                rank = Some(RANK_FIFTH);
                *entry |= CHECK_LONGER;
            }
            if std::iter::once(&draw.special())
                .chain(draw.grand())
                .any(|n| n % 10_000 == tail)
            {
                *entry |= CHECK_FULL;
            }
            // Ranks are below 9, so 1 + rank fits the low 4 bits.
            *entry |= rank.map_or(0, |r| r as u8 + 1);
        }
        let endings: Vec<u32> = std::iter::once(draw.special())
            .chain(draw.grand().iter().copied())
            .chain(draw.first().iter().copied())
            .chain(draw.additional_sixth().iter().map(|&a| u32::from(a)))
            .map(|n| n % 1000)
            .collect();
        Self {
            prefilter: prefilter_table(&endings),
            tail4,
            special: draw.special(),
            grand: draw.grand().to_vec(),
            first: draw.first().to_vec(),
            amounts: draw.amounts().in_rank_order(),
            cloud: draw.cloud_prizes().collect(),
        }
    }

    /// The regular prize eight digits win (values above 99,999,999 win nothing).
    #[inline]
    pub fn check(&self, digits: u32) -> Option<Prize> {
        self.rank(digits).map(|r| Prize::REGULAR[r])
    }

    /// The one prize an invoice wins, cloud prizes included: the better paid of its regular
    /// and cloud prize, the regular one on equal amounts.
    pub fn check_invoice(&self, number: &InvoiceNumber) -> Option<Prize> {
        let regular = self.rank(number.digits());
        let cloud = self.cloud.get(number).map(|l| Prize::Cloud(*l));
        match (regular, cloud) {
            (Some(r), Some(c)) if c.amount() > self.amounts[r] => Some(c),
            (Some(r), _) => Some(Prize::REGULAR[r]),
            (None, c) => c,
        }
    }

    /// Counts the regular prizes won by each of `digits` and the amount they pay.
    pub fn check_bulk(&self, digits: &[u32]) -> BulkSummary {
        let mut counts = [0u64; 9];
        let mut chunks = digits.chunks_exact(CHUNK);
        for chunk in &mut chunks {
            // Branch-free: OR the flags of the whole chunk, then branch once.
            let any = chunk.iter().fold(0u8, |acc, &d| acc | self.may_win(d));
            if any != 0 {
                self.tally_chunk(chunk, &mut counts);
            }
        }
        self.tally_chunk(chunks.remainder(), &mut counts);
        BulkSummary::from_counts(digits.len() as u64, counts, &self.amounts)
    }

    /// The winners among `digits`: each winner's index in `digits` and its prize, in order.
    pub fn winners<'a>(&'a self, digits: &'a [u32]) -> Winners<'a> {
        Winners {
            engine: self,
            digits,
            next: 0,
        }
    }

    /// What the draw pays for a regular prize.
    pub fn amount(&self, prize: Prize) -> Ntd {
        prize
            .regular_rank()
            .map_or(prize.amount(), |r| self.amounts[r])
    }

    /// Nonzero when `digits` could win a regular prize (never zero for a winner).
    #[inline(always)]
    fn may_win(&self, digits: u32) -> u8 {
        self.prefilter[prefilter_bucket(digits)]
    }

    /// Counts the prizes of a chunk that may hold a winner. Kept out of line so the hot loop
    /// above stays a plain multiply-shift-load sequence, with nothing kept alive for this.
    #[cold]
    #[inline(never)]
    fn tally_chunk(&self, chunk: &[u32], counts: &mut [u64; 9]) {
        // A bit per number that passes the prefilter, built branch-free, then visited bit by
        // bit: which number of the chunk passed is random, so a branch on it would mispredict.
        let mut passed = chunk.iter().enumerate().fold(0u32, |bits, (i, &d)| {
            bits | u32::from(self.may_win(d) != 0) << i
        });
        while passed != 0 {
            let i = passed.trailing_zeros() as usize;
            passed &= passed - 1;
            if let Some(r) = chunk.get(i).and_then(|&d| self.rank_slow(d)) {
                counts[r] += 1;
            }
        }
    }

    /// The rank (index into [`Prize::REGULAR`]) of the prize `digits` win. Ranks are in amount
    /// order (validated by [`WinningNumbers::with_amounts`]), so the best rank is the best paid.
    #[inline]
    fn rank(&self, digits: u32) -> Option<usize> {
        if self.may_win(digits) == 0 {
            return None;
        }
        self.rank_slow(digits)
    }

    /// The exact path, for the ~1% of numbers the prefilter passes: one remainder and one
    /// lookup decide the usual sixth-prize hit; only numbers sharing 4 digits with a drawn
    /// number go on to whole-number compares.
    #[cold]
    #[inline(never)]
    fn rank_slow(&self, digits: u32) -> Option<usize> {
        if digits > MAX_EIGHT_DIGITS {
            return None;
        }
        // `% 10_000` is always < 10 000, so the index needs no bounds check.
        let entry = self.tail4[(digits % 10_000) as usize];
        if entry & CHECK_FULL != 0 {
            if digits == self.special {
                return Some(0);
            }
            if self.grand.contains(&digits) {
                return Some(1);
            }
        }
        if entry & CHECK_LONGER != 0 {
            // A first-prize number shares the last 4 digits: lengthen the suffix while one
            // still shares it.
            let mut len = 4;
            while len < 8 {
                let modulus = POW10[len + 1];
                if !self.first.iter().any(|&f| f % modulus == digits % modulus) {
                    break;
                }
                len += 1;
            }
            // 8 equal digits → first prize (rank 2), 7 → second (3), … 4 → fifth (6).
            return Some(RANK_FIRST + (8 - len));
        }
        usize::from(entry & RANK_BITS).checked_sub(1)
    }
}

/// The prefilter bucket of `digits`: the top 12 bits of `digits * HASH_MULTIPLIER (mod 2³²)`.
#[inline(always)]
fn prefilter_bucket(digits: u32) -> usize {
    bucket_of_product(digits.wrapping_mul(HASH_MULTIPLIER))
}

#[inline(always)]
fn bucket_of_product(product: u32) -> usize {
    // A u32 shifted right by 20 is below 4096: the table index needs no bounds check.
    (product >> BUCKET_SHIFT) as usize
}

/// The prefilter for numbers ending in one of `endings` (3 digits each).
///
/// Why no winner is missed: a number with ending `e` is `x = e + 1000k`, and `k ≤ 99 999` for
/// `x ≤ 99 999 999`. Since `1000 * M ≡ 8`, its product is `x * M ≡ e * M + 8k (mod 2³²)`: it
/// lies in the window `[e * M, e * M + 799 992]` (wrapping at 2³²). The window is narrower than
/// a bucket (2²⁰), so it touches at most two buckets, and both are marked.
///
/// Why few others pass: numbers whose endings differ by a multiple of 125 (the same residue
/// mod 125) would share a window under the plain inverse of 125; `125 * M ≡ 2²⁹ + 1` puts them
/// 2²⁹ apart instead, so the 1000 windows are spread over all of 2³² and a marked bucket holds
/// little besides its own window. (With the 2018 draw's 8 endings, no false positive at all in
/// 10 million random numbers.)
fn prefilter_table(endings: &[u32]) -> Box<[u8; BUCKETS]> {
    const WINDOW: u32 = 8 * (MAX_EIGHT_DIGITS / 1000);
    let mut table = Box::new([0u8; BUCKETS]);
    for &ending in endings {
        let start = ending.wrapping_mul(HASH_MULTIPLIER);
        for product in [start, start.wrapping_add(WINDOW)] {
            table[bucket_of_product(product)] = 1;
        }
    }
    table
}

/// `POW10[k]` = 10^k: the modulus that keeps the last `k` digits.
const POW10: [u32; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// The winners of a slice of digits, from [`PrizeEngine::winners`].
#[derive(Debug)]
pub struct Winners<'a> {
    engine: &'a PrizeEngine,
    digits: &'a [u32],
    next: usize,
}

impl Iterator for Winners<'_> {
    /// The winner's index in the slice and its prize.
    type Item = (usize, Prize);

    fn next(&mut self) -> Option<Self::Item> {
        while let Some(&d) = self.digits.get(self.next) {
            let index = self.next;
            self.next += 1;
            if let Some(prize) = self.engine.check(d) {
                return Some((index, prize));
            }
        }
        None
    }
}

/// The result of [`PrizeEngine::check_bulk`]: how many numbers won each regular prize and
/// what they pay in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct BulkSummary {
    checked: u64,
    counts: [u64; 9],
    total: Ntd,
}

impl BulkSummary {
    fn from_counts(checked: u64, counts: [u64; 9], amounts: &[Ntd; 9]) -> Self {
        let total = counts
            .iter()
            .zip(amounts)
            .map(|(c, a)| c.saturating_mul(a.dollars()))
            .fold(0u64, u64::saturating_add);
        Self {
            checked,
            counts,
            total: Ntd::new(total),
        }
    }

    /// How many numbers were checked.
    pub fn checked(&self) -> u64 {
        self.checked
    }

    /// How many numbers won `prize` (always 0 for cloud prizes: the digits-only engine does not
    /// see track letters).
    pub fn count(&self, prize: Prize) -> u64 {
        prize.regular_rank().map_or(0, |r| self.counts[r])
    }

    /// Each regular prize with its count, in rank order.
    pub fn counts(&self) -> impl Iterator<Item = (Prize, u64)> + '_ {
        Prize::REGULAR.into_iter().zip(self.counts)
    }

    /// How many numbers won anything.
    pub fn winners(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// What all the winners are paid together.
    pub fn total(&self) -> Ntd {
        self.total
    }

    /// Adds the results of another slice checked against the same draw (for splitting the
    /// work across threads).
    pub fn merge(&mut self, other: &BulkSummary) {
        self.checked += other.checked;
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.total = Ntd::new(self.total.dollars().saturating_add(other.total.dollars()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefilter_passes_every_number_with_a_flagged_ending() {
        for ending in 0..1000u32 {
            let table = prefilter_table(&[ending]);
            // The window is contiguous, so its ends and a stride through it cover the buckets.
            let ks = (0..100_000u32).step_by(1_009).chain([1, 99_998, 99_999]);
            for k in ks {
                let digits = ending + 1000 * k;
                assert_ne!(table[prefilter_bucket(digits)], 0, "{digits:08}");
            }
        }
    }
}

//! A period's winning numbers, validated, and the plain reference check.

use std::collections::BTreeMap;

use crate::prize::{CloudPrizeLevel, Prize, PrizeAmounts, PrizeEngine};
use crate::{InvalidValue, InvoiceNumber, Ntd, Period};

/// The largest value eight digits can hold.
pub(crate) const MAX_EIGHT_DIGITS: u32 = 99_999_999;

/// How many numbers of each kind a draw may have (\[LAW3\]: 1–3 grand, 3–10 first; the API has
/// six additional-sixth slots).
const GRAND_COUNT: std::ops::RangeInclusive<usize> = 1..=3;
const FIRST_COUNT: std::ops::RangeInclusive<usize> = 3..=10;
const ADDITIONAL_SIXTH_COUNT: std::ops::RangeInclusive<usize> = 0..=6;

/// The winning numbers of one period: special (1), grand (1–3), first (3–10), additional sixth
/// (0–6 three-digit numbers) and cloud-invoice prize numbers, with the amounts the draw pays.
///
/// Always valid: every regular number has 8 digits, the counts are in range, no number is drawn
/// twice, and amounts do not increase down the ranks (so the highest-ranked prize an invoice
/// matches is also the best paid).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WinningNumbers {
    period: Period,
    special: u32,
    grand: Vec<u32>,
    first: Vec<u32>,
    additional_sixth: Vec<u16>,
    // A map: the H1 2026 draw has ~4 million cloud numbers, and a number can win one level only.
    cloud: BTreeMap<InvoiceNumber, CloudPrizeLevel>,
    amounts: PrizeAmounts,
}

/// A number with the name of the field it came from, so every error can name it.
pub(crate) type Named<T> = (String, T);

/// The parts of a draw before validation; [`WinningNumbers::new`] and the MOF JSON parser both
/// go through [`WinningNumbers::from_draft`] and differ only in field names.
#[derive(Debug)]
pub(crate) struct Draft {
    pub period: Period,
    pub special: Named<u32>,
    pub grand: Vec<Named<u32>>,
    pub first: Vec<Named<u32>>,
    pub additional_sixth: Vec<Named<u16>>,
    /// The names of the grand, first and additional-sixth groups, for count errors.
    pub group_names: [&'static str; 3],
}

impl WinningNumbers {
    /// A draw from its numbers as integers (`47551146`, `185`); amounts are the statutory ones
    /// and there are no cloud prizes (add them with [`Self::with_cloud_prizes`]).
    pub fn new(
        period: Period,
        special: u32,
        grand: &[u32],
        first: &[u32],
        additional_sixth: &[u16],
    ) -> Result<Self, InvalidValue> {
        fn named<T: Copy>(group: &str, values: &[T]) -> Vec<Named<T>> {
            values
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("{group}[{i}]"), *v))
                .collect()
        }
        Self::from_draft(Draft {
            period,
            special: ("special".to_owned(), special),
            grand: named("grand", grand),
            first: named("first", first),
            additional_sixth: named("additional_sixth", additional_sixth),
            group_names: ["grand", "first", "additional_sixth"],
        })
    }

    pub(crate) fn from_draft(draft: Draft) -> Result<Self, InvalidValue> {
        let [grand_group, first_group, sixth_group] = draft.group_names;
        check_count(grand_group, "grand", draft.grand.len(), GRAND_COUNT)?;
        check_count(first_group, "first-prize", draft.first.len(), FIRST_COUNT)?;
        check_count(
            sixth_group,
            "additional sixth-prize",
            draft.additional_sixth.len(),
            ADDITIONAL_SIXTH_COUNT,
        )?;

        // Special, grand and first numbers are all 8-digit draws: none may repeat, or the
        // prize of that number would be ambiguous.
        let mut seen: Vec<&Named<u32>> = Vec::new();
        for entry in std::iter::once(&draft.special)
            .chain(&draft.grand)
            .chain(&draft.first)
        {
            let (field, value) = entry;
            if *value > MAX_EIGHT_DIGITS {
                return Err(InvalidValue::new(
                    field,
                    format!("{value} has more than 8 digits"),
                ));
            }
            if let Some((other, _)) = seen.iter().find(|(_, v)| v == value) {
                return Err(InvalidValue::new(
                    field,
                    format!("{value:08} is also drawn as {other}"),
                ));
            }
            seen.push(entry);
        }
        for (i, (field, value)) in draft.additional_sixth.iter().enumerate() {
            if *value > 999 {
                return Err(InvalidValue::new(
                    field,
                    format!("{value} has more than 3 digits"),
                ));
            }
            if let Some((other, _)) = draft.additional_sixth[..i].iter().find(|(_, v)| v == value) {
                return Err(InvalidValue::new(
                    field,
                    format!("{value:03} is also drawn as {other}"),
                ));
            }
        }
        let values = |v: Vec<Named<u32>>| v.into_iter().map(|(_, n)| n).collect();
        Ok(Self {
            period: draft.period,
            special: draft.special.1,
            grand: values(draft.grand),
            first: values(draft.first),
            additional_sixth: draft.additional_sixth.into_iter().map(|(_, n)| n).collect(),
            cloud: BTreeMap::new(),
            amounts: PrizeAmounts::STATUTORY,
        })
    }

    /// The same draw with cloud-invoice prize numbers (all 10 characters must match). A number
    /// listed twice is an error, even at the same level.
    pub fn with_cloud_prizes(
        mut self,
        prizes: impl IntoIterator<Item = (InvoiceNumber, CloudPrizeLevel)>,
    ) -> Result<Self, InvalidValue> {
        for (number, level) in prizes {
            if let Some(previous) = self.cloud.insert(number, level) {
                return Err(InvalidValue::new(
                    "cloud prizes",
                    format!("{number} is listed twice ({previous:?} and {level:?})"),
                ));
            }
        }
        Ok(self)
    }

    /// The same draw paying `amounts` instead of the statutory amounts. Every amount must be
    /// positive and no rank may pay more than the rank above it.
    pub fn with_amounts(mut self, amounts: PrizeAmounts) -> Result<Self, InvalidValue> {
        let ranked = amounts.in_rank_order();
        for (i, prize) in Prize::REGULAR.iter().enumerate() {
            if ranked[i].is_zero() {
                return Err(InvalidValue::new(
                    "amounts",
                    format!("the {} pays nothing", prize.name_en()),
                ));
            }
            if i > 0 && ranked[i] > ranked[i - 1] {
                return Err(InvalidValue::new(
                    "amounts",
                    format!(
                        "the {} ({}) pays more than the {} ({})",
                        prize.name_en(),
                        ranked[i],
                        Prize::REGULAR[i - 1].name_en(),
                        ranked[i - 1]
                    ),
                ));
            }
        }
        self.amounts = amounts;
        Ok(self)
    }

    /// The period drawn.
    pub fn period(&self) -> Period {
        self.period
    }

    /// The special-prize number (特別獎).
    pub fn special(&self) -> u32 {
        self.special
    }

    /// The grand-prize numbers (特獎), 1–3.
    pub fn grand(&self) -> &[u32] {
        &self.grand
    }

    /// The first-prize numbers (頭獎), 3–10; the second to sixth prizes come from these.
    pub fn first(&self) -> &[u32] {
        &self.first
    }

    /// The additional sixth-prize numbers (增開六獎), three digits each, 0–6 of them.
    pub fn additional_sixth(&self) -> &[u16] {
        &self.additional_sixth
    }

    /// The cloud-invoice prize numbers, in invoice-number order.
    pub fn cloud_prizes(&self) -> impl Iterator<Item = (InvoiceNumber, CloudPrizeLevel)> + '_ {
        self.cloud.iter().map(|(n, l)| (*n, *l))
    }

    /// The amounts this draw pays for regular prizes.
    pub fn amounts(&self) -> &PrizeAmounts {
        &self.amounts
    }

    /// What `prize` pays in this draw.
    pub fn amount(&self, prize: Prize) -> Ntd {
        self.amounts.regular(prize)
    }

    /// A bulk engine with lookup tables for this draw.
    pub fn engine(&self) -> PrizeEngine {
        PrizeEngine::new(self)
    }

    /// Every regular prize eight digits match, in rank order. Values above 99,999,999 are not
    /// invoice digits and match nothing.
    ///
    /// This is the plain reference implementation the bulk engine is tested against: it
    /// compares zero-padded decimal strings, exactly as the rules are worded.
    pub fn regular_matches(&self, digits: u32) -> Vec<Prize> {
        let mut found = Vec::new();
        if digits > MAX_EIGHT_DIGITS {
            return found;
        }
        // Compared as numbers, not as formatted strings: this runs for every invoice of every
        // carrier list (issue 11's profile showed the `format!`s at a seventh of a list call).
        // A suffix of `len` digits is the number modulo 10^len, leading zeros included.
        if digits == self.special {
            found.push(Prize::Special);
        }
        if self.grand.contains(&digits) {
            found.push(Prize::Grand);
        }
        let suffix_prizes = [
            (Prize::First, 8),
            (Prize::Second, 7),
            (Prize::Third, 6),
            (Prize::Fourth, 5),
            (Prize::Fifth, 4),
            (Prize::Sixth, 3),
        ];
        for (prize, len) in suffix_prizes {
            let modulus = 10_u32.pow(len);
            if self.first.iter().any(|f| f % modulus == digits % modulus) {
                found.push(prize);
            }
        }
        if self
            .additional_sixth
            .iter()
            .any(|&s| ends_with_number(digits, u32::from(s)))
        {
            found.push(Prize::AdditionalSixth);
        }
        found
    }

    /// Every prize an invoice matches, regular ones first in rank order, then its cloud prize.
    pub fn matches(&self, number: &InvoiceNumber) -> Vec<Prize> {
        let mut found = self.regular_matches(number.digits());
        if let Some(level) = self.cloud.get(number) {
            found.push(Prize::Cloud(*level));
        }
        found
    }

    /// The one regular prize eight digits win: the best paid of [`Self::regular_matches`].
    pub fn check_digits(&self, digits: u32) -> Option<Prize> {
        self.best(self.regular_matches(digits))
    }

    /// The one prize an invoice wins: the best paid of all it matches (an invoice can match a
    /// regular and a cloud prize, but is paid one prize). On equal amounts the regular prize
    /// is reported.
    pub fn check(&self, number: &InvoiceNumber) -> Option<Prize> {
        self.best(self.matches(number))
    }

    /// The best-paid prize of `prizes`; the earliest wins a tie (they are in rank order).
    fn best(&self, prizes: Vec<Prize>) -> Option<Prize> {
        prizes.into_iter().fold(None, |best, p| match best {
            Some(b) if self.amount(b) >= self.amount(p) => Some(b),
            _ => Some(p),
        })
    }

    /// Whether `number` is a cloud-prize number and at which level.
    pub fn cloud_level(&self, number: &InvoiceNumber) -> Option<CloudPrizeLevel> {
        self.cloud.get(number).copied()
    }
}

/// Whether the eight digits `digits` end with `tail` written with at least three digits (an
/// additional sixth prize: `format!("{tail:03}")` as a suffix of `format!("{digits:08}")`).
fn ends_with_number(digits: u32, tail: u32) -> bool {
    let mut width = 3;
    while width < 9 && tail >= 10_u32.pow(width) {
        width += 1;
    }
    width <= 8 && digits % 10_u32.pow(width) == tail
}

fn check_count(
    field: &str,
    what: &str,
    count: usize,
    allowed: std::ops::RangeInclusive<usize>,
) -> Result<(), InvalidValue> {
    if allowed.contains(&count) {
        return Ok(());
    }
    Err(InvalidValue::new(
        field,
        format!(
            "a draw has {}–{} {what} numbers, got {count}",
            allowed.start(),
            allowed.end()
        ),
    ))
}

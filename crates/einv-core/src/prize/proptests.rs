//! Property tests: the bulk engine agrees with the plain reference implementation on random
//! draws and random invoices.
//!
//! Uniformly random numbers almost never match (a draw has at most 20 endings out of 1000), so
//! draws and most invoices are built from the digits 0–2 only: their 3-digit endings collide
//! often, and so do longer suffixes, so every prize rank and every tie is exercised. Invoices
//! derived from a drawn number (its top digits replaced) hit each suffix length directly.

use proptest::prelude::*;

use super::*;
use crate::{InvoiceNumber, Ntd, Period};

/// An 8-digit number whose digits are all 0, 1 or 2.
fn clustered() -> impl Strategy<Value = u32> {
    prop::collection::vec(0u32..3, 8).prop_map(|ds| ds.into_iter().fold(0, |n, d| n * 10 + d))
}

/// Statutory amounts, or random amounts that do not increase down the ranks (so ties and
/// crossings with the cloud levels happen).
fn amounts() -> impl Strategy<Value = PrizeAmounts> {
    prop_oneof![
        Just(PrizeAmounts::STATUTORY),
        prop::collection::vec(prop_oneof![1u64..3_000, 1u64..3_000_000], 8).prop_map(|mut v| {
            v.sort_unstable_by(|a, b| b.cmp(a));
            let a: Vec<Ntd> = v.into_iter().map(Ntd::new).collect();
            PrizeAmounts {
                special: a[0],
                grand: a[1],
                first: a[2],
                second: a[3],
                third: a[4],
                fourth: a[5],
                fifth: a[6],
                sixth: a[7],
            }
        }),
    ]
}

fn draw() -> impl Strategy<Value = WinningNumbers> {
    (
        clustered(),
        prop::collection::vec(clustered(), 1..=3),
        prop::collection::vec(clustered(), 3..=10),
        prop::collection::vec(clustered().prop_map(|n| (n % 1000) as u16), 0..=6),
        amounts(),
    )
        .prop_filter_map(
            "numbers drawn twice",
            |(special, grand, first, sixth, amounts)| {
                let period = Period::parse("11304").ok()?;
                WinningNumbers::new(period, special, &grand, &first, &sixth)
                    .ok()?
                    .with_amounts(amounts)
                    .ok()
            },
        )
}

/// One random invoice: a plain number, or one derived from a drawn number.
#[derive(Clone, Debug)]
enum RawInvoice {
    Plain(u32),
    /// The drawn number at `pick` (modulo their count), keeping its last `keep` digits and
    /// taking the others from `prefix`.
    Derived {
        pick: usize,
        keep: u32,
        prefix: u32,
    },
}

impl RawInvoice {
    fn resolve(self, draw: &WinningNumbers) -> u32 {
        match self {
            RawInvoice::Plain(n) => n,
            RawInvoice::Derived { pick, keep, prefix } => {
                let drawn: Vec<u32> = std::iter::once(draw.special())
                    .chain(draw.grand().iter().copied())
                    .chain(draw.first().iter().copied())
                    .chain(draw.additional_sixth().iter().map(|&n| u32::from(n)))
                    .collect();
                let base = drawn[pick % drawn.len()];
                let modulus = 10u32.pow(keep.min(8));
                (prefix % (100_000_000 / modulus)) * modulus + base % modulus
            }
        }
    }
}

fn draw_and_invoices() -> impl Strategy<Value = (WinningNumbers, Vec<u32>)> {
    let invoice = prop_oneof![
        4 => clustered().prop_map(RawInvoice::Plain),
        1 => (0u32..=99_999_999).prop_map(RawInvoice::Plain),
        1 => any::<u32>().prop_map(RawInvoice::Plain),
        4 => (any::<usize>(), 0u32..=8, any::<u32>())
            .prop_map(|(pick, keep, prefix)| RawInvoice::Derived { pick, keep, prefix }),
    ];
    (draw(), prop::collection::vec(invoice, 0..300)).prop_map(|(draw, raw)| {
        let digits = raw.into_iter().map(|r| r.resolve(&draw)).collect();
        (draw, digits)
    })
}

/// The prize rules as written (`[LAW3]`: equal numbers, equal last digits), on the numbers'
/// decimal text: what [`WinningNumbers::regular_matches`] computes with arithmetic.
fn matches_as_text(draw: &WinningNumbers, digits: u32) -> Vec<Prize> {
    let mut found = Vec::new();
    if digits > 99_999_999 {
        return found;
    }
    let invoice = format!("{digits:08}");
    if invoice == format!("{:08}", draw.special()) {
        found.push(Prize::Special);
    }
    if draw.grand().iter().any(|g| invoice == format!("{g:08}")) {
        found.push(Prize::Grand);
    }
    // The first prize's ladder, told as the longest tail the invoice shares with any first-prize
    // number: all eight digits win the first prize, and each shorter tail down to three digits
    // the next prize down, every rung at or below the shared length counting.
    let shared = draw
        .first()
        .iter()
        .map(|f| {
            let f = format!("{f:08}");
            invoice
                .chars()
                .rev()
                .zip(f.chars().rev())
                .take_while(|(a, b)| a == b)
                .count()
        })
        .max()
        .unwrap_or(0);
    // Prize::REGULAR[2..8]: First down to Sixth, in rank order.
    found.extend(
        Prize::REGULAR[2..8]
            .iter()
            .copied()
            .zip((3..=8).rev())
            .filter(|&(_, tail)| shared >= tail)
            .map(|(prize, _)| prize),
    );
    let sixth = draw.additional_sixth();
    if sixth.iter().any(|s| invoice.ends_with(&format!("{s:03}"))) {
        found.push(Prize::AdditionalSixth);
    }
    found
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn regular_matches_agree_with_the_rules_as_text((draw, digits) in draw_and_invoices()) {
        for &d in &digits {
            prop_assert_eq!(draw.regular_matches(d), matches_as_text(&draw, d), "digits {}", d);
        }
    }

    #[test]
    fn engine_agrees_with_reference((draw, digits) in draw_and_invoices()) {
        let engine = draw.engine();
        let mut counts = [0u64; 9];
        let mut total = 0u64;
        let mut winners = Vec::new();
        for (i, &d) in digits.iter().enumerate() {
            let expected = draw.check_digits(d);
            prop_assert_eq!(engine.check(d), expected, "digits {}", d);
            if let Some(p) = expected {
                counts[p.regular_rank().unwrap_or(99)] += 1;
                total += draw.amount(p).dollars();
                winners.push((i, p));
            }
        }
        let summary = engine.check_bulk(&digits);
        prop_assert_eq!(summary.checked(), digits.len() as u64);
        prop_assert_eq!(summary.counts().map(|(_, c)| c).collect::<Vec<_>>(), counts.to_vec());
        prop_assert_eq!(summary.total(), Ntd::new(total));
        prop_assert_eq!(engine.winners(&digits).collect::<Vec<_>>(), winners);
    }

    #[test]
    fn engine_agrees_with_reference_on_cloud_prizes(
        draw in draw(),
        cloud in prop::collection::vec((0usize..2, clustered(), 0usize..4), 0..20),
        invoices in prop::collection::vec((0usize..3, clustered()), 0..100),
    ) {
        let tracks = ["AA", "AB", "AC"];
        let number = |t: usize, d: u32| InvoiceNumber::parse(&format!("{}{d:08}", tracks[t]));
        let mut prizes = std::collections::BTreeMap::new();
        for (t, d, level) in cloud {
            prizes.insert(number(t, d).map_err(|e| TestCaseError::fail(e.to_string()))?, CloudPrizeLevel::ALL[level]);
        }
        let draw = draw.with_cloud_prizes(prizes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let engine = draw.engine();
        for (t, d) in invoices {
            let n = number(t, d).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(engine.check_invoice(&n), draw.check(&n), "{}", n);
        }
    }
}

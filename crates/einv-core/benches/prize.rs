//! Bulk prize checking (issue 2): the engine's throughput over 10 million invoice numbers held
//! in memory, against a memory-read ceiling (a plain sum over the same array), on one core.
//!
//! Run: `cargo bench -p einv-core --bench prize`. After criterion's own report it prints a
//! summary line with the ratio engine / ceiling, from the best of a few timed repetitions.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use einv_core::prize::{PrizeEngine, WinningNumbers};
use einv_core::Period;

/// How many invoice numbers the benchmark checks: 40 MB of `u32`, larger than the caches.
const COUNT: usize = 10_000_000;

/// Repetitions for the summary line; the best of each is kept, as noise only ever slows down.
const REPS: usize = 15;

/// Random 8-digit numbers from a fixed-seed SplitMix64, so every run checks the same data
/// (no RNG dependency needed).
fn invoice_digits(count: usize) -> Vec<u32> {
    let mut state: u64 = 0x2018_1225_8851_5559;
    (0..count)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (z % 100_000_000) as u32
        })
        .collect()
}

/// The Nov–Dec 2018 draw (`docs/domain.md` §3): 8 distinct 3-digit endings, more than
/// today's draws (5), so the prefilter passes more numbers than it would now.
fn draw() -> Result<WinningNumbers, einv_core::InvalidValue> {
    WinningNumbers::new(
        Period::parse("10712")?,
        88_515_559,
        &[47_551_146],
        &[83_513_656, 85_250_862, 61_472_404],
        &[185, 79, 442],
    )
}

/// The memory-read ceiling: the least work that still reads every number.
fn ceiling(digits: &[u32]) -> u32 {
    digits.iter().fold(0u32, |acc, &d| acc.wrapping_add(d))
}

/// The obvious design, for comparison: a 1000-entry table on `digits % 1000` as the
/// prefilter (two multiplications per number), the engine's exact check on the rest.
fn mod1000_baseline(endings: &[bool; 1000], engine: &PrizeEngine, digits: &[u32]) -> u64 {
    let candidates = digits.iter().filter(|&&d| endings[(d % 1000) as usize]);
    candidates.filter(|&&d| engine.check(d).is_some()).count() as u64
}

fn engine_pass(engine: &PrizeEngine, digits: &[u32]) -> u64 {
    engine.check_bulk(black_box(digits)).winners()
}

fn best_of(mut run: impl FnMut()) -> Duration {
    (0..REPS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() -> Result<(), einv_core::InvalidValue> {
    let digits = invoice_digits(COUNT);
    let draw = draw()?;
    let engine = draw.engine();

    let mut c = Criterion::default().configure_from_args();
    {
        let mut group = c.benchmark_group("prize_bulk_10M");
        group.throughput(Throughput::Elements(COUNT as u64));
        group.sample_size(20);
        group.bench_function("engine_check_bulk", |b| {
            b.iter(|| engine_pass(&engine, &digits))
        });
        group.bench_function("memory_ceiling_sum", |b| {
            b.iter(|| ceiling(black_box(&digits)))
        });
        group.finish();
    }
    c.final_summary();

    // The summary line: interleave nothing, time each the same way, keep the best.
    let engine_time = best_of(|| {
        black_box(engine_pass(&engine, &digits));
    });
    let ceiling_time = best_of(|| {
        black_box(ceiling(black_box(&digits)));
    });
    let mut endings = [false; 1000];
    let drawn = [draw.special()]
        .into_iter()
        .chain(draw.grand().iter().copied());
    for n in drawn.chain(draw.first().iter().copied()) {
        endings[(n % 1000) as usize] = true;
    }
    for &n in draw.additional_sixth() {
        endings[usize::from(n)] = true;
    }
    let baseline_time = best_of(|| {
        black_box(mod1000_baseline(&endings, &engine, black_box(&digits)));
    });
    let summary = engine.check_bulk(&digits);
    assert_eq!(
        summary.winners(),
        mod1000_baseline(&endings, &engine, &digits)
    );
    let rate = |t: Duration| COUNT as f64 / t.as_secs_f64();
    let (engine_rate, ceiling_rate) = (rate(engine_time), rate(ceiling_time));
    println!(
        "prize bulk summary: {COUNT} numbers, {} winners, {} paid; engine {:.1} ms = {:.0} M numbers/s ({:.2} GB/s); \
         ceiling {:.1} ms = {:.0} M numbers/s ({:.2} GB/s); ratio engine/ceiling = {:.2}; \
         (% 1000 prefilter baseline {:.1} ms, ratio {:.2})",
        summary.winners(),
        summary.total(),
        engine_time.as_secs_f64() * 1e3,
        engine_rate / 1e6,
        engine_rate * 4.0 / 1e9,
        ceiling_time.as_secs_f64() * 1e3,
        ceiling_rate / 1e6,
        ceiling_rate * 4.0 / 1e9,
        engine_rate / ceiling_rate,
        baseline_time.as_secs_f64() * 1e3,
        rate(baseline_time) / ceiling_rate,
    );
    Ok(())
}

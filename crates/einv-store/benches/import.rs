//! Import throughput into a fresh SQLite file: the bulk path ([`Store::insert_invoice_batch`],
//! multi-row statements through sqlx `Any`) against a baseline that is the plain way to do it —
//! one prepared INSERT per invoice and one per item, in one transaction, through sqlx's native
//! SQLite driver.
//!
//! `cargo bench -p einv-store --bench import` (release). Knobs, from the environment:
//! `EINV_BENCH_INVOICES` (default 200 000), `EINV_BENCH_BATCH` (default 10 000 invoices per
//! transaction for the bulk path), `EINV_BENCH_RUNS` (default 3; the best run is reported), `EINV_BENCH_ONLY=bulk` (skip
//! the baseline, for profiling).
//!
//! A plain `main` rather than criterion: one run writes hundreds of thousands of rows, and the
//! figure wanted is invoices per second of each path and their ratio, printed side by side.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use einv_core::invoice::ItemDraft;
use einv_core::{Invoice, InvoiceDraft};
use einv_store::testing::{bind_invoice_header, INVOICE_COLUMNS};
use einv_store::{InvoiceBatch, Seller, Store};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Row;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

/// The baseline's creation time of every invoice: 2026-01-01, as the bulk run's `now`.
const CREATED_AT: i64 = 1_767_225_600;

const SELLERS: [&str; 4] = ["04595257", "04595252", "10458575", "10458574"];

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `n` invoices over six periods, 1 to 4 items each, most on a mobile barcode.
fn data_set(n: usize) -> BenchResult<Vec<Invoice>> {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let month = 1 + (i % 12) as u32;
        let date = NaiveDate::from_ymd_opt(2025, month, 1 + (next() % 28) as u32).ok_or("date")?;
        let track = [
            b'A' + (i / 100_000_000 % 26) as u8,
            b'B' + (month as u8 % 20),
        ];
        let number = format!("{}{:08}", String::from_utf8_lossy(&track), i % 100_000_000);
        let items: Vec<ItemDraft> = (1..=1 + next() % 4)
            .map(|seq| ItemDraft {
                row: None,
                description: "商品".to_owned() + &seq.to_string(),
                quantity: "1".into(),
                unit_price: (10 + next() % 500).to_string(),
                amount: "0".into(),
            })
            .collect();
        let total: i64 = items
            .iter()
            .filter_map(|it| it.unit_price.parse::<i64>().ok())
            .sum();
        let barcode = format!("/{:07}", next() % 10_000_000);
        out.push(Invoice::new(InvoiceDraft {
            number,
            date: Some(date),
            time: "12:34:56".into(),
            seller_id: SELLERS[i % SELLERS.len()].into(),
            seller_name: "商店".into(),
            seller_address: "台北市".into(),
            random_number: Some(format!("{:04}", next() % 10_000)),
            sales_amount: total.to_string(),
            tax_type: "1".into(),
            total_amount: total.to_string(),
            carrier_type: Some("3J0002".into()),
            carrier_id1: Some(barcode.clone()),
            carrier_id2: Some(barcode),
            items,
            ..InvoiceDraft::default()
        })?);
    }
    Ok(out)
}

fn sellers() -> Vec<Seller> {
    SELLERS
        .iter()
        .map(|ban| Seller {
            ban: ban.parse().expect("a valid bench business ID"),
            name: "商店".into(),
            address: "台北市".into(),
            qr_seed_key: None,
        })
        .collect()
}

fn fresh_path(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("einv-bench-{tag}-{}.db", std::process::id()))
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// A migrated store on a fresh file, with the sellers.
async fn fresh_store(path: &Path) -> BenchResult<Store> {
    remove_db(path);
    let store = Store::open_sqlite(path).await?;
    store.migrate().await?;
    for s in sellers() {
        store.upsert_seller(&s).await?;
    }
    Ok(store)
}

async fn run_bulk(data: &[Invoice], batch: usize) -> BenchResult<Took> {
    let path = fresh_path("bulk");
    let store = fresh_store(&path).await?;
    let now = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .ok_or("now")?;
    let meter = Meter::start();
    for chunk in data.chunks(batch) {
        let batch = InvoiceBatch {
            invoices: chunk,
            ..InvoiceBatch::default()
        };
        store.insert_invoice_batch(batch, now).await?;
    }
    let took = meter.stop();
    if store.count_invoices().await? != data.len() as i64 {
        return Err("bulk path lost invoices".into());
    }
    store.close().await;
    remove_db(&path);
    Ok(took)
}

async fn run_baseline(data: &[Invoice]) -> BenchResult<Took> {
    let path = fresh_path("baseline");
    fresh_store(&path).await?.close().await;
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let meter = Meter::start();
    let mut tx = pool.begin().await?;
    let sql = format!(
        "INSERT INTO invoices ({INVOICE_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,\
         $8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25) \
         ON CONFLICT (inv_num, period) DO NOTHING RETURNING id"
    );
    for invoice in data {
        let row = bind_invoice_header(sqlx::query(&sql), &invoice.header, CREATED_AT)
            .fetch_one(&mut *tx)
            .await?;
        let id: i64 = row.try_get(0)?;
        for (item, seq) in invoice.items.iter().zip(1_i64..) {
            sqlx::query(
                "INSERT INTO invoice_items (invoice_id, seq, description, quantity, unit_price, \
                 amount, row_num) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(seq)
            .bind(item.description.as_str())
            .bind(item.quantity.as_str())
            .bind(item.unit_price.as_str())
            .bind(item.amount.as_str())
            .bind(item.row.as_str())
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    let took = meter.stop();
    pool.close().await;
    remove_db(&path);
    Ok(took)
}

/// CPU time of this process so far (user + system, all threads), from `/proc/self/stat`; none
/// where there is no such file. On a shared machine wall time says more about the neighbours
/// than about the code; invoices per CPU-second do not.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Wall and CPU time of one measured stretch.
#[derive(Debug, Clone, Copy)]
struct Took {
    wall: Duration,
    cpu: Option<f64>,
}

#[derive(Debug)]
struct Meter(Instant, Option<f64>);

impl Meter {
    fn start() -> Self {
        Self(Instant::now(), cpu_seconds())
    }

    fn stop(self) -> Took {
        let cpu = self.1.zip(cpu_seconds()).map(|(a, b)| b - a);
        Took {
            wall: self.0.elapsed(),
            cpu,
        }
    }
}

fn rate(n: usize, secs: f64) -> f64 {
    n as f64 / secs
}

/// `wall invoices/s (cpu invoices/CPU-s)`.
fn show(n: usize, t: Took) -> String {
    let cpu = t
        .cpu
        .filter(|c| *c > 0.0)
        .map(|c| format!(", {:.0}/CPU-s", rate(n, c)));
    format!(
        "{:>7.0}/s{}",
        rate(n, t.wall.as_secs_f64()),
        cpu.unwrap_or_default()
    )
}

fn main() -> BenchResult<()> {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this once, small; a test
    // runner asking for the list of tests gets none.
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    let quick = std::env::args().all(|a| a != "--bench");
    let n = if quick {
        2_000
    } else {
        env_usize("EINV_BENCH_INVOICES", 200_000)
    };
    let batch = env_usize("EINV_BENCH_BATCH", 10_000).max(1);
    let runs = if quick {
        1
    } else {
        env_usize("EINV_BENCH_RUNS", 3).max(1)
    };
    let only_bulk = std::env::var("EINV_BENCH_ONLY").is_ok_and(|v| v == "bulk");
    let data = data_set(n)?;
    let items: usize = data.iter().map(|i| i.items.len()).sum();
    println!(
        "import into a fresh SQLite file: {n} invoices, {items} items, bulk batches of {batch}"
    );
    let runtime = tokio::runtime::Runtime::new()?;
    let mut best: [Option<Took>; 2] = [None, None];
    for run in 1..=runs {
        let bulk = runtime.block_on(run_bulk(&data, batch))?;
        let base = if only_bulk {
            None
        } else {
            Some(runtime.block_on(run_baseline(&data))?)
        };
        let base_text = base.map(|b| show(n, b)).unwrap_or_else(|| "skipped".into());
        println!("  run {run}: bulk {}   baseline {base_text}", show(n, bulk));
        for (slot, took) in best.iter_mut().zip([Some(bulk), base]) {
            if let Some(t) = took {
                if slot.is_none_or(|b| t.wall < b.wall) {
                    *slot = Some(t);
                }
            }
        }
    }
    if let [Some(bulk), base] = best {
        print!(
            "best: bulk {} invoices ({} items+invoices rows)",
            show(n, bulk),
            show(n + items, bulk)
        );
        if let Some(base) = base {
            let ratio = base.wall.as_secs_f64() / bulk.wall.as_secs_f64();
            print!("; baseline {}; bulk/baseline {ratio:.2}x", show(n, base));
        }
        println!();
    }
    Ok(())
}

//! Prepares a generated data set for the hot-path benchmarks (`bench/hotpath.sh`):
//!
//! - registers Users (verification code `Bench123`) for up to COUNT mobile barcodes that already
//!   have invoices, each with a consent grant to the benchmark AppID `EINVBENCH00001` (APIKey
//!   `bench-api-key`);
//! - publishes a fixed draw for the period of MONTH, which marks that period's winners in one
//!   pass, and times the marking against a plain scan of the same rows;
//! - writes OUT_DIR/barcodes.txt (one barcode a line) and OUT_DIR/invoices.txt (barcode, invoice
//!   number and date of one of its invoices in MONTH, tab-separated) for the request bodies.
//!
//! Usage: `bench_users DATA_DIR COUNT OUT_DIR MONTH(yyyy/MM) [DATABASE_URL]`.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use einv_core::consent::{ConsentGrant, ConsentRequest};
use einv_core::prize::WinningNumbers;
use einv_core::{Clock, Period, Service, SystemClock};
use einv_server::services::standard_consent;
use einv_server::startup::{self, Config};
use einv_store::CarrierKey;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: bench_users DATA_DIR COUNT OUT_DIR MONTH(yyyy/MM) [DATABASE_URL]";
    let data_dir = args.next().ok_or(usage)?;
    let count: i64 = args.next().ok_or(usage)?.parse()?;
    let out = std::path::PathBuf::from(args.next().ok_or(usage)?);
    let month = args.next().ok_or(usage)?;
    let from = NaiveDate::parse_from_str(&format!("{month}/01"), "%Y/%m/%d")?;
    let to = NaiveDate::parse_from_str(&format!("{month}/28"), "%Y/%m/%d")?;
    let config = Config {
        data_dir: data_dir.into(),
        database_url: args.next(),
        server_key: None,
        holidays: None,
        flow_limits: Default::default(),
        redis_url: None,
        flow: Default::default(),
    };
    let platform = startup::platform(&config, Arc::new(SystemClock)).await?;
    // The Platform keeps its store to itself; this harness arranges rows through its own.
    let store = &startup::open_store(&config, false).await?;
    let now = SystemClock.now();
    let app_id = &einv_core::AppId::parse("EINVBENCH00001")?;
    if store.find_app(app_id).await?.is_none() {
        platform
            .store_app("benchmark", &Service::ALL, app_id, "bench-api-key")
            .await?;
    }
    let hash = platform.codes.hash("Bench123")?;
    let barcodes = store.sample_carrier_ids("3J0002", count).await?;
    let request = ConsentRequest::parse(&standard_consent(&Service::ALL))?;
    for barcode in &barcodes {
        let barcode: einv_core::MobileBarcode = barcode.parse()?;
        // `einv generate --into-db` registers its Users already (invoices reach only issued
        // barcodes); give them this benchmark's code and a grant.
        let user = match store.find_user_by_barcode(&barcode).await? {
            Some(user) => {
                store.set_verification_hash(user.id, &hash).await?;
                user
            }
            None => store.create_user(&barcode, &hash, now).await?,
        };
        let grant = ConsentGrant::give(request.clone(), now);
        store
            .insert_consent_grant(user.id, app_id, &grant, None)
            .await?;
    }

    // The draw: fixed numbers, so every run marks the same winners.
    let period = Period::of_date(from);
    let draw = WinningNumbers::new(
        period,
        88_515_559,
        &[47_551_146],
        &[12_345_678, 85_250_862, 61_472_404],
        &[765, 432],
    )?;
    store.period_numbers(period).await?; // warm the page cache for both timings
    let started = Instant::now();
    let (ids, _) = store.period_numbers(period).await?;
    let scan = started.elapsed();
    let started = Instant::now();
    platform.publish_draw(&draw).await?;
    let marking = started.elapsed();
    let marked = store.marked_through(period).await?;
    println!(
        "period {period}: {} invoices; publishing the draw and marking its winners took {:.3} s, \
         a plain scan of the same rows {:.3} s (ratio {:.2}); marked through id {marked:?}",
        ids.len(),
        marking.as_secs_f64(),
        scan.as_secs_f64(),
        marking.as_secs_f64() / scan.as_secs_f64().max(1e-9),
    );

    let mut invoices = String::new();
    let mut with_winners = 0;
    for barcode in &barcodes {
        let key = [CarrierKey {
            carrier_type: einv_core::CarrierType::mobile_barcode(),
            id1: barcode.clone(),
        }];
        let rows = store.carrier_invoices(&key, from, to, 1, 0).await?;
        if let Some(r) = rows.first() {
            writeln!(
                invoices,
                "{barcode}\t{}\t{}",
                r.header.number,
                r.header.date.format("%Y/%m/%d")
            )?;
        }
        let marked = store
            .carrier_winner_candidates(&key, from, to, i64::MAX)
            .await?;
        with_winners += usize::from(!marked.is_empty());
    }
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("barcodes.txt"), barcodes.join("\n") + "\n")?;
    std::fs::write(out.join("invoices.txt"), invoices)?;
    println!(
        "{} Users ready ({with_winners} with a marked winner in {month}); files in {}",
        barcodes.len(),
        out.display()
    );
    Ok(())
}

//! Issue 5's figure: v1 carrierInvChk throughput with the audit trail on and off, in one run.
//! With the trail on, each read is durable first (issue #9, hole 7): the answer waits for its
//! entry's commit, so the ratio is the cost of answering no read whose entry can be lost.
//!
//! Starts two servers in-process on loopback over one demo SQLite data set (one with the trail,
//! one with `AuditConfig::enabled = false`), then alternates timed rounds against each with
//! `EINV_BENCH_CONCURRENCY` (default 32) concurrent clients for `EINV_BENCH_SECS` (default 5)
//! seconds per round, `EINV_BENCH_ROUNDS` (default 4) rounds each in ABBA order. Prints the
//! median req/s on vs off and the ratio.
//!
//! `cargo bench -p einv-server --bench audit_overhead`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Datelike, Months};
use einv_core::SystemClock;
use einv_server::demo::{self, DemoCredentials};
use einv_server::services::AuditConfig;
use einv_server::startup::{self, Config};
use einv_server::Platform;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn spawn(platform: Platform) -> (String, Arc<Platform>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!(
        "http://{}/PB2CAPIVAN/invServ/InvServ",
        listener.local_addr().unwrap()
    );
    let platform = Arc::new(platform);
    tokio::spawn(startup::serve(listener, platform.clone()));
    (base, platform)
}

/// The parameters of one carrierInvChk for last month (a full page of the demo User's).
fn params(c: &DemoCredentials, platform: &Platform) -> Vec<(&'static str, String)> {
    let today = platform.today();
    let first = today
        .with_day(1)
        .unwrap()
        .checked_sub_months(Months::new(1))
        .unwrap();
    let last = today.with_day(1).unwrap().pred_opt().unwrap();
    let now = chrono::Utc::now().timestamp();
    vec![
        ("version", "0.5".into()),
        ("action", "carrierInvChk".into()),
        ("cardType", c.card_type.clone()),
        ("cardNo", c.card_no.clone()),
        ("cardEncrypt", c.card_encrypt.clone()),
        ("timeStamp", (now + 20).to_string()),
        ("expTimeStamp", "2147483647".into()),
        ("startDate", first.format("%Y/%m/%d").to_string()),
        ("endDate", last.format("%Y/%m/%d").to_string()),
        ("onlyWinningInv", "N".into()),
        ("uuid", "bench-device".into()),
        ("appID", c.app_id.clone()),
    ]
}

async fn round(url: &str, body: &str, concurrency: u64, secs: u64) -> f64 {
    let client = reqwest::Client::new();
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let start = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, url, body, done) = (
                client.clone(),
                url.to_owned(),
                body.to_owned(),
                done.clone(),
            );
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let res = client
                        .post(&url)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(body.clone())
                        .send()
                        .await
                        .expect("request");
                    let text = res.text().await.expect("body");
                    assert!(
                        text.contains("\"code\":200") || text.contains("\"code\":996"),
                        "{text}"
                    );
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

#[tokio::main]
async fn main() {
    let secs = env_num("EINV_BENCH_SECS", 5);
    let concurrency = env_num("EINV_BENCH_CONCURRENCY", 32);
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_owned(),
        database_url: None,
        server_key: None,
        holidays: None,
        flow_limits: einv_core::flow::FlowLimits::default(),
        redis_url: None,
        // The figure is the audit trail's cost, not flow control's (32 clients on one address
        // would spend the per-IP allowance at once).
        flow: startup::FlowOptions {
            off: true,
            ..Default::default()
        },
    };
    let on = startup::platform(&config, Arc::new(SystemClock))
        .await
        .unwrap();
    let credentials = demo::seed(&on).await.unwrap();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params(&credentials, &on))
        .finish();
    let off = startup::platform(&config, Arc::new(SystemClock))
        .await
        .unwrap()
        .with_audit_config(AuditConfig {
            enabled: false,
            ..AuditConfig::default()
        });
    let (on_url, on) = spawn(on).await;
    let (off_url, _off) = spawn(off).await;
    // Warm both (verification-code cache, SQLite page cache).
    round(&on_url, &body, 4, 1).await;
    round(&off_url, &body, 4, 1).await;
    let rounds = env_num("EINV_BENCH_ROUNDS", 4);
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        // ABBA order, so drift in the machine's load hits both modes alike.
        let on_first = r % 2 == 0;
        for on_turn in [on_first, !on_first] {
            if on_turn {
                with.push(round(&on_url, &body, concurrency, secs).await);
                on.flush_audit().await.unwrap();
            } else {
                without.push(round(&off_url, &body, concurrency, secs).await);
            }
        }
    }
    let (w, wo) = (median(&with), median(&without));
    let entries = startup::open_store(&config, false)
        .await
        .unwrap()
        .count_audit()
        .await
        .unwrap();
    let verified = on.verify_audit().await.unwrap();
    println!("audit overhead: carrierInvChk, {concurrency} clients, {rounds} x {secs} s per mode (ABBA), SQLite");
    println!("  trail on : {w:>8.0} req/s median  (rounds: {with:.0?})");
    println!("  trail off: {wo:>8.0} req/s median  (rounds: {without:.0?})");
    println!(
        "  on/off   : {:.3}  (overhead {:.1}%)",
        w / wo,
        (1.0 - w / wo) * 100.0
    );
    println!(
        "  entries recorded: {entries}; chain verifies: {}",
        verified.is_ok()
    );
}

//! `einv import` killed with SIGKILL on PostgreSQL (the SQLite case is in `import_cli.rs`):
//! what is stored is whole batches (each invoice with all its items, in its period's
//! partition), importing again stores the rest exactly once, and `einv audit verify` passes.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use einv_store::testing::TestDb;
use einv_store::Store;
use sqlx::{AnyConnection, Connection};

use crate::import_cli::{generate_into, killed_after_two_batches, summary};

const TOTAL: i64 = 40_000;
const BATCH: i64 = 500;

fn einv(data: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_einv"))
        .args(args)
        .arg("--data")
        .arg(data)
        .args(["--database-url", url])
        .env_remove("EINV_DATABASE_URL")
        .output()
        .unwrap()
}

/// Invoices stored without any item, and items whose invoice is missing: both 0 unless a
/// batch was half-written.
async fn half_written(url: &str) -> (i64, i64) {
    const BARE: &str = "SELECT COUNT(*) FROM invoices i WHERE NOT EXISTS (SELECT 1 FROM \
                        invoice_items it WHERE it.invoice_id = i.id AND it.period = i.period)";
    const ORPHANS: &str = "SELECT COUNT(*) FROM invoice_items it WHERE NOT EXISTS (SELECT 1 \
                           FROM invoices i WHERE i.id = it.invoice_id AND i.period = it.period)";
    let mut conn = AnyConnection::connect(url).await.unwrap();
    let mut counts = [0_i64; 2];
    for (count, sql) in counts.iter_mut().zip([BARE, ORPHANS]) {
        *count = sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
    (counts[0], counts[1])
}

#[tokio::test]
async fn postgres_killed_import_leaves_only_whole_batches() {
    let dir = tempfile::tempdir().unwrap();
    let (data, file) = (dir.path().join("data"), dir.path().join("big.jsonl"));
    let db = TestDb::postgres().await.unwrap();
    let url = db.url.clone();
    let total = TOTAL.to_string();
    let out = einv(&data, &url, &generate_into(&total, file.to_str().unwrap()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::connect(&url).await.unwrap();

    let child = Command::new(env!("CARGO_BIN_EXE_einv"))
        .args(["import", "invoices", file.to_str().unwrap(), "--batch"])
        .arg(BATCH.to_string())
        .arg("--data")
        .arg(&data)
        .args(["--database-url", &url])
        .env_remove("EINV_DATABASE_URL")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stored = killed_after_two_batches(child, &store, BATCH, TOTAL).await;
    assert_eq!(half_written(&url).await, (0, 0), "nothing half-written");

    // Importing again stores the rest once and leaves the committed batches unchanged.
    let out = einv(&data, &url, &["import", "invoices", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(summary(&out, "unchanged"), stored);
    assert_eq!(summary(&out, "inserted"), TOTAL - stored);
    assert_eq!(store.count_invoices().await.unwrap(), TOTAL);
    assert_eq!(half_written(&url).await, (0, 0));
    let partitions = store.invoice_partitions().await.unwrap();
    assert!(
        partitions.len() > 2,
        "periods have partitions: {partitions:?}"
    );
    store.close().await;

    let out = einv(&data, &url, &["audit", "verify"]);
    assert!(
        out.status.success(),
        "audit verify after SIGKILL:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    db.drop_db().await;
}

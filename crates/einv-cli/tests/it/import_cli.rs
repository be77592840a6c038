//! `einv import` and `einv generate` run as a user runs them: the real binary against a temporary
//! data directory, the stored result read back through the store.

use std::path::Path;
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use einv_core::{InvoiceNumber, Period};
use einv_store::{InvoiceStatus, Store};

use crate::process::einv_on as einv;

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The summary's `name: value` lines.
pub(crate) fn summary(out: &Output, name: &str) -> i64 {
    let stdout = text(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with(&format!("{name}: ")))
        .unwrap_or_else(|| {
            panic!("no {name} in {stdout}");
        });
    line[name.len() + 2..].parse().unwrap()
}

async fn open(data: &Path) -> Store {
    Store::open_sqlite(&data.join("einv.db")).await.unwrap()
}

/// The stored invoice numbered `n` in `period`, if any.
async fn stored(store: &Store, n: &str, period: Period) -> Option<einv_store::InvoiceRecord> {
    let number = InvoiceNumber::parse(n).unwrap();
    store.find_invoice(&number, period).await.unwrap()
}

const MIXED_XML: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mixed.xml");

const JSONL: &str = r#"{"number":"CD00000001","date":"2026-03-05","time":"08:00:00","sellerBan":"04595257","sellerName":"示範商店","randomCode":"1111","salesAmount":50,"totalAmount":50,"carrierType":"3J0002","carrierId1":"/ABC1234","items":[{"description":"茶","quantity":1,"unitPrice":50,"amount":50}]}
{"number":"CD00000002","date":"2026-03-05","time":"08:00:01","sellerBan":"04595257","sellerName":"示範商店","randomCode":"1112","salesAmount":"50","totalAmount":50,"items":[{"description":"茶","quantity":1,"unitPrice":50,"amount":50}]}

{"number":"CD00000003","date":"2026-03-05","time":"08:00:02","sellerBan":"10458575","sellerName":"第二商店","randomCode":"1113","salesAmount":20,"totalAmount":20,"printMark":"Y","items":[{"description":"糖","quantity":2,"unitPrice":10,"amount":20}]}
{"number":"CD00000004","date":"2026-03-05","time":"08:00:03","sellerBan":"04595257","sellerName":"示範商店","randomCode":"1114","salesAmount":30,"totalAmount":30,"donateMark":1,"npoban":"919","items":[{"description":"餅","quantity":1,"unitPrice":30,"amount":30}]}
{"number":"CD00000005","date":"2026-03-05","time":"08:00:04","sellerBan":"04595257","sellerName":"示範商店","randomCode":"1115","salesAmount":30,"totalAmount":30,"carrierType":"3J0002","carrierId1":"ABC","items":[{"description":"餅","quantity":1,"unitPrice":30,"amount":30}]}
{"status":"void","number":"CD00000003","date":"2026-03-05","sellerBan":"10458575"}
"#;

#[tokio::test]
async fn jsonl_keeps_the_good_records_reports_the_bad_and_reimports_as_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (data, file, report) = (
        dir.path().join("data"),
        dir.path().join("day.jsonl"),
        dir.path().join("report.jsonl"),
    );
    std::fs::write(&file, JSONL).unwrap();
    let out = einv(
        &data,
        &[
            "import",
            "invoices",
            file.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!((summary(&out, "read"), summary(&out, "inserted")), (6, 2));
    assert_eq!((summary(&out, "rejected"), summary(&out, "voided")), (3, 1));
    let stderr = text(&out.stderr);
    let at = format!("{}:2: salesAmount: expected an integer", file.display());
    assert!(stderr.contains(&at), "{stderr}");
    assert!(stderr.contains(":6: carrierId1: "), "{stderr}");
    // Ownership is proven, never claimed: line 1 goes to /ABC1234, which the Platform never
    // issued (no User registered and was given it), so it is rejected with the reason.
    let unissued = format!(
        "{}:1: carrierId1: the mobile barcode was never issued",
        file.display()
    );
    assert!(stderr.contains(&unissued), "{stderr}");
    let problems: Vec<serde_json::Value> = std::fs::read_to_string(&report)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(problems.len(), 3);
    assert!(problems
        .iter()
        .all(|p| p["file"] == file.display().to_string()));
    assert!(problems
        .iter()
        .any(|p| (p["line"].as_u64(), p["field"].as_str()) == (Some(2), Some("salesAmount"))));
    assert!(problems
        .iter()
        .any(|p| (p["line"].as_u64(), p["field"].as_str()) == (Some(1), Some("carrierId1"))));

    let store = open(&data).await;
    let period = Period::parse("11504").unwrap();
    assert_eq!(store.count_invoices().await.unwrap(), 2);
    assert!(stored(&store, "CD00000001", period).await.is_none());
    let first = stored(&store, "CD00000004", period).await.unwrap();
    assert_eq!(first.header.seller.name, "示範商店");
    let items = store.invoice_items(first.id, period).await.unwrap();
    assert_eq!(items[0].description, "餅");
    let voided = stored(&store, "CD00000003", period).await.unwrap();
    assert_eq!(voided.status, InvoiceStatus::Voided);
    let second = store.find_seller(&"10458575".parse().unwrap()).await;
    assert_eq!(second.unwrap().unwrap().name, "第二商店");
    store.close().await;

    let again = einv(&data, &["import", "invoices", file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        (summary(&again, "inserted"), summary(&again, "unchanged")),
        (0, 3)
    );
    assert_eq!(
        (summary(&again, "voided"), summary(&again, "conflicts")),
        (0, 0)
    );
    let store = open(&data).await;
    assert_eq!(store.count_invoices().await.unwrap(), 2);
}

#[tokio::test]
async fn mig_xml_issues_cancels_and_voids() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The file's carrier invoice goes to /ABC1234: a barcode the Platform issued (a User
    // registered and was given it), so the importer stores it.
    assert_eq!(einv(&data, &["migrate"]).status.code(), Some(0));
    let store = open(&data).await;
    store
        .create_user(
            &"/ABC1234".parse().unwrap(),
            "argon2-hash",
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    store.close().await;
    let out = einv(&data, &["import", "invoices", MIXED_XML]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        (
            summary(&out, "read"),
            summary(&out, "inserted"),
            summary(&out, "rejected")
        ),
        (5, 2, 1)
    );
    assert_eq!(
        (summary(&out, "voided"), summary(&out, "cancelled")),
        (1, 1)
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("mixed.xml:57: Main/Seller/Identifier: 12345678 fails the checksum"),
        "{stderr}"
    );

    let store = open(&data).await;
    let period = Period::parse("11510").unwrap();
    let status = |n| {
        let store = store.clone();
        async move { stored(&store, n, period).await.map(|r| r.status) }
    };
    assert_eq!(status("AB10000001").await, Some(InvoiceStatus::Voided));
    assert_eq!(status("AB10000003").await, Some(InvoiceStatus::Cancelled));
    assert_eq!(status("AB10000002").await, None);
    store.close().await;

    let again = einv(&data, &["import", "invoices", "--format", "mig", MIXED_XML]);
    assert_eq!(
        (summary(&again, "inserted"), summary(&again, "unchanged")),
        (0, 4)
    );
}

#[test]
fn a_file_whose_format_cannot_be_told_is_a_fatal_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("invoices.txt");
    std::fs::write(&file, "{}").unwrap();
    let out = einv(
        &dir.path().join("data"),
        &["import", "invoices", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--format"),
        "{}",
        text(&out.stderr)
    );
    let missing = einv(
        &dir.path().join("data"),
        &["import", "invoices", "/nonexistent/x.jsonl"],
    );
    assert_eq!(missing.status.code(), Some(2));
}

const WINNING: &str = r#"{"v":"0.2","code":"200","msg":"查詢成功","invoYm":"10712","superPrizeNo":"88515559",
"spcPrizeNo":"47551146","firstPrizeNo1":"83513656","firstPrizeNo2":"85250862","firstPrizeNo3":"61472404",
"sixthPrizeNo1":"185","superPrizeAmt":"10000000","spcPrizeAmt":"2000000","firstPrizeAmt":"0200000",
"secondPrizeAmt":"0040000","thirdPrizeAmt":"0010000","fourthPrizeAmt":"0004000","fifthPrizeAmt":"0001000",
"sixthPrizeAmt":"0000200"}"#;

#[tokio::test]
async fn winning_numbers_are_checked_then_stored() {
    let dir = tempfile::tempdir().unwrap();
    let (data, file) = (dir.path().join("data"), dir.path().join("10712.json"));
    std::fs::write(&file, WINNING.replace("\"85250862\"", "\"8525086\"")).unwrap();
    let bad = einv(&data, &["import", "winning", file.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("firstPrizeNo2"),
        "{}",
        text(&bad.stderr)
    );

    // An invoice of the period that wins the special prize, imported before the draw: the
    // import publishes the draw as the Platform does, so it is marked as a winner.
    let invoices = dir.path().join("10712.jsonl");
    std::fs::write(&invoices, WINNING_INVOICE).unwrap();
    let imported = einv(&data, &["import", "invoices", invoices.to_str().unwrap()]);
    assert_eq!(
        imported.status.code(),
        Some(0),
        "{}",
        text(&imported.stderr)
    );

    std::fs::write(&file, WINNING).unwrap();
    let out = einv(&data, &["import", "winning", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("1 of 1 invoices marked as winners"),
        "{}",
        text(&out.stdout)
    );
    let store = open(&data).await;
    let period = Period::parse("10712").unwrap();
    let stored = store.winning_numbers(period).await.unwrap().unwrap();
    let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(stored["superPrizeNo"], "88515559");
    assert!(store.marked_through(period).await.unwrap().is_some());
}

/// A printed invoice of period 107/11–12 whose number wins the special prize of [`WINNING`].
const WINNING_INVOICE: &str = r#"{"number":"QQ88515559","date":"2018-12-05","time":"08:00:00","sellerBan":"04595257","sellerName":"示範商店","randomCode":"1111","salesAmount":50,"totalAmount":50,"printMark":"Y","items":[{"description":"茶","quantity":1,"unitPrice":50,"amount":50}]}
"#;

#[tokio::test]
async fn generated_data_is_deterministic_and_imports_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    let data = dir.path().join("data");
    // The same data set each time: 3,000 invoices from seed 42, periods up to 114/09–10.
    let seeded = [
        "generate",
        "--invoices",
        "3000",
        "--seed",
        "42",
        "--until",
        "11410",
    ];
    for file in [&a, &b] {
        let to_file = ["--register-users", "--out", file.to_str().unwrap()];
        let out = einv(&data, &[&seeded[..], &to_file].concat());
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let out = einv(
        &data,
        &["import", "invoices", a.to_str().unwrap(), "--batch", "700"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(summary(&out, "inserted"), 3000);

    let direct = dir.path().join("direct");
    let out = einv(&direct, &[&seeded[..], &["--into-db"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(open(&direct).await.count_invoices().await.unwrap(), 3000);
}

/// `einv generate` writing `total` invoices (users registered, periods up to 114/09–10) to
/// `file`.
pub(crate) fn generate_into<'a>(total: &'a str, file: &'a str) -> [&'a str; 8] {
    [
        "generate",
        "--invoices",
        total,
        "--until",
        "11410",
        "--register-users",
        "--out",
        file,
    ]
}

/// Waits until `child`, an `einv import` of `total` invoices in batches of `batch`, has stored
/// two batches, kills it (SIGKILL), and returns how many invoices it stored: whole batches,
/// fewer than all.
pub(crate) async fn killed_after_two_batches(
    mut child: Child,
    store: &Store,
    batch: i64,
    total: i64,
) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(120);
    while store.count_invoices().await.unwrap() < 2 * batch {
        assert!(
            Instant::now() < deadline,
            "the import stored nothing in time"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it could be killed"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let stored = store.count_invoices().await.unwrap();
    assert!(stored < total, "killed mid-way: {stored}");
    assert_eq!(
        stored % batch,
        0,
        "{stored} is not a whole number of batches"
    );
    stored
}

/// Kills an import mid-way: what is stored is whole batches, never part of one.
#[tokio::test]
async fn a_killed_import_leaves_only_whole_batches() {
    const TOTAL: i64 = 150_000;
    const BATCH: i64 = 500;
    let dir = tempfile::tempdir().unwrap();
    let (data, file) = (dir.path().join("data"), dir.path().join("big.jsonl"));
    let total = TOTAL.to_string();
    let out = einv(&data, &generate_into(&total, file.to_str().unwrap()));
    assert_eq!(out.status.code(), Some(0));
    // Create and migrate the database first, so that polling it cannot race the migration.
    assert_eq!(einv(&data, &["migrate"]).status.code(), Some(0));
    let store = open(&data).await;

    let child = Command::new(env!("CARGO_BIN_EXE_einv"))
        .args([
            "import",
            "invoices",
            file.to_str().unwrap(),
            "--batch",
            &BATCH.to_string(),
            "--data",
        ])
        .arg(&data)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stored = killed_after_two_batches(child, &store, BATCH, TOTAL).await;
    store.close().await;

    // Importing again completes the rest and leaves the first part unchanged.
    let out = einv(&data, &["import", "invoices", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(summary(&out, "unchanged"), stored);
    assert_eq!(summary(&out, "inserted"), TOTAL - stored);
}

//! Crash safety: `einv serve` killed with SIGKILL under load, then restarted. Every
//! acknowledged read has its audit entry (R6.4: the entry commits before the answer leaves),
//! nothing half-written breaks the chain (`einv audit verify` passes), and the restarted node
//! answers — on SQLite and PostgreSQL.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use einv_store::testing::TestDb;
use einv_store::{AuditFilter, Store};
use serde_json::Value;

use crate::process::Serve;

#[tokio::test]
async fn sqlite_acknowledged_reads_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    crash_and_restart(dir.path(), None).await;
}

#[tokio::test]
async fn postgres_acknowledged_reads_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::postgres().await.unwrap();
    crash_and_restart(dir.path(), Some(&db.url)).await;
    db.drop_db().await;
}

/// The limits are raised so the load measures crash safety, not flow control.
fn args(db: Option<&str>) -> Vec<&str> {
    let mut args = vec![
        "--demo",
        "--limit-ip",
        "1000000/60",
        "--limit-app",
        "1000000/60",
    ];
    if let Some(url) = db {
        args.extend(["--database-url", url]);
    }
    args
}

async fn crash_and_restart(dir: &Path, db: Option<&str>) {
    let mut node = Serve::start(dir, &args(db), &[]);
    let demo: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("demo.json")).unwrap()).unwrap();
    let answered = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let (base, demo) = (node.base.clone(), demo.clone());
            let (answered, stop) = (answered.clone(), stop.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    match carrier_query(&http, &base, &demo, &format!("w{w}-{n}")).await {
                        Some(200) => {
                            answered.fetch_add(1, Ordering::SeqCst);
                        }
                        Some(code) => panic!("unexpected v1 code {code}"),
                        None => break, // the node is gone
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    node.kill();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    let acknowledged = answered.load(Ordering::SeqCst);
    assert!(acknowledged > 10, "the load ran: {acknowledged} answers");

    // Restarted on the same data, it serves again.
    let node = Serve::start(dir, &args(db), &[]);
    let http = reqwest::Client::new();
    assert_eq!(
        carrier_query(&http, &node.base, &demo, "after").await,
        Some(200)
    );
    drop(node);

    let store = match db {
        Some(url) => Store::connect(url).await.unwrap(),
        None => Store::open_sqlite(&dir.join("einv.db")).await.unwrap(),
    };
    let app_id = demo["appID"].as_str().unwrap().to_owned();
    let reads = store
        .audit_entries(&AuditFilter::App(app_id.parse().unwrap()), 1_000_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.content.action == "data.carrier-invoices")
        .count() as u64;
    store.close().await;
    // Every acknowledged read (and the one after the restart) is in the trail; a read the
    // kill cut off before its answer may be there too.
    assert!(
        reads > acknowledged,
        "{reads} entries for {acknowledged} + 1 answers"
    );

    let mut verify = std::process::Command::new(env!("CARGO_BIN_EXE_einv"));
    verify.args(["audit", "verify", "--data"]).arg(dir);
    if let Some(url) = db {
        verify.args(["--database-url", url]);
    }
    let out = verify.env_remove("EINV_DATABASE_URL").output().unwrap();
    assert!(
        out.status.success(),
        "audit verify after SIGKILL:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One carrier query; its MOF code, or `None` when the node did not answer.
async fn carrier_query(
    http: &reqwest::Client,
    base: &str,
    demo: &Value,
    device: &str,
) -> Option<u64> {
    let now = chrono::Utc::now();
    let text = |k: &str| demo[k].as_str().unwrap_or_default().to_owned();
    let form = [
        ("version", "0.5".to_owned()),
        ("action", "carrierInvChk".into()),
        ("cardType", "3J0002".into()),
        ("cardNo", text("cardNo")),
        ("cardEncrypt", text("cardEncrypt")),
        ("timeStamp", (now.timestamp() + 10).to_string()),
        ("expTimeStamp", "2147483647".into()),
        ("startDate", now.format("%Y/%m/01").to_string()),
        ("endDate", now.format("%Y/%m/%d").to_string()),
        ("onlyWinningInv", "N".into()),
        ("uuid", device.into()),
        ("appID", text("appID")),
    ];
    let res = http
        .post(format!("{base}/PB2CAPIVAN/invServ/InvServ"))
        .form(&form)
        .send()
        .await
        .ok()?;
    let reply: Value = res.json().await.ok()?;
    reply["code"].as_u64()
}

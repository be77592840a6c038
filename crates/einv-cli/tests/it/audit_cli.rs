//! `einv audit` as an operator runs it, on a SQLite data directory (R5.3, R6.4): verify names
//! each entry edited, deleted or reordered directly in the database; purge refuses to cut into
//! six months and leaves a chain that still verifies.

use crate::process::{einv_on, output_text};
use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, Utc};
use einv_core::FixedClock;
use einv_server::services::AuditEntry;
use einv_server::startup::{self, Config};
use sqlx::{AnyConnection, Connection, Executor};

/// Records `n` events, one a day from `start` days ago, into the data directory's trail.
async fn record(dir: &Path, start_days_ago: i64, n: i64) {
    let config = Config::in_dir(dir);
    let clock = FixedClock::new(Utc::now() - Duration::days(start_days_ago));
    let platform = startup::platform(&config, Arc::new(clock.clone()))
        .await
        .unwrap();
    for i in 0..n {
        let entry = AuditEntry::event("system", format!("test.event-{i}"))
            .with_user(einv_core::UserId::new(1))
            .with_app(&"EINVTEST000001".parse().unwrap());
        platform.audit(entry).await.unwrap();
        clock.advance(Duration::days(1));
    }
    platform.audit_checkpoint().await.unwrap();
    platform.close().await;
}

async fn sql(dir: &Path, statements: &[&str]) {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}", dir.join("einv.db").display());
    let mut conn = AnyConnection::connect(&url).await.unwrap();
    for s in statements {
        conn.execute(*s).await.unwrap();
    }
    conn.close().await.unwrap();
}

#[tokio::test]
async fn verify_reports_each_tampered_entry_by_name() {
    let dir = tempfile::tempdir().unwrap();
    record(dir.path(), 30, 8).await;
    let ok = einv_on(dir.path(), &["audit", "verify"]);
    assert_eq!(ok.status.code(), Some(0), "{}", output_text(&ok));
    assert!(
        output_text(&ok)
            .starts_with("OK: 8 entries verified from genesis to entry 8, 1 signed checkpoints"),
        "{}",
        output_text(&ok)
    );
    let shown = einv_on(
        dir.path(),
        &["audit", "show", "--user", "1", "--limit", "2"],
    );
    assert_eq!(
        output_text(&shown).lines().count(),
        2,
        "{}",
        output_text(&shown)
    );
    assert!(output_text(&shown).contains("test.event-7"));
    sql(
        dir.path(),
        &[
            "UPDATE audit_log SET detail = '{\"forged\":true}' WHERE seq = 2",
            "DELETE FROM audit_log WHERE seq = 4",
            "UPDATE audit_log SET seq = -6 WHERE seq = 6",
            "UPDATE audit_log SET seq = 6 WHERE seq = 5",
            "UPDATE audit_log SET seq = 5 WHERE seq = -6",
        ],
    )
    .await;
    let bad = einv_on(dir.path(), &["audit", "verify"]);
    let out = output_text(&bad);
    assert_eq!(bad.status.code(), Some(1), "{out}");
    crate::common::assert_contains_all(
        &out,
        &[
            "TAMPERED: 4 problems",
            "entry 2 (",
            "test.event-1): altered",
            "entry 4: removed",
            "test.event-5): reordered (it was written as entry 6)",
            "test.event-4): reordered (it was written as entry 5)",
        ],
    );
}

#[tokio::test]
async fn purge_keeps_six_months_and_the_rest_verifiable() {
    let dir = tempfile::tempdir().unwrap();
    record(dir.path(), 400, 5).await;
    record(dir.path(), 20, 3).await;
    let three_months_ago = (Utc::now() - Duration::days(90))
        .format("%Y-%m-%d")
        .to_string();
    let refused = einv_on(
        dir.path(),
        &["audit", "purge", "--before", &three_months_ago],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        output_text(&refused).contains("--before") && output_text(&refused).contains("R5.3"),
        "{}",
        output_text(&refused)
    );
    let short = einv_on(
        dir.path(),
        &[
            "audit",
            "purge",
            "--before",
            "2000-01-01",
            "--retention-months",
            "5",
        ],
    );
    assert_eq!(short.status.code(), Some(2));
    assert!(
        output_text(&short).contains("--retention-months")
            && output_text(&short).contains("at least 6 months"),
        "{}",
        output_text(&short)
    );
    let cut = (Utc::now() - Duration::days(200))
        .format("%Y-%m-%d")
        .to_string();
    let purged = einv_on(dir.path(), &["audit", "purge", "--before", &cut]);
    assert_eq!(purged.status.code(), Some(0), "{}", output_text(&purged));
    assert!(
        output_text(&purged).contains("purged 5 entries (through entry 5"),
        "{}",
        output_text(&purged)
    );
    let ok = einv_on(dir.path(), &["audit", "verify"]);
    assert_eq!(ok.status.code(), Some(0), "{}", output_text(&ok));
    assert!(
        output_text(&ok).contains("4 entries verified from the purge anchor at entry 5"),
        "{}",
        output_text(&ok)
    );
}

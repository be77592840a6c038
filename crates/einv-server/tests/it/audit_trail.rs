//! The audit trail end to end (R5.3, R6.4): a v1 call leaves an entry; rows edited, deleted or
//! reordered directly in the database are each reported by name; a purge refuses to cut into
//! the six-month retention and leaves a verifiable rest. On SQLite and PostgreSQL.

use crate::common::*;
use chrono::Duration;
use einv_core::audit::{Problem, Report, Retention};
use einv_server::services::AuditEntry;
use einv_store::AuditFilter;
use sqlx::{AnyConnection, Connection, Executor};

both_backends!(
    a_carrier_call_leaves_an_audit_entry,
    tampering_is_reported_by_entry,
    purge_respects_retention_and_keeps_the_chain,
    invoice_lookups_are_audited_naming_the_user,
    a_read_is_refused_while_the_trail_cannot_be_written,
    a_cut_tail_with_a_rolled_back_head_is_reported,
    a_signed_read_keeps_its_answer_with_its_entry,
    two_simultaneous_identical_signed_reads_act_once
);

const INVAPP: &str = "/PB2CAPIVAN/invapp/InvApp";

/// A carrierInvChk of the test User's carrier over November 2026 (CarrierInvoices, R3.6).
pub(crate) fn carrier_list(app: &TestApp) -> Vec<(&'static str, String)> {
    app.carrier_list("2026/11/01", "2026/11/30")
}

/// Hole 7: qryInvHeader and qryInvDetail read a User's invoice too; each read is recorded,
/// naming the User whose carrier the invoice went to, and committed before the answer.
async fn invoice_lookups_are_audited_naming_the_user(app: &TestApp) {
    let params: Vec<(&str, String)> = [
        ("version", "0.5"),
        ("type", "QRCode"),
        ("invNum", "AB00000001"),
        ("action", "qryInvHeader"),
        ("generation", "V2"),
        ("invDate", "2026/11/20"),
        ("UUID", "d"),
        ("appID", APP_ID),
    ]
    .iter()
    .map(|(k, v)| (*k, (*v).to_owned()))
    .collect();
    let reply = app.post(INVAPP, &params).await;
    assert_eq!(reply["code"], "200", "{reply}");
    let user = app.user(BARCODE).await;
    // No flush: a read's entry is committed before its answer leaves.
    let entries = app
        .store()
        .audit_entries(&AuditFilter::User(user.id), 10)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let e = &entries[0].content;
    assert_eq!(e.action, "data.invoice-lookup");
    assert_eq!(e.app_id.as_deref(), Some(APP_ID));
    assert_eq!(e.invoices[..], ["AB00000001"]);
}

/// Hole 7: no data read is answered whose entry can be lost. With the trail unwritable the
/// carrier list is refused and shows no invoice; once it is writable again the read works.
async fn a_read_is_refused_while_the_trail_cannot_be_written(app: &TestApp) {
    sql(app, &["ALTER TABLE audit_log RENAME TO audit_log_away"]).await;
    let refused = app.post(INVSERV, &carrier_list(app)).await;
    assert_ne!(refused["code"], 200, "{refused}");
    assert!(refused.get("details").is_none(), "{refused}");
    sql(app, &["ALTER TABLE audit_log_away RENAME TO audit_log"]).await;
    let answered = app.post(INVSERV, &carrier_list(app)).await;
    assert_eq!(answered["code"], 200, "{answered}");
    assert_eq!(
        app.store().count_audit().await.unwrap(),
        1,
        "only the answered read"
    );
}

/// Issue #9 hole 3 and hole 7 together: a signed read's entry and its kept answer are stored
/// in one transaction. A replay is answered from the kept answer and records nothing more;
/// while the trail cannot be written, the read is refused, nothing of it is kept, and the
/// same request may act once the trail is back.
async fn a_signed_read_keeps_its_answer_with_its_entry(app: &TestApp) {
    let mut first = carrier_list(app);
    sign(&mut first, API_KEY);
    let answer = app.post(INVSERV, &first).await;
    assert_eq!(answer["code"], 200, "{answer}");
    assert_eq!(app.store().count_audit().await.unwrap(), 1);
    assert_eq!(app.post(INVSERV, &first).await, answer, "the kept answer");
    assert_eq!(
        app.store().count_audit().await.unwrap(),
        1,
        "a replay never reads twice"
    );

    app.clock.advance(Duration::seconds(1));
    let mut second = carrier_list(app);
    sign(&mut second, API_KEY);
    sql(app, &["ALTER TABLE audit_log RENAME TO audit_log_away"]).await;
    let refused = app.post(INVSERV, &second).await;
    assert_eq!(refused["code"], 999, "{refused}");
    assert!(refused.get("details").is_none(), "{refused}");
    sql(app, &["ALTER TABLE audit_log_away RENAME TO audit_log"]).await;
    // Nothing was kept: the same request now acts, and its read is recorded.
    let answered = app.post(INVSERV, &second).await;
    assert_eq!(answered["code"], 200, "{answered}");
    assert_eq!(app.store().count_audit().await.unwrap(), 2);
}

/// Hole 3: two identical signed reads sent at once act once: one is answered with the data
/// and recorded, the other gets the same answer or is refused while the first is answered
/// (954); never two reads.
async fn two_simultaneous_identical_signed_reads_act_once(app: &TestApp) {
    let mut call = carrier_list(app);
    sign(&mut call, API_KEY);
    let (a, b) = tokio::join!(app.post(INVSERV, &call), app.post(INVSERV, &call));
    let served: Vec<&serde_json::Value> =
        [&a, &b].into_iter().filter(|r| r["code"] == 200).collect();
    assert!(!served.is_empty(), "{a} {b}");
    for other in [&a, &b] {
        assert!(
            other["code"] == 954 || *other == *served[0],
            "either the first answer or 954: {other}"
        );
    }
    assert_eq!(app.store().count_audit().await.unwrap(), 1, "one read");
}

/// Hole 7: a database writer drops the newest entries and rolls the head back to the new
/// last entry. The head is signed with every batch, so the rolled-back head does not verify
/// and nothing is proven; with the genuine head left, the cut shows as removed.
async fn a_cut_tail_with_a_rolled_back_head_is_reported(app: &TestApp) {
    record(app, 6).await;
    let report = app.platform.verify_audit().await.unwrap();
    assert_eq!(report.proven_through, Some(6), "{:?}", report.problems);
    let report = tamper_and_verify(
        app,
        &[
            "DELETE FROM audit_log WHERE seq > 4",
            "UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE seq = 4)",
        ],
    )
    .await;
    assert_eq!(
        report.problems,
        vec![Problem::UnsignedHead { seq: Some(4) }],
        "{:?}",
        report.problems
    );
    assert_eq!(report.proven_through, None);
    // Deleting the head row altogether is no better.
    let report = tamper_and_verify(app, &["DELETE FROM audit_head"]).await;
    assert_eq!(report.problems, vec![Problem::UnsignedHead { seq: None }]);
}

const INVSERV: &str = "/PB2CAPIVAN/invServ/InvServ";

async fn a_carrier_call_leaves_an_audit_entry(app: &TestApp) {
    let params = app.carrier_list("2026/11/01", "2026/11/30");
    let reply = app.post(INVSERV, &params).await;
    assert_eq!(reply["code"], 200, "{reply}");
    let user = app.user(BARCODE).await;
    // R6.4: the User's page lists the access with app, invoices and IP.
    let entries = app
        .platform
        .audit_log(&AuditFilter::User(user.id), 10)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let e = &entries[0].content;
    assert_eq!(e.action, "data.carrier-invoices");
    assert_eq!(e.actor, format!("app:{APP_ID}"));
    assert_eq!(e.app_id.as_deref(), Some(APP_ID));
    assert_eq!(e.user_id, Some(user.id.get()));
    assert_eq!(
        e.invoices[..],
        ["AB00000001", "AB00000***", "AB00000003", "AB00000004"],
        "as shown: R5.7 masking kept"
    );
    assert_eq!(e.ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(e.at, app.now_unix());
    assert!(
        !format!("{entries:?}").contains(BARCODE),
        "the carrier number is not in the trail"
    );
    let other = app
        .store()
        .find_user_by_barcode(&"/OTHER01".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        app.platform
            .audit_log(&AuditFilter::User(other.id), 10)
            .await
            .unwrap()
            .is_empty(),
        "no other User's data"
    );
    assert!(app.platform.verify_audit().await.unwrap().is_ok());
}

async fn record(app: &TestApp, n: usize) {
    for i in 0..n {
        app.clock.advance(Duration::minutes(1));
        let entry = AuditEntry::event("system", format!("test.event-{i}"))
            .with_user(einv_core::UserId::new(1));
        app.platform.audit(entry).await.unwrap();
    }
    app.platform.flush_audit().await.unwrap();
}

async fn sql(app: &TestApp, statements: &[&str]) {
    let mut conn = AnyConnection::connect(app.db_url()).await.unwrap();
    for s in statements {
        conn.execute(*s).await.unwrap();
    }
    conn.close().await.unwrap();
}

/// Runs `statements` on the database behind the Platform's back, then verifies the trail.
async fn tamper_and_verify(app: &TestApp, statements: &[&str]) -> Report {
    sql(app, statements).await;
    app.platform.verify_audit().await.unwrap()
}

async fn tampering_is_reported_by_entry(app: &TestApp) {
    record(app, 9).await;
    app.platform.audit_checkpoint().await.unwrap();
    assert!(app.platform.verify_audit().await.unwrap().is_ok());
    let report = tamper_and_verify(
        app,
        &[
            // An edit of entry 2, a removal of entry 4, a swap of entries 6 and 7.
            "UPDATE audit_log SET actor = 'someone else' WHERE seq = 2",
            "DELETE FROM audit_log WHERE seq = 4",
            "UPDATE audit_log SET seq = -7 WHERE seq = 7",
            "UPDATE audit_log SET seq = 7 WHERE seq = 6",
            "UPDATE audit_log SET seq = 6 WHERE seq = -7",
        ],
    )
    .await;
    let found: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert!(
        matches!(&report.problems[0], Problem::Altered(e) if e.seq == 2 && e.action == "test.event-1"),
        "{found:?}"
    );
    assert_eq!(
        report.problems[1],
        Problem::Removed { from: 4, to: 4 },
        "{found:?}"
    );
    assert!(
        matches!(&report.problems[2], Problem::Moved { entry, written_at: 7 } if entry.seq == 6),
        "{found:?}"
    );
    assert!(
        matches!(&report.problems[3], Problem::Moved { entry, written_at: 6 } if entry.seq == 7),
        "{found:?}"
    );
    assert_eq!(report.problems.len(), 4, "{found:?}");
    assert!(
        found[0].starts_with("entry 2 (2026-11-27 10:02:00+08:00, test.event-1): altered"),
        "{found:?}"
    );
    // Deleting the newest entry and its checkpoint is caught by the chain head.
    let report = tamper_and_verify(
        app,
        &[
            "DELETE FROM audit_log WHERE seq = 9",
            "DELETE FROM audit_checkpoints WHERE seq = 9",
        ],
    )
    .await;
    assert!(
        report
            .problems
            .contains(&Problem::Removed { from: 9, to: 9 }),
        "{:?}",
        report.problems
    );
}

async fn purge_respects_retention_and_keeps_the_chain(app: &TestApp) {
    record(app, 5).await;
    let start = app.platform.today();
    // R5.3: never below six months, neither as a setting nor as a cut.
    assert_eq!(Retention::months(5).unwrap_err().field, "retention");
    let refused = app
        .platform
        .purge_audit(start, Retention::default())
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("before") && refused.to_string().contains("R5.3"),
        "{refused}"
    );
    app.clock.advance(Duration::days(200));
    record(app, 3).await;
    let refused = app
        .platform
        .purge_audit(app.platform.today(), Retention::months(12).unwrap())
        .await;
    assert!(refused.is_err(), "a longer retention is honoured too");
    let out = app
        .platform
        .purge_audit(start.succ_opt().unwrap(), Retention::default())
        .await
        .unwrap();
    assert_eq!((out.purged, out.anchor), (5, Some(5)));
    let report = app.platform.verify_audit().await.unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(
        (report.anchor.seq, report.entries),
        (5, 4),
        "3 kept + the purge's own entry"
    );
    let latest = app.platform.audit_log(&AuditFilter::All, 1).await.unwrap();
    assert_eq!(latest[0].content.action, "audit.purged");
    // Removing the anchor does not hide the purge: the chain no longer starts at genesis.
    let report = tamper_and_verify(
        app,
        &["DELETE FROM audit_checkpoints WHERE kind = 'anchor'"],
    )
    .await;
    assert_eq!(report.problems[0], Problem::Removed { from: 1, to: 5 });
}

//! Background work inside the server (docs/operations.md): each job runs once per tick across
//! two nodes on one database, each run is recorded and counted in `/metrics`, and each job
//! keeps its rule — time moved by the injected clock, never by sleeping.

use std::sync::Arc;

use chrono::Duration;
use einv_core::audit::Retention;
use einv_core::claim::HolidayCalendar;
use einv_server::services::jobs::{Job, JobRun, JobSchedule};
use einv_server::services::{AuditEntry, KeySealer, REQUEST_DAYS};
use einv_server::Platform;
use einv_store::{AuditFilter, Recipient, RequestKind, Store};

use crate::common::*;
use crate::licensing::{licensed, taipei_at};

both_backends!(
    each_job_runs_once_per_tick_across_two_nodes,
    r5_6_a_lapsed_consent_is_told_to_its_user_once,
    r5_2_an_overdue_request_is_recorded_and_told_once,
    r4_7b_the_renewal_window_is_announced_once_per_term,
    r5_3_the_retention_job_purges_only_past_the_retention_period,
    job_runs_are_counted_in_metrics,
);

/// A second node: its own pool on the same database, the same clock and server key.
async fn second_node(app: &TestApp) -> (Platform, Store) {
    let store = Store::connect(app.db_url()).await.unwrap();
    let node = Platform::new(
        store.clone(),
        Arc::new(app.clock.clone()),
        KeySealer::new(&[9; 32]),
        HolidayCalendar::builtin(),
    );
    (node, store)
}

/// Both nodes try the current tick at once; the jobs that ran, sorted, with the runs.
async fn tick_on_both(app: &TestApp, other: &Platform) -> (Vec<Job>, Vec<JobRun>) {
    let schedule = JobSchedule::default();
    let retention = Retention::default();
    let (a, b) = tokio::join!(
        app.platform.run_due_jobs(&schedule, retention, "node-a"),
        other.run_due_jobs(&schedule, retention, "node-b"),
    );
    let runs: Vec<JobRun> = a.unwrap().into_iter().chain(b.unwrap()).collect();
    let mut jobs: Vec<Job> = runs.iter().map(|r| r.job).collect();
    jobs.sort();
    (jobs, runs)
}

async fn each_job_runs_once_per_tick_across_two_nodes(app: &TestApp) {
    let (other, other_store) = second_node(app).await;
    let (jobs, runs) = tick_on_both(app, &other).await;
    let mut all = Job::ALL.to_vec();
    all.sort();
    assert_eq!(jobs, all, "every job ran exactly once over the two nodes");
    assert!(runs.iter().all(|r| r.result.is_ok()), "{runs:?}");
    // The same tick again, on either node: nothing runs twice.
    let (again, _) = tick_on_both(app, &other).await;
    assert_eq!(again, Vec::<Job>::new());
    // Five minutes on (10:05 Taipei): only the five-minute audit checkpoint has a new tick.
    app.clock.advance(Duration::seconds(300));
    let (next, _) = tick_on_both(app, &other).await;
    assert_eq!(next, vec![Job::AuditCheckpoint]);
    // Every run is recorded for operators: job, node, start, end, outcome, counts.
    let recorded = app.platform.job_runs(None, 100).await.unwrap();
    assert_eq!(recorded.len(), Job::ALL.len() + 1);
    for run in &recorded {
        assert_eq!(run.outcome.as_str(), "ok", "{run:?}");
        assert!(run.node == "node-a" || run.node == "node-b", "{run:?}");
        assert!(run.finished_at.is_some_and(|f| f >= run.started_at));
        assert!(run.counts.starts_with('{'), "{run:?}");
    }
    let sweeps = app
        .platform
        .job_runs(Some(Job::LicenceSweep), 100)
        .await
        .unwrap();
    assert_eq!(sweeps.len(), 1);
    other_store.close().await;
}

async fn fixture_user(app: &TestApp) -> i64 {
    app.user(BARCODE).await.id
}

async fn r5_6_a_lapsed_consent_is_told_to_its_user_once(app: &TestApp) {
    let user = fixture_user(app).await;
    let p = &app.platform;
    let lapsed = |c: einv_server::services::jobs::Counts| c["lapsed"];
    // Still inside its six months: nothing to tell.
    assert_eq!(
        lapsed(
            p.run_job(Job::ConsentLapse, Retention::default())
                .await
                .unwrap()
        ),
        0
    );
    // R5.6: granted 2026-11-27, it lapsed six calendar months later.
    app.clock.advance(Duration::days(183));
    assert_eq!(
        lapsed(
            p.run_job(Job::ConsentLapse, Retention::default())
                .await
                .unwrap()
        ),
        1
    );
    assert_eq!(
        lapsed(
            p.run_job(Job::ConsentLapse, Retention::default())
                .await
                .unwrap()
        ),
        0,
        "told once"
    );
    let notices = p.notifications_of_user(user).await.unwrap();
    assert_eq!(
        notices
            .iter()
            .filter(|n| n.kind.as_str() == "consent.lapsed")
            .count(),
        1
    );
    let trail = p.audit_log(&AuditFilter::User(user), 100).await.unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|e| e.content.action == "consent.lapsed")
            .count(),
        1
    );
}

async fn r5_2_an_overdue_request_is_recorded_and_told_once(app: &TestApp) {
    let user = fixture_user(app).await;
    let p = &app.platform;
    let request = p
        .request_deletion(user, APP_ID, RequestKind::Delete)
        .await
        .unwrap();
    let run = || async {
        p.run_job(Job::DeletionDeadlines, Retention::default())
            .await
            .unwrap()
    };
    assert_eq!(run().await["overdue"], 0, "not due yet");
    // R5.2: due REQUEST_DAYS after it was made; the day after, it is overdue.
    app.clock.advance(Duration::days(REQUEST_DAYS + 1));
    let first = run().await;
    assert_eq!((first["overdue"], first["notified"]), (1, 1));
    let second = run().await;
    assert_eq!((second["overdue"], second["notified"]), (1, 0), "told once");
    let trail = p
        .audit_log(&AuditFilter::App(APP_ID.into()), 100)
        .await
        .unwrap();
    let overdue: Vec<_> = trail
        .iter()
        .filter(|e| e.content.action == "deletion.overdue")
        .collect();
    assert_eq!(overdue.len(), 1);
    assert!(overdue[0]
        .content
        .detail
        .contains(&format!("\"request\":{}", request.id)));
    // Reported completed, it leaves the overdue count.
    let app_record = app.store().find_app(APP_ID).await.unwrap().unwrap();
    p.progress_deletion_request(&app_record, request.id, true)
        .await
        .unwrap();
    assert_eq!(run().await["overdue"], 0);
}

async fn r4_7b_the_renewal_window_is_announced_once_per_term(app: &TestApp) {
    let l = licensed(app, "renewal@example.com").await;
    let p = &app.platform;
    let run = || async {
        p.run_job(Job::RenewalNotices, Retention::default())
            .await
            .unwrap()
    };
    let told = || async {
        app.store()
            .notifications_of(Recipient::Developer(l.developer))
            .await
            .unwrap()
            .into_iter()
            .filter(|n| n.kind.as_str() == "renewal-window")
            .count()
    };
    // Approved 2026-11-27, the term ends 2029-11-26: the window (R4.7b) opens six calendar
    // months before, on 2029-05-27.
    app.clock.set(taipei_at(2029, 5, 26, 23));
    assert_eq!(run().await["notified"], 0, "the window is not open yet");
    app.clock.set(taipei_at(2029, 5, 27, 9));
    assert_eq!(run().await["notified"], 1);
    app.clock.set(taipei_at(2029, 6, 27, 9));
    assert_eq!(run().await["notified"], 0, "told once per term");
    assert_eq!(told().await, 1);
}

async fn r5_3_the_retention_job_purges_only_past_the_retention_period(app: &TestApp) {
    let p = &app.platform;
    p.audit(AuditEntry::event("system", "test.old"))
        .await
        .unwrap();
    p.audit_checkpoint().await.unwrap();
    let run = || async {
        p.run_job(Job::AuditRetention, Retention::default())
            .await
            .unwrap()
    };
    // Five months on, the entry is inside the six months R5.3 keeps.
    app.clock.advance(Duration::days(150));
    assert_eq!(run().await["purged"], 0);
    p.audit(AuditEntry::event("system", "test.new"))
        .await
        .unwrap();
    // Seven months after the first: it goes, the younger one stays, the chain verifies.
    app.clock.advance(Duration::days(62));
    assert!(run().await["purged"] >= 1);
    let left = p.audit_log(&AuditFilter::All, 100).await.unwrap();
    assert!(left.iter().all(|e| e.content.action != "test.old"));
    assert!(left.iter().any(|e| e.content.action == "test.new"));
    let report = p.verify_audit().await.unwrap();
    assert!(report.is_ok(), "{report:?}");
}

async fn job_runs_are_counted_in_metrics(app: &TestApp) {
    let runs = app
        .platform
        .run_due_jobs(&JobSchedule::default(), Retention::default(), "node-a")
        .await
        .unwrap();
    assert_eq!(runs.len(), Job::ALL.len());
    let metrics = app.get_text("/metrics").await;
    for job in Job::ALL {
        let line = metrics
            .lines()
            .find(|l| {
                l.starts_with("einv_job_runs_total{")
                    && l.contains(&format!("job=\"{job}\""))
                    && l.contains("outcome=\"ok\"")
            })
            .unwrap_or_else(|| panic!("no runs counted for {job}:\n{metrics}"));
        let count: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(count >= 1.0, "{line}");
    }
    assert!(metrics.contains("einv_job_last_success_timestamp_seconds{job=\"licence-sweep\"}"));
}

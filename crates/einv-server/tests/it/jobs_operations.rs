//! Operating the background work (docs/operations.md): a run left `running` by a node killed
//! mid-run is marked abandoned after the bound and reported; the refused-call counts (R4.6)
//! are kept 90 days; reviewers see the runs on `/reviewer/jobs`. Time moves on the injected
//! clock.

use chrono::Duration;
use einv_core::audit::Retention;
use einv_core::Clock;
use einv_server::services::jobs::{Job, JobSchedule};

use crate::common::*;
use crate::flow_limits::{page, sign_in_reviewer};

both_backends!(
    a_run_left_running_is_marked_abandoned_after_the_bound,
    r4_6_refused_call_counts_are_kept_ninety_days,
);

async fn a_run_left_running_is_marked_abandoned_after_the_bound(app: &TestApp) {
    let p = &app.platform;
    // A node claimed a tick of the sweep and was killed before it finished its row.
    let started = app.clock.now();
    let killed = app
        .store()
        .claim_job_run("licence-sweep", 1, "node-killed", started)
        .await
        .unwrap()
        .unwrap();
    let schedule = JobSchedule {
        abandon_after: 600,
        ..JobSchedule::default()
    };
    app.clock.advance(Duration::seconds(599));
    assert!(
        p.abandon_stale_runs(&schedule).await.unwrap().is_empty(),
        "within the bound"
    );
    app.clock.advance(Duration::seconds(2));
    let abandoned = p.abandon_stale_runs(&schedule).await.unwrap();
    assert_eq!(abandoned.len(), 1);
    assert_eq!(abandoned[0].id, killed);
    assert_eq!(abandoned[0].outcome.as_str(), "abandoned");
    assert_eq!(abandoned[0].node, "node-killed");
    assert!(abandoned[0].finished_at.is_some());
    assert!(abandoned[0].error.as_deref().unwrap().contains("stopped"));
    assert!(
        p.abandon_stale_runs(&schedule).await.unwrap().is_empty(),
        "reported once"
    );
    let runs = p.job_runs(Some(Job::LicenceSweep), 10).await.unwrap();
    assert_eq!(runs[0].outcome.as_str(), "abandoned", "{runs:?}");
    // A run that finished is never taken for abandoned; bound 0 switches the check off.
    let off = JobSchedule {
        abandon_after: 0,
        ..JobSchedule::default()
    };
    app.store()
        .claim_job_run("audit-checkpoint", 2, "node-killed", app.clock.now())
        .await
        .unwrap();
    app.clock.advance(Duration::days(2));
    assert!(p.abandon_stale_runs(&off).await.unwrap().is_empty());
    // The scheduler reports them on its own poll, in the metrics too.
    let ran = p
        .run_due_jobs(&JobSchedule::default(), Retention::default(), "node-a")
        .await
        .unwrap();
    assert!(ran.iter().all(|r| r.result.is_ok()), "{ran:?}");
    let runs = p.job_runs(Some(Job::AuditCheckpoint), 10).await.unwrap();
    assert!(
        runs.iter()
            .any(|r| r.slot == 2 && r.outcome.as_str() == "abandoned"),
        "{runs:?}"
    );
    let metrics = app.get_text("/metrics").await;
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("einv_job_runs_total{") && l.contains("outcome=\"abandoned\"")),
        "{metrics}"
    );
}

async fn r4_6_refused_call_counts_are_kept_ninety_days(app: &TestApp) {
    let p = &app.platform;
    let hour = |at: chrono::DateTime<chrono::Utc>| at.timestamp().div_euclid(3600) * 3600;
    let now = app.clock.now();
    let old = now - Duration::days(91);
    let kept = now - Duration::days(89);
    app.store()
        .add_throttled(&[
            (APP_ID.to_owned(), hour(old), 7),
            (APP_ID.to_owned(), hour(kept), 5),
        ])
        .await
        .unwrap();
    let counts = p
        .run_job(Job::ThrottledRetention, Retention::default())
        .await
        .unwrap();
    assert_eq!(counts["purged"], 1, "only the hour past 90 days");
    let left = app
        .store()
        .throttled_since(now - Duration::days(365), Some(&app_id()))
        .await
        .unwrap();
    assert_eq!(left, vec![(app_id(), 5)]);
}

/// The operators' page lists the runs with their outcome, abandoned ones named as such, in
/// both languages; a Developer's session is sent to sign in.
#[tokio::test]
async fn reviewers_see_the_job_runs() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let p = &app.platform;
    p.run_job(Job::LicenceSweep, Retention::default())
        .await
        .unwrap();
    p.run_due_jobs(&JobSchedule::default(), Retention::default(), "node-a")
        .await
        .unwrap();
    app.store()
        .claim_job_run("licence-sweep", 1, "node-killed", app.clock.now())
        .await
        .unwrap();
    app.clock.advance(Duration::hours(2));
    p.abandon_stale_runs(&JobSchedule::default()).await.unwrap();
    p.add_reviewer("reviewer@fia.example", "reviewer password", "R")
        .await
        .unwrap();
    let rev = sign_in_reviewer(&app).await;
    let (status, html) = page(&app, "/reviewer/jobs?lang=en", &rev).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("abandoned (node stopped)"), "{html}");
    assert!(html.contains("node-killed") && html.contains("node-a"));
    assert!(html.contains("throttled-retention"));
    let (_, filtered) = page(&app, "/reviewer/jobs?job=audit-checkpoint&lang=en", &rev).await;
    assert!(
        !filtered.contains("node-killed"),
        "only the checkpoint's runs"
    );
    let (_, zh) = page(&app, "/reviewer/jobs?lang=zh", &rev).await;
    assert!(zh.contains("中斷（節點停止）"));
    let (status, _) = page(&app, "/reviewer/jobs", "").await;
    assert_eq!(status, 303, "signed out: to the sign-in page");
    app.stop().await;
}

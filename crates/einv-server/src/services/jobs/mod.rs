//! Background work inside `einv serve`: the licence sweep (R4.7c, R4.7d, R6), renewal notices
//! (R4.7b), consent lapse notices (R5.6), deletion-request deadlines (R5.2), audit checkpoints
//! (R6.4), audit retention purges (R5.3) and the retention of refused-call counts (R4.6).
//!
//! Each job has an interval; its ticks are numbered by the Platform clock (`slot` = Unix time /
//! interval), so tests move the injected clock instead of sleeping. A node runs a tick only
//! when it claims the tick's row in `job_runs` (the store's unique key decides), so with
//! several nodes on one database each job runs once per tick, and every run is recorded (job,
//! node, started, finished, outcome, counts) for `einv admin jobs`, `/metrics` and the
//! reviewer console. `einv admin sweep` runs the same [`Platform::run_job`].

use std::collections::BTreeMap;

use einv_core::audit::Retention;
use einv_store::{JobOutcome, JobRunRecord, RunOutcome};

use super::Platform;
use crate::error::ServiceResult;

pub mod scheduler;
mod tasks;

pub use scheduler::{spawn, BackgroundConfig, JobSchedule};

/// What a run did, by name: `{"changed": 2}`. Serialised into the run's record.
pub type Counts = BTreeMap<&'static str, u64>;

/// A background job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    /// R4.7c, R4.7d, R6: renewed terms begin, ended terms expire, lapsed certificates suspend.
    LicenceSweep,
    /// R4.7b: tells the Developer once when a licence's renewal window opens.
    RenewalNotices,
    /// R5.6: tells the User once when a consent lapsed unrenewed, and records it.
    ConsentLapse,
    /// R5.2: tells the Developer once about each request past its due day, and records it.
    DeletionDeadlines,
    /// R6.4: stores the audit queue and signs a checkpoint of the chain head.
    AuditCheckpoint,
    /// R5.3: purges audit entries older than the retention period.
    AuditRetention,
    /// R4.6: deletes the per-AppID refused-call counts older than they are shown.
    ThrottledRetention,
}

impl Job {
    /// Every job, in the order a tick runs them.
    pub const ALL: [Job; 7] = [
        Job::LicenceSweep,
        Job::RenewalNotices,
        Job::ConsentLapse,
        Job::DeletionDeadlines,
        Job::AuditCheckpoint,
        Job::AuditRetention,
        Job::ThrottledRetention,
    ];

    /// The job's name in records, metrics and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Job::LicenceSweep => "licence-sweep",
            Job::RenewalNotices => "renewal-notices",
            Job::ConsentLapse => "consent-lapse",
            Job::DeletionDeadlines => "deletion-deadlines",
            Job::AuditCheckpoint => "audit-checkpoint",
            Job::AuditRetention => "audit-retention",
            Job::ThrottledRetention => "throttled-retention",
        }
    }
}

einv_core::word_text!(Job, name, "job", "job");

/// One run this node made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRun {
    /// The job.
    pub job: Job,
    /// Its record's ID.
    pub id: i64,
    /// What it did, or why it failed.
    pub result: Result<Counts, String>,
}

/// Metric names, shared with `/metrics`' documentation.
const RUNS: &str = "einv_job_runs_total";
const DURATION: &str = "einv_job_duration_seconds";
const LAST_OK: &str = "einv_job_last_success_timestamp_seconds";

impl Platform {
    /// Does `job`'s work once, now (also what `einv admin sweep` calls). `retention` is the
    /// audit trail's (R5.3), used by [`Job::AuditRetention`] only.
    pub async fn run_job(&self, job: Job, retention: Retention) -> ServiceResult<Counts> {
        match job {
            Job::LicenceSweep => self.job_licence_sweep().await,
            Job::RenewalNotices => self.job_renewal_notices().await,
            Job::ConsentLapse => self.job_consent_lapse().await,
            Job::DeletionDeadlines => self.job_deletion_deadlines().await,
            Job::AuditCheckpoint => self.job_audit_checkpoint().await,
            Job::AuditRetention => self.job_audit_retention(retention).await,
            Job::ThrottledRetention => self.job_throttled_retention().await,
        }
    }

    /// Runs every job whose current tick no node has claimed yet, as `node`, and records each
    /// run. A failing job is recorded `failed` and does not stop the others.
    pub async fn run_due_jobs(
        &self,
        schedule: &JobSchedule,
        retention: Retention,
        node: &str,
    ) -> ServiceResult<Vec<JobRun>> {
        self.abandon_stale_runs(schedule).await?;
        let mut runs = Vec::new();
        for job in Job::ALL {
            let Some(interval) = schedule.interval(job) else {
                continue;
            };
            let now = self.clock.now();
            let slot = now.timestamp().div_euclid(interval);
            let Some(id) = self
                .store
                .claim_job_run(job.name(), slot, node, now)
                .await?
            else {
                continue;
            };
            runs.push(self.record_run(job, id, retention).await?);
        }
        Ok(runs)
    }

    async fn record_run(&self, job: Job, id: i64, retention: Retention) -> ServiceResult<JobRun> {
        let started = std::time::Instant::now();
        let result = self
            .run_job(job, retention)
            .await
            .map_err(|e| e.to_string());
        let (outcome, counts, error) = match &result {
            Ok(counts) => (JobOutcome::Ok, counts_json(counts), None),
            Err(e) => (JobOutcome::Failed, "{}".to_owned(), Some(e.as_str())),
        };
        let now = self.clock.now();
        self.store
            .finish_job_run(id, now, outcome, &counts, error)
            .await?;
        let labels = [
            ("job", job.name()),
            ("outcome", RunOutcome::from(outcome).as_str()),
        ];
        metrics::counter!(RUNS, &labels).increment(1);
        metrics::histogram!(DURATION, "job" => job.name()).record(started.elapsed().as_secs_f64());
        if result.is_ok() {
            // Unix seconds fit an f64 exactly for the next 285 million years.
            #[allow(clippy::cast_precision_loss)]
            metrics::gauge!(LAST_OK, "job" => job.name()).set(now.timestamp() as f64);
        } else if let Err(e) = &result {
            tracing::error!(job = job.name(), error = %e, "background job failed");
        }
        Ok(JobRun { job, id, result })
    }

    /// Marks the runs left `running` longer than the schedule's bound `abandoned` (a node
    /// killed mid-run never finishes its row) and reports each: a warning in the log and
    /// `einv_job_runs_total{outcome="abandoned"}`; operators see them on `/reviewer/jobs` and
    /// in `einv admin jobs`. The job itself runs again at its next tick (every job is
    /// idempotent).
    pub async fn abandon_stale_runs(
        &self,
        schedule: &JobSchedule,
    ) -> ServiceResult<Vec<JobRunRecord>> {
        let Some(bound) = schedule.abandon_after() else {
            return Ok(Vec::new());
        };
        let now = self.clock.now();
        let abandoned = self.store.abandon_stale_job_runs(now - bound, now).await?;
        for run in &abandoned {
            tracing::warn!(
                job = %run.job,
                run = run.id,
                node = %run.node,
                started_at = %run.started_at,
                "background job abandoned: its node stopped mid-run"
            );
            let labels = [
                ("job", run.job.clone()),
                ("outcome", RunOutcome::Abandoned.as_str().to_owned()),
            ];
            metrics::counter!(RUNS, &labels).increment(1);
        }
        Ok(abandoned)
    }

    /// The latest `limit` runs (of `job`, when given), newest first, for operators.
    pub async fn job_runs(&self, job: Option<Job>, limit: i64) -> ServiceResult<Vec<JobRunRecord>> {
        Ok(self
            .store
            .job_runs(job.map(Job::name), limit.clamp(1, 1000))
            .await?)
    }
}

fn counts_json(counts: &Counts) -> String {
    serde_json::to_string(counts).unwrap_or_else(|_| "{}".to_owned())
}

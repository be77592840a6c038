//! The loop inside `einv serve` that runs the background jobs, and its configuration.

use std::sync::Arc;
use std::time::Duration;

use einv_core::audit::Retention;
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;

use super::Job;
use crate::services::Platform;

/// Each job's interval in seconds; 0 switches a job off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobSchedule {
    /// [`Job::LicenceSweep`]: hourly by default.
    pub licence_sweep: u64,
    /// [`Job::RenewalNotices`]: daily.
    pub renewal_notices: u64,
    /// [`Job::ConsentLapse`]: hourly.
    pub consent_lapse: u64,
    /// [`Job::DeletionDeadlines`]: hourly.
    pub deletion_deadlines: u64,
    /// [`Job::AuditCheckpoint`]: every five minutes.
    pub audit_checkpoint: u64,
    /// [`Job::AuditRetention`]: daily.
    pub audit_retention: u64,
    /// [`Job::ThrottledRetention`]: daily.
    pub throttled_retention: u64,
    /// Seconds after which a run still `running` is marked `abandoned` (its node stopped
    /// mid-run) and reported; 0 never.
    pub abandon_after: u64,
}

impl Default for JobSchedule {
    fn default() -> Self {
        Self {
            licence_sweep: 3600,
            renewal_notices: 86_400,
            consent_lapse: 3600,
            deletion_deadlines: 3600,
            audit_checkpoint: 300,
            audit_retention: 86_400,
            throttled_retention: 86_400,
            abandon_after: 3600,
        }
    }
}

impl JobSchedule {
    /// `job`'s interval in seconds, `None` when it is switched off.
    pub fn interval(&self, job: Job) -> Option<i64> {
        let seconds = match job {
            Job::LicenceSweep => self.licence_sweep,
            Job::RenewalNotices => self.renewal_notices,
            Job::ConsentLapse => self.consent_lapse,
            Job::DeletionDeadlines => self.deletion_deadlines,
            Job::AuditCheckpoint => self.audit_checkpoint,
            Job::AuditRetention => self.audit_retention,
            Job::ThrottledRetention => self.throttled_retention,
        };
        i64::try_from(seconds).ok().filter(|s| *s > 0)
    }

    /// How long a run may stay `running` before it is taken for abandoned; `None`: never.
    pub fn abandon_after(&self) -> Option<chrono::Duration> {
        i64::try_from(self.abandon_after)
            .ok()
            .filter(|s| *s > 0)
            .map(chrono::Duration::seconds)
    }
}

/// Background work in `einv serve`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackgroundConfig {
    /// Whether this node runs background jobs at all (every node may: each tick runs once).
    pub enabled: bool,
    /// How often the node looks for a due tick, in seconds (the jobs' intervals are separate).
    pub poll_seconds: u64,
    /// The node's name in job records; default: the host name and process ID.
    pub node: Option<String>,
    /// The jobs' intervals.
    pub jobs: JobSchedule,
}

impl Default for BackgroundConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            poll_seconds: 30,
            node: None,
            jobs: JobSchedule::default(),
        }
    }
}

impl BackgroundConfig {
    /// The node name: the configured one, or `host:pid`.
    pub fn node_name(&self) -> String {
        self.node.clone().unwrap_or_else(|| {
            // HOSTNAME is a shell variable, often not exported; /etc/hostname is the file
            // containers and systemd hosts carry.
            let host = std::env::var("HOSTNAME")
                .ok()
                .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "node".to_owned());
            format!("{host}:{}", std::process::id())
        })
    }
}

/// Starts the job loop: every `poll_seconds`, run what is due (see [`Platform::run_due_jobs`]).
/// A tick that cannot reach the database is logged and tried again at the next poll.
pub fn spawn(
    platform: Arc<Platform>,
    config: &BackgroundConfig,
    retention: Retention,
) -> Option<JoinHandle<()>> {
    if !config.enabled {
        return None;
    }
    let node = config.node_name();
    let schedule = config.jobs;
    let period = Duration::from_secs(config.poll_seconds.max(1));
    tracing::info!(node = %node, poll_seconds = period.as_secs(), "background jobs on");
    Some(tokio::spawn(async move {
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match platform.run_due_jobs(&schedule, retention, &node).await {
                Ok(runs) => {
                    for run in runs {
                        if let Ok(counts) = &run.result {
                            tracing::info!(
                                job = run.job.name(),
                                run = run.id,
                                ?counts,
                                "background job done"
                            );
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "background jobs: cannot claim a tick"),
            }
        }
    }))
}

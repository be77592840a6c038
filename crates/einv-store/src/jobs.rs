//! Background job runs and the notices jobs send once (migration 0085; docs/operations.md).
//!
//! A run is claimed by inserting its (job, slot) row: the unique key makes the first node to
//! insert the only one to run it, on SQLite and PostgreSQL alike, without holding a lock for
//! the length of the run.

use chrono::{DateTime, Utc};
use einv_core::{AppId, GrantId, UserId};
use sqlx::Row;

use crate::columns::parsed;
use crate::query::Records;
use crate::records::from_unix;
use crate::{Store, StoreResult};

/// One run of a background job.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JobRunRecord {
    /// Row ID.
    pub id: i64,
    /// The job's name, e.g. `licence-sweep`.
    pub job: String,
    /// The tick it ran for: the clock's Unix time divided by the job's interval.
    pub slot: i64,
    /// The node that ran it.
    pub node: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended; `None` while running (or if the node died mid-run).
    pub finished_at: Option<DateTime<Utc>>,
    /// Where the run stands, or how it ended.
    pub outcome: RunOutcome,
    /// What it did, as a JSON object.
    pub counts: String,
    /// Why it failed.
    pub error: Option<String>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// It did its work.
    Ok,
    /// It stopped on an error.
    Failed,
}

/// Where a run stands, as its row says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunOutcome {
    /// Claimed and not finished.
    Running,
    /// It did its work.
    Ok,
    /// It stopped on an error.
    Failed,
    /// Its node stopped mid-run.
    Abandoned,
}

impl RunOutcome {
    /// Every outcome.
    pub const ALL: [Self; 4] = [Self::Running, Self::Ok, Self::Failed, Self::Abandoned];

    /// The stored word (also the `outcome` label of `einv_job_runs_total`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::Abandoned => "abandoned",
        }
    }
}

impl From<JobOutcome> for RunOutcome {
    fn from(ended: JobOutcome) -> Self {
        match ended {
            JobOutcome::Ok => Self::Ok,
            JobOutcome::Failed => Self::Failed,
        }
    }
}

impl std::fmt::Display for RunOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for RunOutcome {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Self::ALL.into_iter().find(|o| o.as_str() == s).ok_or(())
    }
}

const RUN_COLUMNS: &str = "id, job, slot, node, started_at, finished_at, outcome, counts, error";

const RUNS: Records<JobRunRecord> = Records::new("job_runs", RUN_COLUMNS, run_from_row);

fn run_from_row(r: &sqlx::any::AnyRow) -> StoreResult<JobRunRecord> {
    Ok(JobRunRecord {
        id: r.try_get("id")?,
        job: r.try_get("job")?,
        slot: r.try_get("slot")?,
        node: r.try_get("node")?,
        started_at: from_unix(r.try_get("started_at")?),
        finished_at: r.try_get::<Option<i64>, _>("finished_at")?.map(from_unix),
        outcome: parsed(r, "job_runs", "outcome")?,
        counts: r.try_get("counts")?,
        error: r.try_get("error")?,
    })
}

impl Store {
    /// Claims run `slot` of `job` for `node`: the run's ID when this call inserted it, `None`
    /// when another node (or an earlier tick of this one) already has it.
    pub async fn claim_job_run(
        &self,
        job: &str,
        slot: i64,
        node: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        let id = sqlx::query_scalar(
            "INSERT INTO job_runs (job, slot, node, started_at, outcome, counts) \
             VALUES ($1, $2, $3, $4, 'running', '{}') \
             ON CONFLICT (job, slot) DO NOTHING RETURNING id",
        )
        .bind(job)
        .bind(slot)
        .bind(node)
        .bind(at.timestamp())
        .fetch_optional(self.pool())
        .await?;
        Ok(id)
    }

    /// Records how run `id` ended.
    pub async fn finish_job_run(
        &self,
        id: i64,
        at: DateTime<Utc>,
        outcome: JobOutcome,
        counts: &str,
        error: Option<&str>,
    ) -> StoreResult<()> {
        let sql = "UPDATE job_runs SET finished_at = $1, outcome = $2, counts = $3, error = $4 WHERE id = $5";
        let query = sqlx::query(sql)
            .bind(at.timestamp())
            .bind(RunOutcome::from(outcome).as_str())
            .bind(counts)
            .bind(error)
            .bind(id);
        self.run(query).await
    }

    /// Marks the runs still `running` that started before `started_before` as `abandoned`
    /// (their node stopped mid-run: killed, or lost its database), finished at `now`, and
    /// returns them so they can be reported.
    pub async fn abandon_stale_job_runs(
        &self,
        started_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<JobRunRecord>> {
        let sql = format!(
            "UPDATE job_runs SET outcome = 'abandoned', finished_at = $1, \
             error = 'the node stopped before the run ended' \
             WHERE outcome = 'running' AND started_at < $2 RETURNING {RUN_COLUMNS}"
        );
        let query = sqlx::query(&sql)
            .bind(now.timestamp())
            .bind(started_before.timestamp());
        self.fetch_each(query, run_from_row).await
    }

    /// The latest `limit` runs, newest first; of one job when `job` is given.
    pub async fn job_runs(&self, job: Option<&str>, limit: i64) -> StoreResult<Vec<JobRunRecord>> {
        // The job's filter only when there is one, rather than `$2 IS NULL`: PostgreSQL cannot
        // type an unused NULL.
        let newest = if job.is_some() {
            "WHERE job = $2 ORDER BY id DESC LIMIT $1"
        } else {
            "ORDER BY id DESC LIMIT $1"
        };
        self.records_where(&RUNS, newest, (limit, job)).await
    }

    /// Records that notice `kind` about `subject` is being sent; `false` when it already was.
    pub async fn mark_notice(
        &self,
        kind: &str,
        subject: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let sql = "INSERT INTO job_notices (kind, subject, sent_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (kind, subject) DO NOTHING";
        let query = sqlx::query(sql)
            .bind(kind)
            .bind(subject)
            .bind(at.timestamp());
        self.changed_one(query).await
    }

    /// Forgets a notice mark, when sending the notice failed, so a later tick sends it.
    pub async fn unmark_notice(&self, kind: &str, subject: &str) -> StoreResult<()> {
        let query = sqlx::query("DELETE FROM job_notices WHERE kind = $1 AND subject = $2")
            .bind(kind)
            .bind(subject);
        self.run(query).await
    }

    /// Consent grants that lapsed in `(since, now]` while still standing (not revoked, not
    /// voided) and were not followed by a newer grant of the same User to the same app.
    pub async fn lapsed_consent_grants(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<LapsedGrant>> {
        let sql = "SELECT g.id, g.user_id, g.app_id, g.lapses_at FROM consent_grants g \
                   WHERE g.lapses_at > $1 AND g.lapses_at <= $2 \
                   AND g.revoked_at IS NULL AND g.voided_at IS NULL \
                   AND NOT EXISTS (SELECT 1 FROM consent_grants n WHERE n.user_id = g.user_id \
                   AND n.app_id = g.app_id AND n.granted_at > g.granted_at) \
                   ORDER BY g.lapses_at, g.id";
        let query = sqlx::query(sql)
            .bind(since.timestamp())
            .bind(now.timestamp());
        self.fetch_each(query, |r| {
            Ok(LapsedGrant {
                grant_id: GrantId::new(r.try_get("id")?),
                user_id: UserId::new(r.try_get("user_id")?),
                app_id: parsed(r, "consent_grants", "app_id")?,
                lapsed_at: from_unix(r.try_get("lapses_at")?),
            })
        })
        .await
    }
}

/// A consent grant that lapsed (R5.6) and was not renewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LapsedGrant {
    /// The grant.
    pub grant_id: GrantId,
    /// The User.
    pub user_id: UserId,
    /// The app.
    pub app_id: AppId,
    /// When it lapsed.
    pub lapsed_at: DateTime<Utc>,
}

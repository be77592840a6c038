//! `einv admin sweep [--job NAME|all]` and `einv admin jobs`: run the background jobs by hand
//! (the same code `einv serve` runs on its schedule) and list the recorded runs.

use anyhow::Context;
use einv_core::audit::Retention;
use einv_server::services::jobs::Job;
use einv_server::Platform;

use crate::options::PlatformOptions;

/// `einv admin sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// The job to run (licence-sweep, renewal-notices, consent-lapse, deletion-deadlines,
    /// audit-checkpoint, audit-retention, throttled-retention) or `all`.
    #[arg(long, default_value = "licence-sweep")]
    pub job: String,
}

/// `einv admin jobs`.
#[derive(Debug, clap::Args)]
pub struct JobsArgs {
    /// Only this job's runs.
    #[arg(long)]
    pub job: Option<Job>,
    /// How many runs, newest first.
    #[arg(long, default_value_t = 20)]
    pub limit: i64,
    /// One JSON object per run.
    #[arg(long)]
    pub json: bool,
}

/// Runs the chosen jobs once, now, and prints what each did. A manual run is not recorded in
/// `job_runs` (that table is the schedule's), so it never takes a scheduled tick's place.
pub(super) async fn sweep(
    platform: &Platform,
    options: &PlatformOptions,
    args: SweepArgs,
) -> anyhow::Result<()> {
    let jobs = if args.job == "all" {
        Job::ALL.to_vec()
    } else {
        vec![args
            .job
            .parse::<Job>()
            .map_err(anyhow::Error::msg)
            .context("--job")?]
    };
    let retention = Retention::months(options.settings()?.audit.retention_months)
        .context("audit.retention_months")?;
    for job in jobs {
        let counts = platform
            .run_job(job, retention)
            .await
            .with_context(|| format!("job {job}"))?;
        if job == Job::LicenceSweep {
            // The line scripts have read since `sweep` only swept licences.
            println!("{} licence(s) changed", counts.get("changed").unwrap_or(&0));
        } else {
            println!("{job}: {}", serde_json::to_string(&counts)?);
        }
    }
    Ok(())
}

/// Prints the latest runs, newest first.
pub(super) async fn list(platform: &Platform, args: JobsArgs) -> anyhow::Result<()> {
    let runs = platform.job_runs(args.job, args.limit).await?;
    if args.json {
        for run in &runs {
            println!("{}", serde_json::to_string(run)?);
        }
        return Ok(());
    }
    println!(
        "{:<6} {:<19} {:<20} {:<20} {:<8} {:<8} COUNTS",
        "RUN", "JOB", "NODE", "STARTED (UTC)", "SECONDS", "OUTCOME"
    );
    for run in &runs {
        let seconds = run
            .finished_at
            .map(|f| (f - run.started_at).num_seconds().to_string())
            .unwrap_or_else(|| "-".to_owned());
        let counts = run.error.as_deref().unwrap_or(&run.counts);
        println!(
            "{:<6} {:<19} {:<20} {:<20} {:<8} {:<8} {counts}",
            run.id,
            run.job,
            run.node,
            run.started_at.format("%Y-%m-%d %H:%M:%S"),
            seconds,
            run.outcome.as_str(),
        );
    }
    if runs.is_empty() {
        println!("(no runs recorded yet: `einv serve` records one per job per tick)");
    }
    Ok(())
}

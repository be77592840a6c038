//! `einv audit verify | purge | show`: check the tamper-evident trail (R6.4), purge it past the
//! retention period (R5.3: never below six months), and read it.

use einv_core::{AppId, UserId};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use chrono::NaiveDate;
use einv_core::audit::{Retention, StoredEntry};
use einv_core::SystemClock;
use einv_server::startup;
use einv_store::AuditFilter;

use crate::options::PlatformOptions;

/// `einv audit` actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Walk the chain and its signed checkpoints; exit 1 naming each damaged entry.
    Verify(PlatformOptions),
    /// Remove the entries recorded before a date (kept: the retention period, ≥ 6 months).
    Purge {
        /// Remove entries recorded before this Taipei date (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        before: NaiveDate,
        /// The retention period in months; R5.3 allows no fewer than 6.
        #[arg(long, default_value_t = Retention::MINIMUM_MONTHS, env = "EINV_AUDIT_RETENTION_MONTHS")]
        retention_months: u32,
        /// Where the data lives.
        #[command(flatten)]
        platform: PlatformOptions,
    },
    /// List entries, newest first.
    Show {
        /// Only accesses to this User's data.
        #[arg(long, conflicts_with = "app")]
        user: Option<UserId>,
        /// Only entries about this AppID.
        #[arg(long)]
        app: Option<AppId>,
        /// At most this many entries.
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Where the data lives.
        #[command(flatten)]
        platform: PlatformOptions,
    },
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("expected YYYY-MM-DD, got {text:?}"))
}

/// Runs `einv audit`.
pub fn run(action: Action) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        match action {
            Action::Verify(options) => verify(&options).await,
            Action::Purge {
                before,
                retention_months,
                platform,
            } => purge(&platform, before, retention_months).await,
            Action::Show {
                user,
                app,
                limit,
                platform,
            } => show(&platform, user, app, limit).await,
        }
    })
}

async fn platform(options: &PlatformOptions) -> anyhow::Result<einv_server::Platform> {
    Ok(startup::platform(&options.config()?, Arc::new(SystemClock)).await?)
}

async fn verify(options: &PlatformOptions) -> anyhow::Result<ExitCode> {
    let report = platform(options).await?.verify_audit().await?;
    if report.is_ok() {
        let from = if report.anchor.seq == 0 {
            "genesis".to_owned()
        } else {
            format!("the purge anchor at entry {}", report.anchor.seq)
        };
        println!(
            "OK: {} entries verified from {from} to entry {}, {} signed checkpoints",
            report.entries, report.last_seq, report.checkpoints
        );
        // What the walk proves, in words an auditor can check (hole 7).
        match (&report.head, report.proven_through) {
            (Some(head), Some(through)) => println!(
                "proves: no entry from {from} through entry {through} was edited, removed, \
                 reordered or inserted, and none after it was cut off (the chain head at entry \
                 {through} is signed, written {})",
                taipei_time(head.at)
            ),
            _ => println!("proves: the trail is empty; there is nothing to prove"),
        }
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "TAMPERED: {} problems in {} entries",
        report.problems.len(),
        report.entries
    );
    for problem in &report.problems {
        println!("  {problem}");
    }
    Ok(ExitCode::from(1))
}

fn taipei_time(at: i64) -> String {
    einv_core::clock::taipei_text(at, "%Y-%m-%d %H:%M:%S%:z")
}

async fn purge(
    options: &PlatformOptions,
    before: NaiveDate,
    months: u32,
) -> anyhow::Result<ExitCode> {
    let retention = Retention::months(months)
        .map_err(|e| anyhow::anyhow!("--retention-months: {}", e.problem))?;
    let outcome = platform(options)
        .await?
        .purge_audit(before, retention)
        .await
        .map_err(|e| match e {
            einv_server::error::ServiceError::Invalid(v) => {
                anyhow::anyhow!("--{}: {}", v.field, v.problem)
            }
            other => anyhow::Error::new(other),
        })?;
    match outcome.anchor {
        Some(seq) => println!(
            "purged {} entries (through entry {seq}, now the signed anchor)",
            outcome.purged
        ),
        None => println!("nothing recorded before {before}"),
    }
    Ok(ExitCode::SUCCESS)
}

async fn show(
    options: &PlatformOptions,
    user: Option<UserId>,
    app: Option<AppId>,
    limit: i64,
) -> anyhow::Result<ExitCode> {
    let filter = match (user, app) {
        (Some(id), _) => AuditFilter::User(id),
        (None, Some(app)) => AuditFilter::App(app),
        (None, None) => AuditFilter::All,
    };
    for entry in platform(options).await?.audit_log(&filter, limit).await? {
        println!("{}", line(&entry));
    }
    Ok(ExitCode::SUCCESS)
}

fn line(e: &StoredEntry) -> String {
    let c = &e.content;
    let at = einv_core::clock::taipei_text(c.at, "%Y-%m-%d %H:%M:%S");
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    format!(
        "{:>8}  {at}  {:<28} {:<24} user={} app={} ip={} invoices={} {}",
        e.seq,
        c.action,
        c.actor,
        opt(c.user_id.map(|u| u.to_string())),
        opt(c.app_id.clone()),
        opt(c.ip.clone()),
        c.invoices.join(","),
        if c.detail == "null" { "" } else { &c.detail }
    )
}

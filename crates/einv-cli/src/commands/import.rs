//! `einv import invoices FILE…` (JSON Lines or MOF MIG XML) and `einv import winning FILE`
//! (a `QryWinningList` reply). See docs/import.md.
//!
//! Exit status: 0 when every record went in (or was already in), 1 when some records were
//! rejected or conflicted (the good ones are stored), 2 on a fatal error (the database, an
//! unreadable argument): then only whole batches were stored.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use einv_core::prize::WinningNumbers;
use einv_core::SystemClock;
use einv_server::startup;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::ingest::pipeline::{self, Input};
use crate::ingest::report::ProblemLog;
use crate::ingest::Format;
use crate::options::PlatformOptions;

/// What `einv import` reads.
#[derive(Debug, clap::Subcommand)]
pub enum What {
    /// Import invoices, void and cancel messages from JSON Lines or MIG XML files.
    Invoices(InvoicesArgs),
    /// Import a period's winning numbers from a saved QryWinningList reply (JSON).
    Winning(WinningArgs),
}

/// Arguments of `einv import invoices`.
#[derive(Debug, clap::Args)]
pub struct InvoicesArgs {
    /// The files (`-` reads standard input).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The format; default: from each file's extension (.jsonl, .ndjson, .json → jsonl;
    /// .xml → mig).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Records per transaction: a batch is stored whole or not at all.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub batch: u32,
    /// Write every problem (file, line, field, reason) to this file, as JSON Lines.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Where the data lives.
    #[command(flatten)]
    pub platform: PlatformOptions,
}

/// Arguments of `einv import winning`.
#[derive(Debug, clap::Args)]
pub struct WinningArgs {
    /// The QryWinningList reply, as JSON.
    pub file: PathBuf,
    /// Where the data lives.
    #[command(flatten)]
    pub platform: PlatformOptions,
}

/// Runs `einv import`.
pub fn run(what: What) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    match what {
        What::Invoices(args) => runtime.block_on(invoices(args)),
        What::Winning(args) => runtime.block_on(winning(args)),
    }
}

fn inputs(files: &[PathBuf], format: Option<Format>) -> anyhow::Result<(Vec<Input>, u64)> {
    let mut inputs = Vec::with_capacity(files.len());
    let mut total = 0;
    for path in files {
        let stdin = path.as_os_str() == "-";
        let format = match format.or_else(|| Format::guess(path)) {
            Some(f) => f,
            None if stdin => Format::Jsonl,
            None => anyhow::bail!(
                "{}: cannot tell the format from the extension; give --format jsonl or --format mig",
                path.display()
            ),
        };
        if !stdin {
            let meta = std::fs::metadata(path).with_context(|| format!("{}", path.display()))?;
            anyhow::ensure!(meta.is_file(), "{}: not a file", path.display());
            total += meta.len();
        }
        inputs.push(Input::file(path.clone(), format));
    }
    Ok((inputs, total))
}

fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta} {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

async fn invoices(args: InvoicesArgs) -> anyhow::Result<ExitCode> {
    let (inputs, total) = inputs(&args.files, args.format)?;
    let mut log = ProblemLog::create(args.report.as_deref())?;
    let store = startup::open_store(&args.platform.config()?, false).await?;
    let bar = progress_bar(total);
    let batch = usize::try_from(args.batch).unwrap_or(10_000);
    let result = pipeline::run(&store, inputs, batch, bar.clone(), &mut |p| {
        bar.suspend(|| log.push(p))
    })
    .await;
    bar.finish_and_clear();
    store.close().await;
    let tally = result?;
    log.finish(args.report.as_deref())?;
    print!("{}", tally.summary());
    Ok(if tally.all_good() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

async fn winning(args: WinningArgs) -> anyhow::Result<ExitCode> {
    let path = &args.file;
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    let draw = match WinningNumbers::from_qry_winning_list_json(&text) {
        Ok(draw) => draw,
        Err(e) => {
            eprintln!("{}: {}: {}", path.display(), e.field, e.problem);
            println!("read: 1\nrejected: 1");
            return Ok(ExitCode::from(1));
        }
    };
    let platform = startup::platform(&args.platform.config()?, Arc::new(SystemClock)).await?;
    // Published as the Platform publishes any draw: stored and its winners marked in one use case.
    let published = platform.publish_draw(&draw).await;
    platform.close().await;
    let marked = published.context("publishing the winning numbers")?;
    println!(
        "period {}: winning numbers stored; {} of {} invoices marked as winners",
        draw.period(),
        marked.winners,
        marked.checked
    );
    Ok(ExitCode::SUCCESS)
}

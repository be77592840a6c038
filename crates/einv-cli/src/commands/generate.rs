//! `einv generate`: a synthetic invoice data set of any size, streamed as JSON Lines that
//! `einv import invoices` reads, or (`--into-db`) stored straight through the bulk path.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use einv_core::{clock, Clock, MobileBarcode, Period, SystemClock};
use einv_server::startup;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::ingest::jsonl::JsonInvoice;
use crate::ingest::pipeline::{self, Input, Source};
use crate::ingest::report::ProblemLog;
use crate::ingest::Format;
use crate::options::PlatformOptions;
use crate::synth::{Generator, Plan};

/// Arguments of `einv generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many invoices.
    #[arg(long)]
    pub invoices: u64,
    /// The seed: the same seed and options give the same data set.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write to this file (default: standard output).
    #[arg(long, conflicts_with = "into_db")]
    pub out: Option<PathBuf>,
    /// How many Users (mobile barcodes) the carrier invoices go to.
    #[arg(long, default_value_t = 1_000)]
    pub users: u64,
    /// How many bimonthly periods the invoices spread over.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=600))]
    pub periods: u32,
    /// The last period (yyyMM, e.g. 11410). Default: the current period, with no invoice dated
    /// after today (give --until for the same file on any day).
    #[arg(long, value_parser = parse_period)]
    pub until: Option<Period>,
    /// Store the invoices in the database (bulk path) instead of writing JSON Lines. The data
    /// set's Users are registered first (verification code `Synth123`), since invoices reach
    /// only mobile barcodes the Platform issued.
    #[arg(long)]
    pub into_db: bool,
    /// With --out: also register the data set's Users in the database (`--data` or
    /// `--database-url`), so that `einv import` of the file there stores their invoices
    /// (invoices reach only mobile barcodes the Platform issued; verification code `Synth123`).
    #[arg(long, conflicts_with = "into_db")]
    pub register_users: bool,
    /// With --into-db: invoices per transaction.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub batch: u32,
    /// Where the data lives (with --into-db).
    #[command(flatten)]
    pub platform: PlatformOptions,
}

fn parse_period(text: &str) -> Result<Period, String> {
    Period::parse(text).map_err(|e| e.problem)
}

fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let template = "{bar:40} {human_pos}/{human_len} invoices {per_sec} eta {eta} {msg}";
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Runs `einv generate`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let today = clock::taipei_date(SystemClock.now());
    let last = args.until.unwrap_or_else(|| Period::of_date(today));
    let not_after = if args.until.is_none() {
        Some(today)
    } else {
        None
    };
    let plan = Plan {
        invoices: args.invoices,
        seed: args.seed,
        users: args.users,
        periods: args.periods,
        last,
        not_after,
    };
    let generator = Generator::new(plan)?;
    let bar = progress_bar(args.invoices);
    let result = if args.into_db {
        into_db(&args, generator, bar.clone())
    } else {
        if args.register_users {
            let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
            runtime.block_on(async {
                let store = startup::open_store(&args.platform.config()?, false).await?;
                let result = register_users(&store, &generator.barcodes()).await;
                store.close().await;
                result
            })?;
        }
        write_jsonl(args.out.as_ref(), generator, &bar)
    };
    bar.finish_and_clear();
    result
}

fn write_jsonl(
    out: Option<&PathBuf>,
    mut generator: Generator,
    bar: &ProgressBar,
) -> anyhow::Result<ExitCode> {
    let sink: Box<dyn Write> = match out {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("--out {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut sink = BufWriter::with_capacity(1 << 20, sink);
    let (mut n, mut tick) = (0u64, 0u64);
    while let Some(invoice) = generator.next_invoice()? {
        serde_json::to_writer(&mut sink, &JsonInvoice::from(&invoice)).context("writing")?;
        sink.write_all(b"\n").context("writing")?;
        n += 1;
        if n >= tick {
            bar.set_position(n);
            tick = n + 10_000;
        }
    }
    sink.flush().context("writing")?;
    if let Some(path) = out {
        eprintln!("wrote {n} invoices to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The verification code of every User `--into-db` registers.
pub const SYNTH_CODE: &str = "Synth123";

/// Invoices reach only barcodes the Platform issued (the importer rejects the rest), so the
/// synthetic world's Users are put on the Platform's register first, each with verification
/// code [`SYNTH_CODE`]. This stands for the registrations that issued those barcodes; a real
/// Platform only ever issues barcodes at registration (`Platform::register_user`).
async fn register_users(store: &einv_store::Store, barcodes: &[String]) -> anyhow::Result<()> {
    let hash = einv_server::services::VerificationCodes::default()
        .hash(SYNTH_CODE)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = SystemClock.now();
    for barcode in barcodes {
        let barcode: MobileBarcode = barcode.parse()?;
        if store.find_user_by_barcode(&barcode).await?.is_none() {
            store.create_user(&barcode, &hash, now).await?;
        }
    }
    Ok(())
}

fn into_db(args: &Args, generator: Generator, bar: ProgressBar) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let store = startup::open_store(&args.platform.config()?, false).await?;
        register_users(&store, &generator.barcodes()).await?;
        let input = Input {
            name: "(generated)".into(),
            format: Format::Jsonl,
            source: Source::Generated(Box::new(generator)),
        };
        let mut log = ProblemLog::create(None)?;
        let batch = usize::try_from(args.batch).unwrap_or(10_000);
        let result = pipeline::run(&store, vec![input], batch, bar.clone(), &mut |p| {
            bar.suspend(|| log.push(p))
        })
        .await;
        store.close().await;
        let tally = result?;
        log.finish(None)?;
        print!("{}", tally.summary());
        Ok(if tally.all_good() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    })
}

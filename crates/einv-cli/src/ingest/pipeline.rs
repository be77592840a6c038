//! Files in, batches out: one thread reads and checks records while the async side stores the
//! previous batch, each batch in one transaction ([`Store::insert_invoice_batch`]).
//!
//! A batch is cut every `batch` records read (good or rejected); sellers travel with the first batch that needs them (and again when a later
//! record gives one a new name or address), so they are upserted in the same transaction as
//! their invoices. A killed import leaves whole batches only.

use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use einv_core::{BusinessId, Clock, SystemClock};
use einv_store::{
    InsertOutcome, Invoice, InvoiceBatch, InvoiceStatus, Seller, StatusChange, StatusOutcome, Store,
};
use indicatif::ProgressBar;
use tokio::sync::mpsc;

use super::report::{Problem, Tally};
use super::{jsonl, mig, FileError, Format, Parsed, Record, Rejection};
use crate::synth::Generator;

/// One input: how it is named in reports, its format, where its records come from.
#[derive(Debug)]
pub struct Input {
    /// The name problems are reported under.
    pub name: String,
    /// The format.
    pub format: Format,
    /// Where the records come from.
    pub source: Source,
}

/// Where an input's records come from.
#[derive(Debug)]
pub enum Source {
    /// A file.
    File(PathBuf),
    /// Standard input.
    Stdin,
    /// A synthetic data set (JSONL records, never written out).
    Generated(Box<Generator>),
}

impl Input {
    /// The file `path` (`-` is standard input) in `format`.
    pub fn file(path: PathBuf, format: Format) -> Self {
        let name = path.display().to_string();
        let source = if path.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::File(path)
        };
        Self {
            name,
            format,
            source,
        }
    }
}

/// Where a record came from, and how its format names its invoice number.
#[derive(Debug, Clone, Copy)]
struct Origin {
    file: usize,
    line: u64,
    number_field: &'static str,
}

/// What the reader hands the writer.
#[derive(Debug, Default)]
struct Batch {
    sellers: Vec<Seller>,
    invoices: Vec<Invoice>,
    invoice_origins: Vec<Origin>,
    changes: Vec<StatusChange>,
    change_origins: Vec<Origin>,
    rejections: Vec<(usize, Rejection)>,
    read: u64,
    /// Bytes of input read when the batch was cut, for the progress bar.
    position: u64,
}

impl Batch {
    fn records(&self) -> usize {
        self.invoices.len() + self.changes.len()
    }
}

/// Reads `inputs` and stores them in batches of `batch_size`, counting what happened into the
/// returned tally; problems go to `on_problem` as they are found.
pub async fn run(
    store: &Store,
    inputs: Vec<Input>,
    batch_size: usize,
    progress: ProgressBar,
    on_problem: &mut dyn FnMut(Problem) -> anyhow::Result<()>,
) -> anyhow::Result<Tally> {
    let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
    let (tx, mut rx) = mpsc::channel::<Batch>(2);
    let bar = progress.clone();
    let reader = std::thread::spawn(move || read_all(inputs, batch_size, &tx, &bar));
    let started = Instant::now();
    let mut tally = Tally::default();
    let result = async {
        while let Some(batch) = rx.recv().await {
            store_batch(store, batch, &names, &mut tally, on_problem).await?;
            progress.set_message(format!("{} stored", tally.inserted));
        }
        anyhow::Ok(())
    }
    .await;
    // Dropping the receiver stops the reader at its next batch if storing failed.
    drop(rx);
    let read = tokio::task::spawn_blocking(move || reader.join())
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| anyhow::anyhow!("the reading thread panicked"))?;
    result?;
    read?;
    tally.elapsed = started.elapsed();
    Ok(tally)
}

async fn store_batch(
    store: &Store,
    mut batch: Batch,
    names: &[String],
    tally: &mut Tally,
    on_problem: &mut dyn FnMut(Problem) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    tally.read += batch.read;
    for (file, rejection) in std::mem::take(&mut batch.rejections) {
        tally.rejected += 1;
        on_problem(Problem::new(&names[file], rejection))?;
    }
    // Only to barcodes the Platform issued (see ingest/issued.rs).
    let unissued = super::issued::unissued(store, &batch.invoices)
        .await
        .context("checking the batch's mobile barcodes")?;
    let mut held = Vec::new();
    for (i, reason) in unissued.into_iter().rev() {
        batch.invoices.remove(i);
        held.push((batch.invoice_origins.remove(i), reason));
    }
    for (origin, reason) in held.into_iter().rev() {
        tally.rejected += 1;
        let rejection = Rejection::new(origin.line, "carrierId1", reason);
        on_problem(Problem::new(&names[origin.file], rejection))?;
    }
    if batch.records() == 0 {
        return Ok(());
    }
    let parts = InvoiceBatch {
        sellers: &batch.sellers,
        invoices: &batch.invoices,
        status_changes: &batch.changes,
    };
    let outcome = store
        .insert_invoice_batch(parts, SystemClock.now())
        .await
        .context("storing a batch (nothing of it was stored)")?;
    for ((outcome, origin), invoice) in outcome
        .invoices
        .iter()
        .zip(&batch.invoice_origins)
        .zip(&batch.invoices)
    {
        match outcome {
            InsertOutcome::Inserted => tally.inserted += 1,
            InsertOutcome::Unchanged => tally.unchanged += 1,
            InsertOutcome::Conflict => {
                tally.conflicts += 1;
                let h = &invoice.header;
                let reason = format!(
                    "a different invoice {} of period {} is already stored; left as it was",
                    h.number, h.period
                );
                let rejection = Rejection::new(origin.line, origin.number_field, reason);
                on_problem(Problem::new(&names[origin.file], rejection))?;
            }
        }
    }
    for ((outcome, origin), change) in outcome
        .status_changes
        .iter()
        .zip(&batch.change_origins)
        .zip(&batch.changes)
    {
        match (outcome, change.status) {
            (StatusOutcome::Changed, InvoiceStatus::Cancelled) => tally.cancelled += 1,
            (StatusOutcome::Changed, _) => tally.voided += 1,
            (StatusOutcome::Unchanged, _) => tally.unchanged += 1,
            (StatusOutcome::NotFound, _) => {
                tally.rejected += 1;
                let reason = format!(
                    "no invoice {} of period {}{} is stored",
                    change.number,
                    change.period,
                    change
                        .seller_ban
                        .as_ref()
                        .map(|b| format!(" from seller {b}"))
                        .unwrap_or_default()
                );
                let rejection = Rejection::new(origin.line, origin.number_field, reason);
                on_problem(Problem::new(&names[origin.file], rejection))?;
            }
        }
    }
    Ok(())
}

/// The reading thread: every input in turn, cut into batches.
fn read_all(
    inputs: Vec<Input>,
    batch_size: usize,
    tx: &mpsc::Sender<Batch>,
    bar: &ProgressBar,
) -> anyhow::Result<()> {
    let mut known: HashMap<BusinessId, (String, String)> = HashMap::new();
    let mut batch = Batch::default();
    let mut done_bytes = 0u64;
    for (file, input) in inputs.into_iter().enumerate() {
        let format = input.format;
        let mut sink = |parsed: Parsed| -> anyhow::Result<()> {
            batch.read += 1;
            batch.position = done_bytes + parsed.offset;
            add(&mut batch, &mut known, file, format, parsed);
            if batch.read >= batch_size as u64 {
                bar.set_position(batch.position);
                let full = std::mem::take(&mut batch);
                tx.blocking_send(full)
                    .map_err(|_| anyhow::anyhow!("the store stopped"))?;
            }
            Ok(())
        };
        let result = read_one(input, &mut sink);
        match result {
            Ok(size) => done_bytes += size,
            Err(FileError::Sink(e)) => return Err(e),
            Err(e) => {
                let line = match &e {
                    FileError::Syntax { line, .. } => *line,
                    _ => 0,
                };
                let reason = format!("{e}; the rest of the file was not read");
                batch
                    .rejections
                    .push((file, Rejection::new(line, "(file)", reason)));
            }
        }
        bar.set_position(done_bytes);
    }
    if batch.read > 0 || !batch.rejections.is_empty() {
        tx.blocking_send(batch)
            .map_err(|_| anyhow::anyhow!("the store stopped"))?;
    }
    Ok(())
}

/// Parses one input; returns its size (bytes, or records for a generated one).
fn read_one(input: Input, sink: &mut super::Sink<'_>) -> Result<u64, FileError> {
    match (input.source, input.format) {
        (Source::Generated(mut generator), _) => {
            let mut n = 0;
            while let Some(invoice) = generator.next_invoice()? {
                n += 1;
                sink(Parsed {
                    line: n,
                    offset: n,
                    result: Ok(Record::Issue(Box::new(invoice))),
                })?;
            }
            Ok(n)
        }
        (Source::Stdin, Format::Jsonl) => jsonl::parse(std::io::stdin().lock(), sink).map(|()| 0),
        (Source::File(path), Format::Jsonl) => {
            let file = std::fs::File::open(path)?;
            let size = file.metadata()?.len();
            jsonl::parse(BufReader::with_capacity(1 << 20, file), sink)?;
            Ok(size)
        }
        (source, Format::Mig) => {
            let mut data = Vec::new();
            match source {
                Source::File(path) => std::fs::File::open(path)?.read_to_end(&mut data)?,
                _ => std::io::stdin().lock().read_to_end(&mut data)?,
            };
            mig::parse(&data, sink)?;
            Ok(data.len() as u64)
        }
    }
}

/// Files one parsed record into the batch.
fn add(
    batch: &mut Batch,
    known: &mut HashMap<BusinessId, (String, String)>,
    file: usize,
    format: Format,
    parsed: Parsed,
) {
    let line = parsed.line;
    match parsed.result {
        Err(rejection) => batch.rejections.push((file, rejection)),
        Ok(Record::Issue(issue)) => {
            let number_field = match format {
                Format::Jsonl => "number",
                Format::Mig => "Main/InvoiceNumber",
            };
            // The invoice keeps its seller's name and address as uploaded; the sellers table
            // holds the latest (and the QR seed key).
            let s = &issue.header.seller;
            let seller = Seller {
                ban: s.id,
                name: s.name.clone(),
                address: s.address.clone(),
                qr_seed_key: None,
            };
            let fresh = known
                .get(&seller.ban)
                .is_none_or(|(name, address)| *name != seller.name || *address != seller.address);
            if fresh {
                known.insert(seller.ban, (seller.name.clone(), seller.address.clone()));
                batch.sellers.push(seller);
            }
            batch.invoices.push(*issue);
            batch.invoice_origins.push(Origin {
                file,
                line,
                number_field,
            });
        }
        Ok(Record::Status(change)) => {
            let number_field = match (format, change.status) {
                (Format::Jsonl, _) => "number",
                (Format::Mig, InvoiceStatus::Cancelled) => "CancelInvoiceNumber",
                (Format::Mig, _) => "VoidInvoiceNumber",
            };
            batch.changes.push(change);
            batch.change_origins.push(Origin {
                file,
                line,
                number_field,
            });
        }
    }
}

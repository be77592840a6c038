//! What an import tells its user: the problems (on stderr and in the `--report` file) and the
//! closing summary.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use serde::Serialize;

use super::Rejection;

/// A record that was not imported as it stands: rejected, a conflict, or a status change for
/// an invoice that is not stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file.
    pub file: String,
    /// The line (1-based; 0 when the whole file is concerned).
    pub line: u64,
    /// The field, as the file names it.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

impl Problem {
    /// `rejection`, found in `file`.
    pub fn new(file: &str, rejection: Rejection) -> Self {
        Self {
            file: file.to_owned(),
            line: rejection.line,
            field: rejection.field,
            reason: rejection.reason,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.field, self.reason
        )
    }
}

/// What happened, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Records read, good or bad.
    pub read: u64,
    /// Invoices stored.
    pub inserted: u64,
    /// Records already stored as they are (invoices, void/cancel already applied).
    pub unchanged: u64,
    /// Invoices whose number and period hold a different stored invoice.
    pub conflicts: u64,
    /// Records refused (bad fields, unreadable rest of a file, void/cancel of an unknown invoice).
    pub rejected: u64,
    /// Invoices voided.
    pub voided: u64,
    /// Invoices cancelled.
    pub cancelled: u64,
    /// Wall time.
    pub elapsed: Duration,
}

impl Tally {
    /// Whether every record went in (or was already in).
    pub fn all_good(&self) -> bool {
        self.rejected == 0 && self.conflicts == 0
    }

    /// Records per second.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.read as f64 / secs
        } else {
            0.0
        }
    }

    /// The summary, one `name: value` per line.
    pub fn summary(&self) -> String {
        format!(
            "read: {}\ninserted: {}\nunchanged: {}\nconflicts: {}\nrejected: {}\nvoided: {}\n\
             cancelled: {}\nelapsed: {:.2}s\ninvoices/s: {:.0}\n",
            self.read,
            self.inserted,
            self.unchanged,
            self.conflicts,
            self.rejected,
            self.voided,
            self.cancelled,
            self.elapsed.as_secs_f64(),
            self.rate()
        )
    }
}

/// How many problems are printed to stderr before the rest go only to the report.
pub const SHOWN: usize = 20;

/// Writes problems: the first [`SHOWN`] to stderr, all to the report file (JSON Lines).
#[derive(Debug)]
pub struct ProblemLog {
    report: Option<std::io::BufWriter<std::fs::File>>,
    /// Problems seen.
    pub count: u64,
}

impl ProblemLog {
    /// A log writing the report to `path`, if given (created or truncated now).
    pub fn create(path: Option<&Path>) -> anyhow::Result<Self> {
        let report = match path {
            Some(p) => Some(std::io::BufWriter::new(
                std::fs::File::create(p).with_context(|| format!("--report {}", p.display()))?,
            )),
            None => None,
        };
        Ok(Self { report, count: 0 })
    }

    /// Records one problem.
    pub fn push(&mut self, problem: Problem) -> anyhow::Result<()> {
        self.count += 1;
        if self.count <= SHOWN as u64 {
            eprintln!("{problem}");
        }
        if let Some(out) = &mut self.report {
            serde_json::to_writer(&mut *out, &problem).context("writing the report")?;
            out.write_all(b"\n").context("writing the report")?;
        }
        Ok(())
    }

    /// Flushes the report and says where the rest of the problems are.
    pub fn finish(mut self, path: Option<&Path>) -> anyhow::Result<()> {
        if let Some(out) = &mut self.report {
            out.flush().context("writing the report")?;
        }
        if self.count > SHOWN as u64 {
            let hidden = self.count - SHOWN as u64;
            match path {
                Some(p) => eprintln!(
                    "… and {hidden} more problems, all listed in {}",
                    p.display()
                ),
                None => {
                    eprintln!("… and {hidden} more problems (list them all with --report FILE)")
                }
            }
        }
        Ok(())
    }
}

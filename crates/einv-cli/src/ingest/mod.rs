//! Reading invoice files: JSON Lines ([`jsonl`]) and MOF MIG XML ([`mig`]), each record checked
//! through the domain types ([`validate`]) into what the store takes.
//!
//! Parsing is input handling and lives here, at the edge; `einv-core` stays pure domain. A
//! parser pushes one [`Parsed`] per record to a sink: either a [`Record`] ready to store or a
//! [`Rejection`] naming the line, the field (as the file spells it) and the reason. A bad record
//! never stops the file; only a file that cannot be read (or XML that stops being XML) does.

use std::path::Path;

use einv_core::Invoice;
use einv_store::StatusChange;

pub mod issued;
pub mod jsonl;
pub mod mig;
pub mod pipeline;
pub mod properties;
pub mod report;
pub mod validate;

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// JSON Lines: one invoice (or void/cancel message) per line (docs/import.md).
    Jsonl,
    /// MOF MIG XML: F0401/F0501/F0701 (and C0401/C0501/C0701) messages.
    Mig,
}

impl Format {
    /// The format a file's extension names: `.jsonl`/`.ndjson`/`.json` or `.xml`.
    pub fn guess(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" | "json" => Some(Self::Jsonl),
            "xml" => Some(Self::Mig),
            _ => None,
        }
    }
}

/// One good record.
#[derive(Debug, Clone)]
pub enum Record {
    /// An issued invoice (its seller as the invoice names it).
    Issue(Box<Invoice>),
    /// A cancel or void message.
    Status(StatusChange),
}

/// A record that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejection {
    /// The line in the file (1-based).
    pub line: u64,
    /// The field, as the file names it (`sellerBan`, `Main/Seller/Identifier` …).
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

impl Rejection {
    /// A rejection at `line`.
    pub fn new(line: u64, field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            line,
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// What a parser yields for one record.
#[derive(Debug)]
pub struct Parsed {
    /// The line the record starts on (1-based).
    pub line: u64,
    /// How far into the file the parser has read, in bytes (for progress).
    pub offset: u64,
    /// The record, or why it was rejected.
    pub result: Result<Record, Rejection>,
}

/// Where parsers push records. Returning an error stops the parse (the consumer went away).
pub type Sink<'a> = dyn FnMut(Parsed) -> anyhow::Result<()> + 'a;

/// Why a whole file (from some point on) could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Reading failed.
    #[error("reading failed: {0}")]
    Io(#[from] std::io::Error),
    /// The sink refused more records.
    #[error(transparent)]
    Sink(#[from] anyhow::Error),
    /// The file stops being well-formed at `line`; the records before it were read.
    #[error("line {line}: {reason}")]
    Syntax {
        /// Where.
        line: u64,
        /// What.
        reason: String,
    },
}

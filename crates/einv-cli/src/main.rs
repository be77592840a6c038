//! The `einv` binary: a thin `main` that parses arguments and runs one command.
//!
//! Every command returns `anyhow::Result`; an error prints one clear message to stderr and exits
//! non-zero. Commands live one per file under `commands/`.

use std::process::ExitCode;

use clap::Parser;
use einv_cli::{ingest, synth};

mod commands;
mod logging;
mod options;
mod settings;

/// mimalloc instead of glibc's malloc: with many worker threads allocating per request, glibc's
/// arena locks showed as a fifth of the server's CPU under load (docs/hot-path.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = commands::Cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("einv: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

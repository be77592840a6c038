//! `einv import` (being written).

use std::process::ExitCode;

/// Arguments of `einv import`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `einv import`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet")
}

//! `einv prize` (being written).

use std::process::ExitCode;

/// Arguments of `einv prize`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `einv prize`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet")
}

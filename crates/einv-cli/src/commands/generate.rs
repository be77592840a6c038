//! `einv generate` (being written).

use std::process::ExitCode;

/// Arguments of `einv generate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `einv generate`.
pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet")
}

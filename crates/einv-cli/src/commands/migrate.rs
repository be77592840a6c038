//! `einv migrate`: bring the database schema up to date (PostgreSQL is never migrated by
//! `serve`; the embedded SQLite default is).

use std::process::ExitCode;

use anyhow::Context;
use einv_server::startup;

use crate::options::PlatformOptions;

/// Runs `einv migrate`.
pub fn run(options: PlatformOptions) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        startup::open_store(&options.config()?, true).await?;
        println!("database schema is up to date");
        Ok(ExitCode::SUCCESS)
    })
}

//! One module per command.

use std::process::ExitCode;

use crate::cli::{Cli, Command};

pub mod admin;
pub mod audit;
pub mod demo;
pub mod generate;
pub mod import;
pub mod migrate;
pub mod prize;
pub mod qr;
pub mod serve;
pub mod validate;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate(args) => validate::run(args),
        Command::Prize(args) => prize::run(args),
        Command::Qr(args) => qr::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Migrate(options) => migrate::run(options),
        Command::Import(args) => import::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Admin(args) => admin::run(args),
    }
}

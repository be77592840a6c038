//! The command line as clap types, and one module per command. Script-facing shapes are kept
//! stable: `einv validate ban|invoice|carrier|love-code VALUE`, `einv prize --winning FILE
//! NUMBER…`, `einv qr decode TEXT`, each with `--json`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::options::PlatformOptions;

pub mod admin;
pub mod audit;
pub mod config;
pub mod demo;
pub mod generate;
pub mod import;
pub mod migrate;
pub mod prize;
pub mod qr;
pub mod serve;
pub mod validate;

/// einv: Taiwan e-invoice platform, sandbox and tools.
#[derive(Debug, Parser)]
#[command(name = "einv", version, about)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a business ID, invoice number, carrier or love code.
    Validate(validate::Args),
    /// Check invoice numbers against a period's winning numbers.
    Prize(prize::Args),
    /// Decode or encode proof-copy QR codes.
    #[command(subcommand)]
    Qr(qr::QrCommand),
    /// Run the Platform (`--demo` seeds demo data and prints credentials).
    Serve(serve::Args),
    /// Demo data.
    #[command(subcommand)]
    Demo(demo::Action),
    /// Bring the database schema up to date.
    Migrate(PlatformOptions),
    /// Import invoices (JSON Lines, MOF MIG XML) or a period's winning numbers.
    #[command(subcommand)]
    Import(import::What),
    /// Write a synthetic data set of any size.
    Generate(generate::Args),
    /// Verify, purge or show the tamper-evident audit trail (R5.3, R6.4).
    #[command(subcommand)]
    Audit(audit::Action),
    /// Operator commands: reviewers, registry events, terms, announcements, terminations,
    /// background jobs.
    Admin(admin::Args),
    /// Check the configuration (`--config FILE`, EINV_* variables, flags) and print it.
    #[command(subcommand)]
    Config(config::Action),
}

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
        Command::Config(args) => config::run(args),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn the_server_key_never_shows_in_debug() {
        use clap::Parser;
        // A secret passed on the command line must not reach logs through `Debug`.
        let key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let cli = super::Cli::try_parse_from(["einv", "migrate", "--server-key", key])
            .expect("migrate parses");
        assert!(!format!("{cli:?}").contains(key));
    }
}

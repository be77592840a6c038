//! The einv-cli integration tests: one binary, one module per command family, each running the
//! built `einv` binary as a user would.

#![allow(clippy::unwrap_used)]

mod audit_cli;
mod import_cli;
mod prize_cli;
mod validate_qr_cli;

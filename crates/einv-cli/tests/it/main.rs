//! The einv-cli integration tests: one binary, one module per command family, each running the
//! built `einv` binary as a user would.

#![allow(clippy::unwrap_used)]

mod admin_cli;
mod admin_redirect_cli;
mod audit_cli;
mod cluster;
mod cluster_jobs;
/// The server's test harness (a running app with a licensed app and a consenting User).
#[path = "../../../einv-server/tests/it/common/mod.rs"]
mod common;
mod config_cli;
mod corpus;
mod crash_cli;
mod flow_cluster;
mod import_cli;
mod import_kill_pg;
mod logs_cli;
mod prize_cli;
mod process;
mod validate_qr_cli;

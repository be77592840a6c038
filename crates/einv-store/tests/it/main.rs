//! The einv-store integration tests: one binary, one module per area, each test run against
//! both backends (SQLite and PostgreSQL).

#![allow(clippy::unwrap_used)]

mod audit_store;
mod consent_store;
mod hot_read_store;
mod licensing_store;
mod migration_data;
mod partitions;
mod store_suite;
mod test_db;
mod typed_kinds;
mod typed_rows;

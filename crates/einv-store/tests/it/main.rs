//! The einv-store integration tests: one binary, one module per area, each test run against
//! both backends (SQLite and PostgreSQL).

#![allow(clippy::unwrap_used)]

mod audit_blocking;
mod audit_store;
mod audit_tip;
mod bulk_store;
mod consent_store;
mod fixtures;
mod flow_store;
mod hot_read_store;
mod invoice_feed;
mod invoice_store;
mod jobs_store;
mod licensing_store;
mod migration_data;
mod partitions;
mod people_store;
mod test_db;
mod typed_kinds;
mod typed_rows;
mod winners_store;

/// `text` as an AppID (the fixtures' AppIDs are all valid ones).
pub fn app(text: &str) -> einv_core::AppId {
    einv_core::AppId::parse(text).unwrap()
}

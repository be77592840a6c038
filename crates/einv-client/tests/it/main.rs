//! The client and the kit against a live einv Platform started in the test: the real server on
//! a random port, a fresh SQLite database, the demo data set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;
mod kit_live;
mod oauth;
mod v1;
mod v2;

//! The einv Platform: the v1 MOF-compatible API, the services behind it, and the web pages.
//!
//! Data flows one way: HTTP → handler (`http/`) → service (`services/`) → store.

pub mod error;
pub mod http;
pub mod services;
pub mod startup;
#[cfg(feature = "test-support")]
pub mod testing;

pub use http::{router, AppState};
pub use services::{demo, Platform};

//! # einv-client
//!
//! (guide written below)
#![warn(missing_docs)]

mod config;
mod display;
mod error;
pub mod kit;
pub mod platform;
pub mod retry;
pub mod sandbox;
mod transport;
pub mod v1;

pub use config::{ApiKey, ClientConfig, MOF_BASE_URL};
pub use display::ShownNumber;
pub use error::{Error, Result};
pub use kit::{ComplianceKit, SqliteKitStore};
pub use platform::PlatformClient;
pub use retry::{Idempotency, RetryPolicy};
pub use v1::{CarrierCredentials, ProofCopy, V1Client};

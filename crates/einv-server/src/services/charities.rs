//! Charities and their love codes.

use einv_store::Charity;

use super::Platform;
use crate::error::{ServiceError, ServiceResult};

/// At most this many charities per search.
const SEARCH_LIMIT: i64 = 100;

impl Platform {
    /// Charities matching `key` (love code, business ID or name).
    pub async fn search_charities(&self, key: &str) -> ServiceResult<Vec<Charity>> {
        if key.trim().is_empty() {
            return Err(ServiceError::Invalid(einv_core::InvalidValue::new(
                "query",
                "a love code, business ID or name to search for is required",
            )));
        }
        Ok(self.store.search_charities(key, SEARCH_LIMIT).await?)
    }
}

//! v1's own failures: the protocol's (a malformed period, an unknown query type, timestamps
//! outside the window, a wrong signature) beside the use cases' [`ServiceError`]s. Only v1
//! speaks MOF codes; `reply::mof_code` maps both in one place.

use einv_core::InvalidValue;

use crate::error::ServiceError;

/// Why a v1 call failed.
#[derive(Debug)]
pub enum V1Error {
    /// The period parameter is malformed (902).
    BadPeriod(InvalidValue),
    /// The `type` of an invoice query is neither `QRCode` nor `Barcode` (904).
    BadQueryType(String),
    /// `timeStamp`/`expTimeStamp` outside the accepted window (951).
    Timestamp(String),
    /// The `signature` is missing or wrong (954).
    BadSignature(String),
    /// A use case refused or failed.
    Use(ServiceError),
}

impl From<ServiceError> for V1Error {
    fn from(e: ServiceError) -> Self {
        Self::Use(e)
    }
}

impl From<InvalidValue> for V1Error {
    fn from(e: InvalidValue) -> Self {
        Self::Use(ServiceError::Invalid(e))
    }
}

/// Result of a v1 action.
pub type V1Result<T> = Result<T, V1Error>;

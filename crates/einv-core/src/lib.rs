//! The e-invoice domain, pure: no I/O, no async.
//!
//! One module per concept. Every type validates on construction, so an invalid invoice number,
//! period or business ID cannot exist past the boundary that parsed it.

pub mod audit;
pub mod barcode;
pub mod business_id;
pub mod carrier;
pub mod claim;
pub mod clock;
pub mod consent;
mod error;
pub mod flow;
pub mod httpsig;
pub mod ids;
pub mod invoice;
pub mod invoice_number;
pub mod licence;
pub mod love_code;
pub mod money;
pub mod notice;
pub mod period;
pub mod prize;
pub mod service;
#[doc(hidden)]
pub mod text;
pub mod verification_code;
pub mod wire;

pub use business_id::BusinessId;
pub use carrier::{Carrier, CarrierType, MobileBarcode};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{InvalidValue, ProblemKind};
pub use ids::{
    AppId, ApplicationId, DeletionRequestId, DeveloperId, GrantId, LicenceId, ReviewerId, UserId,
};
pub use invoice::{Invoice, InvoiceDraft, InvoiceStatus};
pub use invoice_number::{InvoiceNumber, ShownNumber};
pub use love_code::LoveCode;
pub use money::Ntd;
pub use period::Period;
pub use service::Service;
pub use verification_code::VerificationCode;

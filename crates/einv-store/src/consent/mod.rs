//! Consent: the grants and the OAuth codes and tokens that carry them (`grants`), deletion
//! requests and User notifications (`requests`), and their records (`records`).

mod grants;
pub mod records;
mod requests;

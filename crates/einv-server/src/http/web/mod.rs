//! Server-rendered web pages (maud): usable without JavaScript, readable on a phone, in
//! Traditional Chinese with English. Each audience has its own module and its own role.

pub mod layout;
pub mod session;
pub mod user;

pub use layout::{page, Lang};
pub use session::{Role, WebError, WebSession};

//! Licensing: Developer and reviewer accounts with their applications (`accounts`), licences
//! and their history (`licences`), terms, announcements and notices (`notices`), and the
//! records these read and write (`records`).

mod accounts;
mod licences;
mod notices;
pub mod records;
pub mod review;

//! v1: the Ministry's app API, path for path and field for field
//! (docs/v1-compatibility.md).

use axum::extract::State;
use axum::routing::any;
use axum::Router;

use super::AppState;
use once::answered_once;
use params::V1Params;

mod aggregate;
mod blank;
mod blank_form;
mod blank_session;
mod carrier_json;
mod donate;
pub mod error;
mod fields;
mod gate;
pub mod invapp;
mod invoice_json;
mod invserv;
mod lovecode;
mod once;
pub mod params;
pub mod reply;

/// An endpoint's `handle` through [`answered_once`] (a repeated signed call gets its first
/// answer), as a handler.
macro_rules! once {
    ($handle:path) => {
        |s: State<AppState>, p: V1Params| answered_once(s, p, $handle)
    };
}

/// The v1 routes. Clients POST (spec v1.7); GET is accepted too, as older clients send it.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/PB2CAPIVAN/invapp/InvApp", any(once!(invapp::handle)))
        .route(
            "/PB2CAPIVAN/loveCodeapp/qryLoveCode",
            any(once!(lovecode::handle)),
        )
        .route("/PB2CAPIVAN/invServ/InvServ", any(once!(invserv::handle)))
        .route("/PB2CAPIVAN/CarInv/Donate", any(once!(donate::handle)))
        .route(
            "/PB2CAPIVAN/Carrier/Aggregate",
            any(once!(aggregate::handle)),
        )
}

/// The blank pages (HTML for the User's browser; flow control counts them with the web pages).
pub fn blank_routes() -> Router<AppState> {
    blank::routes()
}

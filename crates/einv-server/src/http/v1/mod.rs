//! v1: the Ministry's app API, path for path and field for field
//! (docs/v1-compatibility.md).

use axum::routing::any;
use axum::Router;

use super::AppState;

mod aggregate;
mod blank;
mod blank_session;
mod donate;
pub mod error;
mod fields;
mod gate;
mod invapp;
mod invoice_json;
mod invserv;
mod lovecode;
pub mod params;
pub mod reply;

/// The v1 routes. Clients POST (spec v1.7); GET is accepted too, as older clients send it.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/PB2CAPIVAN/invapp/InvApp", any(invapp::handle))
        .route("/PB2CAPIVAN/loveCodeapp/qryLoveCode", any(lovecode::handle))
        .route("/PB2CAPIVAN/invServ/InvServ", any(invserv::handle))
        .route("/PB2CAPIVAN/CarInv/Donate", any(donate::handle))
        .route("/PB2CAPIVAN/Carrier/Aggregate", any(aggregate::handle))
        .merge(blank::routes())
}

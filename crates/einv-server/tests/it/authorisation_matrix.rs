//! The authorisation matrix (issue #9): every route the router serves, called as every kind of
//! caller it must refuse — nobody, an unknown AppID, a suspended app, a key that is not the
//! app's, another developer, another User, the wrong role — and as the one it must admit.
//!
//! The routes are read from the source of `src/http` (each `.route("…", get(…).post(…))`, the
//! blank pages' names, the v1 actions each handler matches), and the test fails when the
//! router has a route the matrix has no row for, or the matrix a row the router lacks: a route
//! added later must say who may call it.
//!
//! One module per part: `rows.rs` (the table, by surface), `declared.rs` (the routes read from
//! the source), `world.rs` (the callers), `pages.rs` (the web pages' checks), `app_routes.rs`,
//! `v1_routes.rs`, `oauth_v2_routes.rs` (the app surfaces' checks), `apps.rs` (the licensed
//! apps in every state).

use crate::common::*;

mod app_routes;
mod apps;
mod declared;
mod oauth_v2_routes;
mod pages;
mod rows;
mod v1_routes;
mod world;

use declared::{declared_routes, matrix_routes};
use world::World;

both_backends!(every_route_admits_exactly_its_callers);

/// Who a route admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone (public pages, sign-in forms, probes, the v2 catch-all's 404).
    Open,
    /// The operator: a caller on the Platform's own host, or with the metrics token (issue #9;
    /// `ops.rs` `metrics_answer_this_host_or_the_token_only` calls it from elsewhere).
    Operator,
    /// A developer's session; another role is sent to the developer sign-in.
    Developer,
    /// A developer's session, for a licence of theirs (`{id}`): another developer is refused.
    DevelopersLicence,
    /// A reviewer's session.
    Reviewer,
    /// A User's session.
    User,
    /// A User's session, for a consent of theirs (`{id}`): another User is refused.
    UsersConsent,
    /// A User's session, for a request (receipt) of theirs (`{id}`): another User is refused.
    UsersRequest,
    /// A live app calling a v1 action (signed when the action is).
    V1(&'static str),
    /// A live app opening a blank page, with the User's carrier and code where the page needs them.
    Blank,
    /// A live app's OAuth authorisation request.
    OAuthAuthorize,
    /// A live app authenticating with its APIKey (`/oauth/token`, `/oauth/introspect`).
    OAuthClient,
    /// A v2 request signed by a live app.
    V2App,
    /// A v2 request signed by a live app carrying a User's consent token.
    V2User,
    /// A v2 request signed with the key of an app whose licence has ended (R11's destruction
    /// confirmation): refused to the unsigned, the unknown, the wrong key and the live apps;
    /// the terminated app is admitted (201).
    V2EndedApp,
}

/// An AppID no one was issued.
const NOBODY: &str = "EINVNOBODY0001";
/// A key that is not the test app's (a rotated-away or made-up key).
const WRONG_KEY: &str = "not-the-key-of-this-app-0000000";

async fn every_route_admits_exactly_its_callers(app: &TestApp) {
    let (declared, rows) = (declared_routes(), matrix_routes());
    assert!(
        declared.len() > 80,
        "the source scan found the routes: {declared:?}"
    );
    let unlisted: Vec<_> = declared.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&declared).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "routes without a matrix row: {unlisted:?}; rows without a route: {stale:?}"
    );
    let world = World::new(app).await;
    for &(method, path, access) in rows::all() {
        world.check(method, path, access).await;
    }
}

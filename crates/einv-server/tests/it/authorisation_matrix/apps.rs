//! The licensed apps the matrix calls as, beside the fixture's (an app the operator made,
//! outside the licence regime): one live app, and one in each state the one authority must
//! refuse — a key rotated away, a licence expired, terminated, or without the service called.
//!
//! Each is prepared as the fixture's app is (the fixture User's consent to every service, the
//! redirect URI, unsigned v1 calls allowed, consent tokens issued while it was live), so when
//! one is refused it is for its state: the live app, prepared the same way, is admitted on
//! every route the fixture's app is.

use einv_core::AppId;
use std::collections::BTreeMap;

use chrono::Duration;
use einv_core::consent::{ConsentGrant, ConsentRequest};
use einv_core::{Clock, Service};
use einv_server::services::standard_consent;

use crate::common::{TestApp, BARCODE};
use crate::licensing::{licensed_for, open_every_surface, terminate_for_scraping, Licensed};
use crate::v2_api::token_for;

/// An app as a caller: its AppID, the key it signs with, and the fixture User's consent
/// tokens (by scope) issued to it while it was live.
#[derive(Debug, Clone)]
pub struct Caller {
    pub app_id: AppId,
    pub key: String,
    pub tokens: BTreeMap<&'static str, String>,
}

impl Caller {
    fn of(l: &Licensed) -> Self {
        Self {
            app_id: l.creds.app_id.clone(),
            key: l.creds.api_key.clone(),
            tokens: BTreeMap::new(),
        }
    }

    /// The token for `scope`, if one was issued.
    pub fn token(&self, scope: &str) -> Option<&str> {
        self.tokens.get(scope).map(String::as_str)
    }
}

/// Why a caller must be refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dead {
    /// A key rotated away, after its grace period ended (R4.1).
    RotatedAway,
    /// A licence whose term has ended (R4.7c).
    Expired,
    /// A terminated licence (R10.3, R11).
    Terminated,
    /// A live app not licensed for the service the route serves (R4.5).
    WithoutService,
}

/// The licensed apps.
pub struct Apps {
    /// Licensed for every service, its key rotated with no grace: `live` holds the new key.
    pub live: Caller,
    /// The live app's old key.
    pub rotated_away: Caller,
    /// Licensed for every service three years and a week before the fixture's day: the clock
    /// has moved past its term's end.
    pub expired: Caller,
    /// Licensed for every service, then terminated.
    pub terminated: Caller,
    /// Live, licensed for winning numbers only.
    pub only_winning: Caller,
    /// Live, licensed for invoice lookup only.
    pub only_lookup: Caller,
}

/// The scopes a consent token is issued for (one per v2 User route's service).
const SCOPES: [&str; 3] = ["carrier-invoices", "donation", "carrier-aggregation"];

impl Apps {
    /// Must run before the test's first HTTP request: the expired app is licensed with the
    /// clock set back, and flow control must not see the clock go back after a request.
    pub async fn new(app: &TestApp) -> Self {
        let every = Service::ALL.map(Service::as_str);
        let today = app.clock.now();
        // R4.7c: a term is three years; approved this long ago, it ended a week ago.
        app.clock.set(today - Duration::days(3 * 365 + 8));
        let expiring = prepared(app, "expired@example.com", &every).await;
        app.clock.set(today);
        let live = prepared(app, "live@example.com", &every).await;
        let mut rotated_away = Caller::of(&live);
        rotated_away.tokens = tokens(app, &rotated_away).await;
        let new = app
            .platform
            .rotate_key(live.developer, live.licence, 0)
            .await
            .unwrap();
        let live = Caller {
            app_id: new.app_id,
            key: new.api_key,
            tokens: rotated_away.tokens.clone(),
        };
        // No tokens: they would have lapsed with the licence.
        let expired = Caller::of(&expiring);
        let ending = prepared(app, "terminated@example.com", &every).await;
        let mut terminated = Caller::of(&ending);
        terminated.tokens = tokens(app, &terminated).await;
        terminate_for_scraping(app, &ending).await;
        let winning = prepared(app, "winning@example.com", &["winning-numbers"]).await;
        let lookup = prepared(app, "lookup@example.com", &["invoice-lookup"]).await;
        Self {
            live,
            rotated_away,
            expired,
            terminated,
            only_winning: Caller::of(&winning),
            only_lookup: Caller::of(&lookup),
        }
    }

    /// The refused callers for a route serving `service` (`None`: any licensed app); a key
    /// rotated away only where a key is `keyed` (elsewhere the AppID alone is presented).
    pub fn dead(&self, service: Option<Service>, keyed: bool) -> Vec<(Dead, &Caller)> {
        let mut dead = vec![
            (Dead::Expired, &self.expired),
            (Dead::Terminated, &self.terminated),
        ];
        if keyed {
            dead.push((Dead::RotatedAway, &self.rotated_away));
        }
        match service {
            Some(Service::WinningNumbers) => dead.push((Dead::WithoutService, &self.only_lookup)),
            Some(_) => dead.push((Dead::WithoutService, &self.only_winning)),
            None => {}
        }
        dead
    }
}

/// A licence for `services`, set up as the fixture's app is.
async fn prepared(app: &TestApp, email: &str, services: &[&str]) -> Licensed {
    let l = licensed_for(app, email, services).await;
    let store = app.store();
    let user = app.user(BARCODE).await;
    let consent = ConsentRequest::parse(&standard_consent(&Service::ALL)).unwrap();
    let grant = ConsentGrant::give(consent, app.clock.now());
    store
        .insert_consent_grant(user.id, &l.creds.app_id, &grant, None)
        .await
        .unwrap();
    open_every_surface(app, &l).await;
    l
}

async fn tokens(app: &TestApp, caller: &Caller) -> BTreeMap<&'static str, String> {
    let mut tokens = BTreeMap::new();
    for scope in SCOPES {
        let token = token_for(app, &caller.app_id, &caller.key, scope).await;
        tokens.insert(scope, token);
    }
    tokens
}

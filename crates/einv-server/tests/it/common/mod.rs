//! Test harness: the real app on a random port, against a fresh real database, with an
//! injected clock; a client that signs like a MOF client; a small fixture data set.

#![allow(dead_code)]

mod fixture;
mod v2;
pub mod web;

// Not every binary that includes this harness signs v2 requests (the CLI's does not).
#[allow(unused_imports)]
pub use v2::{fresh_nonce, hmac_signer, sign_onto, v2_request, v2_request_with};
// The fixture's draw, for a test that publishes a correction of it.
#[allow(unused_imports)]
pub use fixture::draw_11510;

use std::sync::Arc;

use base64::Engine;
use chrono::{DateTime, TimeZone, Utc};
use einv_core::claim::HolidayCalendar;
use einv_core::clock::taipei;
use einv_core::FixedClock;
use einv_server::services::KeySealer;
use einv_server::Platform;
pub use einv_store::testing::invoice;
use einv_store::testing::TestDb;
use einv_store::*;
use hmac::Mac;
use serde_json::Value;

pub const APP_ID: &str = "EINVTEST000001";

/// [`APP_ID`] as the AppID type the store and services take.
pub fn app_id() -> einv_core::AppId {
    einv_core::AppId::parse(APP_ID).unwrap()
}
pub const API_KEY: &str = "test-api-key-0123456789abcdef";
pub const BARCODE: &str = "/AB12+-.";
pub const CODE: &str = "Code1234";
pub const EASYCARD: &str = "0000111122223333";
pub const EASYCARD_HIDDEN: &str = "H0000111122223333";
pub const REDIRECT_URI: &str = "https://app.example/callback";
pub const SEED_KEY: &str = "FE05F029154F6AA67A78B338ED2F6601";

/// 2026-11-27 10:00 Taipei: period 11512 is open, 11510 was drawn on 2026-11-25.
pub fn start_time() -> DateTime<Utc> {
    taipei()
        .with_ymd_and_hms(2026, 11, 27, 10, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

pub struct TestApp {
    pub base: String,
    pub clock: FixedClock,
    pub platform: Arc<Platform>,
    pub http: reqwest::Client,
    /// The same database the Platform uses, for tests that arrange or inspect rows directly
    /// (the Platform keeps its own store private).
    store: Store,
    db: Option<TestDb>,
}

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |p| p).await
    }

    /// Spawns with the platform adjusted by `adjust` (flow control, …) before serving.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(Platform) -> Platform) -> Self {
        let db = match backend {
            Backend::Sqlite => TestDb::sqlite().await.unwrap(),
            Backend::Postgres => TestDb::postgres().await.unwrap(),
        };
        let clock = FixedClock::new(start_time());
        let platform = Arc::new(adjust(Platform::new(
            db.store.clone(),
            Arc::new(clock.clone()),
            KeySealer::new(&[9; 32]),
            HolidayCalendar::builtin(),
        )));
        let base = einv_server::testing::serve_on_free_port(platform.clone())
            .await
            .unwrap();
        let app = Self {
            base,
            clock,
            platform,
            http: reqwest::Client::new(),
            store: db.store.clone(),
            db: Some(db),
        };
        app.seed().await;
        app
    }

    pub async fn stop(mut self) {
        if let Some(db) = self.db.take() {
            db.drop_db().await;
        }
    }

    /// The URL of this test's database, for tests that must reach it directly (e.g. to tamper
    /// with the audit trail).
    pub fn db_url(&self) -> &str {
        self.db.as_ref().map(|d| d.url.as_str()).unwrap_or_default()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The registered User holding mobile barcode `barcode`.
    pub async fn user(&self, barcode: &str) -> UserRecord {
        let barcode: einv_core::MobileBarcode = barcode.parse().unwrap();
        let found = self.store.find_user_by_barcode(&barcode).await.unwrap();
        found.unwrap_or_else(|| panic!("no User holds {barcode}"))
    }

    pub fn now_unix(&self) -> i64 {
        use einv_core::Clock;
        self.clock.now().timestamp()
    }

    /// POSTs `params` as a form body to `path`, returning the JSON reply.
    pub async fn post(&self, path: &str, params: &[(&str, String)]) -> Value {
        self.post_full(path, params).await.1
    }

    /// POSTs `params` as a form body to `path`, returning the headers and the JSON reply.
    pub async fn post_full(
        &self,
        path: &str,
        params: &[(&str, String)],
    ) -> (reqwest::header::HeaderMap, Value) {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .form(params)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "v1 replies are HTTP 200");
        let headers = res.headers().clone();
        (headers, res.json().await.unwrap())
    }

    /// POSTs with every parameter in the query string, unencoded, as some clients do.
    pub async fn post_raw_query(&self, path: &str, params: &[(&str, String)]) -> Value {
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let url = format!("{}{path}?{}", self.base, query.join("&"));
        self.http.post(url).send_json().await
    }

    /// Opens a pre-session form page (`/me/login`, `/me/register` …): its form cookie
    /// (`name=value`) and the CSRF token the form carries, to POST as a browser would.
    pub async fn form_token(&self, path: &str) -> (String, String) {
        web::form_of(self.http.get(self.url(path)).send_ok().await).await
    }

    /// The absolute URL of `path` on this app.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GETs `path`, returning the JSON reply whatever its status.
    pub async fn get_json(&self, path: &str) -> Value {
        self.http.get(self.url(path)).send_json().await
    }

    /// GETs `path`, returning the body as text whatever its status.
    pub async fn get_text(&self, path: &str) -> String {
        self.http.get(self.url(path)).send_text().await
    }

    /// POSTs `form` to `path`, returning the JSON reply whatever its status.
    pub async fn post_json(&self, path: &str, form: &[(&str, &str)]) -> Value {
        self.http.post(self.url(path)).form(form).send_json().await
    }

    /// GETs `path` as the fixture app (HTTP Basic with its APIKey), returning the JSON reply.
    pub async fn get_json_as_app(&self, path: &str) -> Value {
        self.http
            .get(self.url(path))
            .basic_auth(APP_ID, Some(API_KEY))
            .send_json()
            .await
    }

    /// POSTs `form` to `path` as the fixture app (HTTP Basic with its APIKey), returning the
    /// JSON reply.
    pub async fn post_json_as_app(&self, path: &str, form: &[(&str, &str)]) -> Value {
        self.http
            .post(self.url(path))
            .basic_auth(APP_ID, Some(API_KEY))
            .form(form)
            .send_json()
            .await
    }

    /// carrierInvChk of the fixture User's barcode from `start` to `end` (yyyy/MM/dd), all
    /// invoices (not only the winning ones).
    pub fn carrier_list(&self, start: &str, end: &str) -> Vec<(&'static str, String)> {
        let mut params = self.carrier_params("carrierInvChk", "0.5");
        params.extend([
            ("startDate", start.to_owned()),
            ("endDate", end.to_owned()),
            ("onlyWinningInv", "N".to_owned()),
        ]);
        params
    }

    /// The parameters of a carrier call, with fresh timestamps.
    pub fn carrier_params(&self, action: &str, version: &str) -> Vec<(&'static str, String)> {
        let now = self.now_unix();
        vec![
            ("version", version.into()),
            ("action", action.into()),
            ("cardType", "3J0002".into()),
            ("cardNo", BARCODE.into()),
            ("cardEncrypt", CODE.into()),
            ("timeStamp", (now + 20).to_string()),
            ("expTimeStamp", "2147483647".into()),
            ("uuid", "test-device".into()),
            ("appID", APP_ID.into()),
        ]
    }
}

/// Asserts that `text` contains every one of `parts`, showing `text` when one is missing.
pub fn assert_contains_all(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "no {part:?} in:\n{text}");
    }
}

/// Stores an app `name` with `app_id` and `api_key`, licensed for every service: an app the
/// test makes without the licensing flow.
pub async fn store_app(platform: &Platform, name: &str, app_id: &str, api_key: &str) {
    let id = einv_core::AppId::parse(app_id).unwrap();
    platform
        .store_app(name, &einv_core::Service::ALL, &id, api_key)
        .await
        .unwrap();
}

/// Sending a request in a test: a transport failure is a broken test, so it panics here once
/// instead of in `.send().await.unwrap()…` chains at every call.
pub trait SendExt {
    /// Sends, returning the response whatever its status.
    async fn send_ok(self) -> reqwest::Response;
    /// Sends, returning the body parsed as JSON whatever the status.
    async fn send_json(self) -> Value;
    /// Sends, returning the body as text whatever the status.
    async fn send_text(self) -> String;
}

impl SendExt for reqwest::RequestBuilder {
    async fn send_ok(self) -> reqwest::Response {
        self.send().await.unwrap()
    }

    async fn send_json(self) -> Value {
        self.send().await.unwrap().json().await.unwrap()
    }

    async fn send_text(self) -> String {
        self.send().await.unwrap().text().await.unwrap()
    }
}

/// Signs like a MOF client, written here independently of the server's code: sort by name,
/// join raw `k=v` with `&`, HMAC-SHA256 with the APIKey, Base64.
pub fn sign(params: &mut Vec<(&'static str, String)>, key: &str) {
    let mut pairs: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.sort();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(pairs.join("&").as_bytes());
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    params.push(("signature", sig));
}

/// QryWinningList of `term` as `app_id` from device `uuid`, signed with `key` when there is
/// one: the call the tests of every crate make to see whether an app is served.
pub fn winning_list_call(
    term: &str,
    app_id: &str,
    uuid: &str,
    key: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut params = vec![
        ("version", "0.2".to_owned()),
        ("action", "QryWinningList".to_owned()),
        ("invTerm", term.to_owned()),
        ("UUID", uuid.to_owned()),
        ("appID", app_id.to_owned()),
    ];
    if let Some(key) = key {
        sign(&mut params, key);
    }
    params
}

pub fn set(params: &mut [(&'static str, String)], name: &str, value: &str) {
    for (k, v) in params.iter_mut() {
        if *k == name {
            *v = value.to_owned();
        }
    }
}

/// Runs each listed async test fn against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $crate::on_backend!(sqlite, Sqlite, $($name),*);
        $crate::on_backend!(postgres, Postgres, $($name),*);
    };
}

/// One `#[tokio::test]` per listed async test fn, in module `$module`, each on a fresh app
/// over `Backend::$backend`.
#[macro_export]
macro_rules! on_backend {
    ($module:ident, $backend:ident, $($name:ident),*) => {
        mod $module {
            $(#[tokio::test] async fn $name() {
                let app = $crate::common::TestApp::spawn($crate::common::Backend::$backend).await;
                super::$name(&app).await;
                app.stop().await;
            })*
        }
    };
}

//! Test harness: the real app on a random port, against a fresh real database, with an
//! injected clock; a client that signs like a MOF client; a small fixture data set.

#![allow(dead_code)]

use std::sync::Arc;

use base64::Engine;
use chrono::{DateTime, TimeZone, Utc};
use einv_core::claim::HolidayCalendar;
use einv_core::clock::taipei;
use einv_core::httpsig::{sign_request, Signer, SigningKey, Unsigned};
use einv_core::prize::WinningNumbers;
use einv_core::{FixedClock, Period, Service};
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
        let res = self.http.get(self.url(path)).send().await.unwrap();
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("einv_form="))
            .map(|v| v.split(';').next().unwrap_or_default().to_owned())
            .unwrap_or_default();
        let page = res.text().await.unwrap();
        let at = page.find("name=\"csrf\" value=\"").map(|i| i + 19).unwrap();
        (cookie, page[at..at + 64].to_owned())
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

    async fn seed(&self) {
        let p = &self.platform;
        let now = start_time();
        p.store_app("test app", &Service::ALL, &app_id(), API_KEY)
            .await
            .unwrap();
        let store = self.store();
        store
            .upsert_seller(&Seller {
                ban: "04595257".parse().unwrap(),
                name: "示範商店".into(),
                address: "台北市".into(),
                qr_seed_key: Some(SEED_KEY.into()),
            })
            .await
            .unwrap();
        store
            .upsert_charity(&Charity {
                love_code: "919".parse().unwrap(),
                ban: "10458575".into(),
                name: "創世社會福利基金會".into(),
                abbrev: "創世".into(),
            })
            .await
            .unwrap();
        let hash = p.codes.hash(CODE).unwrap();
        let user = store
            .create_user(&BARCODE.parse().unwrap(), &hash, now)
            .await
            .unwrap();
        // R5.2: the fixture User consented to the test app, so v1 carrier calls are allowed.
        // Stored directly, like the rest of the fixture, so the audit trail starts empty.
        let consent = einv_server::services::standard_consent(&Service::ALL);
        let request = einv_core::consent::ConsentRequest::parse(&consent).unwrap();
        let grant = einv_core::consent::ConsentGrant::give(request, now);
        store
            .insert_consent_grant(user.id, &app_id(), &grant, None)
            .await
            .unwrap();
        store
            .register_redirect_uri(&app_id(), REDIRECT_URI)
            .await
            .unwrap();
        let other_hash = p.codes.hash("Other999").unwrap();
        store
            .create_user(&"/OTHER01".parse().unwrap(), &other_hash, now)
            .await
            .unwrap();
        let mut batch = vec![
            invoice(
                "AB00000001",
                (2026, 11, 20),
                Some(("3J0002", BARCODE)),
                |_| {},
            ),
            invoice(
                "AB00000002",
                (2026, 11, 21),
                Some(("3J0002", BARCODE)),
                |d| {
                    d.donated = true;
                    d.npoban = Some("919".into());
                },
            ),
            invoice(
                "AB00000003",
                (2026, 11, 22),
                Some(("3J0002", BARCODE)),
                |d| d.buyer_id = Some("10458574".into()),
            ),
            invoice(
                "AB12345678",
                (2026, 10, 5),
                Some(("3J0002", BARCODE)),
                |_| {},
            ),
            invoice(
                "AB00000004",
                (2026, 11, 23),
                Some(("1K0001", EASYCARD)),
                |d| d.carrier_id2 = Some(EASYCARD_HIDDEN.into()),
            ),
            invoice("CD00000001", (2026, 11, 20), None, |d| {
                d.random_number = Some("9999".into())
            }),
            invoice(
                "EF00000001",
                (2026, 11, 20),
                Some(("3J0002", "/OTHER01")),
                |_| {},
            ),
        ];
        for n in 0..150 {
            let day = 1 + n % 28;
            batch.push(invoice(
                &format!("GH{:08}", n),
                (2026, 9, day),
                Some(("3J0002", BARCODE)),
                |_| {},
            ));
        }
        store.insert_invoices(&batch, now).await.unwrap();
        // The EasyCard is aggregated with proof: the invoice above carries its hidden code.
        let link = CarrierLink {
            carrier_type: "1K0001".parse().unwrap(),
            id1: EASYCARD.into(),
            id2: EASYCARD_HIDDEN.into(),
            name: "悠遊卡".into(),
        };
        store
            .link_carrier(user.id, &link, CarrierProof::HiddenCode, now)
            .await
            .unwrap();
        let draw = WinningNumbers::new(
            Period::parse("11510").unwrap(),
            88_515_559,
            &[47_551_146],
            &[12_345_678, 85_250_862, 61_472_404],
            &[],
        )
        .unwrap();
        p.publish_draw(&draw).await.unwrap();
    }
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

/// A v2 request signed with the APIKey (HMAC-SHA256) as of the test clock, with a fresh nonce.
pub fn v2_request(
    app: &TestApp,
    method: reqwest::Method,
    path_and_query: &str,
    body: &[u8],
) -> reqwest::RequestBuilder {
    v2_request_with(
        app,
        method,
        path_and_query,
        body,
        app.now_unix(),
        &fresh_nonce(),
        &SigningKey::Hmac(API_KEY.as_bytes()),
    )
}

/// A v2 request signed as told.
pub fn v2_request_with(
    app: &TestApp,
    method: reqwest::Method,
    path_and_query: &str,
    body: &[u8],
    created: i64,
    nonce: &str,
    key: &SigningKey<'_>,
) -> reqwest::RequestBuilder {
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let h = sign_request(
        &Unsigned {
            method: method.as_str(),
            path,
            query,
            body,
        },
        &Signer {
            key_id: APP_ID,
            created,
            nonce,
            key: key.clone(),
        },
    );
    app.http
        .request(method, format!("{}{path_and_query}", app.base))
        .header("content-digest", h.content_digest)
        .header("signature-input", h.signature_input)
        .header("signature", h.signature)
        .header("content-type", "application/json")
        .body(body.to_vec())
}

/// A nonce no other request of this test process used.
pub fn fresh_nonce() -> String {
    format!("nonce-{}", uuid::Uuid::new_v4().simple())
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
        mod sqlite {
            $(#[tokio::test] async fn $name() {
                let app = $crate::common::TestApp::spawn($crate::common::Backend::Sqlite).await;
                super::$name(&app).await;
                app.stop().await;
            })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() {
                let app = $crate::common::TestApp::spawn($crate::common::Backend::Postgres).await;
                super::$name(&app).await;
                app.stop().await;
            })*
        }
    };
}

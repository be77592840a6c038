//! The routes apps call (v1, blank pages, OAuth, v2): each is sent as every caller it must
//! refuse — nobody, an unknown AppID, a wrong key, a suspended app, a key rotated away, an
//! expired, terminated or unlicensed app (`apps.rs`), another User's carrier, a person's
//! session instead of an app's credential — and as the live apps it must admit.

use einv_core::httpsig::{sign_request, Signer, SigningKey, Unsigned};
use einv_core::Service;
use einv_store::AppStatus;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::apps::Caller;
use super::{Access, World, NOBODY, WRONG_KEY};
use crate::common::*;
use crate::v1_requests as req;

/// One app route, as sent to a caller.
#[derive(Debug, Clone, Copy)]
pub(super) enum Probe<'p> {
    V1 {
        path: &'p str,
        action: &'p str,
    },
    Blank(&'p str),
    Authorize,
    Client(&'p str),
    /// Method, the path and query, the body, who the route admits.
    V2(&'p str, &'p str, &'p [u8], Access),
}

impl Probe<'_> {
    /// Whether the route takes a key (or a signature made with one): only there can a key
    /// rotated away be told from the live one. The blank pages, `/oauth/authorize` and the
    /// Ministry's unsigned actions take the AppID alone.
    fn keyed(self) -> bool {
        match self {
            Probe::V1 { action, .. } => signed(action),
            Probe::Blank(_) | Probe::Authorize => false,
            Probe::Client(_) | Probe::V2(..) => true,
        }
    }

    /// The service the route serves (R4.5); `None` when any live app may call it.
    fn service(self) -> Option<Service> {
        let by_action = |a: &str| match a {
            "QryWinningList" => Service::WinningNumbers,
            "qryInvHeader" | "qryInvDetail" => Service::InvoiceLookup,
            "carrierInvChk" | "carrierInvDetail" => Service::CarrierInvoices,
            "qryLoveCode" | "carrierInvDnt" => Service::Donation,
            _ => Service::CarrierAggregation,
        };
        match self {
            Probe::V1 { action, .. } => Some(by_action(action)),
            Probe::Blank(path) if path.ends_with("carrierInvDntBlank") => Some(Service::Donation),
            Probe::Blank(_) => Some(Service::CarrierAggregation),
            Probe::Authorize | Probe::Client(_) => None,
            Probe::V2(_, path, ..) => v2_service(path),
        }
    }
}

fn v2_service(path: &str) -> Option<Service> {
    let path = path.split('?').next().unwrap_or_default();
    if path.starts_with("/api/v2/winning-numbers/") || path == "/api/v2/charities" {
        Some(Service::WinningNumbers)
    } else if path == "/api/v2/proof-invoices" {
        Some(Service::InvoiceLookup)
    } else if path.starts_with("/api/v2/me/invoices") {
        Some(Service::CarrierInvoices)
    } else if path == "/api/v2/donations" {
        Some(Service::Donation)
    } else if path == "/api/v2/me/carriers" {
        Some(Service::CarrierAggregation)
    } else {
        None
    }
}

/// The consent scope a v2 User route needs.
fn v2_scope(path: &str) -> &'static str {
    match path.split('?').next().unwrap_or_default() {
        "/api/v2/donations" => "donation",
        "/api/v2/me/carriers" => "carrier-aggregation",
        _ => "carrier-invoices",
    }
}

fn refused(s: StatusCode) -> bool {
    matches!(s, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
}

fn code(reply: &Value) -> String {
    reply["code"]
        .as_str()
        .map_or_else(|| reply["code"].to_string(), str::to_owned)
}

impl World<'_> {
    /// Whether the route lets `caller` in.
    async fn admits(&self, probe: Probe<'_>, caller: &Caller) -> bool {
        match probe {
            Probe::V1 { path, action } => {
                let mut params = v1_params_as(self.app, action, &caller.app_id, &caller.key);
                if action == "carrierInvDnt" && caller.app_id.as_str() != APP_ID {
                    // An invoice of its own to donate: the fixture's app donates AB00000001.
                    set(&mut params, "invNum", "AB00000010");
                    set(&mut params, "invDate", "2026/11/24");
                    resign(&mut params, &caller.key);
                }
                code(&self.app.post(path, &params).await) == "200"
            }
            Probe::Blank(path) => opened(&self.blank_entry(path, &caller.app_id, BARCODE).await),
            Probe::Authorize => self
                .authorize_as(&caller.app_id)
                .await
                .status()
                .is_redirection(),
            Probe::Client(path) => {
                let res = self.client_as(path, &caller.app_id, &caller.key).await;
                res.status() != StatusCode::UNAUTHORIZED
            }
            Probe::V2(method, path, body, access) => {
                let token = (access == Access::V2User)
                    .then(|| caller.token(v2_scope(path)))
                    .flatten();
                let res = self
                    .v2_call(method, path, body, &caller.app_id, &caller.key, token)
                    .await;
                match access {
                    Access::V2EndedApp => res.status() == StatusCode::CREATED,
                    _ => !refused(res.status()),
                }
            }
        }
    }

    /// The licensed apps in a state the authority refuses are refused; the live licensed app,
    /// prepared the same way, and the fixture's app are admitted.
    async fn refuses_the_dead_admits_the_live(&self, probe: Probe<'_>) {
        for (why, caller) in self.apps.dead(probe.service(), probe.keyed()) {
            assert!(
                !self.admits(probe, caller).await,
                "{probe:?} admitted a caller it must refuse: {why:?}"
            );
        }
        assert!(
            self.admits(probe, &self.apps.live).await,
            "{probe:?} refused the live licensed app"
        );
        let fixture = Caller {
            app_id: app_id(),
            key: API_KEY.into(),
            tokens: Default::default(),
        };
        if !matches!(probe, Probe::V2(_, _, _, Access::V2User)) {
            assert!(
                self.admits(probe, &fixture).await,
                "{probe:?} refused the fixture's app"
            );
        }
    }

    /// A v1 action: refused for an unknown AppID, a wrong key (signed actions), another User's
    /// carrier, a suspended app and the dead licensed apps; answered 200 for the live apps.
    pub(super) async fn v1(&self, path: &str, action: &str) {
        let app = self.app;
        let refuses = |params: Vec<(&'static str, String)>, who: &'static str| async move {
            let reply = app.post(path, &params).await;
            assert_ne!(code(&reply), "200", "{action} as {who}: {reply}");
        };
        refuses(
            v1_params_as(app, action, NOBODY, API_KEY),
            "an unknown AppID",
        )
        .await;
        if signed(action) {
            refuses(v1_params(app, action, WRONG_KEY), "a wrong key").await;
        }
        if carrier_action(action) {
            let mut other = v1_params(app, action, API_KEY);
            set(&mut other, "cardNo", "/OTHER01");
            if signed(action) {
                resign(&mut other, API_KEY);
            }
            refuses(other, "another User's carrier").await;
        }
        self.suspended(|| refuses(v1_params(app, action, API_KEY), "a suspended app"))
            .await;
        self.refuses_the_dead_admits_the_live(Probe::V1 { path, action })
            .await;
    }

    /// Runs `probe` while the fixture's app is suspended.
    async fn suspended<F: std::future::Future<Output = ()>>(&self, probe: impl FnOnce() -> F) {
        let store = self.app.store();
        store
            .set_app_status(&app_id(), AppStatus::Suspended)
            .await
            .unwrap();
        probe().await;
        store
            .set_app_status(&app_id(), AppStatus::Active)
            .await
            .unwrap();
    }

    /// A blank page's entry as `app_id` for carrier `card`, with the fixture User's code.
    async fn blank_entry(&self, path: &str, app_id: &str, card: &str) -> reqwest::Response {
        let mut query = vec![
            ("uuid", "d"),
            ("appID", app_id),
            ("cardCode", "3J0002"),
            ("cardNo", card),
            ("verifyCode", CODE),
        ];
        if path.ends_with("carrierInvDntBlank") {
            query.extend([("dntNo", "919"), ("qryYM", "202611")]);
        }
        self.http
            .get(self.app.url(path))
            .query(&query)
            .send_ok()
            .await
    }

    /// A blank page's entry opens a session (a cookie, then the bare page) only for a live app
    /// licensed for the page's service and, on the pages that act for a User, only with that
    /// User's code.
    pub(super) async fn blank(&self, path: &str) {
        assert!(
            !opened(&self.blank_entry(path, NOBODY, BARCODE).await),
            "{path} for an unknown AppID"
        );
        if !path.ends_with("generalCarrierRegBlank") {
            assert!(
                !opened(&self.blank_entry(path, APP_ID, "/OTHER01").await),
                "{path} for another User"
            );
        }
        self.suspended(|| async {
            assert!(
                !opened(&self.blank_entry(path, APP_ID, BARCODE).await),
                "{path} for a suspended app"
            );
        })
        .await;
        self.refuses_the_dead_admits_the_live(Probe::Blank(path))
            .await;
    }

    async fn authorize_as(&self, client: &str) -> reqwest::Response {
        self.http
            .get(self.app.url("/oauth/authorize"))
            .query(&[
                ("client_id", client),
                ("redirect_uri", REDIRECT_URI),
                ("response_type", "code"),
                ("scope", "winning-numbers"),
            ])
            .send_ok()
            .await
    }

    /// The authorisation request is sent on only for a live client.
    pub(super) async fn authorize(&self) {
        let sent_on = |res: reqwest::Response| res.status().is_redirection();
        assert!(
            !sent_on(self.authorize_as(NOBODY).await),
            "an unknown client"
        );
        self.suspended(|| async {
            assert!(
                !sent_on(self.authorize_as(APP_ID).await),
                "a suspended client"
            );
        })
        .await;
        self.refuses_the_dead_admits_the_live(Probe::Authorize)
            .await;
    }

    async fn client_as(&self, path: &str, client: &str, key: &str) -> reqwest::Response {
        let form: &[(&str, &str)] = if path.ends_with("token") {
            &[("grant_type", "refresh_token"), ("refresh_token", "x")]
        } else {
            &[("token", "x")]
        };
        self.http
            .post(self.app.url(path))
            .basic_auth(client, Some(key))
            .form(form)
            .send_ok()
            .await
    }

    /// The token and introspection endpoints refuse (401) every client but a live app with
    /// its key; a person's session is no client.
    pub(super) async fn client(&self, path: &str) {
        let unauthorised = StatusCode::UNAUTHORIZED;
        for (who, client, key) in [
            ("an unknown AppID", NOBODY, API_KEY),
            ("a wrong key", APP_ID, WRONG_KEY),
        ] {
            let status = self.client_as(path, client, key).await.status();
            assert_eq!(status, unauthorised, "{path} as {who}");
        }
        for (who, (cookie, _)) in self.people() {
            let res = self
                .http
                .post(self.app.url(path))
                .header("cookie", cookie)
                .form(&[("token", "x")])
                .send_ok()
                .await;
            assert_eq!(res.status(), unauthorised, "{path} as {who}");
        }
        self.suspended(|| async {
            let status = self.client_as(path, APP_ID, API_KEY).await.status();
            assert_eq!(status, unauthorised, "{path} suspended");
        })
        .await;
        self.refuses_the_dead_admits_the_live(Probe::Client(path))
            .await;
    }

    /// v2: unsigned requests (with or without a person's session), unknown, wrongly keyed,
    /// suspended and dead apps are refused; the live apps are admitted, and to a User's data
    /// only with that User's consent token. The destruction confirmation (R11) admits only an
    /// app whose licence ended, with the key it held then: 201.
    pub(super) async fn v2(&self, method: &str, template: &str, access: Access) {
        let path = v2_path(template);
        let body = v2_body(method, &path);
        let http_method = Method::from_bytes(method.as_bytes()).unwrap();
        let unsigned = self.http.request(http_method.clone(), self.app.url(&path));
        let status = unsigned.send_ok().await.status();
        assert!(refused(status), "{method} {path} unsigned: {status}");
        for (who, (cookie, _)) in self.people() {
            let res = self
                .http
                .request(http_method.clone(), self.app.url(&path))
                .header("cookie", cookie)
                .send_ok()
                .await;
            assert!(refused(res.status()), "{method} {path} as {who}");
        }
        for (who, key_id, key) in [
            ("an unknown AppID", NOBODY, API_KEY),
            ("a wrong key", APP_ID, WRONG_KEY),
        ] {
            let res = self.v2_call(method, &path, body, key_id, key, None).await;
            let status = res.status();
            assert!(refused(status), "{method} {path} as {who}: {status}");
        }
        self.suspended(|| async {
            let res = self
                .v2_call(method, &path, body, APP_ID, API_KEY, None)
                .await;
            let status = res.status();
            assert!(refused(status), "{method} {path} suspended: {status}");
        })
        .await;
        let probe = Probe::V2(method, &path, body, access);
        match access {
            Access::V2EndedApp => self.destruction_confirmation(probe).await,
            Access::V2User => {
                let app_only = self
                    .v2_call(method, &path, body, APP_ID, API_KEY, None)
                    .await;
                assert!(
                    refused(app_only.status()),
                    "{method} {path} without the User's token"
                );
                let token = crate::v2_api::token(self.app, v2_scope(&path)).await;
                let res = self
                    .v2_call(method, &path, body, APP_ID, API_KEY, Some(&token))
                    .await;
                let status = res.status();
                assert!(
                    !refused(status),
                    "{method} {path} with the User's token: {status}"
                );
                self.refuses_the_dead_admits_the_live(probe).await;
            }
            _ => self.refuses_the_dead_admits_the_live(probe).await,
        }
    }

    /// R11: live apps (the fixture's, the live licensed app, an app without a service) and a
    /// key rotated away are refused; the terminated app, signing with the key it held when its
    /// licence ended, is admitted (201), and its retry answered the same.
    async fn destruction_confirmation(&self, probe: Probe<'_>) {
        let Probe::V2(method, path, body, _) = probe else {
            unreachable!("the destruction confirmation is a v2 route")
        };
        let live = self
            .v2_call(method, path, body, APP_ID, API_KEY, None)
            .await;
        assert!(
            live.status().is_client_error(),
            "{path} as the live app: {}",
            live.status()
        );
        let apps = &self.apps;
        for (who, caller) in [
            ("the live licensed app", &apps.live),
            ("a key rotated away", &apps.rotated_away),
            ("an app without a service", &apps.only_winning),
        ] {
            assert!(!self.admits(probe, caller).await, "{path} admitted {who}");
        }
        assert!(
            self.admits(probe, &apps.terminated).await,
            "{path} refused the terminated app's own key"
        );
        // A retry (a new request, same statement) is answered as the first was.
        assert!(
            self.admits(probe, &apps.terminated).await,
            "{path} did not answer a retry as the first"
        );
    }

    pub(super) async fn v2_call(
        &self,
        method: &str,
        path_and_query: &str,
        body: &[u8],
        key_id: &str,
        key: &str,
        token: Option<&str>,
    ) -> reqwest::Response {
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path_and_query, None),
        };
        let nonce = fresh_nonce();
        let h = sign_request(
            &Unsigned {
                method,
                path,
                query,
                body,
            },
            &Signer {
                key_id,
                created: self.app.now_unix(),
                nonce: &nonce,
                key: SigningKey::Hmac(key.as_bytes()),
            },
        );
        let mut req = self
            .http
            .request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                self.app.url(path_and_query),
            )
            .header("content-digest", h.content_digest)
            .header("signature-input", h.signature_input)
            .header("signature", h.signature)
            .header("content-type", "application/json")
            .body(body.to_vec());
        if method == "POST" {
            req = req.header("idempotency-key", fresh_nonce());
        }
        if let Some(token) = token {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        req.send_ok().await
    }
}

/// A v2 route's path with its parameters and query filled in.
fn v2_path(template: &str) -> String {
    let path = template
        .replace("{period}", "11510")
        .replace("{id}", "1")
        .replace("{number}", "AB00000001");
    match path.as_str() {
        "/api/v2/proof-invoices" => {
            format!("{path}?number=CD00000001&date=2026-11-20&random=9999")
        }
        "/api/v2/me/invoices" => format!("{path}?from=2026-11-01&to=2026-11-30"),
        "/api/v2/me/invoices/AB00000001" => format!("{path}?date=2026-11-20"),
        _ => path,
    }
}

/// A valid body, so what answers is the authorisation, not the body's validation.
fn v2_body(method: &str, path: &str) -> &'static [u8] {
    match path {
        "/api/v2/donations" => {
            br#"{"invoiceNumber":"AB00000009","invoiceDate":"2026-11-24","loveCode":"919"}"#
        }
        "/api/v2/destruction-confirmation" => {
            br#"{"statement":"programs and User data destroyed on 2026-11-27"}"#
        }
        _ if method == "POST" => b"{}",
        _ => b"",
    }
}

/// A blank page's entry opened a session: a cookie, then the bare page.
fn opened(res: &reqwest::Response) -> bool {
    res.status().is_redirection() && res.headers().contains_key("set-cookie")
}

fn signed(action: &str) -> bool {
    matches!(action, "carrierInvDnt" | "qryCarrierAgg")
}

fn carrier_action(action: &str) -> bool {
    action.starts_with("carrier") || action == "qryCarrierAgg"
}

fn resign(params: &mut Vec<(&'static str, String)>, key: &str) {
    params.retain(|(k, _)| *k != "signature");
    sign(params, key);
}

/// A request the fixture's app may make for `action`, signed with `key` when the action is
/// signed.
fn v1_params(app: &TestApp, action: &str, key: &str) -> Vec<(&'static str, String)> {
    let mut params = match action {
        "QryWinningList" => req::winning_list("11510"),
        "qryInvHeader" => req::invoice_header("CD00000001", "2026/11/20", "QRCode"),
        "qryInvDetail" => req::invoice_detail_qr("9999", &req::qr_encrypt("9999")),
        "qryLoveCode" => req::p(&[
            ("version", "0.2"),
            ("qKey", "創世"),
            ("action", action),
            ("UUID", "d"),
            ("appID", APP_ID),
        ]),
        "carrierInvChk" => req::carrier_list(app, "2026/11/01", "2026/11/30"),
        "carrierInvDetail" => req::carrier_detail(app, "AB00000001", "2026/11/20"),
        "carrierInvDnt" => req::donation(app, "AB00000001", "2026/11/20", "919"),
        "qryCarrierAgg" => req::aggregation(app),
        other => panic!("the matrix has no request for v1 action {other}: add one"),
    };
    if signed(action) {
        sign(&mut params, key);
    }
    params
}

/// The same request as app `app_id`, signed with `key` when the action is signed.
fn v1_params_as(
    app: &TestApp,
    action: &str,
    app_id: &str,
    key: &str,
) -> Vec<(&'static str, String)> {
    let mut params = v1_params(app, action, key);
    set(&mut params, "appID", app_id);
    if signed(action) {
        resign(&mut params, key);
    }
    params
}

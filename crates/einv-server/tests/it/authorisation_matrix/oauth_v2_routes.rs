//! OAuth and v2 in the matrix: `/oauth/authorize` sends on only a live client; `/oauth/token`
//! and `/oauth/introspect` answer 401 to every client but a live app with its key; v2 refuses
//! unsigned requests, people's sessions, unknown, wrongly keyed, suspended and dead apps, and
//! reads a User's data only with that User's consent token; R11's destruction confirmation
//! admits only the ended app.

use reqwest::{Method, StatusCode};

use super::app_routes::{refused, Probe};
use super::{Access, World, NOBODY, WRONG_KEY};
use crate::common::*;

impl World<'_> {
    pub(super) async fn authorize_as(&self, client: &str) -> reqwest::Response {
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

    pub(super) async fn client_as(&self, path: &str, client: &str, key: &str) -> reqwest::Response {
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
        let nonce = fresh_nonce();
        let signer = hmac_signer(key_id, key, self.app.now_unix(), &nonce);
        let req = self.http.request(
            Method::from_bytes(method.as_bytes()).unwrap(),
            self.app.url(path_and_query),
        );
        let mut req = sign_onto(req, method, path_and_query, body, &signer)
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

/// The consent scope a v2 User route needs.
pub(super) fn v2_scope(path: &str) -> &'static str {
    match path.split('?').next().unwrap_or_default() {
        "/api/v2/donations" => "donation",
        "/api/v2/me/carriers" => "carrier-aggregation",
        _ => "carrier-invoices",
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

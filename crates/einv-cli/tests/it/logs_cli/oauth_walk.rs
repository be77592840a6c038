//! The OAuth authorisation-code flow with PKCE, walked over HTTP as an app and a User's
//! browser walk it: the consent page (signed in as the User) → the code → `/oauth/token` →
//! the consent token on a signed v2 call → `/oauth/introspect` → a refresh. Returns every
//! secret the walk used or received, for the log test to look for.

use base64::Engine;
use serde_json::Value;
use sha2::Digest;

use einv_client::sandbox::{hidden_inputs, set_cookies};

use crate::common::{hmac_signer, sign_onto, SendExt};

/// The demo app's redirect URI (a loopback address, registered by the demo data set).
const REDIRECT_URI: &str = "http://127.0.0.1/callback";

/// What the app and the User hold.
pub struct Walker<'a> {
    pub http: &'a reqwest::Client,
    pub base: &'a str,
    pub app_id: &'a str,
    pub api_key: &'a str,
    pub barcode: &'a str,
    pub code: &'a str,
}

/// The secrets of one walk, named.
pub type Secrets = Vec<(&'static str, String)>;

impl Walker<'_> {
    /// Walks the whole flow, checking each step's answer; returns the secrets it saw.
    pub async fn walk(&self) -> Secrets {
        let verifier = format!("log-test-verifier-{}", uuid::Uuid::new_v4().simple());
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(verifier.as_bytes()));
        let session = self.sign_in_as_user().await;
        let code = self.approve(&session, &challenge).await;
        let tokens = self
            .token(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT_URI),
                ("code_verifier", &verifier),
            ])
            .await;
        let (access, refresh) = (
            text(&tokens, "access_token"),
            text(&tokens, "refresh_token"),
        );
        let carriers = self.v2_get("/api/v2/me/carriers", &access).await;
        assert_eq!(carriers["mobileBarcode"], self.barcode, "{carriers}");
        let seen = self
            .app_post("/oauth/introspect", &[("token", &access)])
            .await;
        assert_eq!(seen["active"], true, "{seen}");
        let renewed = self
            .token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
            .await;
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.app_id, self.api_key));
        vec![
            ("User session cookie", session),
            ("PKCE code verifier", verifier),
            ("authorisation code", code),
            ("access (consent) token", access),
            ("refresh token", refresh),
            ("refreshed access token", text(&renewed, "access_token")),
            ("refreshed refresh token", text(&renewed, "refresh_token")),
            ("client secret as HTTP Basic credentials", basic),
        ]
    }

    /// Signs in on `/me/login` (CSRF-guarded) as the User; returns the session cookie.
    async fn sign_in_as_user(&self) -> String {
        let page = self.get("/me/login", "").await;
        let mut cookies = set_cookies(&page);
        let csrf = crate::common::web::csrf_in(&page.text().await.unwrap());
        let signed_in = self
            .http
            .post(format!("{}/me/login", self.base))
            .header("cookie", cookies.join("; "))
            .form(&[
                ("barcode", self.barcode),
                ("code", self.code),
                ("csrf", &csrf),
            ])
            .send_ok()
            .await;
        assert_eq!(signed_in.status(), 303, "the User signs in");
        cookies.extend(set_cookies(&signed_in));
        cookies.join("; ")
    }

    /// Opens the consent page with the User's session and approves it; returns the code the
    /// redirect carries back to the app.
    async fn approve(&self, session: &str, challenge: &str) -> String {
        let consent = einv_server::services::standard_consent(&[
            einv_core::Service::CarrierInvoices,
            einv_core::Service::CarrierAggregation,
        ]);
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("response_type", "code")
            .append_pair("client_id", self.app_id)
            .append_pair("redirect_uri", REDIRECT_URI)
            .append_pair("scope", &consent.services)
            .append_pair("state", "log-test-state")
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256")
            .extend_pairs(consent.pdpa_pairs());
        let page = self
            .get(&format!("/oauth/authorize?{}", q.finish()), session)
            .await;
        assert_eq!(page.status(), 200, "the consent page");
        let mut form = hidden_inputs(&page.text().await.unwrap());
        assert!(!form.is_empty(), "the consent form");
        form.push(("decision".into(), "approve".into()));
        let answer = self
            .http
            .post(format!("{}/oauth/authorize", self.base))
            .header("cookie", session)
            .form(&form)
            .send_ok()
            .await;
        let location = answer.headers()["location"].to_str().unwrap().to_owned();
        let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| panic!("no code in the redirect: {location}"))
    }

    async fn get(&self, path: &str, cookie: &str) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if !cookie.is_empty() {
            req = req.header("cookie", cookie);
        }
        req.send_ok().await
    }

    /// A form POST authenticated as the app (HTTP Basic AppID:APIKey), as RFC 6749 clients do.
    async fn app_post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        self.http
            .post(format!("{}{path}", self.base))
            .basic_auth(self.app_id, Some(self.api_key))
            .form(form)
            .send_json()
            .await
    }

    async fn token(&self, form: &[(&str, &str)]) -> Value {
        let reply = self.app_post("/oauth/token", form).await;
        assert!(reply["access_token"].is_string(), "{reply}");
        reply
    }

    /// A v2 GET signed with the APIKey (RFC 9421), carrying the User's consent token.
    async fn v2_get(&self, path: &str, token: &str) -> Value {
        let nonce = format!("log-test-{}", uuid::Uuid::new_v4().simple());
        let now = chrono::Utc::now().timestamp();
        let signer = hmac_signer(self.app_id, self.api_key, now, &nonce);
        let req = self.http.get(format!("{}{path}", self.base));
        let res = sign_onto(req, "GET", path, b"", &signer)
            .header("authorization", format!("Bearer {token}"))
            .send_ok()
            .await;
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, 200, "{path}: {body}");
        body
    }
}

fn text(reply: &Value, key: &str) -> String {
    reply[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {reply}"))
        .to_owned()
}

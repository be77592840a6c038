//! The einv Platform's own endpoints an app uses: the consent flow (OAuth 2.0 + PKCE, RFC 6749
//! and RFC 7636) and the attribution and disclaimer texts of the app's licence (R5.8, R5.9).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use einv_core::consent::ConsentFields;
use einv_core::Service;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::retry::Idempotency;
use crate::transport::{Failed, Transport};
use crate::{Error, Result};

/// The texts a licensed Product shows its Users, as the Platform publishes them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attribution {
    /// The AppID.
    pub app_id: String,
    /// The Product's name.
    pub product: String,
    /// The Developer.
    pub developer: String,
    /// The licence state.
    pub state: String,
    /// The licensed services.
    pub services: Vec<String>,
    /// R5.8: the Center's authorisation scope, Traditional Chinese.
    pub attribution_zh: String,
    /// R5.8, English.
    pub attribution_en: String,
    /// R5.9: the disclaimer, Traditional Chinese.
    pub disclaimer_zh: String,
    /// R5.9, English.
    pub disclaimer_en: String,
}

/// A consent flow started: send the User's browser to `url`; keep the rest for the callback.
#[derive(Debug)]
pub struct AuthorizationStart {
    /// The Platform's consent page for this request.
    pub url: String,
    /// The `state` to compare with the callback's.
    pub state: String,
    /// The redirect URI the code comes back to.
    pub redirect_uri: String,
    verifier: SecretString,
}

/// Tokens bound to one User's consent to this app.
#[derive(Debug)]
pub struct Tokens {
    /// The access token.
    pub access_token: SecretString,
    /// The single-use refresh token.
    pub refresh_token: SecretString,
    /// Seconds the access token lives.
    pub expires_in: i64,
    /// The services consented to.
    pub services: Vec<Service>,
}

#[derive(Deserialize)]
struct TokenReply {
    access_token: String,
    refresh_token: String,
    expires_in: i64,
    scope: String,
}

/// What introspection says of an access token (RFC 7662).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Introspection {
    /// Whether the token and its consent are live.
    pub active: bool,
    /// The services, space-separated, when active.
    #[serde(default)]
    pub scope: Option<String>,
    /// When the consent lapses (Unix seconds), when active (R5.6).
    #[serde(default)]
    pub consent_lapses_at: Option<i64>,
}

/// A User's request to stop using, stop processing or delete their data (R5.2, R6.1), as the
/// Platform delivers it to the app.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletionRequest {
    /// The Platform's id of the request.
    pub id: i64,
    /// `stop-use`, `stop-processing` or `delete`.
    pub kind: String,
    /// The User's mobile barcode.
    pub mobile_barcode: String,
    /// When the User asked (RFC 3339).
    pub created_at: String,
    /// The day by which it must be completed.
    pub due_date: String,
    /// When the app acknowledged it.
    #[serde(default)]
    pub acknowledged_at: Option<String>,
    /// When the app reported it done.
    #[serde(default)]
    pub completed_at: Option<String>,
}

#[derive(Deserialize)]
struct DeletionRequests {
    requests: Vec<DeletionRequest>,
}

/// A client of the Platform's consent flow and published texts.
#[derive(Debug)]
pub struct PlatformClient {
    transport: Transport,
}

crate::transport::client_constructors!(PlatformClient);

impl PlatformClient {
    async fn json<T: serde::de::DeserializeOwned>(
        &self,
        req: impl Fn() -> reqwest::RequestBuilder,
        idem: Idempotency,
    ) -> Result<T> {
        let t = &self.transport;
        t.with_retry(&idem, || {
            let r = req();
            async move {
                let got = t.send(r).await?;
                if got.status == 400 || got.status == 401 {
                    let e: serde_json::Value =
                        serde_json::from_slice(&got.body).unwrap_or_default();
                    return Err(Failed::from(Error::OAuth {
                        error: e["error"].as_str().unwrap_or("invalid_request").to_owned(),
                        description: e["error_description"]
                            .as_str()
                            .or(e["detail"].as_str())
                            .unwrap_or_default()
                            .to_owned(),
                    }));
                }
                if got.status != 200 {
                    return Err(got.unexpected().into());
                }
                serde_json::from_slice(&got.body).map_err(|e| Error::Decode(e.to_string()).into())
            }
        })
        .await
    }

    /// The attribution and disclaimer texts of this app's licence (R5.8, R5.9), to show Users.
    pub async fn attribution(&self) -> Result<Attribution> {
        let t = &self.transport;
        let url = t.url(&format!("/api/v2/licences/{}/attribution", t.config.app_id));
        self.json(|| t.http.get(&url), Idempotency::Idempotent)
            .await
    }

    /// The Users' open deletion requests addressed to this app, oldest first (R5.2, R6.1).
    pub async fn deletion_requests(&self) -> Result<Vec<DeletionRequest>> {
        let t = &self.transport;
        let list: DeletionRequests = self
            .json(
                || {
                    t.signed_v2(
                        &reqwest::Method::GET,
                        "/api/v2/deletion-requests",
                        None,
                        b"",
                    )
                },
                Idempotency::Idempotent,
            )
            .await?;
        Ok(list.requests)
    }

    /// Reports progress on a deletion request: acknowledged, or `done`.
    pub async fn progress_deletion(&self, id: i64, done: bool) -> Result<DeletionRequest> {
        let t = &self.transport;
        let step = if done { "complete" } else { "acknowledge" };
        let path = format!("/api/v2/deletion-requests/{id}/{step}");
        // Reporting the same step twice changes nothing, so it may be retried.
        self.json(
            || t.signed_v2(&reqwest::Method::POST, &path, None, b""),
            Idempotency::Idempotent,
        )
        .await
    }

    /// Starts the consent flow: a fresh `state` and PKCE verifier, and the consent page's URL
    /// carrying every PDPA item of `consent` (R5.4).
    pub fn authorize(&self, redirect_uri: &str, consent: &ConsentFields) -> AuthorizationStart {
        let verifier = crate::random_url_safe(32);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let state = crate::random_url_safe(16);
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("response_type", "code")
            .append_pair("client_id", &self.transport.config.app_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", &consent.services)
            .append_pair("state", &state)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .extend_pairs(consent.pdpa_pairs());
        AuthorizationStart {
            url: self
                .transport
                .url(&format!("/oauth/authorize?{}", q.finish())),
            state,
            redirect_uri: redirect_uri.to_owned(),
            verifier: SecretString::from(verifier),
        }
    }

    async fn token(&self, form: Vec<(&'static str, String)>) -> Result<Tokens> {
        let t = &self.transport;
        let url = t.url("/oauth/token");
        let key = t.config.api_key.expose().to_owned();
        // A code or refresh token is single use: never sent twice.
        let reply: TokenReply = self
            .json(
                || {
                    t.http
                        .post(&url)
                        .basic_auth(&t.config.app_id, Some(&key))
                        .form(&form)
                },
                Idempotency::NonIdempotent { key: None },
            )
            .await?;
        Ok(Tokens {
            access_token: SecretString::from(reply.access_token),
            refresh_token: SecretString::from(reply.refresh_token),
            expires_in: reply.expires_in,
            services: reply
                .scope
                .split_whitespace()
                .filter_map(|s| s.parse().ok())
                .collect(),
        })
    }

    /// Finishes the flow: checks `state` and exchanges the callback's `code` with the verifier.
    pub async fn exchange(
        &self,
        start: &AuthorizationStart,
        code: &str,
        state: &str,
    ) -> Result<Tokens> {
        if state != start.state {
            return Err(Error::OAuth {
                error: "invalid_state".into(),
                description: "state: the callback's does not match the request's".into(),
            });
        }
        self.token(vec![
            ("grant_type", "authorization_code".into()),
            ("code", code.to_owned()),
            ("redirect_uri", start.redirect_uri.clone()),
            ("code_verifier", start.verifier.expose_secret().to_owned()),
        ])
        .await
    }

    /// New tokens for a live consent.
    pub async fn refresh(&self, tokens: &Tokens) -> Result<Tokens> {
        self.token(vec![
            ("grant_type", "refresh_token".into()),
            (
                "refresh_token",
                tokens.refresh_token.expose_secret().to_owned(),
            ),
        ])
        .await
    }

    /// Whether an access token's consent is live, and until when (RFC 7662).
    pub async fn introspect(&self, access_token: &SecretString) -> Result<Introspection> {
        let t = &self.transport;
        let url = t.url("/oauth/introspect");
        let key = t.config.api_key.expose().to_owned();
        let form = [("token", access_token.expose_secret().to_owned())];
        self.json(
            || {
                t.http
                    .post(&url)
                    .basic_auth(&t.config.app_id, Some(&key))
                    .form(&form)
            },
            Idempotency::Idempotent,
        )
        .await
    }
}

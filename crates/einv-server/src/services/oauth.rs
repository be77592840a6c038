//! The OAuth 2.0 authorization-code flow with PKCE (RFC 6749, RFC 7636) through which a User
//! gives an app consent (R5.2, R5.4) and the app gets tokens bound to that AppID, that User and
//! that grant. Tokens are refreshable until the grant lapses and die with it.
//!
//! The server side is hand-written: the `oauth2` crate is a client, and the server needs only
//! the S256 check (SHA-256 + base64url, both already dependencies) and random tokens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Duration;
use einv_core::consent::{ConsentFields, ConsentRequest, ConsentStatus};
use einv_core::Service;
use einv_core::{AppId, GrantId, UserId};
use einv_store::{
    AppRecord, ConsentGrantRecord, ConsentTokenRecord, OAuthCodeRecord, TokenKind, UserRecord,
};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::Platform;
use crate::error::{Authorisation, ServiceError, ServiceResult};
use einv_core::InvalidValue;

/// How long an access token lives (seconds).
pub const ACCESS_TOKEN_SECS: i64 = 600;
/// How long an authorization code lives (seconds); RFC 6749 §4.1.2 recommends ≤ 10 minutes.
const CODE_SECS: i64 = 120;

/// A validated authorization request, ready to be shown to the User.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    /// The app asking.
    pub app: AppRecord,
    /// What it asks (services and the PDPA items).
    pub request: ConsentRequest,
    /// Where the answer goes.
    pub redirect_uri: String,
    /// The app's `state`, returned unchanged.
    pub state: String,
    /// The PKCE S256 challenge.
    pub code_challenge: String,
}

/// The raw authorization parameters.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct AuthorizeParams {
    /// The AppID.
    #[serde(default)]
    pub client_id: String,
    /// The registered redirect URI.
    #[serde(default)]
    pub redirect_uri: String,
    /// Must be `code`.
    #[serde(default)]
    pub response_type: String,
    /// The services, space-separated.
    #[serde(default)]
    pub scope: String,
    /// Opaque app state.
    #[serde(default)]
    pub state: String,
    /// PKCE challenge.
    #[serde(default)]
    pub code_challenge: String,
    /// Must be `S256`.
    #[serde(default)]
    pub code_challenge_method: String,
    /// The PDPA items (R5.4) and R5.3 disclosures.
    #[serde(flatten)]
    pub consent: ConsentFields,
}

/// What the token endpoint answers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenSet {
    /// The access token.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds the access token lives.
    pub expires_in: i64,
    /// The refresh token (single use; a new one comes with each refresh).
    pub refresh_token: String,
    /// The services granted.
    pub scope: String,
}

fn refused(why: Authorisation) -> ServiceError {
    ServiceError::Unauthorised(why)
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a token or code, hex: all the store ever holds.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// RFC 7636 §4.1: 43 to 128 unreserved characters.
fn pkce_shaped(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// RFC 7636 §4.6: BASE64URL(SHA256(verifier)) == challenge, compared in constant time.
pub fn pkce_s256_matches(verifier: &str, challenge: &str) -> bool {
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    pkce_shaped(verifier)
        && computed.len() == challenge.len()
        && computed
            .bytes()
            .zip(challenge.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Whether `given` is one of the `registered` redirect URIs; for a loopback URI any port
/// matches, as native apps need (RFC 8252 §7.3).
fn redirect_allowed(given: &str, registered: &[String]) -> bool {
    let strip_port = |u: &str| -> Option<String> {
        let rest = u
            .strip_prefix("http://127.0.0.1")
            .or_else(|| u.strip_prefix("http://localhost"))?;
        let host = &u[..u.len() - rest.len()];
        let path = rest
            .strip_prefix(':')
            .map_or(rest, |r| r.trim_start_matches(|c: char| c.is_ascii_digit()));
        Some(format!("{host}{path}"))
    };
    registered
        .iter()
        .any(|r| r == given || (strip_port(r).is_some() && strip_port(r) == strip_port(given)))
}

impl Platform {
    /// Checks the app and its redirect URI. When this fails, the User must not be redirected
    /// (RFC 6749 §4.1.2.1): the error is shown instead.
    pub async fn check_client(&self, p: &AuthorizeParams) -> ServiceResult<AppRecord> {
        // The authority decides (suspended, expired, terminated, no valid key: not a client).
        let app = self
            .authorise_app(&p.client_id, None)
            .await
            .map_err(|e| match e {
                // Shown to the User: why the app is not live is the developer's business.
                ServiceError::AppRefused { rule, .. } => ServiceError::AppRefused {
                    reason: "client_id: no live app has this AppID".into(),
                    rule,
                },
                other => other,
            })?
            .app;
        let registered = self.store.redirect_uris(&app.app_id).await?;
        if !redirect_allowed(&p.redirect_uri, &registered) {
            return Err(InvalidValue::new("redirect_uri", "not registered for this app").into());
        }
        Ok(app)
    }

    /// Validates the rest of an authorization request (after [`Self::check_client`]).
    pub async fn check_authorize(
        &self,
        app: AppRecord,
        p: &AuthorizeParams,
    ) -> ServiceResult<AuthorizeRequest> {
        if p.response_type != "code" {
            return Err(refused(Authorisation::CodeFlowOnly));
        }
        if p.code_challenge_method != "S256" {
            return Err(
                InvalidValue::new("code_challenge_method", "must be S256 (RFC 7636)").into(),
            );
        }
        if !pkce_shaped(&p.code_challenge) {
            return Err(InvalidValue::new(
                "code_challenge",
                "43 to 128 characters of A-Z a-z 0-9 - . _ ~",
            )
            .into());
        }
        let mut fields = p.consent.clone();
        fields.services = p.scope.clone();
        let not_askable =
            |e: &dyn std::fmt::Display| refused(Authorisation::ConsentNotAskable(e.to_string()));
        let request = ConsentRequest::parse(&fields).map_err(|e| not_askable(&e))?;
        self.consentable_app(&app.app_id, &request)
            .await
            .map_err(|e| not_askable(&e))?;
        Ok(AuthorizeRequest {
            app,
            request,
            redirect_uri: p.redirect_uri.clone(),
            state: p.state.clone(),
            code_challenge: p.code_challenge.clone(),
        })
    }

    /// The User approves: the grant is recorded and a single-use code returned.
    pub async fn approve_authorization(
        &self,
        user_id: UserId,
        req: &AuthorizeRequest,
    ) -> ServiceResult<String> {
        let fields = super::consent::fields_of(&req.request);
        let grant = self
            .grant_consent(user_id, &req.app.app_id, &fields, None)
            .await?;
        let code = random_token();
        let record = OAuthCodeRecord {
            code_hash: token_hash(&code),
            app_id: req.app.app_id.clone(),
            user_id,
            grant_id: grant.id,
            redirect_uri: req.redirect_uri.clone(),
            code_challenge: req.code_challenge.clone(),
            scope: req.request.scope(),
            expires_at: self.clock.now() + Duration::seconds(CODE_SECS),
        };
        self.store.insert_oauth_code(&record).await?;
        Ok(code)
    }

    /// `grant_type=authorization_code`: the authenticated app exchanges a code with the PKCE
    /// verifier. A wrong verifier, another app's code, a used or expired code: `invalid_grant`.
    pub async fn exchange_code(
        &self,
        app: &AppRecord,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
    ) -> ServiceResult<TokenSet> {
        let now = self.clock.now();
        let record = self
            .store
            .take_oauth_code(&token_hash(code), now)
            .await?
            .ok_or(refused(Authorisation::CodeNotValid))?;
        if record.app_id != app.app_id || record.redirect_uri != redirect_uri {
            return Err(refused(Authorisation::CodeNotValid));
        }
        if !pkce_s256_matches(verifier, &record.code_challenge) {
            return Err(refused(Authorisation::VerifierMismatch));
        }
        let grant = self.live_grant(record.grant_id).await?;
        self.issue_tokens(&grant).await
    }

    /// `grant_type=refresh_token`: a new access token and refresh token while the grant lives.
    pub async fn refresh_tokens(
        &self,
        app: &AppRecord,
        refresh_token: &str,
    ) -> ServiceResult<TokenSet> {
        let why = Authorisation::RefreshTokenNotValid;
        let (_, grant) = self
            .token_grant(&app.app_id, refresh_token, TokenKind::Refresh, why)
            .await?;
        self.issue_tokens(&grant).await
    }

    /// The User and grant behind a live access token of `app_id` covering `service`.
    pub async fn authenticate_access_token(
        &self,
        app_id: &AppId,
        token: &str,
        service: Option<Service>,
    ) -> ServiceResult<(UserRecord, ConsentGrantRecord)> {
        let why = Authorisation::AccessTokenNotValid;
        let (record, grant) = self
            .token_grant(app_id, token, TokenKind::Access, why)
            .await?;
        if service.is_some_and(|s| !grant.grant.request.services().contains(&s)) {
            return Err(refused(Authorisation::OutOfScope));
        }
        let user = self
            .registered_user(record.user_id)
            .await
            .map_err(|_| refused(Authorisation::AccessTokenNotValid))?;
        Ok((user, grant))
    }

    /// The grant, while it is live; else why it ended: lapsed (R5.6), revoked (R5.2) or voided
    /// (R10.2), as [`ServiceError::ConsentRequired`], so the app sends the User back to the
    /// consent page instead of retrying.
    async fn live_grant(&self, grant_id: GrantId) -> ServiceResult<ConsentGrantRecord> {
        let now = self.clock.now();
        let grant = self
            .store
            .consent_grant(grant_id)
            .await?
            .ok_or(refused(Authorisation::AccessTokenNotValid))?;
        let status = grant.grant.status(now);
        if status == ConsentStatus::Live {
            return Ok(grant);
        }
        let service = grant.grant.request.services().iter().next().copied();
        let (reason, rule) = super::consent::why_no_consent(Some(status), &grant.app_id, service);
        Err(ServiceError::ConsentRequired {
            reason,
            rule,
            consent_url: service.map_or_else(
                || format!("/oauth/authorize?client_id={}", grant.app_id),
                |s| super::consent::consent_url(&grant.app_id, s),
            ),
        })
    }

    /// A live `kind` token of `app_id` taken from the store, and its grant while the grant is
    /// live; a dead token is refused as [`Self::dead_token`] says.
    async fn token_grant(
        &self,
        app_id: &AppId,
        token: &str,
        kind: TokenKind,
        otherwise: Authorisation,
    ) -> ServiceResult<(ConsentTokenRecord, ConsentGrantRecord)> {
        let hash = token_hash(token);
        let Some(record) = self
            .store
            .take_consent_token(&hash, kind, self.clock.now())
            .await?
            .filter(|t| t.app_id == *app_id)
        else {
            return Err(self.dead_token(app_id, &hash, kind, otherwise).await);
        };
        let grant = self.live_grant(record.grant_id).await?;
        Ok((record, grant))
    }

    /// Why a token that is no longer valid was refused. A token that died with its grant
    /// (access tokens end when the grant lapses; refresh tokens too) says how the consent
    /// ended, so R5.6's lapse is its own answer; any other is `otherwise`.
    async fn dead_token(
        &self,
        app_id: &AppId,
        hash: &str,
        kind: TokenKind,
        otherwise: Authorisation,
    ) -> ServiceError {
        let record = match self.store.consent_token_in_any_state(hash, kind).await {
            Ok(Some(record)) if record.app_id == *app_id => record,
            Ok(_) => return refused(otherwise),
            Err(e) => return e.into(),
        };
        match self.live_grant(record.grant_id).await {
            Ok(_) => refused(otherwise),
            Err(ended) => ended,
        }
    }

    async fn issue_tokens(&self, grant: &ConsentGrantRecord) -> ServiceResult<TokenSet> {
        let now = self.clock.now();
        let lapse = grant.grant.lapses_at();
        let access_until = (now + Duration::seconds(ACCESS_TOKEN_SECS)).min(lapse);
        let (access, refresh) = (random_token(), random_token());
        for (token, kind, expires_at) in [
            (&access, TokenKind::Access, access_until),
            (&refresh, TokenKind::Refresh, lapse),
        ] {
            let record = ConsentTokenRecord {
                token_hash: token_hash(token),
                kind,
                grant_id: grant.id,
                app_id: grant.app_id.clone(),
                user_id: grant.user_id,
                expires_at,
            };
            self.store.insert_consent_token(&record).await?;
        }
        Ok(TokenSet {
            access_token: access,
            token_type: "Bearer",
            expires_in: (access_until - now).num_seconds(),
            refresh_token: refresh,
            scope: grant.grant.request.scope(),
        })
    }
}

#[cfg(test)]
mod tests;

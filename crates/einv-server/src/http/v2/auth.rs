//! Who calls v2: an app proving its AppID with an RFC 9421 signature (checked here with
//! `einv_core::httpsig`, against the keys the Platform's admission gives), and, for a User's
//! data, the consent token the User gave that app. Flow control (R4.6) runs before either, in
//! [`flow_control`], and stamps every answer with `RateLimit-Policy`/`RateLimit`.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use einv_core::httpsig::{self, Algorithm, RequestParts, SignatureError};
use einv_core::AppId;
use einv_core::Service;
use einv_store::{ConsentGrantRecord, UserRecord};
use serde::de::DeserializeOwned;

use super::problem::{Kind, Problem};
use crate::http::AppState;
use crate::services::{AuthorisedApp, Caller, EndedApp};

/// The largest v2 body: every v2 request is a small JSON document.
pub const MAX_BODY: usize = 64 * 1024;

/// A request whose signature verified: the app, who called, the body that was signed.
#[derive(Debug)]
pub struct Signed {
    /// The admitted app.
    pub app: AuthorisedApp,
    /// For the audit trail and consent checks.
    pub caller: Caller,
    /// The body (its digest was checked).
    pub body: Bytes,
    headers: HeaderMap,
}

impl Signed {
    /// The body as JSON of type `T`; a malformed body names the member at fault.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Problem> {
        body_json(&self.body)
    }

    /// The User and grant behind the request's consent token (`Authorization: Bearer …`),
    /// checked on every call for `service`: the token's scope and the grant's state (lapse
    /// R5.6, revocation R5.2, voided R10.2, licence ended R11).
    pub async fn user(
        &self,
        state: &AppState,
        service: Service,
    ) -> Result<(UserRecord, ConsentGrantRecord), Problem> {
        let token = self
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                Problem::new(
                    Kind::TokenMissing,
                    "authorization: a consent token (Authorization: Bearer <access_token>) from the consent flow is required",
                )
                .field("authorization")
            })?;
        let (user, grant) = state
            .platform
            .authenticate_access_token(&self.app.app.app_id, token, Some(service))
            .await?;
        // The token lives while the grant does; a lapse or revocation since it was issued is
        // caught by the consent check every data call makes too (R5.2, R5.6, R10.2).
        state
            .platform
            .require_consent(&self.caller, &user, service)
            .await?;
        Ok((user, grant))
    }
}

/// `body` as JSON of type `T`; a malformed body names the member at fault.
fn body_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        Problem::invalid(&field, e.inner().to_string())
    })
}

fn header_text<'h>(headers: &'h HeaderMap, name: &'static str) -> Result<&'h str, Problem> {
    headers
        .get(name)
        .ok_or(SignatureError::Missing(name))?
        .to_str()
        .map_err(|_| {
            Problem::from(SignatureError::Malformed {
                header: name,
                problem: "not visible ASCII".into(),
            })
        })
}

/// A request whose headers and body digest checked out, before its key is looked up.
struct Received {
    parts: axum::http::request::Parts,
    body: Bytes,
    input: httpsig::SignatureInput,
    signature: Vec<u8>,
}

impl Received {
    /// Reads the signature headers, checks `created` against the Platform's clock and the body
    /// against `Content-Digest`.
    async fn read(state: &AppState, req: Request) -> Result<Self, Problem> {
        let (parts, body) = req.into_parts();
        let headers = &parts.headers;
        let input = httpsig::parse_signature_input(header_text(headers, "signature-input")?)?;
        let signature = httpsig::parse_signature(header_text(headers, "signature")?, &input.label)?;
        let digest = header_text(headers, "content-digest")?;
        httpsig::check_created(input.created, state.platform.clock.now().timestamp())?;
        let body = axum::body::to_bytes(body, MAX_BODY)
            .await
            .map_err(|_| Problem::invalid("body", format!("at most {MAX_BODY} bytes")))?;
        httpsig::verify_content_digest(digest, &body)?;
        Ok(Self {
            parts,
            body,
            input,
            signature,
        })
    }

    /// Whether the signature verifies under one of these keys, then spends the nonce: only a
    /// verified request spends its nonce, so nobody can burn another app's nonces.
    async fn verify<'k>(
        &self,
        state: &AppState,
        app_id: &AppId,
        mut hmac: impl Iterator<Item = &'k [u8]>,
        ed25519: &[Vec<u8>],
    ) -> Result<(), Problem> {
        let request = RequestParts {
            method: self.parts.method.as_str(),
            path: self.parts.uri.path(),
            query: self.parts.uri.query(),
            content_digest: header_text(&self.parts.headers, "content-digest")?,
        };
        let base = httpsig::signature_base(&request, &self.input);
        let verified = match self.input.alg {
            Algorithm::HmacSha256 => hmac.any(|k| httpsig::verify_hmac(k, &base, &self.signature)),
            Algorithm::Ed25519 => ed25519
                .iter()
                .any(|k| httpsig::verify_ed25519(k, &base, &self.signature)),
        };
        if !verified {
            return Err(SignatureError::BadSignature.into());
        }
        if !state
            .platform
            .claim_nonce(app_id, &self.input.nonce)
            .await?
        {
            return Err(Problem::new(
                Kind::Replay,
                "nonce: already used by this AppID within the window; sign each request with a fresh nonce",
            )
            .field("nonce"));
        }
        Ok(())
    }

    fn peer(&self) -> Option<std::net::IpAddr> {
        self.parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
    }
}

/// Verifies a request's signature for `service` (none for calls about the app itself).
pub async fn verify(
    state: &AppState,
    req: Request,
    service: Option<Service>,
) -> Result<Signed, Problem> {
    let received = Received::read(state, req).await?;
    let platform = &state.platform;
    // Flow control already asked the authority about this AppID; ask again only without it.
    let keys = match Admitted::take(&received.parts) {
        Some(app) if app.app.app_id.as_str() == received.input.key_id => {
            platform.v2_verifying_keys_of(app, service).await?
        }
        _ => {
            platform
                .v2_verifying_keys(&received.input.key_id, service)
                .await?
        }
    };
    received
        .verify(
            state,
            &keys.app.app.app_id,
            keys.app.api_keys(),
            &keys.ed25519,
        )
        .await?;
    let caller = Caller {
        app_id: keys.app.app.app_id.clone(),
        ip: received.peer(),
        device: None,
    };
    Ok(Signed {
        app: keys.app,
        caller,
        body: received.body,
        headers: received.parts.headers,
    })
}

/// A request signed by an app whose licence ended (R11), with the keys it held at the end:
/// accepted only where the app confirms its destruction.
#[derive(Debug)]
pub struct SignedEnded {
    /// The app and its ended licence.
    pub app: EndedApp,
    /// The body (its digest was checked).
    pub body: Bytes,
}

impl SignedEnded {
    /// The body as JSON of type `T`; a malformed body names the member at fault.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Problem> {
        body_json(&self.body)
    }
}

impl FromRequest<AppState> for SignedEnded {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let received = Received::read(state, req).await?;
        let app = state.platform.ended_app(&received.input.key_id).await?;
        received
            .verify(state, &app.app_id, app.hmac_keys(), &app.ed25519)
            .await?;
        Ok(Self {
            app,
            body: received.body,
        })
    }
}

/// A signed request about the app itself (no service named).
#[derive(Debug)]
pub struct SignedApp(pub Signed);

impl FromRequest<AppState> for SignedApp {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(verify(state, req, None).await?))
    }
}

/// Declares an extractor for a signed request using one service (R3.6, R4.5).
macro_rules! signed_for {
    ($name:ident, $service:expr) => {
        /// A signed request whose app is licensed for the service.
        #[derive(Debug)]
        pub struct $name(pub Signed);

        impl FromRequest<AppState> for $name {
            type Rejection = Problem;

            async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
                Ok(Self(verify(state, req, Some($service)).await?))
            }
        }
    };
}

signed_for!(SignedPublic, Service::WinningNumbers);
signed_for!(SignedLookup, Service::InvoiceLookup);
signed_for!(SignedInvoices, Service::CarrierInvoices);
signed_for!(SignedDonation, Service::Donation);
signed_for!(SignedAggregation, Service::CarrierAggregation);

/// The app the authority admitted while flow control counted the call, handed to the
/// signature check so a v2 call asks the authority once: taken (not cloned) by the first
/// extractor, since it holds the app's keys.
#[derive(Clone)]
struct Admitted(std::sync::Arc<std::sync::Mutex<Option<AuthorisedApp>>>);

impl Admitted {
    fn new(app: AuthorisedApp) -> Self {
        Self(std::sync::Arc::new(std::sync::Mutex::new(Some(app))))
    }

    fn take(parts: &axum::http::request::Parts) -> Option<AuthorisedApp> {
        let admitted = parts.extensions.get::<Self>()?;
        admitted.0.lock().ok()?.take()
    }
}

/// R4.6 counting, asking the authority once: per IP first, then, when the AppID the request
/// names is live, against that app's allowance (a made-up AppID or one whose licence is not
/// live spends no real app's allowance). The tighter status, and the admitted app.
async fn admit(
    state: &AppState,
    peer: Option<std::net::IpAddr>,
    app_id: &str,
) -> Result<(crate::services::FlowStatus, Option<AuthorisedApp>), crate::error::ServiceError> {
    let platform = &state.platform;
    let first = platform.admit_call(peer, app_id, None).await?;
    let by_ip = first.status;
    let admitted = match app_id {
        "" => None,
        id => platform.authorise_app(id, None).await.ok(),
    };
    let Some(app) = admitted else {
        return Ok((by_ip, None));
    };
    if first.app_counted {
        return Ok((by_ip, Some(app)));
    }
    let by_app = platform
        .admit_app_calls(app.app.app_id.as_str(), None)
        .await?;
    let tighter = if by_app.remaining < by_ip.remaining {
        by_app
    } else {
        by_ip
    };
    Ok((tighter, Some(app)))
}

/// R4.6 on v2: counted per IP and per the AppID the request names, before any other work;
/// every answer carries `RateLimit-Policy` and `RateLimit` (IETF httpapi-ratelimit-headers),
/// and a refusal is a 429 problem with `Retry-After`.
pub async fn flow_control(
    State(state): State<AppState>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let peer =
        crate::http::client_ip::client_ip(req.extensions(), req.headers(), &state.trusted_proxies);
    let app_id = req
        .headers()
        .get("signature-input")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpsig::parse_signature_input(v).ok())
        .map(|i| i.key_id)
        .unwrap_or_default();
    let limits = state.platform.flow.limits;
    let policy = format!(
        "\"ip\";q={};w={}, \"app\";q={};w={}",
        limits.per_ip.calls,
        limits.per_ip.window_secs,
        limits.per_app.calls,
        limits.per_app.window_secs
    );
    let (mut res, status) = match admit(&state, peer, &app_id).await {
        Ok((status, admitted)) => {
            let mut req = req;
            if let Some(app) = admitted {
                req.extensions_mut().insert(Admitted::new(app));
            }
            (next.run(req).await, Some(status))
        }
        Err(e) => (Problem::from(e).into_response(), None),
    };
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&policy) {
        headers.insert("ratelimit-policy", v);
    }
    if let Some(s) = status {
        // The tighter of the two limits speaks.
        let name = if s.limit == limits.per_ip.calls {
            "ip"
        } else {
            "app"
        };
        let value = format!("\"{name}\";r={};t={}", s.remaining, s.reset_secs);
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert("ratelimit", v);
        }
    }
    res
}

//! The v2 client: JSON over HTTP, every request signed with RFC 9421 by the one implementation
//! in `einv_core::httpsig` (shared with the Platform's verifier), a User's data reached with
//! their consent token, failures as typed [`Problem`]s, donations with an `Idempotency-Key`.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDate;
use einv_core::httpsig::{sign_request, Signer, SigningKey, Unsigned};
use einv_core::{Clock, Period, SystemClock};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::config::ClientConfig;
use crate::error::Problem;
use crate::retry::Idempotency;
use crate::transport::{Failed, Resend, Transport};
use crate::{Error, Result};

/// A client of the v2 API.
#[derive(Debug)]
pub struct V2Client {
    transport: Transport,
}

fn nonce() -> String {
    let mut b = [0u8; 18];
    rand::thread_rng().fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

fn query(pairs: &[(&str, String)]) -> Option<String> {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        q.append_pair(k, v);
    }
    Some(q.finish()).filter(|q| !q.is_empty())
}

impl V2Client {
    /// A client on the system clock.
    pub fn new(config: ClientConfig) -> Result<Self> {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// A client reading local time from `clock`.
    pub fn with_clock(config: ClientConfig, clock: Arc<dyn Clock>) -> Result<Self> {
        Ok(Self {
            transport: Transport::new(config, clock)?,
        })
    }

    /// Sends one signed request; each attempt is signed afresh (new `created` and nonce: the
    /// Platform refuses a nonce twice).
    async fn call(
        &self,
        method: &str,
        path: &str,
        query: Option<String>,
        body: Option<Value>,
        token: Option<&SecretString>,
        idempotency: Idempotency,
    ) -> Result<Value> {
        let t = &self.transport;
        let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let key = t.config.api_key.expose().as_bytes().to_vec();
        t.with_retry(&idempotency, || {
            let nonce = nonce();
            let signed = sign_request(
                &Unsigned {
                    method,
                    path,
                    query: query.as_deref(),
                    body: &body,
                },
                &Signer {
                    key_id: &t.config.app_id,
                    created: t.platform_now(),
                    nonce: &nonce,
                    key: SigningKey::Hmac(&key),
                },
            );
            let url = match &query {
                Some(q) => t.url(&format!("{path}?{q}")),
                None => t.url(path),
            };
            let mut req = t
                .http
                .request(method.parse().unwrap_or(reqwest::Method::GET), url)
                .header("Content-Digest", signed.content_digest)
                .header("Signature-Input", signed.signature_input)
                .header("Signature", signed.signature);
            if !body.is_empty() {
                req = req
                    .header("Content-Type", "application/json")
                    .body(body.clone());
            }
            if let Some(token) = token {
                req = req.bearer_auth(token.expose_secret());
            }
            if let Idempotency::NonIdempotent { key: Some(k) } = &idempotency {
                req = req.header("Idempotency-Key", k);
            }
            async move {
                let got = t.send(req).await?;
                if (200..300).contains(&got.status) {
                    return serde_json::from_slice(&got.body)
                        .map_err(|e| Error::Decode(format!("not JSON: {e}")).into());
                }
                let problem: Problem = serde_json::from_slice(&got.body).map_err(|_| {
                    Failed::from(Error::Http {
                        status: got.status,
                        body: String::from_utf8_lossy(&got.body)
                            .chars()
                            .take(200)
                            .collect(),
                    })
                })?;
                let resend = if problem.status >= 500 {
                    Resend::IfIdempotent
                } else {
                    Resend::Never
                };
                Err(Failed {
                    error: Error::Problem(Box::new(problem)),
                    resend,
                })
            }
        })
        .await
    }

    /// `GET /api/v2/licence`: the app and its licence.
    pub async fn licence(&self) -> Result<Value> {
        self.call(
            "GET",
            "/api/v2/licence",
            None,
            None,
            None,
            Idempotency::Idempotent,
        )
        .await
    }

    /// `GET /api/v2/winning-numbers/{period}`.
    pub async fn winning_numbers(&self, period: Period) -> Result<Value> {
        let path = format!("/api/v2/winning-numbers/{}", period.code());
        self.call("GET", &path, None, None, None, Idempotency::Idempotent)
            .await
    }

    /// `GET /api/v2/charities?query=`: love-code search.
    pub async fn charities(&self, search: &str) -> Result<Value> {
        let q = query(&[("query", search.to_owned())]);
        self.call(
            "GET",
            "/api/v2/charities",
            q,
            None,
            None,
            Idempotency::Idempotent,
        )
        .await
    }

    /// `GET /api/v2/me/invoices`: one page of the consenting User's invoices (one period);
    /// pass the previous page's `next` as `cursor`.
    pub async fn my_invoices(
        &self,
        token: &SecretString,
        from: NaiveDate,
        to: NaiveDate,
        cursor: Option<&str>,
    ) -> Result<Value> {
        let mut pairs = vec![("from", from.to_string()), ("to", to.to_string())];
        if let Some(c) = cursor {
            pairs.push(("cursor", c.to_owned()));
        }
        self.call(
            "GET",
            "/api/v2/me/invoices",
            query(&pairs),
            None,
            Some(token),
            Idempotency::Idempotent,
        )
        .await
    }

    /// `GET /api/v2/me/carriers`: the carriers aggregated under the User's barcode.
    pub async fn my_carriers(&self, token: &SecretString) -> Result<Value> {
        self.call(
            "GET",
            "/api/v2/me/carriers",
            None,
            None,
            Some(token),
            Idempotency::Idempotent,
        )
        .await
    }

    /// `POST /api/v2/donations`: donates a cloud invoice. `idempotency_key` makes retries safe:
    /// the Platform answers a repeat with the first answer.
    pub async fn donate(
        &self,
        token: &SecretString,
        number: &einv_core::InvoiceNumber,
        date: NaiveDate,
        love_code: &str,
        idempotency_key: &str,
    ) -> Result<Value> {
        let body = serde_json::json!({
            "invoiceNumber": number.as_str(),
            "invoiceDate": date.to_string(),
            "loveCode": love_code,
        });
        let idem = Idempotency::NonIdempotent {
            key: Some(idempotency_key.to_owned()),
        };
        self.call(
            "POST",
            "/api/v2/donations",
            None,
            Some(body),
            Some(token),
            idem,
        )
        .await
    }
}

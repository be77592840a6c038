//! The v2 client: JSON over HTTP, every request signed with RFC 9421 by the one implementation
//! in `einv_core::httpsig` (shared with the Platform's verifier), a User's data reached with
//! their consent token, typed replies ([`types`]), failures as typed [`Problem`]s, donations
//! with an `Idempotency-Key`.

use chrono::NaiveDate;
use einv_core::Period;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Problem;
use crate::kit::DestructionReport;
use crate::retry::Idempotency;
use crate::transport::{Failed, Resend, Transport};
use crate::{Error, Result};

pub mod types;

pub use types::{
    Carriers, Charity, DestructionConfirmed, Donation, Invoice, InvoiceDetail, InvoicePage,
    Licence, WinningNumbers,
};

/// A client of the v2 API.
#[derive(Debug)]
pub struct V2Client {
    transport: Transport,
}

fn query(pairs: &[(&str, String)]) -> Option<String> {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        q.append_pair(k, v);
    }
    Some(q.finish()).filter(|q| !q.is_empty())
}

/// One v2 request, before signing.
struct Call<'a> {
    method: reqwest::Method,
    path: &'a str,
    query: Option<String>,
    body: Option<Value>,
    token: Option<&'a SecretString>,
    idempotency: Idempotency,
}

impl<'a> Call<'a> {
    fn get(path: &'a str) -> Self {
        Self {
            method: reqwest::Method::GET,
            path,
            query: None,
            body: None,
            token: None,
            idempotency: Idempotency::Idempotent,
        }
    }

    fn post(path: &'a str, body: Value, idempotency: Idempotency) -> Self {
        Self {
            method: reqwest::Method::POST,
            body: Some(body),
            idempotency,
            ..Self::get(path)
        }
    }

    fn query(mut self, query: Option<String>) -> Self {
        self.query = query;
        self
    }

    fn token(mut self, token: &'a SecretString) -> Self {
        self.token = Some(token);
        self
    }
}

crate::transport::client_constructors!(V2Client);

impl V2Client {
    /// Sends one signed request and reads its typed answer; each attempt is signed afresh
    /// (new `created` and nonce: the Platform refuses a nonce twice).
    async fn call<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T> {
        let t = &self.transport;
        let body = call
            .body
            .as_ref()
            .map(|b| b.to_string().into_bytes())
            .unwrap_or_default();
        t.with_retry(&call.idempotency, || {
            let mut req = t.signed_v2(&call.method, call.path, call.query.as_deref(), &body);
            if !body.is_empty() {
                req = req
                    .header("Content-Type", "application/json")
                    .body(body.clone());
            }
            if let Some(token) = call.token {
                req = req.bearer_auth(token.expose_secret());
            }
            if let Idempotency::NonIdempotent { key: Some(k) } = &call.idempotency {
                req = req.header("Idempotency-Key", k);
            }
            async move {
                let got = t.send(req).await?;
                if (200..300).contains(&got.status) {
                    return serde_json::from_slice(&got.body)
                        .map_err(|e| Error::Decode(format!("v2 reply: {e}")).into());
                }
                let problem: Problem = serde_json::from_slice(&got.body)
                    .map_err(|_| Failed::from(got.unexpected()))?;
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
    pub async fn licence(&self) -> Result<Licence> {
        self.call(Call::get("/api/v2/licence")).await
    }

    /// `GET /api/v2/winning-numbers/{period}`.
    pub async fn winning_numbers(&self, period: Period) -> Result<WinningNumbers> {
        let path = format!("/api/v2/winning-numbers/{}", period.code());
        self.call(Call::get(&path)).await
    }

    /// `GET /api/v2/charities?query=`: love-code search.
    pub async fn charities(&self, search: &str) -> Result<Vec<Charity>> {
        let q = query(&[("query", search.to_owned())]);
        let found: types::Charities = self.call(Call::get("/api/v2/charities").query(q)).await?;
        Ok(found.charities)
    }

    /// `GET /api/v2/me/invoices`: one page of the consenting User's invoices (one period);
    /// pass the previous page's `next` as `cursor`.
    pub async fn my_invoices(
        &self,
        token: &SecretString,
        from: NaiveDate,
        to: NaiveDate,
        cursor: Option<&str>,
    ) -> Result<InvoicePage> {
        let mut pairs = vec![("from", from.to_string()), ("to", to.to_string())];
        if let Some(c) = cursor {
            pairs.push(("cursor", c.to_owned()));
        }
        let call = Call::get("/api/v2/me/invoices").query(query(&pairs));
        self.call(call.token(token)).await
    }

    /// `GET /api/v2/me/invoices/{number}?date=`: one invoice of the User with its lines.
    pub async fn my_invoice(
        &self,
        token: &SecretString,
        number: &einv_core::InvoiceNumber,
        date: NaiveDate,
    ) -> Result<InvoiceDetail> {
        let path = format!("/api/v2/me/invoices/{}", number.as_str());
        let call = Call::get(&path).query(query(&[("date", date.to_string())]));
        self.call(call.token(token)).await
    }

    /// `GET /api/v2/me/carriers`: the carriers aggregated under the User's barcode.
    pub async fn my_carriers(&self, token: &SecretString) -> Result<Carriers> {
        self.call(Call::get("/api/v2/me/carriers").token(token))
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
    ) -> Result<Donation> {
        let body = serde_json::json!({
            "invoiceNumber": number.as_str(),
            "invoiceDate": date.to_string(),
            "loveCode": love_code,
        });
        let idem = Idempotency::NonIdempotent {
            key: Some(idempotency_key.to_owned()),
        };
        self.call(Call::post("/api/v2/donations", body, idem).token(token))
            .await
    }

    /// `POST /api/v2/destruction-confirmation` (R11): after the licence ended, confirms that
    /// everything [`crate::ComplianceKit::purge`] reported was destroyed. Signed with the
    /// APIKey the app held at the end; recorded once (a second call is a `conflict` problem).
    pub async fn confirm_destruction(
        &self,
        report: &DestructionReport,
    ) -> Result<DestructionConfirmed> {
        let body = serde_json::json!({ "statement": report.statement() });
        // A repeat is refused as a conflict, never recorded twice: safe to resend.
        let call = Call::post(
            "/api/v2/destruction-confirmation",
            body,
            Idempotency::Idempotent,
        );
        self.call(call).await
    }
}

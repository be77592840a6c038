//! The v1 client: every action of the Ministry's application API, typed, signed as the Ministry
//! expects, against the real service or an einv Platform.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use einv_core::prize::WinningNumbers;
use einv_core::{wire, CarrierType, InvoiceNumber, Period};
use secrecy::{ExposeSecret, SecretString};

use crate::transport::{Failed, Resend, Transport};
use crate::{Error, Result};

pub mod reply;
pub mod request;

use reply::{code_of, text, Fields};
pub use reply::{
    AggregatedCarrier, CarrierInvoice, CarrierInvoicePage, Charity, DonationReceipt, InvoiceDetail,
    InvoiceHeader, InvoiceLine,
};
use request::{Action, Attempt};

/// A User's carrier and the code that proves it: what every carrier call needs.
///
/// `Debug` hides the verification code and all but the last two characters of the number.
#[derive(Clone)]
pub struct CarrierCredentials {
    /// The carrier type, `3J0002` for a mobile barcode.
    pub card_type: CarrierType,
    /// The carrier number (`cardNo`), e.g. `/AB12+-.`.
    pub card_no: String,
    verification: SecretString,
}

impl CarrierCredentials {
    /// A carrier and its verification code (`cardEncrypt`).
    pub fn new(
        card_type: CarrierType,
        card_no: impl Into<String>,
        code: impl Into<String>,
    ) -> Self {
        Self {
            card_type,
            card_no: card_no.into(),
            verification: SecretString::from(code.into()),
        }
    }

    /// A mobile barcode (`3J0002`) and its verification code.
    pub fn mobile_barcode(card_no: impl Into<String>, code: impl Into<String>) -> Self {
        Self::new(CarrierType::mobile_barcode(), card_no, code)
    }

    pub(crate) fn verification_code(&self) -> &str {
        self.verification.expose_secret()
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("cardType", self.card_type.as_str().to_owned()),
            ("cardNo", self.card_no.clone()),
            ("cardEncrypt", self.verification_code().to_owned()),
        ]
    }
}

impl fmt::Debug for CarrierCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tail: String = self
            .card_no
            .chars()
            .rev()
            .take(2)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        write!(
            f,
            "CarrierCredentials({} …{tail}, code [redacted])",
            self.card_type.as_str()
        )
    }
}

/// How an invoice is looked up by its proof copy.
#[derive(Debug, Clone)]
pub enum ProofCopy {
    /// By the Code39 barcode: the period and the 4-digit random code.
    Barcode {
        /// The period printed on the proof copy.
        period: Period,
        /// The random code.
        random: String,
    },
    /// By the left QR code: the random code, the 24-character check code and the seller's BAN.
    QrCode {
        /// The random code.
        random: String,
        /// The QR's check code (`encrypt`).
        encrypt: String,
        /// The seller's business ID.
        seller_ban: String,
    },
}

fn date_param(d: NaiveDate) -> String {
    d.format("%Y/%m/%d").to_string()
}

/// A client of the v1 API.
///
/// ```no_run
/// # async fn f() -> einv_client::Result<()> {
/// use einv_client::{ApiKey, ClientConfig, V1Client};
/// let config = ClientConfig::new("http://127.0.0.1:8080", "EINVDEMO000001", ApiKey::new("…"));
/// let client = V1Client::new(config)?;
/// let draw = client.winning_list("11408".parse()?).await?;
/// println!("special prize {:08}", draw.special());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct V1Client {
    transport: Transport,
    serial: AtomicU64,
}

crate::transport::client_constructors!(V1Client, serial: AtomicU64::new(1));

impl V1Client {
    /// Continues the serial of signed calls from `next` (the spec starts at 1 and adds 1 on
    /// every send; an app keeps it across restarts).
    pub fn with_serial(self, next: u64) -> Self {
        self.serial.store(next, Ordering::Relaxed);
        self
    }

    /// The serial the next signed call will carry: keep it to continue with [`Self::with_serial`].
    pub fn next_serial(&self) -> u64 {
        self.serial.load(Ordering::Relaxed)
    }

    /// Platform time minus local time in seconds, from the last reply's `Date` header.
    pub fn clock_skew(&self) -> Option<i64> {
        self.transport.skew()
    }

    /// The AppID this client calls as.
    pub fn app_id(&self) -> &str {
        &self.transport.config.app_id
    }

    /// Sends `action` with retries; returns the reply's fields and whether it was 996.
    async fn call(
        &self,
        action: Action,
        params: Vec<(&'static str, String)>,
    ) -> Result<(Fields, bool)> {
        let t = &self.transport;
        if action.timed {
            t.check_skew()?;
        }
        let result = t
            .with_retry(&action.idempotency(), || {
                let attempt = Attempt {
                    app_id: &t.config.app_id,
                    device_id: &t.config.device_id,
                    platform_now: t.platform_now(),
                    // Only signed calls carry a serial; each send of one takes the next.
                    serial: if action.signed {
                        self.serial.fetch_add(1, Ordering::Relaxed)
                    } else {
                        0
                    },
                };
                let form = request::form(
                    &action,
                    &params,
                    attempt,
                    t.config.api_key.expose().as_bytes(),
                );
                let sent_serial = form
                    .iter()
                    .find(|(k, _)| *k == "serial")
                    .map(|(_, v)| v.clone());
                let req = t.http.post(t.url(action.path)).form(&form);
                async move {
                    let received = t.send(req).await?;
                    if received.status != 200 {
                        return Err(received.unexpected().into());
                    }
                    let fields: Fields = serde_json::from_slice(&received.body)
                        .map_err(|e| Failed::from(Error::Decode(format!("not JSON: {e}"))))?;
                    match code_of(&fields)? {
                        200 => {}
                        996 => return Ok((fields, true)),
                        // Flow control answers before any work is done (R4.6).
                        950 => {
                            return Err(Failed {
                                error: Error::RateLimited {
                                    retry_after: received.retry_after(),
                                },
                                resend: Resend::Safe,
                            })
                        }
                        code => {
                            return Err(Error::Mof {
                                code,
                                msg: text(&fields, "msg"),
                            }
                            .into())
                        }
                    }
                    if let Some(serial) = sent_serial {
                        check_hash_serial(&fields, &serial, t.config.api_key.expose())?;
                    }
                    Ok((fields, false))
                }
            })
            .await;
        match result {
            // A 951 caused by this machine's clock is reported as the skew it is.
            Err(Error::Mof { code: 951, msg }) => {
                t.check_skew().and(Err(Error::Mof { code: 951, msg }))
            }
            other => other,
        }
    }

    /// QryWinningList: the winning numbers of `period`, ready for the prize engine.
    pub async fn winning_list(&self, period: Period) -> Result<WinningNumbers> {
        let (fields, _) = self
            .call(request::WINNING_LIST, vec![("invTerm", period.code())])
            .await?;
        WinningNumbers::from_qry_winning_list_value(&serde_json::Value::Object(fields))
            .map_err(|e| Error::Decode(e.to_string()))
    }

    /// qryInvHeader: an invoice's header by its proof copy.
    pub async fn invoice_header(
        &self,
        number: &InvoiceNumber,
        date: NaiveDate,
        by: &ProofCopy,
    ) -> Result<InvoiceHeader> {
        let kind = match by {
            ProofCopy::Barcode { .. } => "Barcode",
            ProofCopy::QrCode { .. } => "QRCode",
        };
        let params = vec![
            ("type", kind.to_owned()),
            ("invNum", number.as_str().to_owned()),
            ("generation", "V2".to_owned()),
            ("invDate", date_param(date)),
        ];
        let (fields, _) = self.call(request::INVOICE_HEADER, params).await?;
        InvoiceHeader::read(&fields)
    }

    /// qryInvDetail: an invoice with its lines by its proof copy.
    pub async fn invoice_detail(
        &self,
        number: &InvoiceNumber,
        date: NaiveDate,
        by: &ProofCopy,
    ) -> Result<InvoiceDetail> {
        let mut params = vec![
            ("invNum", number.as_str().to_owned()),
            ("generation", "V2".to_owned()),
            ("invDate", date_param(date)),
        ];
        match by {
            ProofCopy::Barcode { period, random } => {
                params.push(("type", "Barcode".into()));
                params.push(("invTerm", period.code()));
                params.push(("randomNumber", random.clone()));
            }
            ProofCopy::QrCode {
                random,
                encrypt,
                seller_ban,
            } => {
                params.push(("type", "QRCode".into()));
                params.push(("randomNumber", random.clone()));
                params.push(("encrypt", encrypt.clone()));
                params.push(("sellerID", seller_ban.clone()));
            }
        }
        let (fields, _) = self.call(request::INVOICE_DETAIL, params).await?;
        InvoiceDetail::read(&fields)
    }

    /// qryLoveCode: charities whose love code, BAN or name matches `key`.
    pub async fn love_codes(&self, key: &str) -> Result<Vec<Charity>> {
        let (fields, _) = self
            .call(request::LOVE_CODE, vec![("qKey", key.to_owned())])
            .await?;
        Ok(Charity::read_all(&fields))
    }

    /// carrierInvChk: one page (from 1) of a carrier's invoices between two dates of one month.
    pub async fn carrier_invoices(
        &self,
        carrier: &CarrierCredentials,
        from: NaiveDate,
        to: NaiveDate,
        only_winning: bool,
        page: u32,
    ) -> Result<CarrierInvoicePage> {
        let mut params = carrier.params();
        params.push(("startDate", date_param(from)));
        params.push(("endDate", date_param(to)));
        params.push((
            "onlyWinningInv",
            if only_winning { "Y" } else { "N" }.into(),
        ));
        params.push(("page", page.max(1).to_string()));
        let (fields, more) = self.call(request::CARRIER_LIST, params).await?;
        CarrierInvoicePage::read(&fields, more)
    }

    /// carrierInvChk over every page.
    pub async fn carrier_invoices_all(
        &self,
        carrier: &CarrierCredentials,
        from: NaiveDate,
        to: NaiveDate,
        only_winning: bool,
    ) -> Result<Vec<CarrierInvoice>> {
        let mut all = Vec::new();
        for page in 1..=1000 {
            let p = self
                .carrier_invoices(carrier, from, to, only_winning, page)
                .await?;
            all.extend(p.invoices);
            if !p.more {
                break;
            }
        }
        Ok(all)
    }

    /// carrierInvDetail: one of the carrier's invoices with its lines.
    pub async fn carrier_invoice_detail(
        &self,
        carrier: &CarrierCredentials,
        number: &InvoiceNumber,
        date: NaiveDate,
    ) -> Result<InvoiceDetail> {
        let mut params = carrier.params();
        params.push(("invNum", number.as_str().to_owned()));
        params.push(("invDate", date_param(date)));
        let (fields, _) = self.call(request::CARRIER_DETAIL, params).await?;
        InvoiceDetail::read(&fields)
    }

    /// carrierInvDnt (signed): donates a cloud invoice to a charity by love code or BAN.
    /// Never sent twice once it may have reached the Platform.
    pub async fn donate(
        &self,
        carrier: &CarrierCredentials,
        number: &InvoiceNumber,
        date: NaiveDate,
        npo_ban: &str,
    ) -> Result<DonationReceipt> {
        let mut params = carrier.params();
        params.push(("invNum", number.as_str().to_owned()));
        params.push(("invDate", date_param(date)));
        params.push(("npoBan", npo_ban.to_owned()));
        let (fields, _) = self.call(request::DONATE, params).await?;
        DonationReceipt::read(&fields)
    }

    /// qryCarrierAgg (signed): the carriers aggregated under a mobile barcode.
    pub async fn aggregated_carriers(
        &self,
        carrier: &CarrierCredentials,
    ) -> Result<Vec<AggregatedCarrier>> {
        let (fields, _) = self.call(request::AGGREGATE, carrier.params()).await?;
        Ok(AggregatedCarrier::read_all(&fields))
    }
}

/// A signed reply proves itself with `hashSerial` = Base64(HMAC-SHA256(APIKey, serial)).
fn check_hash_serial(fields: &Fields, serial: &str, key: &str) -> Result<(), Failed> {
    let got = text(fields, "hashSerial");
    if got == wire::hash_serial(serial, key.as_bytes()) {
        Ok(())
    } else {
        Err(Error::Decode(format!(
            "hashSerial {got:?} does not prove serial {serial}: not the Platform's answer"
        ))
        .into())
    }
}

//! What the v1 blank pages do for a User (docs/v1-compatibility.md): aggregate a carrier
//! under the mobile barcode, record a bank account for prize transfers, donate a month's cloud
//! invoices to a love code. Each runs for an app the User consented to (R5.2).

use chrono::{Datelike, NaiveDate};
use einv_core::{Carrier, InvalidValue, Service};
use einv_store::CarrierLink;

use super::{AuditEntry, Caller, CarrierHolder, Platform};
use crate::error::{Missing, ServiceError, ServiceResult};

impl Platform {
    /// Aggregates (歸戶) the carrier `kind`/`id1` with hidden code `id2` under the holder's
    /// mobile barcode.
    pub async fn aggregate_carrier(
        &self,
        caller: &Caller,
        holder: &CarrierHolder,
        kind: &str,
        id1: &str,
        id2: &str,
        name: &str,
    ) -> ServiceResult<()> {
        let carrier = Carrier::parse(kind, id1).map_err(|e| e.for_field("carrierId1"))?;
        if carrier.kind.is_mobile_barcode() {
            return Err(InvalidValue::new(
                "carrierType",
                "a mobile barcode cannot be aggregated under another",
            )
            .into());
        }
        if id2.trim().is_empty() || name.trim().is_empty() {
            return Err(InvalidValue::new(
                if id2.trim().is_empty() {
                    "carrierId2"
                } else {
                    "carrierName"
                },
                "is required",
            )
            .into());
        }
        let link = CarrierLink {
            carrier_type: carrier.kind.as_str().to_owned(),
            id1: id1.to_owned(),
            id2: id2.trim().to_owned(),
            name: name.trim().to_owned(),
        };
        self.store
            .link_carrier(holder.user.id, &link, self.clock.now())
            .await
            .map_err(|e| match e {
                einv_store::StoreError::AlreadyExists(_) => {
                    InvalidValue::new("carrierId1", "this carrier is already aggregated").into()
                }
                other => ServiceError::from(other),
            })?;
        self.audit(AuditEntry::access(
            caller,
            holder.user.id,
            Service::CarrierAggregation,
            Vec::new(),
        ))
        .await
    }

    /// Records the bank account (3-digit bank code, 6–16-digit account) prizes are paid into.
    pub async fn record_bank_account(
        &self,
        holder: &CarrierHolder,
        bank: &str,
        account: &str,
    ) -> ServiceResult<()> {
        if bank.len() != 3 || !bank.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidValue::new("bankCode", "3 digits").into());
        }
        if !(6..=16).contains(&account.len()) || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidValue::new("accountNo", "6 to 16 digits").into());
        }
        Ok(self
            .store
            .record_bank_account(holder.user.id, bank, account, self.clock.now())
            .await?)
    }

    /// Donates every donatable cloud invoice of the holder in month `first_day` to `npo`;
    /// returns how many were donated. Invoices that cannot be donated are skipped.
    pub async fn donate_month(
        &self,
        caller: &Caller,
        holder: &CarrierHolder,
        first_day: NaiveDate,
        npo: &str,
    ) -> ServiceResult<usize> {
        let last = first_day
            .with_day(1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
            .and_then(|d| d.pred_opt())
            .unwrap_or(first_day);
        let invoices = self
            .store
            .carrier_invoices(&holder.covered, first_day, last, 10_000, 0)
            .await?;
        let mut donated = 0;
        for r in invoices {
            match self
                .donate(caller, holder, &r.header.number, r.header.date, npo)
                .await
            {
                Ok(_) => donated += 1,
                Err(ServiceError::NotFound(Missing::Charity(code))) => {
                    return Err(ServiceError::NotFound(Missing::Charity(code)))
                }
                Err(ServiceError::Store(e)) => return Err(ServiceError::Store(e)),
                Err(_) => {}
            }
        }
        Ok(donated)
    }
}

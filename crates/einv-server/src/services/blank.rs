//! What the v1 blank pages do for a User (docs/v1-compatibility.md): aggregate a carrier
//! under the mobile barcode, record a bank account for prize transfers, donate a month's cloud
//! invoices to a love code. Each runs for an app the User consented to (R5.2).

use chrono::{Datelike, NaiveDate};
use einv_core::UserId;
use einv_core::{Carrier, InvalidValue, Service};
use einv_store::{CarrierKey, CarrierLink, CarrierProof};
use serde_json::json;

use super::{AuditEntry, Caller, CarrierHolder, Platform};
use crate::error::{Missing, Proof, ServiceError, ServiceResult};

impl Platform {
    /// The holder a blank-page session stands for (hole 6: the verification code was checked
    /// once, at the page's entry, and never travels again): User `user_id`, still registered,
    /// still holding `carrier` (their barcode, or a carrier proven under it), with a live
    /// consent to the calling app (R5.2) at the moment of the change.
    pub async fn blank_page_holder(
        &self,
        caller: &Caller,
        service: Service,
        user_id: UserId,
        carrier: &Carrier,
    ) -> ServiceResult<CarrierHolder> {
        let user = self
            .registered_user(user_id)
            .await
            .map_err(|_| ServiceError::Unproven(Proof::VerificationCode))?;
        let covered = if carrier.kind.is_mobile_barcode() {
            if carrier.id != user.mobile_barcode.as_str() {
                return Err(ServiceError::Unproven(Proof::VerificationCode));
            }
            self.covered_by_barcode(user.id, carrier).await?
        } else {
            match self
                .store
                .find_carrier_link(&carrier.kind, &carrier.id)
                .await?
            {
                Some((owner, link)) if owner.id == user.id => vec![CarrierKey {
                    carrier_type: link.carrier_type,
                    id1: link.id1,
                }],
                _ => return Err(ServiceError::Unproven(Proof::VerificationCode)),
            }
        };
        self.require_consent(caller, &user, service).await?;
        Ok(CarrierHolder {
            user,
            carrier: carrier.clone(),
            covered,
            // Not checked here: later reads in the call go to the database.
            checked: Default::default(),
        })
    }

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
        require_filled(&[("carrierId2", id2), ("carrierName", name)])?;
        let link = CarrierLink {
            carrier_type: carrier.kind.clone(),
            id1: id1.to_owned(),
            id2: id2.trim().to_owned(),
            name: name.trim().to_owned(),
        };
        let proof = self.link_proven_carrier(holder.user.id, &link).await?;
        self.audit(
            AuditEntry::access(
                caller,
                holder.user.id,
                Service::CarrierAggregation,
                Vec::new(),
            )
            .with_detail(json!({
                "change": "carrier.linked",
                "carrierType": link.carrier_type,
                "proof": proof.as_str(),
            })),
        )
        .await
    }

    /// Aggregates `link` under User `user_id` once it is proven (see `carrier_proof`); the
    /// caller audits.
    pub(crate) async fn link_proven_carrier(
        &self,
        user_id: UserId,
        link: &CarrierLink,
    ) -> ServiceResult<CarrierProof> {
        let proof = self.carrier_proof(link).await?;
        self.store
            .link_carrier(user_id, link, proof, self.clock.now())
            .await
            .map_err(|e| match e {
                einv_store::StoreError::AlreadyExists(_) => {
                    InvalidValue::new("carrierId1", "this carrier is already aggregated").into()
                }
                other => ServiceError::from(other),
            })?;
        Ok(proof)
    }

    /// Ownership is proven, never claimed: the hidden code (CarrierId2) the User gives must
    /// match one a seller uploaded for that carrier, or the one the card's issuer confirmed.
    /// A made-up code is refused with the same answer whether or not the carrier exists.
    async fn carrier_proof(&self, link: &CarrierLink) -> ServiceResult<CarrierProof> {
        let (kind, id1, id2) = (link.carrier_type.as_str(), &link.id1, &link.id2);
        if let Some(proof) = self.store.carrier_proof(kind, id1, id2).await? {
            return Ok(proof);
        }
        Err(InvalidValue::new(
            "carrierId2",
            "does not match the hidden code on record for this carrier (from its invoices or its issuer)",
        )
        .into())
    }

    /// Records the card issuer's confirmation that card `kind`/`id1` has hidden code `id2`, so
    /// its holder can aggregate it before any seller uploads an invoice to it.
    pub async fn confirm_carrier_by_issuer(
        &self,
        issuer: &str,
        kind: &str,
        id1: &str,
        id2: &str,
    ) -> ServiceResult<()> {
        let carrier = Carrier::parse(kind, id1).map_err(|e| e.for_field("carrierId1"))?;
        require_filled(&[("issuer", issuer), ("carrierId2", id2)])?;
        self.store
            .record_issuer_confirmation(
                carrier.kind.as_str(),
                id1,
                id2.trim(),
                issuer.trim(),
                self.clock.now(),
            )
            .await?;
        self.audit(
            AuditEntry::event(
                format!("issuer:{}", issuer.trim()),
                "carrier.issuer-confirmed",
            )
            .with_detail(json!({ "carrierType": carrier.kind.as_str() })),
        )
        .await
    }

    /// Records the bank account (3-digit bank code, 6–16-digit account) prizes are paid into.
    /// Every change is audited (hole 6): the entry names the bank, never the account number.
    pub async fn record_bank_account(
        &self,
        caller: &Caller,
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
        self.store
            .record_bank_account(holder.user.id, bank, account, self.clock.now())
            .await?;
        self.audit(
            AuditEntry::access(
                caller,
                holder.user.id,
                Service::CarrierAggregation,
                Vec::new(),
            )
            .with_detail(json!({ "change": "bank-account.recorded", "bankCode": bank })),
        )
        .await
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

/// Refuses the first of the named values left blank, naming its field.
fn require_filled(values: &[(&str, &str)]) -> ServiceResult<()> {
    match values.iter().find(|(_, value)| value.trim().is_empty()) {
        Some((field, _)) => Err(InvalidValue::required(*field).into()),
        None => Ok(()),
    }
}

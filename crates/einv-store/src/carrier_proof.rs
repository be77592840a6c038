//! Proof that a User holds a carrier (ownership is proven, never claimed): the Platform's
//! register of issued mobile barcodes, the hidden codes sellers uploaded, and issuers'
//! confirmations.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::query::placeholders;
use crate::{Store, StoreResult};

/// How a User proved an aggregated carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CarrierProof {
    /// The hidden code (CarrierId2) the User gave matches one a seller uploaded for the carrier.
    HiddenCode,
    /// The card's issuer confirmed the hidden code.
    Issuer,
}

impl CarrierProof {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            CarrierProof::HiddenCode => "hidden-code",
            CarrierProof::Issuer => "issuer",
        }
    }
}

impl Store {
    /// How the code `id2` proves carrier `carrier_type`/`id1`, if it does: a seller uploaded an
    /// invoice to the carrier carrying that hidden code (the carrier's index range, stopping at
    /// the first match), or else its issuer confirmed that code. One round trip.
    pub async fn carrier_proof(
        &self,
        carrier_type: &str,
        id1: &str,
        id2: &str,
    ) -> StoreResult<Option<CarrierProof>> {
        let sql = "SELECT CAST(CASE \
             WHEN EXISTS (SELECT 1 FROM invoices WHERE carrier_type = $1 AND carrier_id1 = $2 \
                          AND carrier_id2 = $3) THEN 1 \
             WHEN EXISTS (SELECT 1 FROM carrier_issuer_confirmations WHERE carrier_type = $1 \
                          AND carrier_id1 = $2 AND carrier_id2 = $3) THEN 2 \
             ELSE 0 END AS BIGINT) AS proof";
        let proof: i64 = sqlx::query_scalar(sql)
            .bind(carrier_type)
            .bind(id1)
            .bind(id2)
            .fetch_one(self.pool())
            .await?;
        Ok(match proof {
            1 => Some(CarrierProof::HiddenCode),
            2 => Some(CarrierProof::Issuer),
            _ => None,
        })
    }

    /// Records an issuer's confirmation that card `carrier_type`/`id1` has hidden code `id2`
    /// (a later confirmation replaces an earlier one).
    pub async fn record_issuer_confirmation(
        &self,
        carrier_type: &str,
        id1: &str,
        id2: &str,
        issuer: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO carrier_issuer_confirmations \
                   (carrier_type, carrier_id1, carrier_id2, issuer, confirmed_at) \
                   VALUES ($1, $2, $3, $4, $5) ON CONFLICT (carrier_type, carrier_id1) \
                   DO UPDATE SET carrier_id2 = excluded.carrier_id2, issuer = excluded.issuer, \
                   confirmed_at = excluded.confirmed_at";
        let query = sqlx::query(sql)
            .bind(carrier_type)
            .bind(id1)
            .bind(id2)
            .bind(issuer)
            .bind(at.timestamp());
        self.run(query).await
    }

    /// Which of `barcodes` the Platform issued (a User registered and was given it; a
    /// deregistered User's barcode stays issued). The importer sends invoices only to these.
    pub async fn issued_barcodes(&self, barcodes: &[&str]) -> StoreResult<HashSet<String>> {
        let mut issued = HashSet::new();
        // Chunks keep the parameter count far below both backends' limits.
        for chunk in barcodes.chunks(500) {
            let sql = format!(
                "SELECT mobile_barcode FROM users WHERE mobile_barcode IN ({})",
                placeholders(1, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for b in chunk {
                query = query.bind(*b);
            }
            for row in query.fetch_all(self.pool()).await? {
                issued.insert(row.try_get::<String, _>("mobile_barcode")?);
            }
        }
        Ok(issued)
    }
}

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
    /// Whether a seller uploaded an invoice to carrier `carrier_type`/`id1` carrying hidden code
    /// `id2` (reads the carrier's index range, stops at the first match).
    pub async fn hidden_code_uploaded(
        &self,
        carrier_type: &str,
        id1: &str,
        id2: &str,
    ) -> StoreResult<bool> {
        let row = sqlx::query(
            "SELECT 1 AS found FROM invoices \
             WHERE carrier_type = $1 AND carrier_id1 = $2 AND carrier_id2 = $3 LIMIT 1",
        )
        .bind(carrier_type)
        .bind(id1)
        .bind(id2)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
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

    /// Whether the issuer confirmed that card `carrier_type`/`id1` has hidden code `id2`.
    pub async fn issuer_confirms(
        &self,
        carrier_type: &str,
        id1: &str,
        id2: &str,
    ) -> StoreResult<bool> {
        let row = sqlx::query(
            "SELECT carrier_id2 FROM carrier_issuer_confirmations \
             WHERE carrier_type = $1 AND carrier_id1 = $2",
        )
        .bind(carrier_type)
        .bind(id1)
        .fetch_optional(self.pool())
        .await?;
        Ok(match row {
            Some(r) => r.try_get::<String, _>("carrier_id2")? == id2,
            None => false,
        })
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

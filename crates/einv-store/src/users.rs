//! Users (mobile barcode holders) and the carriers aggregated under them.

use chrono::{DateTime, Utc};
use einv_core::UserId;
use einv_core::{CarrierType, MobileBarcode};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::columns::parsed;
use crate::query::Records;
use crate::records::from_unix;
use crate::{CarrierLink, CarrierProof, Store, StoreError, StoreResult, UserRecord};

fn user_from_row(r: &AnyRow) -> StoreResult<UserRecord> {
    Ok(UserRecord {
        id: UserId::new(r.try_get("id")?),
        mobile_barcode: parsed(r, "users", "mobile_barcode")?,
        verification_hash: r.try_get("verification_hash")?,
        registered_at: from_unix(r.try_get("registered_at")?),
        deregistered_at: r
            .try_get::<Option<i64>, _>("deregistered_at")?
            .map(from_unix),
    })
}

fn link_from_row(r: &AnyRow) -> StoreResult<CarrierLink> {
    Ok(CarrierLink {
        carrier_type: parsed(r, "carrier_links", "carrier_type")?,
        id1: r.try_get("carrier_id1")?,
        id2: r.try_get("carrier_id2")?,
        name: r.try_get("carrier_name")?,
    })
}

/// Carriers aggregated under a User.
const LINKS: Records<CarrierLink> = Records::new(
    "carrier_links",
    "carrier_type, carrier_id1, carrier_id2, carrier_name",
    link_from_row,
);

const USER_COLUMNS: &str = "id, mobile_barcode, verification_hash, registered_at, deregistered_at";

/// Users as [`UserRecord`]s.
const USERS: Records<UserRecord> = Records::new("users", USER_COLUMNS, user_from_row);

impl Store {
    /// Registers a User. A barcode already registered is [`StoreError::AlreadyExists`].
    pub async fn create_user(
        &self,
        mobile_barcode: &MobileBarcode,
        verification_hash: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<UserRecord> {
        let sql = format!(
            "INSERT INTO users (mobile_barcode, verification_hash, registered_at) \
             VALUES ($1, $2, $3) RETURNING {USER_COLUMNS}"
        );
        let query = sqlx::query(&sql)
            .bind(mobile_barcode.as_str())
            .bind(verification_hash)
            .bind(at.timestamp());
        let what = "a User with this mobile barcode";
        self.insert_returning(query, what, user_from_row).await
    }

    /// The User holding `mobile_barcode`.
    pub async fn find_user_by_barcode(
        &self,
        mobile_barcode: &MobileBarcode,
    ) -> StoreResult<Option<UserRecord>> {
        let filter = "WHERE mobile_barcode = $1";
        self.record_where(&USERS, filter, mobile_barcode.as_str())
            .await
    }

    /// The User with row ID `id`.
    pub async fn find_user(&self, id: UserId) -> StoreResult<Option<UserRecord>> {
        self.record_where(&USERS, "WHERE id = $1", id.get()).await
    }

    /// Replaces a User's verification code hash.
    pub async fn set_verification_hash(&self, user_id: UserId, hash: &str) -> StoreResult<()> {
        let sql = "UPDATE users SET verification_hash = $1 WHERE id = $2";
        self.run(sqlx::query(sql).bind(hash).bind(user_id.get()))
            .await?;
        Ok(())
    }

    /// Aggregates a carrier under a User, with the proof that the User holds it. A carrier
    /// already aggregated with proof (under anyone) is [`StoreError::AlreadyExists`]; a link
    /// that was only claimed (made before proof was required) gives way to the proven one.
    pub async fn link_carrier(
        &self,
        user_id: UserId,
        link: &CarrierLink,
        proof: CarrierProof,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "DELETE FROM carrier_links WHERE carrier_type = $1 AND carrier_id1 = $2 \
             AND proof = 'claimed'",
        )
        .bind(link.carrier_type.as_str())
        .bind(link.id1.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO carrier_links (user_id, carrier_type, carrier_id1, carrier_id2, \
             carrier_name, linked_at, proof) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(user_id.get())
        .bind(link.carrier_type.as_str())
        .bind(link.id1.as_str())
        .bind(link.id2.as_str())
        .bind(link.name.as_str())
        .bind(at.timestamp())
        .bind(proof.as_str())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "this carrier's aggregation"))?;
        tx.commit().await?;
        Ok(())
    }

    /// The carriers aggregated under a User with proof (a merely claimed link covers nothing).
    pub async fn user_carriers(&self, user_id: UserId) -> StoreResult<Vec<CarrierLink>> {
        let proven = "WHERE user_id = $1 AND proof <> 'claimed' \
                      ORDER BY linked_at, carrier_type, carrier_id1";
        self.records_where(&LINKS, proven, user_id.get()).await
    }
}

impl Store {
    /// The carrier `carrier_type`/`id1` aggregated with proof, and the User it is under.
    pub async fn find_carrier_link(
        &self,
        carrier_type: &CarrierType,
        id1: &str,
    ) -> StoreResult<Option<(UserRecord, CarrierLink)>> {
        let sql = "SELECT u.id, u.mobile_barcode, u.verification_hash, u.registered_at, \
                   u.deregistered_at, l.carrier_type, l.carrier_id1, l.carrier_id2, l.carrier_name \
                   FROM carrier_links l JOIN users u ON u.id = l.user_id \
                   WHERE l.carrier_type = $1 AND l.carrier_id1 = $2 AND l.proof <> 'claimed'";
        let query = sqlx::query(sql).bind(carrier_type.as_str()).bind(id1);
        self.fetch_opt(query, |r| Ok((user_from_row(r)?, link_from_row(r)?)))
            .await
    }
}

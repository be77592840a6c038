//! Sellers and charities.

use einv_core::BusinessId;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::columns::parsed;
use crate::query::Records;
use crate::{Charity, Seller, Store, StoreResult};

fn charity_from_row(r: &AnyRow) -> StoreResult<Charity> {
    Ok(Charity {
        love_code: parsed(r, "charities", "love_code")?,
        ban: parsed(r, "charities", "ban")?,
        name: r.try_get("name")?,
        abbrev: r.try_get("abbrev")?,
    })
}

fn seller_from_row(r: &AnyRow) -> StoreResult<Seller> {
    Ok(Seller {
        ban: parsed(r, "sellers", "ban")?,
        name: r.try_get("name")?,
        address: r.try_get("address")?,
        qr_seed_key: r.try_get("qr_seed_key")?,
    })
}

const SELLERS: Records<Seller> = Records::new(
    "sellers",
    "ban, name, address, qr_seed_key",
    seller_from_row,
);

const CHARITIES: Records<Charity> = Records::new(
    "charities",
    "love_code, ban, name, abbrev",
    charity_from_row,
);

impl Store {
    /// Creates or updates a seller.
    pub async fn upsert_seller(&self, seller: &Seller) -> StoreResult<()> {
        let sql = "INSERT INTO sellers (ban, name, address, qr_seed_key) VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (ban) DO UPDATE SET name = excluded.name, address = excluded.address, \
                   qr_seed_key = COALESCE(excluded.qr_seed_key, sellers.qr_seed_key)";
        let query = sqlx::query(sql)
            .bind(seller.ban.as_str())
            .bind(seller.name.as_str())
            .bind(seller.address.as_str())
            .bind(seller.qr_seed_key.as_deref());
        self.run(query).await
    }

    /// The seller with business ID `ban`.
    pub async fn find_seller(&self, ban: &BusinessId) -> StoreResult<Option<Seller>> {
        self.record_where(&SELLERS, "WHERE ban = $1", ban.as_str())
            .await
    }

    /// Creates or updates a charity.
    pub async fn upsert_charity(&self, charity: &Charity) -> StoreResult<()> {
        let sql = "INSERT INTO charities (love_code, ban, name, abbrev) VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (love_code) DO UPDATE SET ban = excluded.ban, name = excluded.name, \
                   abbrev = excluded.abbrev";
        let query = sqlx::query(sql)
            .bind(charity.love_code.as_str())
            .bind(charity.ban.as_str())
            .bind(charity.name.as_str())
            .bind(charity.abbrev.as_str());
        self.run(query).await
    }

    /// The charity with love code `code`, or with business ID `code` (`npoBan` takes either).
    pub async fn find_charity(&self, code: &str) -> StoreResult<Option<Charity>> {
        let filter = "WHERE love_code = $1 OR ban = $1 ORDER BY love_code LIMIT 1";
        self.record_where(&CHARITIES, filter, code).await
    }

    /// Charities whose love code, business ID, name or short name contains `key`.
    pub async fn search_charities(&self, key: &str, limit: i64) -> StoreResult<Vec<Charity>> {
        // LIKE wildcards in the key are matched literally.
        let escaped = key
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let filter = format!(
            "WHERE love_code LIKE $1 ESCAPE '\\' OR ban LIKE $1 ESCAPE '\\' \
             OR name LIKE $1 ESCAPE '\\' OR abbrev LIKE $1 ESCAPE '\\' \
             ORDER BY love_code LIMIT {limit}"
        );
        self.records_where(&CHARITIES, &filter, pattern.as_str())
            .await
    }
}

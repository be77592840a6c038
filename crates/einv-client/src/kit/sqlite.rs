//! The kit's default store: one SQLite file (or memory), its schema created on open.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use einv_core::{Period, Service};
use secrecy::ExposeSecret;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow,
};
use sqlx::Row;

use super::records::{
    CachedInvoice, ConsentRecord, ConsentScope, OutOfScopeDatum, PurgeCounts, Purpose,
    StoredCarrier, UsageEvent,
};
use super::seal::{is_sealed, SealingKey};
use super::store::KitStore;
use crate::display::ShownNumber;
use crate::{Error, Result};

/// A statement with its parameters bound, for [`SqliteKitStore::run`] and `read`.
type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, SqliteArguments<'q>>;

/// The default store: one SQLite file (or memory), its schema created on open.
#[derive(Debug, Clone)]
pub struct SqliteKitStore {
    pool: SqlitePool,
    sealing: Option<SealingKey>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS kit_consent (user TEXT NOT NULL, scope TEXT NOT NULL, services TEXT NOT NULL,
  given_at INTEGER NOT NULL, lapses_at INTEGER NOT NULL, revoked_at INTEGER, PRIMARY KEY (user, scope));
CREATE TABLE IF NOT EXISTS kit_invoice (user TEXT NOT NULL, number TEXT NOT NULL, date TEXT NOT NULL,
  time TEXT NOT NULL, period TEXT NOT NULL, seller_ban TEXT NOT NULL, seller_name TEXT NOT NULL,
  amount TEXT NOT NULL, donated INTEGER NOT NULL, claim_deadline TEXT NOT NULL, purpose TEXT NOT NULL,
  PRIMARY KEY (user, number, date, time, seller_ban, amount));
CREATE TABLE IF NOT EXISTS kit_carrier (user TEXT NOT NULL, card_type TEXT NOT NULL, card_no TEXT NOT NULL,
  code TEXT NOT NULL, PRIMARY KEY (user, card_type, card_no));
CREATE TABLE IF NOT EXISTS kit_out_of_scope (user TEXT NOT NULL, category TEXT NOT NULL, key TEXT NOT NULL,
  value TEXT NOT NULL, stored_at INTEGER NOT NULL, PRIMARY KEY (user, category, key));
CREATE TABLE IF NOT EXISTS kit_usage (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,
  user TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
";

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

fn date(text: &str) -> Result<NaiveDate> {
    NaiveDate::from_str(text).map_err(|e| Error::Storage(format!("date {text:?}: {e}")))
}

fn purpose_key(p: Purpose) -> String {
    match p {
        Purpose::Service => "service".to_owned(),
        Purpose::OutOfScope(c) => c.as_str().to_owned(),
    }
}

impl SqliteKitStore {
    /// Opens (creating if needed) the SQLite database at `url`, e.g. `sqlite://kit.db` or
    /// `sqlite::memory:`.
    pub async fn open(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?.create_if_missing(true);
        // One connection: an in-memory database exists per connection, and the kit is small.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        sqlx::raw_sql(SCHEMA).execute(&pool).await?;
        Ok(Self {
            pool,
            sealing: None,
        })
    }

    /// Seals Users' verification codes with `key` before they are stored (recommended: without
    /// it they are stored as given).
    pub fn with_sealing_key(mut self, key: SealingKey) -> Self {
        self.sealing = Some(key);
        self
    }

    /// A fresh in-memory store (for tests and examples).
    pub async fn in_memory() -> Result<Self> {
        Self::open("sqlite::memory:").await
    }

    /// Runs `query` (an INSERT, UPDATE or DELETE); how many rows it changed.
    async fn run(&self, query: Query<'_>) -> Result<u64> {
        Ok(query.execute(&self.pool).await?.rows_affected())
    }

    /// The rows `query` selects, each read by `read`.
    async fn read<T>(
        &self,
        query: Query<'_>,
        read: impl FnMut(&SqliteRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        query
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(read)
            .collect()
    }
}

impl KitStore for SqliteKitStore {
    async fn put_consent(&self, c: &ConsentRecord) -> Result<()> {
        let services: Vec<&str> = c.services.iter().map(|s| s.as_str()).collect();
        self.run(
            sqlx::query("INSERT OR REPLACE INTO kit_consent VALUES (?, ?, ?, ?, ?, ?)")
                .bind(&c.user)
                .bind(c.scope.key())
                .bind(services.join(" "))
                .bind(c.given_at.timestamp())
                .bind(c.lapses_at.timestamp())
                .bind(c.revoked_at.map(|r| r.timestamp())),
        )
        .await?;
        Ok(())
    }

    async fn consents(&self, user: Option<&str>) -> Result<Vec<ConsentRecord>> {
        self.read(
            sqlx::query(
                "SELECT * FROM kit_consent WHERE ? IS NULL OR user = ? ORDER BY user, scope",
            )
            .bind(user)
            .bind(user),
            |r| {
                let scope: String = r.get("scope");
                let services: String = r.get("services");
                Ok(ConsentRecord {
                    user: r.get("user"),
                    scope: ConsentScope::parse(&scope)
                        .ok_or_else(|| Error::Storage(format!("consent scope {scope:?}")))?,
                    services: services
                        .split_whitespace()
                        .filter_map(|s| s.parse::<Service>().ok())
                        .collect(),
                    given_at: at(r.get("given_at")),
                    lapses_at: at(r.get("lapses_at")),
                    revoked_at: r.get::<Option<i64>, _>("revoked_at").map(at),
                })
            },
        )
        .await
    }

    async fn put_invoice(&self, i: &CachedInvoice) -> Result<()> {
        self.run(
            sqlx::query(
                "INSERT OR REPLACE INTO kit_invoice VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&i.user)
            .bind(i.number.as_str())
            .bind(i.date.to_string())
            .bind(&i.time)
            .bind(i.period.code())
            .bind(&i.seller_ban)
            .bind(&i.seller_name)
            .bind(&i.amount)
            .bind(i.donated)
            .bind(i.claim_deadline.to_string())
            .bind(purpose_key(i.purpose)),
        )
        .await?;
        Ok(())
    }

    async fn delete_invoice(&self, user: &str, number: &str, d: NaiveDate) -> Result<u64> {
        self.run(
            sqlx::query("DELETE FROM kit_invoice WHERE user = ? AND number = ? AND date = ?")
                .bind(user)
                .bind(number)
                .bind(d.to_string()),
        )
        .await
    }

    async fn invoices(&self, user: &str) -> Result<Vec<CachedInvoice>> {
        self.read(
            sqlx::query("SELECT * FROM kit_invoice WHERE user = ? ORDER BY date DESC, number")
                .bind(user),
            |r| {
                let number: String = r.get("number");
                let donated: bool = r.get("donated");
                let period: String = r.get("period");
                let purpose: String = r.get("purpose");
                Ok(CachedInvoice {
                    user: r.get("user"),
                    number: ShownNumber::from_reply(&number, donated)
                        .map_err(|e| Error::Storage(e.to_string()))?,
                    date: date(r.get("date"))?,
                    time: r.get("time"),
                    seller_ban: r.get("seller_ban"),
                    period: Period::parse(&period).map_err(|e| Error::Storage(e.to_string()))?,
                    seller_name: r.get("seller_name"),
                    amount: r.get("amount"),
                    donated,
                    claim_deadline: date(r.get("claim_deadline"))?,
                    purpose: if purpose == "service" {
                        Purpose::Service
                    } else {
                        Purpose::OutOfScope(
                            purpose.parse().map_err(|e: einv_core::InvalidValue| {
                                Error::Storage(e.to_string())
                            })?,
                        )
                    },
                })
            },
        )
        .await
    }

    async fn delete_invoices_expired(&self, today: NaiveDate) -> Result<u64> {
        // ISO dates compare as text.
        self.run(
            sqlx::query("DELETE FROM kit_invoice WHERE claim_deadline < ?").bind(today.to_string()),
        )
        .await
    }

    async fn put_carrier(&self, c: &StoredCarrier) -> Result<()> {
        let code = match &self.sealing {
            Some(key) => key.seal(c.code.expose_secret())?,
            None => c.code.expose_secret().to_owned(),
        };
        self.run(
            sqlx::query("INSERT OR REPLACE INTO kit_carrier VALUES (?, ?, ?, ?)")
                .bind(&c.user)
                .bind(&c.card_type)
                .bind(&c.card_no)
                .bind(code),
        )
        .await?;
        Ok(())
    }

    async fn carriers(&self, user: &str) -> Result<Vec<StoredCarrier>> {
        self.read(
            sqlx::query("SELECT * FROM kit_carrier WHERE user = ? ORDER BY card_type, card_no")
                .bind(user),
            |r| {
                let stored: String = r.get("code");
                let code = match &self.sealing {
                    Some(key) => key.open(&stored)?,
                    None if is_sealed(&stored) => {
                        return Err(Error::Storage(
                            "verification codes are sealed: open the store with its SealingKey"
                                .into(),
                        ))
                    }
                    None => stored,
                };
                Ok(StoredCarrier::new(
                    r.get("user"),
                    r.get("card_type"),
                    r.get("card_no"),
                    &code,
                ))
            },
        )
        .await
    }

    async fn put_out_of_scope(&self, d: &OutOfScopeDatum) -> Result<()> {
        self.run(
            sqlx::query("INSERT OR REPLACE INTO kit_out_of_scope VALUES (?, ?, ?, ?, ?)")
                .bind(&d.user)
                .bind(d.category.as_str())
                .bind(&d.key)
                .bind(d.value.to_string())
                .bind(d.stored_at.timestamp()),
        )
        .await?;
        Ok(())
    }

    async fn out_of_scope(&self, user: &str) -> Result<Vec<OutOfScopeDatum>> {
        self.read(
            sqlx::query("SELECT * FROM kit_out_of_scope WHERE user = ? ORDER BY category, key")
                .bind(user),
            |r| {
                let category: String = r.get("category");
                let value: String = r.get("value");
                Ok(OutOfScopeDatum {
                    user: r.get("user"),
                    category: category
                        .parse()
                        .map_err(|e: einv_core::InvalidValue| Error::Storage(e.to_string()))?,
                    key: r.get("key"),
                    value: serde_json::from_str(&value)
                        .map_err(|e| Error::Storage(e.to_string()))?,
                    stored_at: at(r.get("stored_at")),
                })
            },
        )
        .await
    }

    async fn append_usage(&self, e: &UsageEvent) -> Result<()> {
        self.run(
            sqlx::query("INSERT INTO kit_usage (at, user, action, detail) VALUES (?, ?, ?, ?)")
                .bind(e.at.timestamp())
                .bind(&e.user)
                .bind(&e.action)
                .bind(&e.detail),
        )
        .await?;
        Ok(())
    }

    async fn usage(&self, user: Option<&str>) -> Result<Vec<UsageEvent>> {
        self.read(
            sqlx::query("SELECT * FROM kit_usage WHERE ? IS NULL OR user = ? ORDER BY id")
                .bind(user)
                .bind(user),
            |r| {
                Ok(UsageEvent {
                    at: at(r.get("at")),
                    user: r.get("user"),
                    action: r.get("action"),
                    detail: r.get("detail"),
                })
            },
        )
        .await
    }

    async fn prune_usage(&self, before: DateTime<Utc>) -> Result<u64> {
        self.run(sqlx::query("DELETE FROM kit_usage WHERE at < ?").bind(before.timestamp()))
            .await
    }

    async fn purge(&self, user: Option<&str>, now: DateTime<Utc>) -> Result<PurgeCounts> {
        const WHOSE: &str = "(?1 IS NULL OR user = ?1)";
        let mut tx = self.pool.begin().await?;
        let users: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(DISTINCT user) FROM (SELECT user FROM kit_invoice UNION SELECT user FROM kit_carrier \
             UNION SELECT user FROM kit_out_of_scope UNION SELECT user FROM kit_consent) WHERE {WHOSE}"
        ))
        .bind(user)
        .fetch_one(&mut *tx)
        .await?;
        let codes: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM kit_carrier WHERE code <> '' AND {WHOSE}"
        ))
        .bind(user)
        .fetch_one(&mut *tx)
        .await?;
        let mut deleted = [0u64; 3];
        for (n, table) in ["kit_invoice", "kit_carrier", "kit_out_of_scope"]
            .iter()
            .enumerate()
        {
            deleted[n] = sqlx::query(&format!("DELETE FROM {table} WHERE {WHOSE}"))
                .bind(user)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        let consents = sqlx::query(&format!(
            "UPDATE kit_consent SET revoked_at = ?2 WHERE revoked_at IS NULL AND lapses_at > ?2 AND {WHOSE}"
        ))
        .bind(user)
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(PurgeCounts {
            invoices: deleted[0],
            carriers: deleted[1],
            verification_codes: u64::try_from(codes).unwrap_or_default(),
            out_of_scope: deleted[2],
            consents,
            users: u64::try_from(users).unwrap_or_default(),
        })
    }

    async fn users_with_card(&self, card_no: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT user FROM kit_carrier WHERE card_no = ? ORDER BY user",
        )
        .bind(card_no)
        .fetch_all(&self.pool)
        .await?)
    }
}

//! Winning numbers per period, kept as the QryWinningList JSON the domain crate reads.

use chrono::{DateTime, Utc};
use einv_core::Period;

use crate::records::period_key;
use crate::{Store, StoreResult};

impl Store {
    /// Publishes (or replaces) the winning numbers of `period`.
    pub async fn put_winning_numbers(
        &self,
        period: Period,
        numbers_json: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql =
            "INSERT INTO winning_numbers (period, numbers_json, published_at) VALUES ($1, $2, $3) \
             ON CONFLICT (period) DO UPDATE SET numbers_json = excluded.numbers_json, \
             published_at = excluded.published_at";
        let query = sqlx::query(sql)
            .bind(period_key(period))
            .bind(numbers_json)
            .bind(at.timestamp());
        self.run(query).await
    }

    /// The winning numbers of `period`, as stored JSON.
    pub async fn winning_numbers(&self, period: Period) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT numbers_json FROM winning_numbers WHERE period = $1")
                .bind(period_key(period))
                .fetch_optional(self.pool())
                .await?,
        )
    }
}

//! Calls refused by flow control, counted per AppID: in `/metrics` at once, and in the store
//! per AppID and hour, rolled up in memory and written at most once per flush interval (a
//! flood of refusals must not become a flood of writes). Pages that show the counts flush
//! first, so what they show includes this node's latest refusals.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use einv_store::Store;

use crate::error::ServiceResult;

/// 1 while this node's shared counter (Redis) answers, 0 while it counts alone.
pub const REDIS_UP: &str = "einv_flow_redis_up";
/// Redis round trips that failed or timed out.
pub const REDIS_ERRORS: &str = "einv_flow_redis_errors_total";
/// Calls refused, by scope (`ip`, `app`, `detail`) and whether the node counted alone.
pub const THROTTLED: &str = "einv_flow_throttled_total";
/// Calls refused per live AppID (bounded: only licensed AppIDs are ever counted).
pub const THROTTLED_APP: &str = "einv_flow_throttled_app_total";

/// How often the roll-up is written.
const FLUSH_EVERY_SECS: i64 = 10;

/// Refusals not yet written, per (AppID, hour).
#[derive(Debug, Default)]
pub struct Tally {
    pending: Mutex<Pending>,
}

#[derive(Debug, Default)]
struct Pending {
    counts: HashMap<(String, i64), i64>,
    flushed_at: Option<DateTime<Utc>>,
}

impl Tally {
    /// Counts one refusal of `app_id` at `now`; true when a flush is due.
    pub fn count(&self, app_id: &str, now: DateTime<Utc>) -> bool {
        metrics::counter!(THROTTLED_APP, "app_id" => app_id.to_owned()).increment(1);
        let hour = now.timestamp().div_euclid(3600) * 3600;
        let Ok(mut pending) = self.pending.lock() else {
            return false;
        };
        *pending.counts.entry((app_id.to_owned(), hour)).or_default() += 1;
        match pending.flushed_at {
            Some(at) => now < at || now - at >= Duration::seconds(FLUSH_EVERY_SECS),
            None => true,
        }
    }

    /// Writes the pending counts; on failure they are kept for the next flush.
    pub async fn flush(&self, store: &Store, now: DateTime<Utc>) -> ServiceResult<()> {
        let rows: Vec<(String, i64, i64)> = {
            let Ok(mut pending) = self.pending.lock() else {
                return Ok(());
            };
            pending.flushed_at = Some(now);
            pending
                .counts
                .drain()
                .map(|((app, hour), n)| (app, hour, n))
                .collect()
        };
        if rows.is_empty() {
            return Ok(());
        }
        if let Err(e) = store.add_throttled(&rows).await {
            if let Ok(mut pending) = self.pending.lock() {
                for (app, hour, n) in rows {
                    *pending.counts.entry((app, hour)).or_default() += n;
                }
            }
            return Err(e.into());
        }
        Ok(())
    }
}

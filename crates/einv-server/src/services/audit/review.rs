//! Reading the trail back: verifying the chain, purging past the retention period (R5.3), and
//! listing entries for the User's, the developer's and the reviewer's views.

use chrono::NaiveDate;
use einv_core::audit::{Report, Retention, StoredEntry, Verifier};
use einv_core::clock::taipei_midnight;
use einv_store::AuditFilter;
use serde_json::json;

use super::AuditEntry;
use crate::error::ServiceResult;
use crate::services::Platform;

/// How many entries the verifier reads per query.
const PAGE: i64 = 1000;

/// What a purge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeOutcome {
    /// Entries removed.
    pub purged: u64,
    /// The last removed seq, now the signed anchor the chain resumes from.
    pub anchor: Option<i64>,
}

impl Platform {
    /// Walks the whole chain and its checkpoints (R6.4) and reports every problem, naming the
    /// entry it concerns.
    pub async fn verify_audit(&self) -> ServiceResult<Report> {
        self.flush_audit().await?;
        let checkpoints = self.store.audit_checkpoints().await?;
        let mut verifier = Verifier::new(self.trail.key(), &checkpoints);
        let mut after = i64::MIN;
        loop {
            let page = self.store.audit_chain(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            page.into_iter().for_each(|e| verifier.push(e));
        }
        Ok(verifier.finish(self.store.audit_head().await?))
    }

    /// Purges the entries recorded before Taipei day `before`, which must be at least
    /// `retention` old (R5.3: never less than six months; refused otherwise). The last purged
    /// entry becomes a signed anchor, so what remains still verifies; the purge itself is
    /// recorded in the trail.
    pub async fn purge_audit(
        &self,
        before: NaiveDate,
        retention: Retention,
    ) -> ServiceResult<PurgeOutcome> {
        retention.check_purge(self.today(), before)?;
        self.flush_audit().await?;
        let Some(point) = self
            .store
            .audit_purge_point(taipei_midnight(before))
            .await?
        else {
            return Ok(PurgeOutcome {
                purged: 0,
                anchor: None,
            });
        };
        // Hole 7: the anchor's MAC covers its kind and the purge's cut instant, so neither a
        // checkpoint turned into an anchor nor a moved purge date verifies.
        let anchor = self.trail.key().checkpoint(
            einv_core::audit::verify::ANCHOR,
            point.seq,
            point.hash,
            taipei_midnight(before).timestamp(),
        );
        let purged = self.store.purge_audit_through(&anchor).await?;
        let detail = json!({ "before": before.to_string(), "through_seq": point.seq, "purged": purged, "retention_months": retention.get() });
        self.audit(AuditEntry::event("system", "audit.purged").with_detail(detail))
            .await?;
        self.flush_audit().await?;
        Ok(PurgeOutcome {
            purged,
            anchor: Some(point.seq),
        })
    }

    /// Up to `limit` entries matching `filter`, newest first. Callers pass the filter of the
    /// viewer's own data only: a User sees accesses to their data, a developer their AppID's.
    pub async fn audit_log(
        &self,
        filter: &AuditFilter,
        limit: i64,
    ) -> ServiceResult<Vec<StoredEntry>> {
        self.audit_page(filter, None, limit).await
    }

    /// [`Self::audit_log`], from the entries below sequence number `before`: the next page
    /// of a list however long.
    pub async fn audit_page(
        &self,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: i64,
    ) -> ServiceResult<Vec<StoredEntry>> {
        self.flush_audit().await?;
        Ok(self
            .store
            .audit_entries_before(filter, before, limit.clamp(1, 10_000))
            .await?)
    }
}

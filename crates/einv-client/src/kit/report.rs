//! The destruction report of R11.

use chrono::{DateTime, Utc};
use einv_core::clock::taipei;
use serde::Serialize;

use super::records::PurgeCounts;

/// What [`super::ComplianceKit::purge`] destroyed, to confirm on the Platform (R11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DestructionReport {
    /// The AppID whose licence ended.
    pub app_id: String,
    /// When the data was destroyed.
    pub at: DateTime<Utc>,
    /// Why (expiry, withdrawal, termination…).
    pub reason: String,
    /// What was deleted.
    pub counts: PurgeCounts,
    /// Until when the usage trail is still kept (R5.3), holding no invoice or carrier data.
    pub trail_kept_until: DateTime<Utc>,
}

impl DestructionReport {
    /// The statement to paste into the Platform's destruction confirmation (R11), at most
    /// 2000 characters.
    ///
    /// ```
    /// # use einv_client::kit::{DestructionReport, PurgeCounts};
    /// let r = DestructionReport {
    ///     app_id: "EINVDEMO000001".into(),
    ///     at: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
    ///     reason: "licence expired".into(),
    ///     counts: PurgeCounts { invoices: 3, ..Default::default() },
    ///     trail_kept_until: chrono::DateTime::from_timestamp(1_815_000_000, 0).unwrap(),
    /// };
    /// assert!(r.statement().contains("3 invoices"));
    /// ```
    pub fn statement(&self) -> String {
        let c = &self.counts;
        let at = self.at.with_timezone(&taipei()).format("%Y-%m-%d %H:%M:%S");
        let until = self
            .trail_kept_until
            .with_timezone(&taipei())
            .format("%Y-%m-%d");
        format!(
            "R11 destruction for AppID {} ({}), completed {at} Taipei time: deleted {} invoices, {} carriers, \
             {} verification codes and {} out-of-scope data of {} Users; ended {} consents. \
             The usage trail (no invoice or carrier data) is kept until {until} as R5.3 requires, then deleted.",
            self.app_id, self.reason, c.invoices, c.carriers, c.verification_codes, c.out_of_scope, c.users, c.consents
        )
    }
}

//! The events of the lifecycle, each with the rule it acts under.

use serde::{Deserialize, Serialize};

use super::{LicenceEventKind, SuspensionReason, TerminationGround};
use chrono::NaiveDate;

/// Something that happens to a licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum LicenceEvent {
    /// The Developer files again after corrections were asked for.
    Resubmit,
    /// The reviewer asks for corrections (R4.2).
    RequestChanges,
    /// The reviewer refuses the application (or a purpose change).
    Reject,
    /// The reviewer approves: a three-year term from today (R4.1, R4.7a), or, after a purpose
    /// change, the same coverage again (R5.11).
    Approve,
    /// The Developer applies for re-review (R4.7b, R4.7d).
    ApplyRenewal,
    /// The reviewer approves the re-review (R4.7b).
    ApproveRenewal,
    /// The reviewer refuses the re-review.
    RejectRenewal,
    /// Suspension (R6, R10.2).
    Suspend {
        /// Why.
        reason: SuspensionReason,
    },
    /// The cause of a suspension is cured: resumption approved (R10.2), or a valid ISMS
    /// certificate is on file (R6).
    Reinstate {
        /// The suspension being lifted.
        reason: SuspensionReason,
        /// For R6: the expiry of the certificate now on file.
        certificate_valid_until: Option<NaiveDate>,
    },
    /// The Center terminates (R10.3).
    Terminate {
        /// The ground.
        ground: TerminationGround,
    },
    /// The Developer stops by notice (R10.1).
    Withdraw,
    /// The Developer merged away (R10.5).
    Merge,
    /// The Product's purpose changed (R5.11).
    ChangePurpose,
}

impl LicenceEvent {
    /// What the event is, as its history entry records it.
    pub fn kind(&self) -> LicenceEventKind {
        match self {
            Self::Resubmit => LicenceEventKind::Resubmit,
            Self::RequestChanges => LicenceEventKind::RequestChanges,
            Self::Reject => LicenceEventKind::Reject,
            Self::Approve => LicenceEventKind::Approve,
            Self::ApplyRenewal => LicenceEventKind::ApplyRenewal,
            Self::ApproveRenewal => LicenceEventKind::ApproveRenewal,
            Self::RejectRenewal => LicenceEventKind::RejectRenewal,
            Self::Suspend { .. } => LicenceEventKind::Suspend,
            Self::Reinstate { .. } => LicenceEventKind::Reinstate,
            Self::Terminate { .. } => LicenceEventKind::Terminate,
            Self::Withdraw => LicenceEventKind::Withdraw,
            Self::Merge => LicenceEventKind::Merge,
            Self::ChangePurpose => LicenceEventKind::ChangePurpose,
        }
    }

    /// The stable name of the event, as stored.
    pub fn name(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The rule the event acts under.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::Resubmit | Self::RequestChanges => "R4.2",
            Self::Reject | Self::Approve => "R4.1",
            Self::ApplyRenewal | Self::ApproveRenewal | Self::RejectRenewal => "R4.7b",
            Self::Suspend { reason } | Self::Reinstate { reason, .. } => reason.rule(),
            Self::Terminate { ground } => ground.rule(),
            Self::Withdraw => "R10.1",
            Self::Merge => "R10.5",
            Self::ChangePurpose => "R5.11",
        }
    }
}

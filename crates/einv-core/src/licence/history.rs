//! The words a licence's history is kept in (R10.4: never rewritten): what each entry records,
//! and the state the licence was left in. Stored, shown on the pages and read back as these
//! types, so a word the lifecycle does not know cannot pass for one it does.

use crate::text::word_enum;

word_enum! {
    /// What one entry of a licence's history records: an event of the lifecycle
    /// ([`LicenceEvent::kind`](super::LicenceEvent::kind)), what created the licence, or what
    /// the passing of time did to it ([`settle`](super::settle)).
    pub enum LicenceEventKind("event", "licence event") {
        /// An application was filed (R4.1).
        Apply = "apply";
        /// A licence approved under the rules before 2023-03-31 was registered (R4.7d).
        LegacyRegistered = "legacy-registered";
        /// Filed again after corrections were asked for (R4.2).
        Resubmit = "resubmit";
        /// The reviewer asked for corrections (R4.2).
        RequestChanges = "request-changes";
        /// The reviewer refused (R4.1).
        Reject = "reject";
        /// The reviewer approved (R4.1, R5.11).
        Approve = "approve";
        /// A re-review was filed (R4.7b, R4.7d).
        ApplyRenewal = "apply-renewal";
        /// The re-review was approved (R4.7b).
        ApproveRenewal = "approve-renewal";
        /// The re-review was refused (R4.7b).
        RejectRenewal = "reject-renewal";
        /// Suspended (R6, R10.2).
        Suspend = "suspend";
        /// A suspension's cause was cured (R6, R10.2).
        Reinstate = "reinstate";
        /// Terminated by the Center (R10.3).
        Terminate = "terminate";
        /// Stopped by the Developer's notice (R10.1).
        Withdraw = "withdraw";
        /// The Developer merged away (R10.5).
        Merge = "merge";
        /// The Product's purpose changed (R5.11).
        ChangePurpose = "change-purpose";
        /// An approved re-review's term began (R4.7b).
        TermRenewed = "term-renewed";
        /// The term ended without an approved re-review (R4.7c, R4.7d).
        Expired = "expired", old "expire";
    }
}

word_enum! {
    /// The one-word name of a [`LicenceState`](super::LicenceState), kept beside the state for
    /// queries, history and pages; `ALL` in the order the reviewer's filter lists them.
    pub enum LicenceStateKind("state", "licence state") {
        /// Filed, awaiting review (R4.1).
        Applied = "applied";
        /// Corrections asked for (R4.2).
        ChangesRequested = "changes-requested";
        /// In force.
        Active = "active";
        /// The purpose changed; back under review (R5.11).
        Reviewing = "reviewing";
        /// Cut off until every cause is cured (R6, R10.2).
        Suspended = "suspended";
        /// Refused.
        Rejected = "rejected";
        /// The term ended (R4.7c, R4.7d).
        Expired = "expired";
        /// Terminated (R10.3).
        Terminated = "terminated";
        /// Stopped by the Developer (R10.1).
        Withdrawn = "withdrawn";
        /// Ended by a merger (R10.5).
        MergedAway = "merged-away";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_reads_back_as_itself() {
        crate::text::assert_words_read_back(LicenceEventKind::ALL, LicenceEventKind::as_str);
        crate::text::assert_words_read_back(LicenceStateKind::ALL, LicenceStateKind::as_str);
    }

    #[test]
    fn an_unknown_word_is_refused_naming_the_field() {
        let err = "explode".parse::<LicenceEventKind>().unwrap_err();
        assert_eq!(err.field, "event");
        assert!(err.problem.contains("\"explode\""), "{}", err.problem);
        let err = "dormant".parse::<LicenceStateKind>().unwrap_err();
        assert_eq!(err.field, "state");
    }

    #[test]
    fn the_old_word_for_expiry_still_reads() {
        assert_eq!(
            "expire".parse::<LicenceEventKind>().unwrap(),
            LicenceEventKind::Expired
        );
        assert_eq!(LicenceEventKind::Expired.as_str(), "expired");
    }

    #[test]
    fn serde_uses_the_word() {
        let json = serde_json::to_string(&LicenceStateKind::MergedAway).unwrap();
        assert_eq!(json, "\"merged-away\"");
        assert!(serde_json::from_str::<LicenceStateKind>("\"nope\"").is_err());
    }
}

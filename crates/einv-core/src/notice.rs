//! What the Center tells people, by kind: the notifications sent to a Developer or a User
//! (R4.9, R5.6, R10.2, R11), and the public announcements (R4.6, R4.8, R4.9). Each kind is one
//! stable word in the database and on the wire (`kind` of `GET /api/v2/notifications`).

use crate::text::word_enum;

word_enum! {
    /// Why a notification was sent.
    pub enum NotificationKind("kind", "notification kind") {
        /// The application was approved; the AppID is issued (R4.1).
        Approved = "approved";
        /// The reviewer asked for corrections (R4.2).
        ChangesRequested = "changes-requested";
        /// The application (or a purpose change) was refused (R4.1, R5.11).
        Rejected = "rejected";
        /// The re-review was approved (R4.7b).
        RenewalApproved = "renewal-approved";
        /// The re-review was refused (R4.7b).
        RenewalRejected = "renewal-rejected";
        /// The re-review window opened (R4.7b).
        RenewalWindow = "renewal-window";
        /// The licence was suspended for a cause (R6, R10.2).
        Suspended = "suspended";
        /// The licence ended: destroy and confirm (R11).
        LicenceEnded = "licence-ended";
        /// An app a User consented to ended (R11).
        AppEnded = "app-ended";
        /// A new version of the terms (R4.3, R4.9).
        Terms = "terms";
        /// The AppID's flow-control limits change (R4.6, R4.9).
        Limits = "limits";
        /// A User's consent lapsed after six months (R5.6).
        ConsentLapsed = "consent.lapsed";
        /// A User's consent was voided: its developer was suspended (R10.2).
        ConsentVoided = "consent.voided";
        /// A User's request is past its due date (R5.2).
        RequestOverdue = "request-overdue";
    }
}

word_enum! {
    /// What a public announcement is about.
    pub enum AnnouncementKind("kind", "announcement kind") {
        /// Planned maintenance (R4.8).
        Maintenance = "maintenance";
        /// An outage (R4.8).
        Outage = "outage";
        /// Flow-control limits (R4.6, R4.9).
        Limits = "limits";
        /// The terms (R4.3, R4.9).
        Terms = "terms";
        /// Anything else.
        Notice = "notice";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_reads_back_as_itself() {
        crate::text::assert_words_read_back(NotificationKind::ALL, NotificationKind::as_str);
        crate::text::assert_words_read_back(AnnouncementKind::ALL, AnnouncementKind::as_str);
    }

    #[test]
    fn an_unknown_kind_is_refused_naming_the_field_and_the_words() {
        let err = "holiday".parse::<AnnouncementKind>().unwrap_err();
        assert_eq!(err.field, "kind");
        assert!(err.problem.contains("maintenance"), "{}", err.problem);
        assert!("spam".parse::<NotificationKind>().is_err());
    }
}

//! A consent the User gave, and where it stands at an instant: live, lapsed after six calendar
//! months (R5.6), revoked (R5.2) or voided (R10.2).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ConsentRequest;
use crate::clock::add_calendar_months;
use crate::Service;

/// R5.6: a consent is re-obtained every half year, i.e. it lapses after six calendar months.
pub const LAPSE_MONTHS: u32 = 6;

/// Where a grant stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConsentStatus {
    /// Data may flow.
    Live,
    /// Six calendar months have passed (R5.6).
    Lapsed,
    /// The User revoked it (R5.2).
    Revoked,
    /// Voided by the Platform, e.g. after the developer's suspension (R10.2).
    Voided,
}

impl ConsentStatus {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Lapsed => "lapsed",
            Self::Revoked => "revoked",
            Self::Voided => "voided",
        }
    }
}

/// A consent the User gave at an instant: the request, and the times that end it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentGrant {
    /// What was consented to.
    pub request: ConsentRequest,
    /// When.
    pub granted_at: DateTime<Utc>,
    /// When the User revoked it.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When the Platform voided it.
    pub voided_at: Option<DateTime<Utc>>,
}

impl ConsentGrant {
    /// The User accepts `request` at `at`.
    pub fn give(request: ConsentRequest, at: DateTime<Utc>) -> Self {
        Self {
            request,
            granted_at: at,
            revoked_at: None,
            voided_at: None,
        }
    }

    /// R5.6: six calendar months after it was given (Taipei calendar, month-end clamped).
    pub fn lapses_at(&self) -> DateTime<Utc> {
        lapse_instant(self.granted_at)
    }

    /// Where the grant stands at `now`.
    pub fn status(&self, now: DateTime<Utc>) -> ConsentStatus {
        consent_status(self.granted_at, self.revoked_at, self.voided_at, now)
    }

    /// Whether data may flow under this grant at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.status(now) == ConsentStatus::Live
    }

    /// Whether it is live at `now` and covers `service`.
    pub fn allows(&self, service: Service, now: DateTime<Utc>) -> bool {
        self.is_live(now) && self.request.services.contains(&service)
    }
}

/// R5.6: when a consent given at `granted_at` lapses.
pub fn lapse_instant(granted_at: DateTime<Utc>) -> DateTime<Utc> {
    add_calendar_months(granted_at, LAPSE_MONTHS)
}

/// Where a grant with these times stands at `now`. Voiding and revocation win over lapse; a
/// grant is dead from the very instant it lapses, is revoked or is voided.
pub fn consent_status(
    granted_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    voided_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ConsentStatus {
    if voided_at.is_some_and(|t| now >= t) {
        ConsentStatus::Voided
    } else if revoked_at.is_some_and(|t| now >= t) {
        ConsentStatus::Revoked
    } else if now >= lapse_instant(granted_at) || now < granted_at {
        // A grant read before the instant it was given is not live either.
        ConsentStatus::Lapsed
    } else {
        ConsentStatus::Live
    }
}

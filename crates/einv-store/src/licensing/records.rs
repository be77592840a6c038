//! Records of the licensing regime (R4–R11).

use chrono::{DateTime, NaiveDate, Utc};
use einv_core::licence::{LicenceEventKind, LicenceState, LicenceStateKind};
use einv_core::notice::{AnnouncementKind, NotificationKind};
use serde::{Deserialize, Serialize};

/// What kind of entity a Developer is (R4.1, R6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    /// A business with a business ID.
    Business,
    /// An organisation.
    Organisation,
    /// A government agency.
    Government,
}

impl EntityType {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Business => "business",
            Self::Organisation => "organisation",
            Self::Government => "government",
        }
    }

    /// Parses the stored word.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "business" => Some(Self::Business),
            "organisation" => Some(Self::Organisation),
            "government" => Some(Self::Government),
            _ => None,
        }
    }
}

/// A new Developer account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDeveloper {
    /// Sign-in e-mail, unique.
    pub email: String,
    /// argon2 hash of the password.
    pub password_hash: String,
    /// Name of the entity.
    pub name: String,
    /// Kind of entity.
    pub entity_type: EntityType,
    /// Business ID, for a business or organisation.
    pub business_id: Option<String>,
    /// Cyber-security level, for a government body.
    pub security_level: Option<String>,
}

/// A stored Developer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeveloperRecord {
    /// Row ID.
    pub id: i64,
    /// The account.
    pub account: NewDeveloper,
    /// When it signed up.
    pub created_at: DateTime<Utc>,
}

/// A stored reviewer of the Center.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewerRecord {
    /// Row ID.
    pub id: i64,
    /// Sign-in e-mail.
    pub email: String,
    /// argon2 hash of the password.
    pub password_hash: String,
    /// Name.
    pub name: String,
}

/// The ISMS certificate of an application (R6), or the government exemption.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IsmsRecord {
    /// Certificate number.
    pub number: Option<String>,
    /// Issuer.
    pub issuer: Option<String>,
    /// Scope: must cover the Product.
    pub scope: Option<String>,
    /// Expiry date.
    pub expiry: Option<NaiveDate>,
    /// A government body at cyber-security level C or above needs none.
    pub exempt: bool,
}

/// An application form (R4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationForm {
    /// The applying Developer.
    pub developer_id: i64,
    /// Contact person.
    pub contact_name: String,
    /// Contact e-mail.
    pub contact_email: String,
    /// Contact phone.
    pub contact_phone: String,
    /// Product name.
    pub product_name: String,
    /// Product version.
    pub product_version: String,
    /// Declared purpose.
    pub purpose: String,
    /// Requested services (service names).
    pub services: Vec<String>,
    /// ISMS certificate or exemption (R6).
    pub isms: IsmsRecord,
    /// The terms version accepted by applying (R4.3).
    pub terms_version: String,
}

/// A stored application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRecord {
    /// Row ID.
    pub id: i64,
    /// The form.
    pub form: ApplicationForm,
    /// When it was filed.
    pub filed_at: DateTime<Utc>,
}

/// An uploaded supporting document (R4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    /// Row ID.
    pub id: i64,
    /// The application.
    pub application_id: i64,
    /// File name as uploaded.
    pub file_name: String,
    /// Content type as uploaded.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// Upload time.
    pub uploaded_at: DateTime<Utc>,
    /// The document that replaced this one in a resubmission (R4.2), if any.
    pub replaced_by: Option<i64>,
}

/// A licence and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceRecord {
    /// Row ID.
    pub id: i64,
    /// The application it grew from.
    pub application_id: i64,
    /// The Developer.
    pub developer_id: i64,
    /// The AppID, once approved.
    pub app_id: Option<String>,
    /// The state.
    pub state: LicenceState,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// One transition of a licence (R10.4: never rewritten).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenceEventRecord {
    /// Row ID.
    pub id: i64,
    /// The licence.
    pub licence_id: i64,
    /// What happened.
    pub event: LicenceEventKind,
    /// Who: `developer:7`, `reviewer:2`, `registry`, `clock`, `operator`.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why, in words.
    pub reason: String,
    /// The rule.
    pub rule: String,
    /// The state it left the licence in.
    pub state_after: LicenceStateKind,
}

/// A transition to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLicenceEvent {
    /// What happened.
    pub event: LicenceEventKind,
    /// Who.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub reason: String,
    /// The rule.
    pub rule: String,
}

/// A published version of the terms (R4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermsVersion {
    /// Version label.
    pub version: String,
    /// What changed.
    pub summary: String,
    /// Published.
    pub published_at: DateTime<Utc>,
    /// Acceptance deadline.
    pub deadline: DateTime<Utc>,
}

/// A public announcement (R4.6, R4.8, R4.9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Announcement {
    /// Row ID (0 before storing).
    pub id: i64,
    /// What it is about.
    pub kind: AnnouncementKind,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// From.
    pub starts_at: DateTime<Utc>,
    /// Until, when known.
    pub ends_at: Option<DateTime<Utc>>,
    /// Published.
    pub published_at: DateTime<Utc>,
}

/// Who a notification is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    /// A Developer.
    Developer(i64),
    /// A User.
    User(i64),
}

impl Recipient {
    pub(crate) fn parts(self) -> (&'static str, i64) {
        match self {
            Self::Developer(id) => ("developer", id),
            Self::User(id) => ("user", id),
        }
    }
}

/// A notification (R4.9, R11), with its read receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Row ID.
    pub id: i64,
    /// The licence it is about, if any.
    pub licence_id: Option<i64>,
    /// Why it was sent.
    pub kind: NotificationKind,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Sent.
    pub created_at: DateTime<Utc>,
    /// Read, when read.
    pub read_at: Option<DateTime<Utc>>,
}

/// A stored APIKey (sealed) with its validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRecord {
    /// Row ID.
    pub id: i64,
    /// The AppID.
    pub app_id: String,
    /// The sealed key.
    pub sealed_key: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Stops verifying at this instant (end of a rotation's grace period).
    pub valid_until: Option<DateTime<Utc>>,
    /// Revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Shown to the Developer (once).
    pub revealed_at: Option<DateTime<Utc>>,
}

impl CredentialRecord {
    /// Whether the key verifies at `now`.
    pub fn is_valid(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.valid_until.is_none_or(|until| now < until)
    }
}

/// A research or statistics submission (R5.10), or a change notice (R5.11), or a destruction
/// confirmation (R11): a dated text about a licence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenceNote {
    /// Row ID.
    pub id: i64,
    /// The licence.
    pub licence_id: i64,
    /// A title, or the kind of change (`purpose`, `version`).
    pub title: String,
    /// The text (for a change: `old → new`).
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
}

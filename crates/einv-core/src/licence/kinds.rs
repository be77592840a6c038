//! The reasons a licence stops: suspension reasons (R6, R10.2) and termination grounds (R10.3).

use serde::{Deserialize, Serialize};

/// Why a licence is suspended (it comes back when the cause is cured).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuspensionReason {
    /// R10.2: the tax authority found the business suspended (停業), until resumption (復業).
    TaxRegistrySuspension,
    /// R6: the ISMS certificate lapsed, until a valid one is on file.
    LapsedIsmsCertificate,
}

impl SuspensionReason {
    /// The rule behind it.
    pub fn rule(self) -> &'static str {
        match self {
            Self::TaxRegistrySuspension => "R10.2",
            Self::LapsedIsmsCertificate => "R6",
        }
    }

    /// A sentence for people, in English.
    pub fn describe(self) -> &'static str {
        match self {
            Self::TaxRegistrySuspension => {
                "the business is suspended in the tax registry (停業) until resumption is approved"
            }
            Self::LapsedIsmsCertificate => {
                "the ISMS certificate lapsed; a valid one must be on file"
            }
        }
    }
}

/// The seven grounds on which the Center may terminate a licence (R10.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TerminationGround {
    /// (1) The spec was violated.
    SpecViolation,
    /// (2) Prize money obtained improperly, indicted.
    PrizeFraudIndictment,
    /// (3) Tax registration closed without permission or otherwise abnormal.
    RegistrationAbnormal,
    /// (4) Tax registration deregistered.
    Deregistered,
    /// (5) Government body merged, abolished or reorganised.
    GovernmentReorganised,
    /// (6) Improper access to the Platform's pages.
    ImproperAccess,
    /// (7) Policy change or public interest.
    PublicInterest,
}

impl TerminationGround {
    /// Every ground, in the order of R10.3.
    pub const ALL: [Self; 7] = [
        Self::SpecViolation,
        Self::PrizeFraudIndictment,
        Self::RegistrationAbnormal,
        Self::Deregistered,
        Self::GovernmentReorganised,
        Self::ImproperAccess,
        Self::PublicInterest,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SpecViolation => "spec-violation",
            Self::PrizeFraudIndictment => "prize-fraud-indictment",
            Self::RegistrationAbnormal => "registration-abnormal",
            Self::Deregistered => "deregistered",
            Self::GovernmentReorganised => "government-reorganised",
            Self::ImproperAccess => "improper-access",
            Self::PublicInterest => "public-interest",
        }
    }

    /// The rule: R10.3-1 … R10.3-7.
    pub fn rule(self) -> &'static str {
        match self {
            Self::SpecViolation => "R10.3-1",
            Self::PrizeFraudIndictment => "R10.3-2",
            Self::RegistrationAbnormal => "R10.3-3",
            Self::Deregistered => "R10.3-4",
            Self::GovernmentReorganised => "R10.3-5",
            Self::ImproperAccess => "R10.3-6",
            Self::PublicInterest => "R10.3-7",
        }
    }

    /// The ground in Traditional Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::SpecViolation => "違反本規範",
            Self::PrizeFraudIndictment => "不當領取獎金經起訴",
            Self::RegistrationAbnormal => "擅自歇業或營業狀況異常",
            Self::Deregistered => "註銷營業登記",
            Self::GovernmentReorganised => "機關合併、裁撤或調整",
            Self::ImproperAccess => "不當存取平台網頁",
            Self::PublicInterest => "政策變更或公共利益",
        }
    }

    /// The ground in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::SpecViolation => "Violation of the specification",
            Self::PrizeFraudIndictment => "Indicted for improperly obtained prize money",
            Self::RegistrationAbnormal => {
                "Business closed without permission or otherwise abnormal"
            }
            Self::Deregistered => "Business registration deregistered",
            Self::GovernmentReorganised => "Agency merged, abolished or reorganised",
            Self::ImproperAccess => "Improper access to the Platform's pages",
            Self::PublicInterest => "Policy change or public interest",
        }
    }
}

crate::word_text!(TerminationGround, "ground", "ground");

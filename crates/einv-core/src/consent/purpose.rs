//! The kinds of purpose a consent request may declare, and the ones R5.5 forbids outright.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::InvalidValue;

/// What a declared purpose is, so that the forbidden ones (R5.5) can be recognised and refused
/// instead of hidden in free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PurposeCategory {
    /// Providing the e-invoice service itself (R3.6): in scope.
    EInvoiceService,
    /// Personal bookkeeping or budgeting for the User: out of scope (R5.3).
    PersonalFinance,
    /// Statistics about the User's own spending shown to the User: out of scope (R5.3).
    SpendingInsights,
    /// Offers or loyalty benefits for the User: out of scope (R5.3).
    Offers,
}

/// Purposes R5.5 forbids even with out-of-scope consent; they parse only to be refused.
const FORBIDDEN_PURPOSES: [(&str, &str); 3] = [
    (
        "trade-secret-profiling",
        "profiling a specific business's trade secrets",
    ),
    (
        "third-party-disclosure",
        "giving User data to third parties in any form",
    ),
    ("data-resale", "reselling User data to third parties"),
];

impl PurposeCategory {
    /// Every category that can be declared.
    pub const ALL: [PurposeCategory; 4] = [
        Self::EInvoiceService,
        Self::PersonalFinance,
        Self::SpendingInsights,
        Self::Offers,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EInvoiceService => "e-invoice-service",
            Self::PersonalFinance => "personal-finance",
            Self::SpendingInsights => "spending-insights",
            Self::Offers => "offers",
        }
    }

    /// The name in Traditional Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::EInvoiceService => "電子發票服務",
            Self::PersonalFinance => "個人記帳理財",
            Self::SpendingInsights => "消費分析",
            Self::Offers => "優惠推薦",
        }
    }

    /// The name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::EInvoiceService => "The e-invoice service",
            Self::PersonalFinance => "Personal bookkeeping and budgeting",
            Self::SpendingInsights => "Spending insights",
            Self::Offers => "Offers and loyalty benefits",
        }
    }

    /// Whether using data for this purpose is inside the e-invoice service (R5.3).
    pub fn in_scope(self) -> bool {
        self == Self::EInvoiceService
    }
}

impl FromStr for PurposeCategory {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some((_, what)) = FORBIDDEN_PURPOSES.iter().find(|(name, _)| *name == s) {
            return Err(InvalidValue::new(
                "purpose_category",
                format!("R5.5: {what} may not be declared"),
            ));
        }
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|c| c.as_str()).collect();
                InvalidValue::new(
                    "purpose_category",
                    format!("unknown {s:?}; one of {}", names.join(", ")),
                )
            })
    }
}

//! Prizes of the uniform-invoice lottery (統一發票給獎): a period's winning numbers, the prize
//! an invoice wins, whether it can be paid, and a fast engine for checking millions of numbers.
//!
//! Rules are those of `docs/domain.md` §3 (\[LAW3\] art. 3, \[LAW31\] art. 3-1):
//! - regular prizes compare the 8 digits only, suffix prizes (second … sixth) come only from
//!   first-prize numbers, and the additional sixth prize compares the last 3 digits;
//! - cloud-invoice prizes need all 10 characters (track letters and digits) equal;
//! - one invoice wins only its single highest prize: the one with the highest amount.
//!
//! Modules: [`WinningNumbers`] (a validated draw, with the plain reference check),
//! the MOF `QryWinningList` JSON shape (in `mof`), [`eligibility`] and the bulk [`PrizeEngine`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Ntd;

pub mod eligibility;
mod engine;
mod mof;
mod winning;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use eligibility::{Eligibility, IneligibleReason, InvoiceFacts, Verdict};
pub use engine::{BulkSummary, PrizeEngine, Winners};
pub use winning::WinningNumbers;

/// The level of a cloud-invoice prize (雲端發票專屬獎, \[LAW31\]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
pub enum CloudPrizeLevel {
    /// NT$1,000,000 (百萬元獎).
    Million,
    /// NT$2,000.
    TwoThousand,
    /// NT$800.
    EightHundred,
    /// NT$500.
    FiveHundred,
}

impl CloudPrizeLevel {
    /// Every level, highest first.
    pub const ALL: [CloudPrizeLevel; 4] = [
        CloudPrizeLevel::Million,
        CloudPrizeLevel::TwoThousand,
        CloudPrizeLevel::EightHundred,
        CloudPrizeLevel::FiveHundred,
    ];

    /// The amount of this level.
    pub const fn amount(self) -> Ntd {
        Ntd::new(match self {
            CloudPrizeLevel::Million => 1_000_000,
            CloudPrizeLevel::TwoThousand => 2_000,
            CloudPrizeLevel::EightHundred => 800,
            CloudPrizeLevel::FiveHundred => 500,
        })
    }

    /// The level paying `amount`, if one does.
    pub fn from_amount(amount: Ntd) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.amount() == amount)
    }
}

/// A prize an invoice can win.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub enum Prize {
    /// 特別獎: all 8 digits equal the special number.
    Special,
    /// 特獎: all 8 digits equal a grand number.
    Grand,
    /// 頭獎: all 8 digits equal a first-prize number.
    First,
    /// 二獎: the last 7 digits equal those of a first-prize number.
    Second,
    /// 三獎: the last 6 digits.
    Third,
    /// 四獎: the last 5 digits.
    Fourth,
    /// 五獎: the last 4 digits.
    Fifth,
    /// 六獎: the last 3 digits.
    Sixth,
    /// 增開六獎: the last 3 digits equal an additional sixth-prize number (drawn until ~2022).
    AdditionalSixth,
    /// 雲端發票專屬獎: all 10 characters equal a cloud-prize number.
    Cloud(CloudPrizeLevel),
}

impl Prize {
    /// The regular prizes in rank order (highest first). The bulk engine indexes its counters
    /// with this order.
    pub const REGULAR: [Prize; 9] = [
        Prize::Special,
        Prize::Grand,
        Prize::First,
        Prize::Second,
        Prize::Third,
        Prize::Fourth,
        Prize::Fifth,
        Prize::Sixth,
        Prize::AdditionalSixth,
    ];

    /// The statutory amount (\[LAW3\] art. 3, \[LAW31\]). A draw may publish its own amounts (old
    /// periods paid differently): see [`WinningNumbers::amount`].
    pub const fn amount(self) -> Ntd {
        match self {
            Prize::Cloud(level) => level.amount(),
            regular => PrizeAmounts::STATUTORY.regular(regular),
        }
    }

    /// The Chinese name, e.g. `特別獎`.
    pub const fn name_zh(self) -> &'static str {
        match self {
            Prize::Special => "特別獎",
            Prize::Grand => "特獎",
            Prize::First => "頭獎",
            Prize::Second => "二獎",
            Prize::Third => "三獎",
            Prize::Fourth => "四獎",
            Prize::Fifth => "五獎",
            Prize::Sixth => "六獎",
            Prize::AdditionalSixth => "增開六獎",
            Prize::Cloud(CloudPrizeLevel::Million) => "雲端發票專屬百萬元獎",
            Prize::Cloud(CloudPrizeLevel::TwoThousand) => "雲端發票專屬二千元獎",
            Prize::Cloud(CloudPrizeLevel::EightHundred) => "雲端發票專屬八百元獎",
            Prize::Cloud(CloudPrizeLevel::FiveHundred) => "雲端發票專屬五百元獎",
        }
    }

    /// The English name, e.g. `special prize`.
    pub const fn name_en(self) -> &'static str {
        match self {
            Prize::Special => "special prize",
            Prize::Grand => "grand prize",
            Prize::First => "first prize",
            Prize::Second => "second prize",
            Prize::Third => "third prize",
            Prize::Fourth => "fourth prize",
            Prize::Fifth => "fifth prize",
            Prize::Sixth => "sixth prize",
            Prize::AdditionalSixth => "additional sixth prize",
            Prize::Cloud(CloudPrizeLevel::Million) => "cloud invoice prize NT$1,000,000",
            Prize::Cloud(CloudPrizeLevel::TwoThousand) => "cloud invoice prize NT$2,000",
            Prize::Cloud(CloudPrizeLevel::EightHundred) => "cloud invoice prize NT$800",
            Prize::Cloud(CloudPrizeLevel::FiveHundred) => "cloud invoice prize NT$500",
        }
    }

    /// A stable machine key for scripts and JSON, e.g. `special`, `additional_sixth`,
    /// `cloud_1000000`.
    pub const fn code(self) -> &'static str {
        match self {
            Prize::Special => "special",
            Prize::Grand => "grand",
            Prize::First => "first",
            Prize::Second => "second",
            Prize::Third => "third",
            Prize::Fourth => "fourth",
            Prize::Fifth => "fifth",
            Prize::Sixth => "sixth",
            Prize::AdditionalSixth => "additional_sixth",
            Prize::Cloud(CloudPrizeLevel::Million) => "cloud_1000000",
            Prize::Cloud(CloudPrizeLevel::TwoThousand) => "cloud_2000",
            Prize::Cloud(CloudPrizeLevel::EightHundred) => "cloud_800",
            Prize::Cloud(CloudPrizeLevel::FiveHundred) => "cloud_500",
        }
    }

    /// The position in [`Prize::REGULAR`], `None` for cloud prizes.
    pub const fn regular_rank(self) -> Option<usize> {
        match self {
            Prize::Special => Some(0),
            Prize::Grand => Some(1),
            Prize::First => Some(2),
            Prize::Second => Some(3),
            Prize::Third => Some(4),
            Prize::Fourth => Some(5),
            Prize::Fifth => Some(6),
            Prize::Sixth => Some(7),
            Prize::AdditionalSixth => Some(8),
            Prize::Cloud(_) => None,
        }
    }
}

impl fmt::Display for Prize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name_zh(), self.name_en())
    }
}

/// The amounts of the regular prizes as a draw publishes them (`superPrizeAmt` …
/// `sixthPrizeAmt`). The additional sixth prize pays the sixth prize's amount.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PrizeAmounts {
    /// 特別獎.
    pub special: Ntd,
    /// 特獎.
    pub grand: Ntd,
    /// 頭獎.
    pub first: Ntd,
    /// 二獎.
    pub second: Ntd,
    /// 三獎.
    pub third: Ntd,
    /// 四獎.
    pub fourth: Ntd,
    /// 五獎.
    pub fifth: Ntd,
    /// 六獎 and 增開六獎.
    pub sixth: Ntd,
}

impl PrizeAmounts {
    /// The amounts of \[LAW3\] art. 3 (`docs/domain.md` §3).
    pub const STATUTORY: PrizeAmounts = PrizeAmounts {
        special: Ntd::new(10_000_000),
        grand: Ntd::new(2_000_000),
        first: Ntd::new(200_000),
        second: Ntd::new(40_000),
        third: Ntd::new(10_000),
        fourth: Ntd::new(4_000),
        fifth: Ntd::new(1_000),
        sixth: Ntd::new(200),
    };

    /// The amount of a regular prize; cloud prizes pay their level's fixed amount.
    pub const fn regular(&self, prize: Prize) -> Ntd {
        match prize {
            Prize::Special => self.special,
            Prize::Grand => self.grand,
            Prize::First => self.first,
            Prize::Second => self.second,
            Prize::Third => self.third,
            Prize::Fourth => self.fourth,
            Prize::Fifth => self.fifth,
            Prize::Sixth | Prize::AdditionalSixth => self.sixth,
            Prize::Cloud(level) => level.amount(),
        }
    }

    /// The amounts in [`Prize::REGULAR`] order.
    pub const fn in_rank_order(&self) -> [Ntd; 9] {
        [
            self.special,
            self.grand,
            self.first,
            self.second,
            self.third,
            self.fourth,
            self.fifth,
            self.sixth,
            self.sixth,
        ]
    }
}

impl Default for PrizeAmounts {
    fn default() -> Self {
        Self::STATUTORY
    }
}

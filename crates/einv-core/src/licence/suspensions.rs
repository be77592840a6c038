//! The causes a licence is held under at once (R10.2: suspensions stack by cause).
//!
//! 停業 (R10.2) and a lapsed ISMS certificate (R6) are independent causes: each is lifted only
//! by its own cure (復業 approved; a valid certificate on file), and the licence serves again
//! only when none is left. Stored as a list of reasons; a single reason (the earlier form of
//! the stored state) is read as a list of one.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::SuspensionReason;

/// A set of suspension causes (small and `Copy`: there are two causes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Suspensions {
    tax_registry: bool,
    lapsed_isms: bool,
}

impl Suspensions {
    /// No cause.
    pub const NONE: Self = Self {
        tax_registry: false,
        lapsed_isms: false,
    };

    /// The set of one cause.
    pub fn of(reason: SuspensionReason) -> Self {
        Self::NONE.with(reason)
    }

    /// This set plus `reason`.
    pub fn with(self, reason: SuspensionReason) -> Self {
        self.set(reason, true)
    }

    /// This set without `reason`.
    pub fn without(self, reason: SuspensionReason) -> Self {
        self.set(reason, false)
    }

    fn set(mut self, reason: SuspensionReason, on: bool) -> Self {
        match reason {
            SuspensionReason::TaxRegistrySuspension => self.tax_registry = on,
            SuspensionReason::LapsedIsmsCertificate => self.lapsed_isms = on,
        }
        self
    }

    /// Whether `reason` is one of the causes.
    pub fn contains(self, reason: SuspensionReason) -> bool {
        match reason {
            SuspensionReason::TaxRegistrySuspension => self.tax_registry,
            SuspensionReason::LapsedIsmsCertificate => self.lapsed_isms,
        }
    }

    /// Whether there is no cause.
    pub fn is_empty(self) -> bool {
        self == Self::NONE
    }

    /// The causes, R10.2 first.
    pub fn iter(self) -> impl Iterator<Item = SuspensionReason> {
        [
            SuspensionReason::TaxRegistrySuspension,
            SuspensionReason::LapsedIsmsCertificate,
        ]
        .into_iter()
        .filter(move |r| self.contains(*r))
    }

    /// The first cause, if any.
    pub fn first(self) -> Option<SuspensionReason> {
        self.iter().next()
    }
}

impl Serialize for Suspensions {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(SuspensionReason),
    Many(Vec<SuspensionReason>),
}

impl<'de> Deserialize<'de> for Suspensions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match OneOrMany::deserialize(d)? {
            OneOrMany::One(r) => Self::of(r),
            OneOrMany::Many(rs) => rs.into_iter().fold(Self::NONE, Self::with),
        })
    }
}

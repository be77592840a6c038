//! Money: whole New Taiwan dollars.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::InvalidValue;

/// An amount in whole NT dollars (invoice totals, prize amounts). Never negative.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ntd(u64);

impl Ntd {
    /// Zero dollars.
    pub const ZERO: Ntd = Ntd(0);

    /// An amount from whole dollars.
    pub const fn new(dollars: u64) -> Self {
        Self(dollars)
    }

    /// Parses a non-negative whole-dollar amount; a decimal amount with a zero fraction
    /// (`"105.00"`, as MIG files carry) is accepted.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let err = || {
            InvalidValue::new(
                "amount",
                format!("expected a whole non-negative NT$ amount, got {text:?}"),
            )
        };
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty() || !frac.bytes().all(|b| b == b'0') {
            return Err(err());
        }
        whole.parse::<u64>().map(Self).map_err(|_| err())
    }

    /// The amount in dollars.
    pub const fn dollars(self) -> u64 {
        self.0
    }

    /// Whether the amount is zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for Ntd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NT${}", self.0)
    }
}

impl fmt::Debug for Ntd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ntd({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_whole_amounts() {
        assert_eq!(Ntd::parse("105").unwrap().dollars(), 105);
        assert_eq!(Ntd::parse("105.00").unwrap().dollars(), 105);
        let bad = ["-1", "1.5", "", "abc", ".0"];
        crate::error::assert_parses(Ntd::parse, &[], &bad, "amount");
        assert_eq!(Ntd::new(200).to_string(), "NT$200");
    }
}

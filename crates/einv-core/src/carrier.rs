//! Carriers (載具): a carrier type code and the carrier's ID, checked by type.
//!
//! Carrier types are data, not an enum compiled into the code: real clients send about 45 codes
//! (`docs/v1-compatibility.md`, Parameters), so any well-formed 6-character code is accepted, and the few
//! whose ID has a known shape are checked.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::InvalidValue;

/// Mobile barcode 手機條碼 (the common carrier).
pub const MOBILE_BARCODE: &str = "3J0002";
/// Citizen digital certificate 自然人憑證.
pub const CITIZEN_CERTIFICATE: &str = "CQ0001";

/// Known carrier types and their names.
pub const KNOWN_CARRIER_TYPES: &[(&str, &str)] = &[
    (MOBILE_BARCODE, "手機條碼 mobile barcode"),
    (
        CITIZEN_CERTIFICATE,
        "自然人憑證 citizen digital certificate",
    ),
    ("1K0001", "悠遊卡 EasyCard"),
    ("1H0001", "一卡通 iPASS"),
    ("2G0001", "icash"),
    ("EK0002", "信用卡 credit card"),
    ("EG0002", "會員載具 merchant member carrier"),
];

/// A carrier type code such as `3J0002`: six characters from `0-9 A-Z`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CarrierType(String);

impl CarrierType {
    /// Parses a 6-character carrier type code.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let ok = text.len() == 6
            && text
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !ok {
            return Err(InvalidValue::new(
                "carrier type",
                format!("expected a 6-character code such as 3J0002, got {text:?}"),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The mobile barcode type `3J0002`.
    pub fn mobile_barcode() -> Self {
        Self(MOBILE_BARCODE.to_owned())
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The human name of a known type, if any.
    pub fn name(&self) -> Option<&'static str> {
        KNOWN_CARRIER_TYPES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map(|(_, name)| *name)
    }

    /// Whether this is the mobile barcode type.
    pub fn is_mobile_barcode(&self) -> bool {
        self.0 == MOBILE_BARCODE
    }
}

/// A mobile barcode: `/` and seven characters from `0-9 A-Z . + -`, e.g. `/AB12+-.`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MobileBarcode(String);

impl MobileBarcode {
    /// Parses a mobile barcode exactly.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let b = text.as_bytes();
        let ok = b.len() == 8
            && b[0] == b'/'
            && b[1..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || b".+-".contains(c));
        if !ok {
            return Err(InvalidValue::new(
                "mobile barcode",
                format!(
                    "expected / and 7 characters from 0-9 A-Z . + - (e.g. /AB12+-.), got {text:?}"
                ),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The 39 characters a barcode's last seven are drawn from.
    pub const ALPHABET: &'static [u8; 39] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.+-";

    /// A barcode the Platform issues (hole "ownership is proven, never claimed"): `/` and seven
    /// characters picked by `pick(39)`, which must return a uniformly random index below its
    /// argument. The core does no I/O, so the caller brings the randomness; any index is
    /// reduced into range, so a bad picker can make a poor barcode but never an invalid one.
    pub fn issue(mut pick: impl FnMut(usize) -> usize) -> Self {
        let mut text = String::with_capacity(8);
        text.push('/');
        for _ in 0..7 {
            let i = pick(Self::ALPHABET.len()) % Self::ALPHABET.len();
            text.push(char::from(Self::ALPHABET[i]));
        }
        Self(text)
    }

    /// Parses a barcode that went through form decoding, where a raw `+` became a space
    /// (`docs/v1-compatibility.md`, Parameters): a space is read back as `+`.
    pub fn parse_form_decoded(text: &str) -> Result<Self, InvalidValue> {
        Self::parse(&text.replace(' ', "+"))
    }

    /// The barcode.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for MobileBarcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A User's carrier number is personal data: never in logs in clear (R8).
        write!(f, "MobileBarcode(/***{})", self.0.get(5..).unwrap_or(""))
    }
}

crate::text::text_newtype!(CarrierType);
crate::text::text_newtype!(MobileBarcode, no_debug);

/// A carrier: its type and its (visible) ID, checked by type.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Carrier {
    /// The carrier type.
    pub kind: CarrierType,
    /// The carrier ID (CarrierId1 in MIG).
    pub id: String,
}

impl Carrier {
    /// Checks `id` against the shape its type requires: a mobile barcode's, a citizen
    /// certificate's (2 upper-case letters + 14 digits), or for other types 1 to 64 printable
    /// ASCII characters.
    pub fn parse(kind: &str, id: &str) -> Result<Self, InvalidValue> {
        let kind = CarrierType::parse(kind)?;
        match kind.as_str() {
            MOBILE_BARCODE => {
                MobileBarcode::parse(id).map_err(|e| e.for_field("carrier ID"))?;
            }
            CITIZEN_CERTIFICATE => {
                let b = id.as_bytes();
                let ok = b.len() == 16
                    && b[..2].iter().all(u8::is_ascii_uppercase)
                    && b[2..].iter().all(u8::is_ascii_digit);
                if !ok {
                    return Err(InvalidValue::new(
                        "carrier ID",
                        format!("a citizen certificate is 2 upper-case letters and 14 digits, got {id:?}"),
                    ));
                }
            }
            _ => {
                let ok = (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic());
                if !ok {
                    return Err(InvalidValue::new(
                        "carrier ID",
                        format!("expected 1 to 64 printable ASCII characters, got {id:?}"),
                    ));
                }
            }
        }
        Ok(Self {
            kind,
            id: id.to_owned(),
        })
    }
}

impl Carrier {
    /// The carrier a mobile barcode is (type `3J0002`).
    pub fn of_mobile_barcode(barcode: &MobileBarcode) -> Self {
        Self {
            kind: CarrierType::mobile_barcode(),
            id: barcode.as_str().to_owned(),
        }
    }

    /// The mobile barcode this carrier is, if it is one.
    pub fn mobile_barcode(&self) -> Option<MobileBarcode> {
        self.kind
            .is_mobile_barcode()
            .then(|| MobileBarcode::parse(&self.id).ok())
            .flatten()
    }
}

impl fmt::Debug for Carrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Carrier({}, ***)", self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_mobile_barcode_carrier_goes_both_ways() {
        let barcode = MobileBarcode::parse("/AB12+-.").unwrap();
        let carrier = Carrier::of_mobile_barcode(&barcode);
        assert_eq!(carrier, Carrier::parse(MOBILE_BARCODE, "/AB12+-.").unwrap());
        assert_eq!(carrier.mobile_barcode(), Some(barcode));
        let card = Carrier::parse("1K0001", "1234567890").unwrap();
        assert_eq!(card.mobile_barcode(), None, "an EasyCard is no barcode");
    }

    #[test]
    fn mobile_barcodes() {
        assert!(MobileBarcode::parse("/AB12+-.").is_ok());
        assert!(MobileBarcode::parse("/AB12 -.").is_err());
        assert_eq!(
            MobileBarcode::parse_form_decoded("/AB12 -.")
                .unwrap()
                .as_str(),
            "/AB12+-."
        );
        for bad in ["AB12+-.", "/ab12+-.", "/AB12+-", "/AB12+-.X", "/AB12_-."] {
            assert!(MobileBarcode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn carriers_checked_by_type() {
        assert!(Carrier::parse("3J0002", "/AB12+-.").is_ok());
        assert!(Carrier::parse("CQ0001", "AB12345678901234").is_ok());
        assert!(Carrier::parse("CQ0001", "AB1234567890123").is_err());
        assert!(Carrier::parse("1K0001", "1234567890").is_ok());
        assert!(
            Carrier::parse("ED0012", "U-12345").is_ok(),
            "unknown types are data"
        );
        assert_eq!(
            Carrier::parse("3J002", "/AB12+-.").unwrap_err().field,
            "carrier type"
        );
        assert_eq!(
            Carrier::parse("1K0001", "").unwrap_err().field,
            "carrier ID"
        );
        assert_eq!(
            CarrierType::parse("1K0001").unwrap().name(),
            Some("悠遊卡 EasyCard")
        );
    }

    proptest! {
        #[test]
        fn issued_barcodes_are_valid(picks in proptest::collection::vec(any::<usize>(), 7)) {
            let mut it = picks.into_iter();
            let issued = MobileBarcode::issue(|_| it.next().unwrap_or(0));
            prop_assert_eq!(MobileBarcode::parse(issued.as_str()).unwrap(), issued);
        }

        #[test]
        fn barcode_roundtrip(s in "/[0-9A-Z.+-]{7}") {
            let m = MobileBarcode::parse(&s).unwrap();
            prop_assert_eq!(MobileBarcode::parse(&m.to_string()).unwrap(), m);
        }
    }
}

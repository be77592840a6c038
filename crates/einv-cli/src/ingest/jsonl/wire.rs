//! The lenient value types of the JSONL shape, and the field table that names what is wrong
//! with a line serde refused.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A decimal number, read from a JSON number or a decimal string and kept as text (the store
/// keeps item quantities and prices as decimal strings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decimal(pub String);

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Whole numbers go out as JSON numbers, anything else as the exact text.
        match self.0.parse::<i64>() {
            Ok(n) if n.to_string() == self.0 => s.serialize_i64(n),
            _ => s.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Decimal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a decimal string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
                Ok(Decimal(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
                Ok(Decimal(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
                if v.is_finite() {
                    Ok(Decimal(v.to_string()))
                } else {
                    Err(E::custom("not a finite number"))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
                Ok(Decimal(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A yes/no mark: read from `true`/`false`, `1`/`0`, `"Y"`/`"N"` or `"1"`/`"0"`; written as
/// `"Y"`/`"N"` when `YN` (print mark) and as `1`/`0` otherwise (donate mark).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flag<const YN: bool>(pub bool);

/// The print mark: `"Y"` printed, `"N"` not.
pub type PrintMark = Flag<true>;
/// The donate mark: `1` donated, `0` not.
pub type DonateMark = Flag<false>;

impl<const YN: bool> From<bool> for Flag<YN> {
    fn from(v: bool) -> Self {
        Self(v)
    }
}

impl<const YN: bool> Serialize for Flag<YN> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (YN, self.0) {
            (true, true) => s.serialize_str("Y"),
            (true, false) => s.serialize_str("N"),
            (false, v) => s.serialize_u8(u8::from(v)),
        }
    }
}

fn flag_text(v: &str) -> Option<bool> {
    match v {
        "Y" | "y" | "1" => Some(true),
        "N" | "n" | "0" => Some(false),
        _ => None,
    }
}

impl<'de, const YN: bool> Deserialize<'de> for Flag<YN> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const YN: bool>;
        impl<const YN: bool> Visitor<'_> for V<YN> {
            type Value = Flag<YN>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"Y\"/\"N\", 1/0 or true/false")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Flag(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                match v {
                    0 | 1 => Ok(Flag(v == 1)),
                    _ => Err(E::custom("expected 0 or 1")),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                self.visit_u64(u64::try_from(v).map_err(|_| E::custom("expected 0 or 1"))?)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                flag_text(v)
                    .map(Flag)
                    .ok_or_else(|| E::custom("expected Y or N"))
            }
        }
        d.deserialize_any(V::<YN>)
    }
}

/// What a JSONL field must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Str,
    /// An integer.
    Int,
    /// A number or a decimal string.
    Decimal,
    /// A yes/no mark.
    Flag,
    /// The item list.
    Items,
}

/// Whether a field may be absent.
const OPTIONAL: bool = false;
const REQUIRED: bool = true;

/// Every field of a line: name, kind, whether required (for an issued invoice some more are,
/// which the conversion checks).
pub const FIELDS: [(&str, Kind, bool); 25] = [
    ("status", Kind::Str, OPTIONAL),
    ("message", Kind::Str, OPTIONAL),
    ("number", Kind::Str, REQUIRED),
    ("date", Kind::Str, REQUIRED),
    ("time", Kind::Str, OPTIONAL),
    ("sellerBan", Kind::Str, OPTIONAL),
    ("sellerName", Kind::Str, OPTIONAL),
    ("sellerAddress", Kind::Str, OPTIONAL),
    ("buyerBan", Kind::Str, OPTIONAL),
    ("randomCode", Kind::Str, OPTIONAL),
    ("currency", Kind::Str, OPTIONAL),
    ("salesAmount", Kind::Int, OPTIONAL),
    ("freeTaxAmount", Kind::Int, OPTIONAL),
    ("zeroTaxAmount", Kind::Int, OPTIONAL),
    ("taxType", Kind::Int, OPTIONAL),
    ("taxRate", Kind::Decimal, OPTIONAL),
    ("taxAmount", Kind::Int, OPTIONAL),
    ("totalAmount", Kind::Int, OPTIONAL),
    ("carrierType", Kind::Str, OPTIONAL),
    ("carrierId1", Kind::Str, OPTIONAL),
    ("carrierId2", Kind::Str, OPTIONAL),
    ("printMark", Kind::Flag, OPTIONAL),
    ("donateMark", Kind::Flag, OPTIONAL),
    ("npoban", Kind::Str, OPTIONAL),
    ("items", Kind::Items, OPTIONAL),
];

/// The fields of an item.
pub const ITEM_FIELDS: [(&str, Kind, bool); 5] = [
    ("sequenceNumber", Kind::Decimal, OPTIONAL),
    ("description", Kind::Str, REQUIRED),
    ("quantity", Kind::Decimal, REQUIRED),
    ("unitPrice", Kind::Decimal, REQUIRED),
    ("amount", Kind::Decimal, REQUIRED),
];

fn kind_ok(kind: Kind, value: &Value) -> Result<(), String> {
    let ok = match kind {
        Kind::Str => value.is_string() || value.is_null(),
        Kind::Int => value.is_i64() || value.is_null(),
        Kind::Decimal => value.is_number() || value.is_string() || value.is_null(),
        Kind::Flag => match value {
            Value::Bool(_) | Value::Null => true,
            Value::Number(n) => matches!(n.as_u64(), Some(0 | 1)),
            Value::String(s) => flag_text(s).is_some(),
            _ => false,
        },
        Kind::Items => value.is_array() || value.is_null(),
    };
    if ok {
        return Ok(());
    }
    Err(match kind {
        Kind::Str => format!("expected a string, got {value}"),
        Kind::Int => format!("expected an integer, got {value}"),
        Kind::Decimal => format!("expected a number or a decimal string, got {value}"),
        Kind::Flag => format!("expected \"Y\"/\"N\", 1/0 or true/false, got {value}"),
        Kind::Items => format!("expected an array of items, got {value}"),
    })
}

/// The first field of `object` that is unknown, missing or of the wrong kind, as
/// `(prefix + name, reason)`.
pub fn check_object(
    object: &Map<String, Value>,
    fields: &[(&str, Kind, bool)],
    prefix: &str,
) -> Option<(String, String)> {
    for (key, value) in object {
        let Some((_, kind, _)) = fields.iter().find(|(name, _, _)| name == key) else {
            // A key of "" still needs a name the user can find in the line (found by fuzzing).
            let name = if key.is_empty() { "\"\"" } else { key.as_str() };
            return Some((format!("{prefix}{name}"), "unknown field".into()));
        };
        if let Err(reason) = kind_ok(*kind, value) {
            return Some((format!("{prefix}{key}"), reason));
        }
        if let (Kind::Items, Value::Array(items)) = (kind, value) {
            for (n, item) in items.iter().enumerate() {
                let at = format!("items[{}].", n + 1);
                let Some(item) = item.as_object() else {
                    return Some((format!("items[{}]", n + 1), "expected an object".into()));
                };
                if let Some(found) = check_object(item, &ITEM_FIELDS, &at) {
                    return Some(found);
                }
            }
        }
    }
    fields
        .iter()
        .find(|(name, _, required)| *required && !object.contains_key(*name))
        .map(|(name, _, _)| (format!("{prefix}{name}"), "missing".into()))
}

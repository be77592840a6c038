//! What the two QR codes of a proof copy carry: the values, the fixed layout's constants and
//! the read error. A leaf: the reader ([`super::qr_read`]), the item text handling
//! ([`super::items`]) and the writer ([`super::qr`]) all build on it.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::RandomCode;
use crate::{InvoiceNumber, Ntd};

/// The length of the left code's fixed part.
pub const FIXED_LEN: usize = 77;
/// The buyer ID of a sale to a consumer, and the sales amount when tax cannot be separated.
pub const ZEROS: &str = "00000000";
/// The seller area when the seller does not use it.
pub const UNUSED_SELLER_AREA: &str = "**********";
/// The start of every right code.
pub const RIGHT_PREFIX: &str = "**";

/// How the item names are written (the encoding field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemEncoding {
    /// 0: Big5. In the raw scan the item text is Big5 bytes; see [`ProofQr::decode_bytes`].
    Big5,
    /// 1: UTF-8.
    Utf8,
    /// 2: the item list Base64-encoded (UTF-8 inside).
    Base64,
    /// 3: UTF-8, used by cross-border sellers.
    Utf8CrossBorder,
}

impl ItemEncoding {
    /// The digit written in the code.
    pub fn code(self) -> char {
        match self {
            Self::Big5 => '0',
            Self::Utf8 => '1',
            Self::Base64 => '2',
            Self::Utf8CrossBorder => '3',
        }
    }

    /// The encoding a digit stands for.
    pub fn from_code(text: &str) -> Option<Self> {
        match text {
            "0" => Some(Self::Big5),
            "1" => Some(Self::Utf8),
            "2" => Some(Self::Base64),
            "3" => Some(Self::Utf8CrossBorder),
            _ => None,
        }
    }
}

/// One item listed in the codes. Quantity and unit price keep the text the seller wrote
/// (`1`, `0.5`, `-20`), checked to be decimal numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct QrItem {
    /// The item's name.
    pub name: String,
    /// The quantity.
    pub quantity: String,
    /// The unit price.
    pub unit_price: String,
}

/// Everything the two QR codes carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofQr {
    /// The invoice number.
    pub invoice_number: InvoiceNumber,
    /// The invoice date (written as ROC `yyyMMdd`).
    pub date: NaiveDate,
    /// The random code.
    pub random_code: RandomCode,
    /// The sales amount before tax; `None` (`00000000`) when the tax could not be separated.
    pub sales_amount: Option<Ntd>,
    /// The total including tax.
    pub total_amount: Ntd,
    /// The buyer's ID; `None` (`00000000`) for a consumer.
    pub buyer_id: Option<String>,
    /// The seller's ID: eight digits as printed; [`Self::seller_business_id`] checks it.
    pub seller_id: String,
    /// The 24-character encrypted verification field; [`Self::verify`] checks it.
    pub verification: String,
    /// The 10-character seller area (`**********` when unused).
    pub seller_area: String,
    /// How many items the invoice has; the codes may list fewer.
    pub total_items: u32,
    /// How the item text is written.
    pub encoding: ItemEncoding,
    /// The items listed in the two codes.
    pub items: Vec<QrItem>,
}

/// A left code read without its right code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialQr {
    /// The data; `items` holds only the complete items found in the left code.
    pub qr: ProofQr,
    /// How many items the left code says the two codes list together.
    pub items_in_codes: u32,
}

/// Which of the two codes an error is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QrSide {
    /// The left code.
    Left,
    /// The right code.
    Right,
}

impl fmt::Display for QrSide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Left => "left",
            Self::Right => "right",
        })
    }
}

/// A QR code that could not be read: which code, where, which field, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{side} QR code, offset {offset}, {field}: {problem}")]
pub struct QrError {
    /// The code.
    pub side: QrSide,
    /// The byte offset in that code's text.
    pub offset: usize,
    /// The field, e.g. `total amount`.
    pub field: String,
    /// What is wrong.
    pub problem: String,
}

impl QrError {
    /// A new error.
    pub fn new(side: QrSide, offset: usize, field: &str, problem: &str) -> Self {
        Self {
            side,
            offset,
            field: field.to_owned(),
            problem: problem.to_owned(),
        }
    }
}

//! An invoice as its seller issued it (MIG F0401, and C0401 before MIG 4.0): one checked
//! constructor, [`Invoice::new`], that every way in goes through — the importer (JSON Lines and
//! MIG XML), the demo data, the generator and the tests.
//!
//! [`InvoiceDraft`] holds the fields as a file spells them (text, flags already read); the
//! constructor checks each through its type and the rules between fields (IR1–IR8, listed in
//! docs/import.md with the MIG schema facts they rest on) and names the field that broke one
//! ([`InvoiceField`]), so each input format can report it under its own spelling.
//!
//! What happens to an invoice after its issue — a cancel (作廢, F0501) or a void (註銷, F0701) —
//! is its [`InvoiceStatus`].

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::barcode::RandomCode;
use crate::{BusinessId, CarrierType, InvoiceNumber, LoveCode, Ntd, Period};

mod draft;
mod values;

#[cfg(test)]
mod tests;

pub use draft::{InvoiceDraft, ItemDraft, MAX_ITEMS};
pub use values::{
    Currency, Decimal, InvoiceTime, RowNumber, TaxRate, DECIMAL_FRACTION_DIGITS,
    DECIMAL_TOTAL_DIGITS, ROW_NUMBER_MAX,
};

/// The life of an invoice after its issue.
///
/// The words follow MIG: F0501 (C0501) `CancelInvoice` is 作廢, "cancel"; F0701 (C0701)
/// `VoidInvoice` is 註銷, "void".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvoiceStatus {
    /// Issued (F0401/C0401).
    Issued,
    /// Cancelled: 作廢 (F0501/C0501 `CancelInvoice`).
    Cancelled,
    /// Voided: 註銷 (F0701/C0701 `VoidInvoice`).
    Voided,
}

impl InvoiceStatus {
    /// The stored word: `issued`, `cancelled`, `voided`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Cancelled => "cancelled",
            Self::Voided => "voided",
        }
    }

    /// The stored word back.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "issued" => Some(Self::Issued),
            "cancelled" => Some(Self::Cancelled),
            "voided" => Some(Self::Voided),
            _ => None,
        }
    }

    /// The MIG word for the status: 開立 (issued), 作廢 (cancelled), 註銷 (voided).
    pub fn word(self) -> &'static str {
        match self {
            Self::Issued => "開立",
            Self::Cancelled => "作廢",
            Self::Voided => "註銷",
        }
    }
}

/// The tax type of an invoice (MIG `Amount/TaxType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum TaxType {
    /// 1 應稅, taxable.
    Taxable,
    /// 2 零稅率, zero-rated.
    ZeroRated,
    /// 3 免稅, tax-free.
    TaxFree,
    /// 4 特種稅率, special rate.
    Special,
    /// 9 混合應稅與免稅或零稅率, mixed.
    Mixed,
}

impl TaxType {
    /// The MIG code.
    pub fn code(self) -> u8 {
        match self {
            Self::Taxable => 1,
            Self::ZeroRated => 2,
            Self::TaxFree => 3,
            Self::Special => 4,
            Self::Mixed => 9,
        }
    }

    /// The type of a MIG code.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(Self::Taxable),
            2 => Some(Self::ZeroRated),
            3 => Some(Self::TaxFree),
            4 => Some(Self::Special),
            9 => Some(Self::Mixed),
            _ => None,
        }
    }
}

impl TryFrom<u8> for TaxType {
    type Error = String;
    fn try_from(code: u8) -> Result<Self, Self::Error> {
        Self::from_code(code).ok_or_else(|| format!("expected 1, 2, 3, 4 or 9, got {code}"))
    }
}

impl From<TaxType> for u8 {
    fn from(t: TaxType) -> Self {
        t.code()
    }
}

/// The seller as this invoice names it (MIG `Main/Seller`): the name and address are the
/// invoice's own, so a later rename does not rewrite an older invoice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InvoiceSeller {
    /// Business ID.
    pub id: BusinessId,
    /// Name, as uploaded.
    pub name: String,
    /// Address, as uploaded (empty when the upload has none).
    pub address: String,
}

/// The carrier an invoice was issued to.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InvoiceCarrier {
    /// Carrier type, e.g. `3J0002`.
    pub carrier_type: CarrierType,
    /// Visible carrier ID (CarrierId1), checked by type.
    pub id1: String,
    /// Hidden carrier ID (CarrierId2).
    pub id2: String,
}

impl fmt::Debug for InvoiceCarrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A User's carrier number is personal data: never in logs in clear.
        write!(f, "InvoiceCarrier({}, ***)", self.carrier_type)
    }
}

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InvoiceItem {
    /// Row number, as uploaded (v1 `rowNum`).
    pub row: RowNumber,
    /// Description.
    pub description: String,
    /// Quantity.
    pub quantity: Decimal,
    /// Unit price (zero on a discount line).
    pub unit_price: Decimal,
    /// Amount (negative on a discount line).
    pub amount: Decimal,
}

/// An invoice's header: everything but its items and its status.
///
/// Every field is a checked type; the rules between fields hold for a header built by
/// [`Invoice::new`]. The store restores headers it wrote from their columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceHeader {
    /// Period (from the date).
    pub period: Period,
    /// Invoice number.
    pub number: InvoiceNumber,
    /// Date (Taipei).
    pub date: NaiveDate,
    /// Time (Taipei), to the second.
    pub time: InvoiceTime,
    /// The seller as this invoice names it.
    pub seller: InvoiceSeller,
    /// Buyer business ID (B2B), none for a consumer.
    pub buyer: Option<BusinessId>,
    /// The 4-digit random code; optional in MIG (B2B invoices often have none).
    pub random_code: Option<RandomCode>,
    /// Currency, none for NTD.
    pub currency: Option<Currency>,
    /// Sales amount (taxable).
    pub sales_amount: Ntd,
    /// Tax-free sales amount.
    pub free_tax_amount: Ntd,
    /// Zero-rated sales amount.
    pub zero_tax_amount: Ntd,
    /// Tax type.
    pub tax_type: TaxType,
    /// Tax rate.
    pub tax_rate: TaxRate,
    /// Tax.
    pub tax_amount: Ntd,
    /// Total including tax.
    pub total_amount: Ntd,
    /// Carrier, none when there is none.
    pub carrier: Option<InvoiceCarrier>,
    /// Whether the proof copy was printed.
    pub printed: bool,
    /// The love code it was donated to.
    pub donated_to: Option<LoveCode>,
}

/// A checked invoice: its header and at least one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// The header.
    pub header: InvoiceHeader,
    /// The items, in the order uploaded.
    pub items: Vec<InvoiceItem>,
}

/// The fields of an invoice, for errors: each input format spells them its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceField {
    /// Invoice number.
    Number,
    /// Date.
    Date,
    /// Time.
    Time,
    /// Seller business ID.
    SellerId,
    /// Seller name.
    SellerName,
    /// Seller address.
    SellerAddress,
    /// Buyer business ID.
    BuyerId,
    /// Random code.
    RandomNumber,
    /// Currency.
    Currency,
    /// Sales amount.
    SalesAmount,
    /// Tax-free sales amount.
    FreeTaxSalesAmount,
    /// Zero-rated sales amount.
    ZeroTaxSalesAmount,
    /// Tax type.
    TaxType,
    /// Tax rate.
    TaxRate,
    /// Tax.
    TaxAmount,
    /// Total.
    TotalAmount,
    /// Carrier type.
    CarrierType,
    /// Visible carrier ID.
    CarrierId1,
    /// Hidden carrier ID.
    CarrierId2,
    /// Print mark.
    PrintMark,
    /// Donate mark.
    DonateMark,
    /// Love code.
    Npoban,
    /// The item list.
    Items,
    /// A field of item `n` (1-based).
    Item(usize, ItemField),
}

/// The fields of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemField {
    /// Row number.
    Row,
    /// Description.
    Description,
    /// Quantity.
    Quantity,
    /// Unit price.
    UnitPrice,
    /// Amount.
    Amount,
}

/// Why [`Invoice::new`] refused a draft: the field and the problem (which names the rule).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field:?}: {problem}")]
pub struct InvoiceError {
    /// The field that broke the rule.
    pub field: InvoiceField,
    /// What is wrong, naming the rule.
    pub problem: String,
}

impl InvoiceError {
    pub(crate) fn new(field: InvoiceField, problem: impl Into<String>) -> Self {
        Self {
            field,
            problem: problem.into(),
        }
    }
}

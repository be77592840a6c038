//! [`InvoiceDraft`], the fields as a file spells them, and [`Invoice::new`], the one place the
//! rules of an invoice are checked. The rule IDs (IR1–IR8) are listed in docs/import.md.

use chrono::NaiveDate;

use super::{
    Currency, Decimal, Invoice, InvoiceCarrier, InvoiceError, InvoiceField as F, InvoiceHeader,
    InvoiceItem, InvoiceSeller, InvoiceTime, ItemField, RowNumber, TaxRate, TaxType,
};
use crate::barcode::RandomCode;
use crate::{BusinessId, Carrier, InvalidValue, InvoiceNumber, LoveCode, Ntd, Period};

/// The most items an invoice has (MIG `Details/ProductItem` maxOccurs 9999).
pub const MAX_ITEMS: usize = 9999;
/// The longest seller name (MIG `Seller/Name`, 60 characters).
const NAME_MAX: usize = 60;
/// The longest seller address (MIG `Seller/Address`, 100 characters).
const ADDRESS_MAX: usize = 100;
/// The longest item description (MIG 4.0 `ProductItem/Description`, 500 characters).
const DESCRIPTION_MAX: usize = 500;

/// An invoice as read from a file, before any check: text as the file has it (trimmed of the
/// XML indentation only), marks already read as flags, the date already a date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceDraft {
    /// Invoice number.
    pub number: String,
    /// Date; `None` when the file has none.
    pub date: Option<NaiveDate>,
    /// Time, an `xsd:time`.
    pub time: String,
    /// Seller business ID.
    pub seller_id: String,
    /// Seller name.
    pub seller_name: String,
    /// Seller address (empty when none).
    pub seller_address: String,
    /// Buyer business ID; none, empty, `00000000` or `0000000000` for a consumer.
    pub buyer_id: Option<String>,
    /// Random code; none or empty when the invoice has none.
    pub random_number: Option<String>,
    /// Currency; none or empty for NTD.
    pub currency: Option<String>,
    /// Sales amount.
    pub sales_amount: String,
    /// Tax-free sales amount (default 0).
    pub free_tax_sales_amount: Option<String>,
    /// Zero-rated sales amount (default 0).
    pub zero_tax_sales_amount: Option<String>,
    /// Tax type code.
    pub tax_type: String,
    /// Tax rate (default 0.05).
    pub tax_rate: Option<String>,
    /// Tax (default 0).
    pub tax_amount: Option<String>,
    /// Total.
    pub total_amount: String,
    /// Carrier type.
    pub carrier_type: Option<String>,
    /// Visible carrier ID.
    pub carrier_id1: Option<String>,
    /// Hidden carrier ID (defaults to the visible one).
    pub carrier_id2: Option<String>,
    /// Whether the proof copy was printed.
    pub printed: bool,
    /// Whether it was donated.
    pub donated: bool,
    /// The love code it was donated to.
    pub npoban: Option<String>,
    /// Items.
    pub items: Vec<ItemDraft>,
}

/// An item as read from a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemDraft {
    /// Row number, when the file gives one (else the position, `001` …).
    pub row: Option<String>,
    /// Description.
    pub description: String,
    /// Quantity.
    pub quantity: String,
    /// Unit price.
    pub unit_price: String,
    /// Amount.
    pub amount: String,
}

impl ItemDraft {
    /// An item line without a row number (its position gives it one).
    pub fn new(description: &str, quantity: &str, unit_price: &str, amount: &str) -> Self {
        Self {
            row: None,
            description: description.into(),
            quantity: quantity.into(),
            unit_price: unit_price.into(),
            amount: amount.into(),
        }
    }
}

fn some_text(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

fn fail(field: F) -> impl Fn(InvalidValue) -> InvoiceError {
    move |e| InvoiceError::new(field, e.problem)
}

/// A header amount: a whole, non-negative NT$ amount (IR6); `100.00` is 100.
fn amount(text: &str, field: F) -> Result<Ntd, InvoiceError> {
    let decimal = Decimal::parse(text).map_err(fail(field))?;
    let refuse = |why: &str| InvoiceError::new(field, format!("{why}, got {text:?} (IR6)"));
    if decimal.is_negative() {
        return Err(refuse("a header amount is never negative"));
    }
    let body = decimal.as_str().trim_start_matches('-');
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    if !fraction.bytes().all(|b| b == b'0') {
        return Err(refuse("a header amount is whole NT dollars"));
    }
    whole
        .parse::<u64>()
        .map(Ntd::new)
        .map_err(|_| refuse("out of range"))
}

fn optional_amount(text: &Option<String>, field: F) -> Result<Ntd, InvoiceError> {
    some_text(text).map_or(Ok(Ntd::ZERO), |t| amount(t, field))
}

/// Free text (a name, an address, a description) as einv keeps it: surrounding whitespace
/// trimmed (an XML reader cannot tell it from indentation), line ends as `\n`, at most `max`
/// characters; control characters other than tab and line feed are refused (XML 1.0 cannot
/// carry them).
fn free_text(text: &str, max: usize, field: F, what: &str) -> Result<String, InvoiceError> {
    let text = text.trim().replace("\r\n", "\n").replace('\r', "\n");
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n'))
    {
        return Err(InvoiceError::new(
            field,
            format!("{what} holds the control character {c:?}"),
        ));
    }
    let n = text.chars().count();
    if n > max {
        return Err(InvoiceError::new(
            field,
            format!("{what} is at most {max} characters (MIG), got {n}"),
        ));
    }
    Ok(text)
}

impl Invoice {
    /// Checks `draft` field by field and rule by rule: the only way to make an [`Invoice`]
    /// from outside data.
    pub fn new(draft: InvoiceDraft) -> Result<Self, InvoiceError> {
        let number = InvoiceNumber::parse(&draft.number).map_err(fail(F::Number))?;
        let date = draft
            .date
            .ok_or_else(|| InvoiceError::new(F::Date, "missing"))?;
        let (time, day) = InvoiceTime::parse_xsd(&draft.time).map_err(fail(F::Time))?;
        if day != 0 {
            return Err(InvoiceError::new(
                F::Time,
                format!(
                    "{:?} is {time} on another day than the invoice date in Taipei time (IR8)",
                    draft.time
                ),
            ));
        }
        // IR1: business IDs pass the checksum; 00000000 is nobody's ID.
        let seller_id = BusinessId::parse(&draft.seller_id).map_err(fail(F::SellerId))?;
        let seller_name = free_text(&draft.seller_name, NAME_MAX, F::SellerName, "a name")?;
        if seller_name.is_empty() {
            return Err(InvoiceError::new(
                F::SellerName,
                "the seller's name is missing",
            ));
        }
        let seller_address = free_text(
            &draft.seller_address,
            ADDRESS_MAX,
            F::SellerAddress,
            "an address",
        )?;
        let buyer = match some_text(&draft.buyer_id) {
            None | Some("00000000" | "0000000000") => None,
            Some(id) => Some(BusinessId::parse(id).map_err(fail(F::BuyerId))?),
        };
        let random_code = some_text(&draft.random_number)
            .map(RandomCode::parse)
            .transpose()
            .map_err(fail(F::RandomNumber))?;
        let currency = some_text(&draft.currency)
            .map(Currency::parse)
            .transpose()
            .map_err(fail(F::Currency))?;
        let tax_type =
            TaxType::from_code(draft.tax_type.parse().unwrap_or(0)).ok_or_else(|| {
                InvoiceError::new(
                    F::TaxType,
                    format!("expected 1, 2, 3, 4 or 9, got {:?}", draft.tax_type),
                )
            })?;
        let tax_rate = match some_text(&draft.tax_rate) {
            Some(rate) => TaxRate::parse(rate).map_err(fail(F::TaxRate))?,
            None => TaxRate::general(),
        };
        let carrier = carrier(&draft)?;
        let donated_to = donation(&draft)?;
        // IR3: a B2B invoice (buyer business ID) cannot be donated.
        if donated_to.is_some() && buyer.is_some() {
            return Err(InvoiceError::new(
                F::DonateMark,
                "an invoice with a buyer business ID cannot be donated (IR3)",
            ));
        }
        // IR4: an invoice on a carrier or donated has no printed proof copy.
        if draft.printed && (carrier.is_some() || donated_to.is_some()) {
            return Err(InvoiceError::new(
                F::PrintMark,
                "an invoice on a carrier or donated is not printed (IR4)",
            ));
        }
        let header = InvoiceHeader {
            period: Period::of_date(date),
            number,
            date,
            time,
            seller: InvoiceSeller {
                id: seller_id,
                name: seller_name,
                address: seller_address,
            },
            buyer,
            random_code,
            currency,
            sales_amount: amount(&draft.sales_amount, F::SalesAmount)?,
            free_tax_amount: optional_amount(&draft.free_tax_sales_amount, F::FreeTaxSalesAmount)?,
            zero_tax_amount: optional_amount(&draft.zero_tax_sales_amount, F::ZeroTaxSalesAmount)?,
            tax_type,
            tax_rate,
            tax_amount: optional_amount(&draft.tax_amount, F::TaxAmount)?,
            total_amount: amount(&draft.total_amount, F::TotalAmount)?,
            carrier,
            printed: draft.printed,
            donated_to,
        };
        let items = items(draft.items)?;
        Ok(Self { header, items })
    }

    /// The draft this invoice is read back as: `Invoice::new(invoice.to_draft())` gives the
    /// same invoice. Tests and generators change a field of a valid invoice this way.
    pub fn to_draft(&self) -> InvoiceDraft {
        let h = &self.header;
        let carrier = h.carrier.as_ref();
        InvoiceDraft {
            number: h.number.to_string(),
            date: Some(h.date),
            time: h.time.to_string(),
            seller_id: h.seller.id.to_string(),
            seller_name: h.seller.name.clone(),
            seller_address: h.seller.address.clone(),
            buyer_id: h.buyer.map(|b| b.to_string()),
            random_number: h.random_code.map(|r| r.to_string()),
            currency: h.currency.as_ref().map(ToString::to_string),
            sales_amount: h.sales_amount.dollars().to_string(),
            free_tax_sales_amount: Some(h.free_tax_amount.dollars().to_string()),
            zero_tax_sales_amount: Some(h.zero_tax_amount.dollars().to_string()),
            tax_type: h.tax_type.code().to_string(),
            tax_rate: Some(h.tax_rate.to_string()),
            tax_amount: Some(h.tax_amount.dollars().to_string()),
            total_amount: h.total_amount.dollars().to_string(),
            carrier_type: carrier.map(|c| c.carrier_type.to_string()),
            carrier_id1: carrier.map(|c| c.id1.clone()),
            carrier_id2: carrier.map(|c| c.id2.clone()),
            printed: h.printed,
            donated: h.donated_to.is_some(),
            npoban: h.donated_to.as_ref().map(ToString::to_string),
            items: self
                .items
                .iter()
                .map(|i| ItemDraft {
                    row: Some(i.row.to_string()),
                    description: i.description.clone(),
                    quantity: i.quantity.to_string(),
                    unit_price: i.unit_price.to_string(),
                    amount: i.amount.to_string(),
                })
                .collect(),
        }
    }
}

/// IR5: a carrier ID needs its type and is checked by it.
fn carrier(draft: &InvoiceDraft) -> Result<Option<InvoiceCarrier>, InvoiceError> {
    let id1 = some_text(&draft.carrier_id1);
    let id2 = some_text(&draft.carrier_id2);
    let Some(kind) = some_text(&draft.carrier_type) else {
        return match id1.or(id2) {
            Some(_) => Err(InvoiceError::new(
                F::CarrierType,
                "a carrier ID is given without its type (IR5)",
            )),
            None => Ok(None),
        };
    };
    let id1 = id1.unwrap_or_default();
    let parsed = Carrier::parse(kind, id1).map_err(|e| {
        let field = if e.field == "carrier type" {
            F::CarrierType
        } else {
            F::CarrierId1
        };
        InvoiceError::new(field, format!("{} (IR5)", e.problem))
    })?;
    let id2 = id2.unwrap_or(id1);
    if !(1..=64).contains(&id2.len()) || !id2.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvoiceError::new(
            F::CarrierId2,
            format!("expected 1 to 64 printable ASCII characters, got {id2:?}"),
        ));
    }
    Ok(Some(InvoiceCarrier {
        carrier_type: parsed.kind,
        id1: id1.to_owned(),
        id2: id2.to_owned(),
    }))
}

/// IR2: a donated invoice names its love code, and only a donated one does.
fn donation(draft: &InvoiceDraft) -> Result<Option<LoveCode>, InvoiceError> {
    match (draft.donated, some_text(&draft.npoban)) {
        (true, Some(code)) => Ok(Some(LoveCode::parse(code).map_err(fail(F::Npoban))?)),
        (true, None) => Err(InvoiceError::new(
            F::Npoban,
            "a donated invoice needs the love code (IR2)",
        )),
        (false, Some(_)) => Err(InvoiceError::new(
            F::Npoban,
            "given, but the invoice is not donated (IR2)",
        )),
        (false, None) => Ok(None),
    }
}

/// IR7: one to 9999 items; each field checked by its type.
fn items(raw: Vec<ItemDraft>) -> Result<Vec<InvoiceItem>, InvoiceError> {
    if raw.is_empty() || raw.len() > MAX_ITEMS {
        return Err(InvoiceError::new(
            F::Items,
            format!(
                "an invoice has 1 to {MAX_ITEMS} items, got {} (IR7)",
                raw.len()
            ),
        ));
    }
    let mut out = Vec::with_capacity(raw.len());
    for (n, item) in raw.into_iter().enumerate() {
        let at = |field| move |e: InvalidValue| InvoiceError::new(F::Item(n + 1, field), e.problem);
        let row = match item.row.as_deref() {
            Some(text) => RowNumber::parse(text).map_err(at(ItemField::Row))?,
            None => RowNumber::of_position(n + 1),
        };
        let description = free_text(
            &item.description,
            DESCRIPTION_MAX,
            F::Item(n + 1, ItemField::Description),
            "a description",
        )?;
        if description.is_empty() {
            return Err(InvoiceError::new(
                F::Item(n + 1, ItemField::Description),
                "the description is missing",
            ));
        }
        out.push(InvoiceItem {
            row,
            description,
            quantity: Decimal::parse(&item.quantity).map_err(at(ItemField::Quantity))?,
            unit_price: Decimal::parse(&item.unit_price).map_err(at(ItemField::UnitPrice))?,
            amount: Decimal::parse(&item.amount).map_err(at(ItemField::Amount))?,
        });
    }
    Ok(out)
}

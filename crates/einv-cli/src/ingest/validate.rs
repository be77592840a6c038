//! One record, as a parser read it, into what the store takes. The invoice rules themselves
//! live in the core's one constructor ([`Invoice::new`]); this module only names a refused
//! field the way the record's format spells it ([`FieldNames`]) and checks the few fields of
//! cancel and void messages.

use chrono::NaiveDate;
use einv_core::invoice::{InvoiceError, InvoiceField, ItemField};
use einv_core::{BusinessId, InvalidValue, Invoice, InvoiceDraft, InvoiceNumber, Period};
use einv_store::{InvoiceStatus, StatusChange};

use super::Record;

/// A cancel or void message as read from a file.
#[derive(Debug, Clone)]
pub struct RawStatus {
    /// The invoice number.
    pub number: String,
    /// The invoice date (gives the period).
    pub date: NaiveDate,
    /// The seller, when the message names one.
    pub seller_ban: Option<String>,
    /// The new status.
    pub status: InvoiceStatus,
}

/// How a format names each field in its errors.
#[derive(Debug)]
pub struct FieldNames {
    /// Invoice number.
    pub number: &'static str,
    /// Date.
    pub date: &'static str,
    /// Time.
    pub time: &'static str,
    /// Seller business ID.
    pub seller_ban: &'static str,
    /// Seller name.
    pub seller_name: &'static str,
    /// Seller address.
    pub seller_address: &'static str,
    /// Buyer business ID.
    pub buyer_ban: &'static str,
    /// Random code.
    pub random_code: &'static str,
    /// Currency.
    pub currency: &'static str,
    /// Amounts, in the order sales, tax-free, zero-rated, tax, total.
    pub amounts: [&'static str; 5],
    /// Tax type.
    pub tax_type: &'static str,
    /// Tax rate.
    pub tax_rate: &'static str,
    /// Carrier type.
    pub carrier_type: &'static str,
    /// Visible carrier ID.
    pub carrier_id1: &'static str,
    /// Hidden carrier ID.
    pub carrier_id2: &'static str,
    /// Print mark.
    pub print_mark: &'static str,
    /// Donate mark.
    pub donate_mark: &'static str,
    /// Love code.
    pub npoban: &'static str,
    /// The item list.
    pub items: &'static str,
    /// Item `n` (1-based), e.g. `items[2].`.
    pub item: fn(usize) -> String,
    /// Item fields: row (sequence) number, description, quantity, unit price, amount.
    pub item_fields: [&'static str; 5],
}

impl FieldNames {
    /// The name of `field` in this format.
    pub fn name(&self, field: InvoiceField) -> String {
        let name = match field {
            InvoiceField::Number => self.number,
            InvoiceField::Date => self.date,
            InvoiceField::Time => self.time,
            InvoiceField::SellerId => self.seller_ban,
            InvoiceField::SellerName => self.seller_name,
            InvoiceField::SellerAddress => self.seller_address,
            InvoiceField::BuyerId => self.buyer_ban,
            InvoiceField::RandomNumber => self.random_code,
            InvoiceField::Currency => self.currency,
            InvoiceField::SalesAmount => self.amounts[0],
            InvoiceField::FreeTaxSalesAmount => self.amounts[1],
            InvoiceField::ZeroTaxSalesAmount => self.amounts[2],
            InvoiceField::TaxAmount => self.amounts[3],
            InvoiceField::TotalAmount => self.amounts[4],
            InvoiceField::TaxType => self.tax_type,
            InvoiceField::TaxRate => self.tax_rate,
            InvoiceField::CarrierType => self.carrier_type,
            InvoiceField::CarrierId1 => self.carrier_id1,
            InvoiceField::CarrierId2 => self.carrier_id2,
            InvoiceField::PrintMark => self.print_mark,
            InvoiceField::DonateMark => self.donate_mark,
            InvoiceField::Npoban => self.npoban,
            InvoiceField::Items => self.items,
            InvoiceField::Item(n, item) => {
                let [row, description, quantity, unit_price, amount] = self.item_fields;
                let name = match item {
                    ItemField::Row => row,
                    ItemField::Description => description,
                    ItemField::Quantity => quantity,
                    ItemField::UnitPrice => unit_price,
                    ItemField::Amount => amount,
                };
                return format!("{}{name}", (self.item)(n));
            }
        };
        name.to_owned()
    }
}

/// A failed check: the field (as its format names it) and the problem.
pub type Invalid = (String, String);

fn domain(field: &str) -> impl Fn(InvalidValue) -> Invalid + '_ {
    move |e| (field.to_owned(), e.problem)
}

/// Checks an issued invoice through the core's constructor, naming a refused field as `names`
/// spells it.
pub fn issue(draft: InvoiceDraft, names: &FieldNames) -> Result<Record, Invalid> {
    Invoice::new(draft)
        .map(|invoice| Record::Issue(Box::new(invoice)))
        .map_err(|InvoiceError { field, problem }| (names.name(field), problem))
}

/// Checks a cancel or void message; `fields` names the number and seller fields.
pub fn status(raw: RawStatus, fields: [&str; 2]) -> Result<Record, Invalid> {
    let number = InvoiceNumber::parse(&raw.number).map_err(domain(fields[0]))?;
    let seller_ban = raw
        .seller_ban
        .filter(|b| !b.is_empty())
        .map(|b| BusinessId::parse(&b))
        .transpose()
        .map_err(domain(fields[1]))?;
    Ok(Record::Status(StatusChange {
        number,
        period: Period::of_date(raw.date),
        seller_ban,
        status: raw.status,
    }))
}

//! One record, as a parser read it, checked through the domain types into what the store takes.
//! Both formats go through here, so a rule is written once; errors name the field the way the
//! record's format spells it ([`FieldNames`]).

use chrono::{NaiveDate, NaiveTime};
use einv_core::{BusinessId, Carrier, InvalidValue, InvoiceNumber, LoveCode, Period};
use einv_store::{
    InvoiceCarrier, InvoiceHeader, InvoiceItem, InvoiceStatus, NewInvoice, Seller, StatusChange,
};

use super::{Issue, Record};

/// An invoice as read from a file: shapes checked (dates are dates, amounts integers), domain
/// rules not yet.
#[derive(Debug, Clone, Default)]
pub struct RawInvoice {
    /// Invoice number.
    pub number: String,
    /// Date.
    pub date: Option<NaiveDate>,
    /// Time, `HH:mm:ss`.
    pub time: String,
    /// Seller business ID.
    pub seller_ban: String,
    /// Seller name.
    pub seller_name: String,
    /// Seller address.
    pub seller_address: String,
    /// Buyer business ID; none, empty, `00000000` or `0000000000` for a consumer.
    pub buyer_ban: Option<String>,
    /// The 4-digit random code.
    pub random_code: String,
    /// Currency, none for NTD.
    pub currency: Option<String>,
    /// Sales amount.
    pub sales_amount: i64,
    /// Tax-free sales amount.
    pub free_tax_amount: i64,
    /// Zero-rated sales amount.
    pub zero_tax_amount: i64,
    /// Tax type.
    pub tax_type: i64,
    /// Tax rate.
    pub tax_rate: String,
    /// Tax.
    pub tax_amount: i64,
    /// Total.
    pub total_amount: i64,
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
    pub items: Vec<RawItem>,
}

/// An item as read from a file.
#[derive(Debug, Clone, Default)]
pub struct RawItem {
    /// Sequence number, when the file gives one (else the position, from 1).
    pub seq: Option<i64>,
    /// Description.
    pub description: String,
    /// Quantity (decimal).
    pub quantity: String,
    /// Unit price (decimal).
    pub unit_price: String,
    /// Amount (decimal).
    pub amount: String,
}

/// A void or cancel message as read from a file.
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
    /// Item `n` (1-based), e.g. `items[2]`.
    pub item: fn(usize) -> String,
    /// Item fields: sequence number, description, quantity, unit price, amount.
    pub item_fields: [&'static str; 5],
}

/// A failed check: the field (as its format names it) and the problem.
pub type Invalid = (String, String);

fn invalid(field: &str, problem: impl std::fmt::Display) -> Invalid {
    (field.to_owned(), problem.to_string())
}

fn domain(field: &str) -> impl Fn(InvalidValue) -> Invalid + '_ {
    move |e| invalid(field, e.problem)
}

fn none_if_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

/// Whether `text` is a plain decimal number: optional `-`, digits, optional `.` and digits.
pub fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// Checks an issued invoice.
pub fn issue(raw: RawInvoice, names: &FieldNames) -> Result<Record, Invalid> {
    let number = InvoiceNumber::parse(&raw.number).map_err(domain(names.number))?;
    let date = raw.date.ok_or_else(|| invalid(names.date, "missing"))?;
    NaiveTime::parse_from_str(&raw.time, "%H:%M:%S")
        .ok()
        .filter(|_| raw.time.len() == 8)
        .ok_or_else(|| invalid(names.time, format!("expected HH:mm:ss, got {:?}", raw.time)))?;
    let seller = BusinessId::parse(&raw.seller_ban).map_err(domain(names.seller_ban))?;
    if raw.seller_name.trim().is_empty() {
        return Err(invalid(names.seller_name, "the seller's name is missing"));
    }
    let buyer = match none_if_empty(raw.buyer_ban) {
        Some(b) if b == "00000000" || b == "0000000000" => None,
        Some(b) => Some(
            BusinessId::parse(&b)
                .map_err(domain(names.buyer_ban))?
                .to_string(),
        ),
        None => None,
    };
    let rc = raw.random_code.as_bytes();
    if rc.len() != 4 || !rc.iter().all(u8::is_ascii_digit) {
        return Err(invalid(
            names.random_code,
            format!("expected 4 digits, got {:?}", raw.random_code),
        ));
    }
    let currency = none_if_empty(raw.currency);
    if let Some(c) = &currency {
        if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(invalid(
                names.currency,
                format!("expected an ISO 4217 code like USD, got {c:?}"),
            ));
        }
    }
    let amounts = [
        raw.sales_amount,
        raw.free_tax_amount,
        raw.zero_tax_amount,
        raw.tax_amount,
        raw.total_amount,
    ];
    for (value, field) in amounts.iter().zip(names.amounts) {
        if *value < 0 {
            return Err(invalid(field, format!("must not be negative, got {value}")));
        }
    }
    if ![1, 2, 3, 4, 9].contains(&raw.tax_type) {
        return Err(invalid(
            names.tax_type,
            format!("expected 1, 2, 3, 4 or 9, got {}", raw.tax_type),
        ));
    }
    if !is_decimal(&raw.tax_rate) || raw.tax_rate.starts_with('-') {
        return Err(invalid(
            names.tax_rate,
            format!("expected a decimal like 0.05, got {:?}", raw.tax_rate),
        ));
    }
    let carrier = carrier(raw.carrier_type, raw.carrier_id1, raw.carrier_id2, names)?;
    let npoban = none_if_empty(raw.npoban);
    let donated_to = match (raw.donated, npoban) {
        (true, Some(code)) => Some(
            LoveCode::parse(&code)
                .map_err(domain(names.npoban))?
                .as_str()
                .to_owned(),
        ),
        (true, None) => {
            return Err(invalid(
                names.npoban,
                "a donated invoice needs the love code",
            ))
        }
        (false, Some(_)) => {
            return Err(invalid(
                names.npoban,
                format!("given, but {} is 0", names.donate_mark),
            ))
        }
        (false, None) => None,
    };
    if donated_to.is_some() && buyer.is_some() {
        return Err(invalid(
            names.donate_mark,
            "an invoice with a buyer business ID cannot be donated",
        ));
    }
    if raw.printed && (carrier.is_some() || donated_to.is_some()) {
        return Err(invalid(
            names.print_mark,
            "an invoice on a carrier or donated is not printed",
        ));
    }
    let items = items(raw.items, names)?;
    let seller_ban = seller.to_string();
    Ok(Record::Issue(Box::new(Issue {
        seller: Seller {
            ban: seller_ban.clone(),
            name: raw.seller_name,
            address: raw.seller_address,
            qr_seed_key: None,
        },
        invoice: NewInvoice {
            header: InvoiceHeader {
                period: Period::of_date(date),
                number,
                date,
                time: raw.time,
                seller_ban,
                buyer_ban: buyer,
                random_code: raw.random_code,
                currency,
                sales_amount: raw.sales_amount,
                free_tax_amount: raw.free_tax_amount,
                zero_tax_amount: raw.zero_tax_amount,
                tax_type: raw.tax_type,
                tax_rate: raw.tax_rate,
                tax_amount: raw.tax_amount,
                total_amount: raw.total_amount,
                carrier,
                printed: raw.printed,
                donated_to,
                status: InvoiceStatus::Issued,
            },
            items,
        },
    })))
}

fn carrier(
    kind: Option<String>,
    id1: Option<String>,
    id2: Option<String>,
    names: &FieldNames,
) -> Result<Option<InvoiceCarrier>, Invalid> {
    let (kind, id1, id2) = (none_if_empty(kind), none_if_empty(id1), none_if_empty(id2));
    let Some(kind) = kind else {
        return match id1.or(id2) {
            Some(_) => Err(invalid(
                names.carrier_type,
                "a carrier ID is given without its type",
            )),
            None => Ok(None),
        };
    };
    let id1 = id1.unwrap_or_default();
    let parsed = Carrier::parse(&kind, &id1).map_err(|e| {
        let field = if e.field == "carrier type" {
            names.carrier_type
        } else {
            names.carrier_id1
        };
        invalid(field, e.problem)
    })?;
    let id2 = id2.unwrap_or_else(|| id1.clone());
    if !(1..=64).contains(&id2.len()) || !id2.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            names.carrier_id2,
            format!("expected 1 to 64 printable ASCII characters, got {id2:?}"),
        ));
    }
    Ok(Some(InvoiceCarrier {
        carrier_type: parsed.kind.to_string(),
        id1,
        id2,
    }))
}

fn items(raw: Vec<RawItem>, names: &FieldNames) -> Result<Vec<InvoiceItem>, Invalid> {
    if raw.is_empty() {
        return Err(invalid(names.items, "an invoice needs at least one item"));
    }
    let [seq_name, description, quantity, unit_price, amount] = names.item_fields;
    let mut out: Vec<InvoiceItem> = Vec::with_capacity(raw.len());
    for (n, item) in raw.into_iter().enumerate() {
        let at = |field: &str| format!("{}{field}", (names.item)(n + 1));
        let seq = item.seq.unwrap_or(n as i64 + 1);
        if seq < 1 || out.iter().any(|i| i.seq == seq) {
            return Err((
                at(seq_name),
                format!("sequence number {seq} is not positive or repeats"),
            ));
        }
        if item.description.trim().is_empty() {
            return Err((at(description), "the description is missing".into()));
        }
        for (value, field) in [
            (&item.quantity, quantity),
            (&item.unit_price, unit_price),
            (&item.amount, amount),
        ] {
            if !is_decimal(value) {
                return Err((
                    at(field),
                    format!("expected a decimal number, got {value:?}"),
                ));
            }
        }
        out.push(InvoiceItem {
            seq,
            description: item.description,
            quantity: item.quantity,
            unit_price: item.unit_price,
            amount: item.amount,
        });
    }
    Ok(out)
}

/// Checks a void or cancel message; `fields` names the number and seller fields.
pub fn status(raw: RawStatus, fields: [&str; 2]) -> Result<Record, Invalid> {
    let number = InvoiceNumber::parse(&raw.number).map_err(domain(fields[0]))?;
    let seller_ban = match none_if_empty(raw.seller_ban) {
        Some(b) => Some(
            BusinessId::parse(&b)
                .map_err(domain(fields[1]))?
                .to_string(),
        ),
        None => None,
    };
    Ok(Record::Status(StatusChange {
        number,
        period: Period::of_date(raw.date),
        seller_ban,
        status: raw.status,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        for ok in ["0", "1", "-3", "1.5", "105.00"] {
            assert!(is_decimal(ok), "{ok}");
        }
        for bad in ["", "-", "1.", ".5", "1e3", "1,000", " 1", "abc"] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }
}

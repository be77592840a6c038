//! MOF MIG XML: the seller upload messages F0401 (issue, 開立), F0501 (cancel, 作廢), F0701
//! (void, 註銷) of MIG 4.x and their MIG 3.x names C0401, C0501, C0701.
//!
//! A message is an `Invoice`, `CancelInvoice` or `VoidInvoice` element (namespace prefixes are
//! ignored; an element named after the message, `F0401` …, is accepted too). A file holds one
//! message as its root, or any wrapper root holding many: every message element found outside
//! another message is read. Elements the platform does not keep (remarks, buyer name, tax
//! details …) are skipped. The element names read are listed in docs/import.md.

use std::collections::HashMap;

use chrono::NaiveDate;
use einv_store::InvoiceStatus;
use quick_xml::events::Event;
use quick_xml::Reader;

use einv_core::invoice::ItemDraft;
use einv_core::InvoiceDraft;

use super::validate::{self, FieldNames, RawStatus};
use super::{FileError, Parsed, Rejection, Sink};

/// The MIG names of the fields, for errors.
pub static NAMES: FieldNames = FieldNames {
    number: "Main/InvoiceNumber",
    date: "Main/InvoiceDate",
    time: "Main/InvoiceTime",
    seller_ban: "Main/Seller/Identifier",
    seller_name: "Main/Seller/Name",
    seller_address: "Main/Seller/Address",
    buyer_ban: "Main/Buyer/Identifier",
    random_code: "Main/RandomNumber",
    currency: "Amount/Currency",
    amounts: [
        "Amount/SalesAmount",
        "Amount/FreeTaxSalesAmount",
        "Amount/ZeroTaxSalesAmount",
        "Amount/TaxAmount",
        "Amount/TotalAmount",
    ],
    tax_type: "Amount/TaxType",
    tax_rate: "Amount/TaxRate",
    carrier_type: "Main/CarrierType",
    carrier_id1: "Main/CarrierId1",
    carrier_id2: "Main/CarrierId2",
    print_mark: "Main/PrintMark",
    donate_mark: "Main/DonateMark",
    npoban: "Main/NPOBAN",
    items: "Details/ProductItem",
    item: |n| format!("Details/ProductItem[{n}]/"),
    item_fields: [
        "SequenceNumber",
        "Description",
        "Quantity",
        "UnitPrice",
        "Amount",
    ],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Issue,
    Cancel,
    Void,
}

fn message_kind(local: &[u8]) -> Option<Kind> {
    match local {
        b"Invoice" | b"F0401" | b"C0401" => Some(Kind::Issue),
        b"CancelInvoice" | b"F0501" | b"C0501" => Some(Kind::Cancel),
        b"VoidInvoice" | b"F0701" | b"C0701" => Some(Kind::Void),
        _ => None,
    }
}

/// One message being read: its leaf values by path, with the line of each.
#[derive(Debug)]
struct Message {
    kind: Kind,
    line: u64,
    /// Element names below the message root.
    path: Vec<String>,
    text: String,
    fields: HashMap<String, (String, u64)>,
    items: Vec<HashMap<String, (String, u64)>>,
    /// The first element that appeared twice.
    repeated: Option<(String, u64)>,
}

impl Message {
    fn leaf(&mut self, line: u64) {
        let text = std::mem::take(&mut self.text);
        let in_item =
            self.path.len() == 3 && self.path[0] == "Details" && self.path[1] == "ProductItem";
        let (map, key) = match self.items.last_mut() {
            Some(item) if in_item => (item, self.path[2].clone()),
            _ => (&mut self.fields, self.path.join("/")),
        };
        if map.contains_key(&key) && self.repeated.is_none() {
            self.repeated = Some((key, line));
        } else {
            map.entry(key).or_insert((text, line));
        }
    }

    fn take(&self, path: &str) -> Option<String> {
        self.fields.get(path).map(|(text, _)| text.clone())
    }
}

/// Reads MIG XML from `data`, pushing one [`Parsed`] per message.
pub fn parse(data: &[u8], sink: &mut Sink<'_>) -> Result<(), FileError> {
    let text = std::str::from_utf8(data).map_err(|e| FileError::Syntax {
        line: line_at(data, e.valid_up_to()),
        reason: "not UTF-8 text".into(),
    })?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    reader.config_mut().expand_empty_elements = true;
    let mut lines = LineCounter::default();
    let mut message: Option<Message> = None;
    loop {
        let event = reader.read_event().map_err(|e| FileError::Syntax {
            line: line_at(
                data,
                usize::try_from(reader.error_position()).unwrap_or(usize::MAX),
            ),
            reason: format!("not well-formed XML: {e}"),
        })?;
        let line = lines.at(data, reader.buffer_position());
        match (event, message.as_mut()) {
            (Event::Start(e), None) => {
                if let Some(kind) = message_kind(e.local_name().as_ref()) {
                    message = Some(Message {
                        kind,
                        line,
                        path: Vec::new(),
                        text: String::new(),
                        fields: HashMap::new(),
                        items: Vec::new(),
                        repeated: None,
                    });
                }
            }
            (Event::Start(e), Some(m)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if m.path.len() == 1 && m.path[0] == "Details" && name == "ProductItem" {
                    m.items.push(HashMap::new());
                }
                m.path.push(name);
                m.text.clear();
            }
            (Event::Text(t), Some(m)) => {
                let value = t.unescape().map_err(|e| FileError::Syntax {
                    line,
                    reason: format!("bad character reference: {e}"),
                })?;
                m.text.push_str(&value);
            }
            (Event::CData(t), Some(m)) => {
                m.text.push_str(&String::from_utf8_lossy(&t.into_inner()))
            }
            (Event::End(_), Some(m)) if m.path.is_empty() => {
                if let Some(done) = message.take() {
                    let start = done.line;
                    sink(Parsed {
                        line: start,
                        offset: reader.buffer_position(),
                        result: finish(done),
                    })?;
                }
            }
            (Event::End(_), Some(m)) => {
                let leaf = !m.text.is_empty() || !m.path.last().is_some_and(|n| is_group(n));
                if leaf {
                    m.leaf(line);
                }
                m.path.pop();
            }
            (Event::Eof, _) => return Ok(()),
            _ => {}
        }
    }
}

fn is_group(name: &str) -> bool {
    matches!(
        name,
        "Main" | "Seller" | "Buyer" | "Details" | "ProductItem" | "Amount"
    )
}

/// 1-based line of byte `offset`.
fn line_at(data: &[u8], offset: usize) -> u64 {
    let end = offset.min(data.len());
    1 + data[..end].iter().filter(|&&b| b == b'\n').count() as u64
}

/// Counts lines forward as the reader moves, so each position costs only the bytes since the
/// last one.
#[derive(Debug, Default)]
struct LineCounter {
    offset: usize,
    line: u64,
}

impl LineCounter {
    fn at(&mut self, data: &[u8], position: u64) -> u64 {
        let position = usize::try_from(position)
            .unwrap_or(usize::MAX)
            .min(data.len());
        if position > self.offset {
            self.line += data[self.offset..position]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.offset = position;
        }
        self.line + 1
    }
}

/// A finished message into a record, or the rejection naming the element and its line.
fn finish(mut m: Message) -> Result<super::Record, Rejection> {
    if let Some((field, line)) = m.repeated.take() {
        return Err(Rejection::new(line, field, "appears more than once"));
    }
    let result = match m.kind {
        Kind::Issue => issue(&m),
        // F0501 CancelInvoice is 作廢 (cancelled); F0701 VoidInvoice is 註銷 (voided).
        Kind::Cancel => status(&m, "CancelInvoiceNumber", InvoiceStatus::Cancelled),
        Kind::Void => status(&m, "VoidInvoiceNumber", InvoiceStatus::Voided),
    };
    result.map_err(|(field, reason)| {
        let line = match m.fields.get(&field) {
            Some((_, line)) => *line,
            None => item_line(&m, &field).unwrap_or(m.line),
        };
        Rejection::new(line, field, reason)
    })
}

/// The line of an item field named like `Details/ProductItem[2]/Quantity`.
fn item_line(m: &Message, field: &str) -> Option<u64> {
    let rest = field.strip_prefix("Details/ProductItem[")?;
    let (n, name) = rest.split_once("]/")?;
    let item = m.items.get(n.parse::<usize>().ok()?.checked_sub(1)?)?;
    item.get(name).map(|(_, line)| *line)
}

fn required(m: &Message, path: &'static str) -> Result<String, validate::Invalid> {
    m.take(path)
        .ok_or_else(|| (path.to_owned(), "missing".to_owned()))
}

fn date(m: &Message, path: &'static str) -> Result<NaiveDate, validate::Invalid> {
    let text = required(m, path)?;
    NaiveDate::parse_from_str(&text, "%Y%m%d")
        .ok()
        .filter(|_| text.len() == 8)
        .ok_or_else(|| (path.to_owned(), format!("expected yyyyMMdd, got {text:?}")))
}

/// A required element's text; the core checks what it says.
fn text(m: &Message, path: &'static str) -> Result<String, validate::Invalid> {
    required(m, path)
}

fn mark(m: &Message, path: &'static str, yes: &str, no: &str) -> Result<bool, validate::Invalid> {
    match m.take(path).as_deref() {
        None => Ok(false),
        Some(v) if v == yes => Ok(true),
        Some(v) if v == no || v.is_empty() => Ok(false),
        Some(v) => Err((
            path.to_owned(),
            format!("expected {yes} or {no}, got {v:?}"),
        )),
    }
}

fn issue(m: &Message) -> Result<super::Record, validate::Invalid> {
    let items = m
        .items
        .iter()
        .map(|item| {
            let get = |name: &str| item.get(name).map(|(text, _)| text.clone());
            ItemDraft {
                row: get("SequenceNumber"),
                description: get("Description").unwrap_or_default(),
                quantity: get("Quantity").unwrap_or_default(),
                unit_price: get("UnitPrice").unwrap_or_default(),
                amount: get("Amount").unwrap_or_default(),
            }
        })
        .collect();
    let draft = InvoiceDraft {
        number: required(m, "Main/InvoiceNumber")?,
        date: Some(date(m, "Main/InvoiceDate")?),
        time: required(m, "Main/InvoiceTime")?,
        seller_id: required(m, "Main/Seller/Identifier")?,
        seller_name: required(m, "Main/Seller/Name")?,
        seller_address: m.take("Main/Seller/Address").unwrap_or_default(),
        buyer_id: m.take("Main/Buyer/Identifier"),
        // Optional in the schema (B2B invoices often have none).
        random_number: m.take("Main/RandomNumber"),
        currency: m.take("Amount/Currency"),
        sales_amount: text(m, "Amount/SalesAmount")?,
        free_tax_sales_amount: m.take("Amount/FreeTaxSalesAmount"),
        zero_tax_sales_amount: m.take("Amount/ZeroTaxSalesAmount"),
        tax_type: text(m, "Amount/TaxType")?,
        tax_rate: m.take("Amount/TaxRate"),
        tax_amount: m.take("Amount/TaxAmount"),
        total_amount: text(m, "Amount/TotalAmount")?,
        carrier_type: m.take("Main/CarrierType"),
        carrier_id1: m.take("Main/CarrierId1"),
        carrier_id2: m.take("Main/CarrierId2"),
        printed: mark(m, "Main/PrintMark", "Y", "N")?,
        donated: mark(m, "Main/DonateMark", "1", "0")?,
        npoban: m.take("Main/NPOBAN"),
        items,
    };
    validate::issue(draft, &NAMES)
}

fn status(
    m: &Message,
    number: &'static str,
    status: InvoiceStatus,
) -> Result<super::Record, validate::Invalid> {
    let raw = RawStatus {
        number: required(m, number)?,
        date: date(m, "InvoiceDate")?,
        seller_ban: m.take("SellerId"),
        status,
    };
    validate::status(raw, [number, "SellerId"])
}

#[cfg(test)]
#[path = "mig_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "mig_roundtrip.rs"]
mod roundtrip;

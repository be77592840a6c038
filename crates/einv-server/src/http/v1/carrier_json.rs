//! The carrierInvChk and carrierInvDetail replies, written by serde straight into the reply's
//! buffer from typed structs that borrow the invoices (issue 11: building a `serde_json::Value`
//! tree of B-tree maps for every row showed in the profile of the hot path).
//!
//! Every struct declares its fields in the byte order of their JSON names, the order the
//! map-built replies (`serde_json::Map`, a B-tree map) write them in, so the bytes on the wire
//! are the same; a test below compares the two renderings.

use einv_core::invoice::InvoiceItem;
use einv_core::ShownNumber;
use serde::{Serialize, Serializer};

use super::fields::{CompactDate, JavaDate};
use super::invoice_json::status_text;
use super::reply::{CodeType, Reply};
use crate::services::{InvoiceListPage, InvoiceView, PAGE_SIZE};

/// 996: more rows than a page; raise `page` and ask again (spec v1.9).
const MORE_PAGES: &str = "查詢發票筆數超過上限，請縮小查詢日期區間或以載具分頁功能接續查詢下一頁";

/// Roughly how many bytes one list row takes, to size the buffer once.
const ROW_BYTES: usize = 700;

/// The carrierInvChk reply for one page (`page` from 1): code 200, or 996 when more follow.
pub fn list_reply(
    version: Option<&str>,
    page: u32,
    only_winning: bool,
    result: &InvoiceListPage,
) -> Reply {
    let (code, msg) = if result.more {
        (996, MORE_PAGES)
    } else {
        (200, "執行成功")
    };
    let first_row = (page.max(1) as usize - 1) * PAGE_SIZE + 1;
    let reply = ListReply {
        code,
        details: Rows {
            first_row,
            views: &result.invoices,
        },
        msg,
        only_winning_inv: if only_winning { "Y" } else { "N" },
        v: version,
    };
    let size = 256 + ROW_BYTES * result.invoices.len();
    Reply::written(version, CodeType::Number, code, size, &reply)
}

/// The carrierInvDetail reply: the invoice's header and its items.
pub fn detail_reply(version: Option<&str>, view: &InvoiceView, items: &[InvoiceItem]) -> Reply {
    let reply = DetailReply {
        amount: view.total_amount().dollars(),
        buyer_ban: view.buyer().map_or("", |b| b.as_str()),
        claim_deadline: CompactDate(view.claim_deadline),
        code: 200,
        currency: view.currency().map_or("", |c| c.as_str()),
        details: Items(items),
        inv_date: CompactDate(view.date()),
        inv_num: &view.shown_number,
        inv_period: PeriodCode(view.period()),
        inv_status: status_text(view),
        invoice_time: Hms(view.time().time()),
        msg: "執行成功",
        seller_address: &view.seller().address,
        seller_ban: view.seller().id.as_str(),
        seller_name: &view.seller().name,
        v: version,
    };
    let size = 512 + 160 * items.len();
    Reply::written(version, CodeType::Number, 200, size, &reply)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListReply<'a> {
    code: u16,
    details: Rows<'a>,
    msg: &'a str,
    only_winning_inv: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    v: Option<&'a str>,
}

/// A page's rows, numbered from `first_row`.
struct Rows<'a> {
    first_row: usize,
    views: &'a [InvoiceView],
}

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.views
                .iter()
                .enumerate()
                .map(|(i, view)| ListRow::new(self.first_row + i, view)),
        )
    }
}

/// One row of carrierInvChk's `details`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListRow<'a> {
    /// A number, as in the captured live carrierInvChk reply.
    amount: u64,
    buyer_ban: &'a str,
    card_no: Option<&'a str>,
    card_type: Option<&'a str>,
    claim_deadline: CompactDate,
    currency: &'a str,
    donate_mark: i32,
    inv_date: JavaDate,
    inv_donatable: bool,
    inv_num: &'a ShownNumber,
    inv_period: PeriodCode,
    inv_status: &'static str,
    invoice_time: Hms,
    row_num: usize,
    seller_address: &'a str,
    seller_ban: &'a str,
    seller_name: &'a str,
}

impl<'a> ListRow<'a> {
    fn new(row_num: usize, view: &'a InvoiceView) -> Self {
        let carrier = view.carrier();
        Self {
            amount: view.total_amount().dollars(),
            buyer_ban: view.buyer().map_or("", |b| b.as_str()),
            card_no: carrier.map(|c| c.id1.as_str()),
            card_type: carrier.map(|c| c.carrier_type.as_str()),
            claim_deadline: CompactDate(view.claim_deadline),
            currency: view.currency().map_or("", |c| c.as_str()),
            donate_mark: i32::from(view.donated()),
            inv_date: JavaDate::new(view.date(), view.time().time()),
            inv_donatable: view.donatable,
            inv_num: &view.shown_number,
            inv_period: PeriodCode(view.period()),
            inv_status: status_text(view),
            invoice_time: Hms(view.time().time()),
            row_num,
            seller_address: &view.seller().address,
            seller_ban: view.seller().id.as_str(),
            seller_name: &view.seller().name,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DetailReply<'a> {
    /// A number, as in the captured live carrierInvDetail reply.
    amount: u64,
    buyer_ban: &'a str,
    claim_deadline: CompactDate,
    code: u16,
    currency: &'a str,
    details: Items<'a>,
    inv_date: CompactDate,
    inv_num: &'a ShownNumber,
    inv_period: PeriodCode,
    inv_status: &'static str,
    invoice_time: Hms,
    msg: &'a str,
    seller_address: &'a str,
    seller_ban: &'a str,
    seller_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    v: Option<&'a str>,
}

/// carrierInvDetail's `details`, as the captured live reply has them (invoice_json.rs
/// `carrier_item_fields`): `rowNum` and `amount` numbers, the rest strings as uploaded.
struct Items<'a>(&'a [InvoiceItem]);

impl Serialize for Items<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((1..).zip(self.0).map(|(position, i)| ItemRow {
            amount: DecimalNumber(i.amount.as_str()),
            description: &i.description,
            quantity: i.quantity.as_str(),
            row_num: i.row.as_str().parse::<u32>().unwrap_or(position),
            unit_price: i.unit_price.as_str(),
        }))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemRow<'a> {
    amount: DecimalNumber<'a>,
    description: &'a str,
    quantity: &'a str,
    row_num: u32,
    unit_price: &'a str,
}

/// A decimal as a JSON number (`-35`, `12.5`); one JSON cannot hold as a number stays the
/// string it is, so nothing is lost.
struct DecimalNumber<'a>(&'a str);

impl Serialize for DecimalNumber<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.parse::<serde_json::Number>() {
            Ok(n) => n.serialize(s),
            Err(_) => s.serialize_str(self.0),
        }
    }
}

/// A period's `yyyMM` code, written without a `String`.
struct PeriodCode(einv_core::Period);

impl Serialize for PeriodCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!(
            "{:03}{:02}",
            self.0.roc_year(),
            self.0.even_month()
        ))
    }
}

/// A time `HH:mm:ss`, written without a `String`.
struct Hms(chrono::NaiveTime);

impl Serialize for Hms {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format("%H:%M:%S"))
    }
}

#[cfg(test)]
mod tests;

//! Reading the two QR codes' text into a [`ProofQr`], and the checks building them makes (the
//! layout is described in [`super::qr`]).

use chrono::{Datelike, NaiveDate};

use super::items::{self, Token};
use super::qr_layout::{
    ItemEncoding, ProofQr, QrError, QrItem, QrSide, FIXED_LEN, RIGHT_PREFIX, ZEROS,
};
use super::{crypto, RandomCode};
use crate::period::ROC_OFFSET;
use crate::{InvalidValue, InvoiceNumber, Ntd};

/// The fixed part's fields: (offset, length, name).
const FIELDS: [(usize, usize, &str); 8] = [
    (0, 10, "invoice number"),
    (10, 7, "date"),
    (17, 4, "random code"),
    (21, 8, "sales amount"),
    (29, 8, "total amount"),
    (37, 8, "buyer ID"),
    (45, 8, "seller ID"),
    (53, 24, "encrypted verification"),
];

/// What [`ProofQr::build`] refuses: values the codes cannot carry or would read back
/// differently.
pub(crate) fn check(qr: &ProofQr) -> Result<(), InvalidValue> {
    let bad = |field: &str, problem: String| Err(InvalidValue::new(field, problem));
    let roc = qr.date.year() - ROC_OFFSET;
    if !(1..=999).contains(&roc) {
        return bad("date", format!("{} has no 3-digit ROC year", qr.date));
    }
    for (field, amount) in [
        ("sales amount", qr.sales_amount),
        ("total amount", Some(qr.total_amount)),
    ] {
        if amount.is_some_and(|a| a.dollars() > u64::from(u32::MAX)) {
            return bad(field, "does not fit 8 hex digits".into());
        }
    }
    if qr.sales_amount == Some(Ntd::ZERO) {
        return bad(
            "sales amount",
            "zero is written as 00000000, which reads back as none".into(),
        );
    }
    if let Some(buyer) = &qr.buyer_id {
        eight_digits(buyer).map_err(|p| InvalidValue::new("buyer ID", p))?;
    }
    eight_digits(&qr.seller_id).map_err(|p| InvalidValue::new("seller ID", p))?;
    verification_shape(&qr.verification)
        .map_err(|p| InvalidValue::new("encrypted verification", p))?;
    let area = &qr.seller_area;
    if area.len() != 10 || !area.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
        return bad(
            "seller area",
            format!("expected 10 printable ASCII characters but ':', got {area:?}"),
        );
    }
    if (qr.total_items as usize) < qr.items.len() {
        return bad(
            "total items",
            format!(
                "{} is fewer than the {} items listed",
                qr.total_items,
                qr.items.len()
            ),
        );
    }
    for (i, item) in qr.items.iter().enumerate() {
        let field = format!("item {}", i + 1);
        if item.name.is_empty() || item.name.contains(':') {
            return bad(
                &field,
                format!(
                    "a name must be non-empty and without ':', got {:?}",
                    item.name
                ),
            );
        }
        if qr.encoding == ItemEncoding::Big5 && items::big5_bytes(&item.name).is_none() {
            return bad(
                &field,
                format!("{:?} has characters with no Big5 form", item.name),
            );
        }
        for (what, text) in [
            ("quantity", &item.quantity),
            ("unit price", &item.unit_price),
        ] {
            if !items::is_decimal(text) {
                return bad(
                    &field,
                    format!("the {what} must be a decimal number, got {text:?}"),
                );
            }
        }
    }
    Ok(())
}

/// Eight digits, and not `00000000` (which the format reserves for "none").
fn eight_digits(text: &str) -> Result<(), String> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("expected 8 digits, got {text:?}"));
    }
    if text == ZEROS {
        return Err("00000000 means \"none\", not an ID".into());
    }
    Ok(())
}

/// 24 characters of the Base64 alphabet.
fn verification_shape(text: &str) -> Result<(), String> {
    let ok = text.len() == crypto::VERIFICATION_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!("expected 24 Base64 characters, got {text:?}"))
    }
}

/// How to read the raw bytes of a scan: Big5 when the left code's encoding field is `0`, else
/// UTF-8.
pub(crate) fn raw_text_reader(left: &[u8]) -> fn(&[u8], QrSide) -> Result<String, QrError> {
    if sniff_encoding(left) == Some(ItemEncoding::Big5) {
        items::big5_text
    } else {
        items::utf8_text
    }
}

/// The encoding field of a raw left code, read from its ASCII header; the `:` byte never occurs
/// inside a Big5 character, so splitting the bytes is safe.
fn sniff_encoding(left: &[u8]) -> Option<ItemEncoding> {
    let header = left.get(FIXED_LEN..)?.strip_prefix(b":")?;
    let field = header.split(|b| *b == b':').nth(3)?;
    ItemEncoding::from_code(std::str::from_utf8(field).ok()?)
}

/// Reads the codes: the data, the items-in-codes count and that count's offset.
pub(crate) fn parse_codes(
    left: &str,
    right: Option<&str>,
) -> Result<(ProofQr, u32, usize), QrError> {
    let mut qr = read_fixed(left)?;
    let header = read_header(left)?;
    qr.seller_area = header.seller_area.to_owned();
    qr.total_items = header.total_items.0;
    qr.encoding = header.encoding;
    let right_area = match right {
        Some(r) => Some(r.strip_prefix(RIGHT_PREFIX).ok_or_else(|| {
            QrError::new(QrSide::Right, 0, "prefix", "a right code starts with **")
        })?),
        None => None,
    };
    let (area, area_at) = header.area;
    let (tokens, area_ends_item) = if header.encoding == ItemEncoding::Base64 {
        let b64 = area.strip_suffix(':').unwrap_or(area);
        let text = items::decode_base64(b64, area_at, right_area)?;
        let mut tokens = items::tokenize(&text, QrSide::Left, area_at);
        // Offsets inside decoded text mean nothing in the code: point at the Base64 area.
        tokens.iter_mut().for_each(|t| t.offset = area_at);
        (tokens, text.is_empty() || text.ends_with(':'))
    } else {
        let left_tokens = items::tokenize(area, QrSide::Left, area_at);
        match right_area {
            Some(r) => {
                let right_tokens = items::tokenize(r, QrSide::Right, RIGHT_PREFIX.len());
                (items::join(area, left_tokens, right_tokens), true)
            }
            None => (left_tokens, area.is_empty() || area.ends_with(':')),
        }
    };
    qr.items = to_items(&tokens, right.is_some())?;
    let (count, count_at) = header.items_in_codes;
    // A left code read alone may stop inside its last item's price (no `:` after it, no
    // partial item after it): that item is not known to be complete, so it is left out.
    let last_may_continue = !area_ends_item && tokens.len().is_multiple_of(3);
    if right.is_none() && last_may_continue {
        qr.items.pop();
    }
    let l = |offset, field, problem: &str| QrError::new(QrSide::Left, offset, field, problem);
    if right.is_none() && qr.items.len() > count as usize {
        let problem = format!("says {count}, the left code alone holds {}", qr.items.len());
        return Err(l(count_at, "items in codes", &problem));
    }
    if (qr.total_items as usize) < qr.items.len().max(count as usize) {
        let problem = format!("{} is fewer than the items in the codes", qr.total_items);
        return Err(l(header.total_items.1, "total items", &problem));
    }
    Ok((qr, count, count_at))
}

/// The 77-character fixed part, as a [`ProofQr`] whose header fields and items are still
/// to be filled in.
fn read_fixed(left: &str) -> Result<ProofQr, QrError> {
    let l = |offset, field, problem: &str| QrError::new(QrSide::Left, offset, field, problem);
    if left.len() < FIXED_LEN || !left.is_char_boundary(FIXED_LEN) || !left[..FIXED_LEN].is_ascii()
    {
        let at = left
            .bytes()
            .take(FIXED_LEN)
            .position(|b| !b.is_ascii())
            .unwrap_or(left.len());
        let field = FIELDS
            .iter()
            .rev()
            .find(|f| f.0 <= at)
            .map_or("fixed part", |f| f.2);
        return Err(l(
            at,
            field,
            "the 77-character fixed part is cut short or not ASCII",
        ));
    }
    let f: Vec<&str> = FIELDS
        .iter()
        .map(|(at, len, _)| &left[*at..at + len])
        .collect();
    let fail = |i: usize, problem: &str| l(FIELDS[i].0, FIELDS[i].2, problem);
    let amount = |i: usize| {
        let hex = f[i].bytes().all(|b| b.is_ascii_hexdigit());
        let value = u32::from_str_radix(f[i], 16).ok().filter(|_| hex);
        value
            .map(|v| Ntd::new(u64::from(v)))
            .ok_or_else(|| fail(i, &format!("expected 8 hex digits, got {:?}", f[i])))
    };
    let buyer_id = if f[5] == ZEROS {
        None
    } else {
        Some(f[5].to_owned())
    };
    if let Some(buyer) = &buyer_id {
        eight_digits(buyer).map_err(|p| fail(5, &p))?;
    }
    eight_digits(f[6]).map_err(|p| fail(6, &p))?;
    verification_shape(f[7]).map_err(|p| fail(7, &p))?;
    Ok(ProofQr {
        invoice_number: InvoiceNumber::parse(f[0]).map_err(|e| fail(0, &e.problem))?,
        date: roc_date(f[1])
            .ok_or_else(|| fail(1, &format!("expected a ROC date yyyMMdd, got {:?}", f[1])))?,
        random_code: RandomCode::parse(f[2]).map_err(|e| fail(2, &e.problem))?,
        sales_amount: if f[3] == ZEROS {
            None
        } else {
            Some(amount(3)?)
        },
        total_amount: amount(4)?,
        buyer_id,
        seller_id: f[6].to_owned(),
        verification: f[7].to_owned(),
        seller_area: String::new(),
        total_items: 0,
        encoding: ItemEncoding::Utf8,
        items: Vec::new(),
    })
}

/// The `:`-separated fields after the fixed part, each number with its offset.
struct Header<'a> {
    seller_area: &'a str,
    items_in_codes: (u32, usize),
    total_items: (u32, usize),
    encoding: ItemEncoding,
    /// The left code's item area and its offset.
    area: (&'a str, usize),
}

fn read_header(left: &str) -> Result<Header<'_>, QrError> {
    let l = |offset, field, problem: &str| QrError::new(QrSide::Left, offset, field, problem);
    let rest = left[FIXED_LEN..]
        .strip_prefix(':')
        .ok_or_else(|| l(FIXED_LEN, "separator", "expected ':' after the fixed part"))?;
    let mut fields = rest.splitn(5, ':');
    let mut offset = FIXED_LEN + 1;
    let mut next = |field| {
        let text = fields
            .next()
            .ok_or_else(|| l(left.len(), field, "missing"))?;
        let at = offset;
        offset += text.len() + 1;
        Ok::<_, QrError>((text, at))
    };
    let (seller_area, area_at) = next("seller area")?;
    if seller_area.chars().count() != 10 {
        let problem = format!("expected 10 characters, got {seller_area:?}");
        return Err(l(area_at, "seller area", &problem));
    }
    let number = |(text, at): (&str, usize), field| {
        let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        let n = text.parse::<u32>().ok().filter(|_| digits);
        n.map(|n| (n, at))
            .ok_or_else(|| l(at, field, &format!("expected a number, got {text:?}")))
    };
    let items_in_codes = number(next("items in codes")?, "items in codes")?;
    let total_items = number(next("total items")?, "total items")?;
    let (code, code_at) = next("encoding")?;
    let encoding = ItemEncoding::from_code(code).ok_or_else(|| {
        l(
            code_at,
            "encoding",
            &format!("expected 0, 1, 2 or 3, got {code:?}"),
        )
    })?;
    Ok(Header {
        seller_area,
        items_in_codes,
        total_items,
        encoding,
        area: next("items").unwrap_or(("", left.len())),
    })
}

/// Groups tokens into items. With both codes read, a leftover partial item is an error; with
/// the left code alone it is the part that continues in the right code.
fn to_items(tokens: &[Token], complete: bool) -> Result<Vec<QrItem>, QrError> {
    let chunks = tokens.chunks_exact(3);
    if let (true, Some(first)) = (complete, chunks.remainder().first()) {
        let problem = "the list ends inside an item; items are name:quantity:unit price";
        return Err(QrError::new(first.side, first.offset, "items", problem));
    }
    chunks
        .map(|item| {
            for t in &item[1..] {
                if !items::is_decimal(&t.text) {
                    let problem = format!("expected a quantity or unit price, got {:?}", t.text);
                    return Err(QrError::new(t.side, t.offset, "items", &problem));
                }
            }
            Ok(QrItem {
                name: item[0].text.clone(),
                quantity: item[1].text.clone(),
                unit_price: item[2].text.clone(),
            })
        })
        .collect()
}

/// A ROC date `yyyMMdd`, e.g. `1020523` = 2013-05-23.
fn roc_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 7 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let roc: i32 = text[..3].parse().ok().filter(|y| *y > 0)?;
    NaiveDate::from_ymd_opt(
        roc + ROC_OFFSET,
        text[3..5].parse().ok()?,
        text[5..].parse().ok()?,
    )
}

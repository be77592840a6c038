//! Property: any invoice the core's constructor accepts, written as MIG XML (and as a JSON
//! Lines line) and imported, reads back equal.

use einv_core::invoice::ItemDraft;
use einv_core::{Invoice, InvoiceDraft};
use proptest::prelude::*;
use quick_xml::escape::escape;

use super::parse;
use crate::ingest::jsonl::{self, JsonInvoice};
use crate::ingest::Record;

/// The F0401 message of `invoice`, every field einv keeps written out.
fn to_mig(invoice: &Invoice) -> String {
    let h = &invoice.header;
    let e = |name: &str, value: &str| format!("<{name}>{}</{name}>", escape(value));
    let mut main = String::new();
    main += &e("InvoiceNumber", h.number.as_str());
    main += &e("InvoiceDate", &h.date.format("%Y%m%d").to_string());
    main += &e("InvoiceTime", &h.time.as_str());
    main += &format!(
        "<Seller>{}{}{}</Seller>",
        e("Identifier", h.seller.id.as_str()),
        e("Name", &h.seller.name),
        e("Address", &h.seller.address)
    );
    let buyer = h.buyer.map_or("0000000000".to_owned(), |b| b.to_string());
    main += &format!(
        "<Buyer>{}{}</Buyer>",
        e("Identifier", &buyer),
        e("Name", "買受人")
    );
    main += &e("InvoiceType", "07");
    main += &e("DonateMark", if h.donated_to.is_some() { "1" } else { "0" });
    if let Some(c) = &h.carrier {
        main += &e("CarrierType", c.carrier_type.as_str());
        main += &e("CarrierId1", &c.id1);
        main += &e("CarrierId2", &c.id2);
    }
    main += &e("PrintMark", if h.printed { "Y" } else { "N" });
    if let Some(code) = &h.donated_to {
        main += &e("NPOBAN", code.as_str());
    }
    if let Some(r) = h.random_code {
        main += &e("RandomNumber", r.as_str());
    }
    let mut details = String::new();
    for i in &invoice.items {
        details += &format!(
            "<ProductItem>{}{}{}{}{}</ProductItem>",
            e("Description", &i.description),
            e("Quantity", i.quantity.as_str()),
            e("UnitPrice", i.unit_price.as_str()),
            e("Amount", i.amount.as_str()),
            e("SequenceNumber", i.row.as_str())
        );
    }
    let n = |v: einv_core::Ntd| v.dollars().to_string();
    let mut amount = String::new();
    amount += &e("SalesAmount", &n(h.sales_amount));
    amount += &e("FreeTaxSalesAmount", &n(h.free_tax_amount));
    amount += &e("ZeroTaxSalesAmount", &n(h.zero_tax_amount));
    amount += &e("TaxType", &h.tax_type.code().to_string());
    amount += &e("TaxRate", h.tax_rate.as_str());
    amount += &e("TaxAmount", &n(h.tax_amount));
    amount += &e("TotalAmount", &n(h.total_amount));
    if let Some(c) = &h.currency {
        amount += &e("Currency", c.as_str());
    }
    format!(
        "<Invoice xmlns=\"urn:GEINV:eInvoiceMessage:F0401:4.0\"><Main>{main}</Main>\
         <Details>{details}</Details><Amount>{amount}</Amount></Invoice>"
    )
}

fn decimal() -> impl Strategy<Value = String> {
    "[+-]?[0-9]{1,6}(\\.[0-9]{0,7})?"
}

fn item() -> impl Strategy<Value = ItemDraft> {
    (
        proptest::option::of("[0-9A-Z]{1,4}"),
        "\\PC{1,30}",
        decimal(),
        decimal(),
        decimal(),
    )
        .prop_map(
            |(row, description, quantity, unit_price, amount)| ItemDraft {
                row,
                description,
                quantity,
                unit_price,
                amount,
            },
        )
}

/// Carrier, donation and print mark together (the combinations, valid or not).
fn delivery() -> impl Strategy<Value = (Option<(String, String, String)>, bool, Option<String>)> {
    let carrier = prop_oneof![
        "/[0-9A-Z.+-]{7}".prop_map(|id| ("3J0002".to_owned(), id.clone(), id)),
        "[A-Z]{2}[0-9]{14}".prop_map(|id| ("CQ0001".to_owned(), id.clone(), id)),
        ("[!-~]{1,64}", "[!-~]{1,64}").prop_map(|(a, b)| ("1K0001".to_owned(), a, b)),
    ];
    (
        proptest::option::of(carrier),
        any::<bool>(),
        proptest::option::of("[0-9]{3,7}"),
    )
}

fn draft() -> impl Strategy<Value = InvoiceDraft> {
    let ids = prop::sample::select(vec![
        "04595257", "04595252", "10458575", "10458574", "10458570",
    ]);
    (
        (
            "[A-Z]{2}[0-9]{8}",
            (2013i32..2030, 1u32..=12, 1u32..=28),
            (
                0u32..24,
                0u32..60,
                0u32..60,
                proptest::option::of("\\.[0-9]{1,3}"),
                prop::sample::select(vec!["", "+08:00", "Z", "+09:00"]),
            ),
            ids.clone(),
            "\\PC{1,60}",
            "\\PC{0,100}",
            proptest::option::of(ids),
            proptest::option::of("[0-9]{4}"),
            proptest::option::of("[A-Z]{3}"),
        ),
        (
            prop::array::uniform5(0u32..1_000_000),
            prop::sample::select(vec!["1", "2", "3", "4", "9"]),
            proptest::option::of(prop::sample::select(vec!["0", "0.05", "0.050", ".1", "1"])),
            delivery(),
            prop::collection::vec(item(), 1..4),
        ),
    )
        .prop_map(
            |(
                (
                    number,
                    (y, m, d),
                    (hh, mm, ss, fraction, zone),
                    seller,
                    name,
                    address,
                    buyer,
                    random,
                    currency,
                ),
                (amounts, tax_type, tax_rate, (carrier, printed, npoban), items),
            )| InvoiceDraft {
                number,
                date: chrono::NaiveDate::from_ymd_opt(y, m, d),
                time: format!(
                    "{hh:02}:{mm:02}:{ss:02}{}{zone}",
                    fraction.unwrap_or_default()
                ),
                seller_id: seller.to_owned(),
                seller_name: name,
                seller_address: address,
                buyer_id: buyer.map(str::to_owned),
                random_number: random,
                currency,
                sales_amount: amounts[0].to_string(),
                free_tax_sales_amount: Some(amounts[1].to_string()),
                zero_tax_sales_amount: Some(amounts[2].to_string()),
                tax_type: tax_type.to_owned(),
                tax_rate: tax_rate.map(str::to_owned),
                tax_amount: Some(amounts[3].to_string()),
                total_amount: amounts[4].to_string(),
                carrier_type: carrier.as_ref().map(|c| c.0.clone()),
                carrier_id1: carrier.as_ref().map(|c| c.1.clone()),
                carrier_id2: carrier.map(|c| c.2),
                printed,
                donated: npoban.is_some(),
                npoban,
                items,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_global_rejects: 4096, ..ProptestConfig::default() })]

    #[test]
    fn accepted_invoices_read_back_equal_from_mig_and_jsonl(draft in draft()) {
        let invoice = Invoice::new(draft);
        // Only what the constructor accepts (most drafts are; the rest break a rule on purpose).
        prop_assume!(invoice.is_ok());
        let Ok(invoice) = invoice else { return Ok(()) };
        let xml = to_mig(&invoice);
        let mut read = Vec::new();
        parse(xml.as_bytes(), &mut |p| {
            read.push(p.result);
            Ok(())
        })
        .unwrap();
        prop_assert_eq!(read.len(), 1);
        match read.pop() {
            Some(Ok(Record::Issue(back))) => prop_assert_eq!(&*back, &invoice, "{}", xml),
            other => prop_assert!(false, "{:?} from {}", other, xml),
        }
        let line = serde_json::to_vec(&JsonInvoice::from(&invoice)).unwrap();
        match jsonl::record(&line, 1) {
            Ok(Record::Issue(back)) => prop_assert_eq!(&*back, &invoice),
            other => prop_assert!(false, "{:?} from {}", other, String::from_utf8_lossy(&line)),
        }
    }
}

use einv_store::InvoiceStatus;

use super::parse;
use crate::ingest::{FileError, Parsed, Record};

fn read(xml: &str) -> (Vec<Parsed>, Result<(), FileError>) {
    let mut out = Vec::new();
    let result = parse(xml.as_bytes(), &mut |p| {
        out.push(p);
        Ok(())
    });
    (out, result)
}

const MIXED: &str = include_str!("../../tests/data/mixed.xml");

#[test]
fn reads_a_wrapper_of_issue_cancel_and_void_messages() {
    let (records, result) = read(MIXED);
    assert!(result.is_ok());
    assert_eq!(records.len(), 5);
    let Ok(Record::Issue(first)) = &records[0].result else {
        panic!("{:?}", records[0])
    };
    let h = &first.header;
    assert_eq!(h.number.as_str(), "AB10000001");
    assert_eq!(h.period.code(), "11510");
    assert_eq!(h.buyer, None, "0000000000 is a consumer");
    assert_eq!(h.carrier.as_ref().map(|c| c.id1.as_str()), Some("/ABC1234"));
    assert_eq!(
        (h.total_amount.dollars(), h.tax_type.code(), h.printed),
        (116, 1, false)
    );
    assert_eq!(h.seller.name, "示範商店");
    assert_eq!(first.items.len(), 2);
    assert_eq!(first.items[0].description, "乾電池 & 充電器");
    assert_eq!(first.items[1].unit_price.as_str(), "5.5");
    assert_eq!(records[0].line, 3);

    let Err(bad) = &records[1].result else {
        panic!("the bad seller ID was accepted")
    };
    assert_eq!(bad.field, "Main/Seller/Identifier");
    assert_eq!(bad.line, 57, "the line of the offending element");
    assert!(bad.reason.contains("checksum"), "{}", bad.reason);

    let Ok(Record::Issue(b2b)) = &records[2].result else {
        panic!("{:?}", records[2])
    };
    assert_eq!(
        b2b.header.buyer.as_ref().map(|b| b.as_str()),
        Some("10458575")
    );
    assert_eq!(
        b2b.items[0].row.as_str(),
        "001",
        "the position when no sequence number is given"
    );

    let Ok(Record::Status(cancel)) = &records[3].result else {
        panic!("{:?}", records[3])
    };
    assert_eq!(
        (cancel.number.as_str(), cancel.status),
        ("AB10000003", InvoiceStatus::Cancelled)
    );
    assert_eq!(
        cancel.seller_ban.as_ref().map(|b| b.as_str()),
        Some("04595257")
    );
    let Ok(Record::Status(void)) = &records[4].result else {
        panic!("{:?}", records[4])
    };
    assert_eq!(
        (void.number.as_str(), void.status),
        ("AB10000001", InvoiceStatus::Voided)
    );
    assert_eq!(void.period.code(), "11510");
}

#[test]
fn a_single_message_as_root_with_a_prefix() {
    let xml = r#"<e:VoidInvoice xmlns:e="urn:GEINV:eInvoiceMessage:C0701:3.2">
        <e:VoidInvoiceNumber>AB10000001</e:VoidInvoiceNumber>
        <e:InvoiceDate>20260903</e:InvoiceDate>
        <e:SellerId>04595257</e:SellerId>
    </e:VoidInvoice>"#;
    let (records, result) = read(xml);
    assert!(result.is_ok());
    assert!(
        matches!(&records[0].result, Ok(Record::Status(s)) if s.status == InvoiceStatus::Voided)
    );
}

#[test]
fn bad_values_name_their_element() {
    let issue = |main: &str, amount: &str| {
        format!(
            "<Invoice><Main><InvoiceNumber>AB10000001</InvoiceNumber><InvoiceDate>20260903</InvoiceDate>\
             <InvoiceTime>12:00:00</InvoiceTime><Seller><Identifier>04595257</Identifier><Name>s</Name></Seller>\
             <RandomNumber>1234</RandomNumber>{main}</Main><Details><ProductItem><Description>x</Description>\
             <Quantity>1</Quantity><UnitPrice>1</UnitPrice><Amount>1</Amount></ProductItem></Details>\
             <Amount><SalesAmount>1</SalesAmount><TaxType>1</TaxType>{amount}</Amount></Invoice>"
        )
    };
    let cases = [
        (
            issue("", "<TotalAmount>1.5</TotalAmount>"),
            "Amount/TotalAmount",
        ),
        (
            issue("", "<TotalAmount>-1</TotalAmount>"),
            "Amount/TotalAmount",
        ),
        (issue("", ""), "Amount/TotalAmount"),
        (
            issue("<DonateMark>1</DonateMark>", "<TotalAmount>1</TotalAmount>"),
            "Main/NPOBAN",
        ),
        (
            issue(
                "<CarrierType>3J0002</CarrierType><CarrierId1>ABC</CarrierId1>",
                "<TotalAmount>1</TotalAmount>",
            ),
            "Main/CarrierId1",
        ),
        (
            issue("<PrintMark>X</PrintMark>", "<TotalAmount>1</TotalAmount>"),
            "Main/PrintMark",
        ),
        (
            issue(
                "<RandomNumber>1</RandomNumber>",
                "<TotalAmount>1</TotalAmount>",
            ),
            "Main/RandomNumber",
        ),
    ];
    for (xml, field) in cases {
        let (records, _) = read(&xml);
        let Err(e) = &records[0].result else {
            panic!("accepted: {xml}")
        };
        assert_eq!(e.field, field, "{xml}");
    }
    let (records, _) = read(&issue("", "<TotalAmount>1</TotalAmount>"));
    assert!(records[0].result.is_ok(), "{:?}", records[0].result);
}

#[test]
fn broken_xml_keeps_what_came_before() {
    let xml = MIXED.replace("</CancelInvoice>", "</Cancel>");
    let (records, result) = read(&xml);
    assert_eq!(records.len(), 3);
    assert!(
        matches!(result, Err(FileError::Syntax { .. })),
        "{result:?}"
    );
}

#[test]
fn declared_entities_are_refused_not_expanded() {
    let xml = r#"<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY big "aaaaaaaaaa">]>
<VoidInvoice><VoidInvoiceNumber>AB10000001&big;</VoidInvoiceNumber></VoidInvoice>"#;
    let (records, result) = read(xml);
    assert!(records.is_empty());
    assert!(
        matches!(result, Err(FileError::Syntax { line: 3, .. })),
        "{result:?}"
    );
    let (records, _) = read("<VoidInvoice><VoidInvoiceNumber>AB1000000&#49;</VoidInvoiceNumber><InvoiceDate>20260903</InvoiceDate></VoidInvoice>");
    assert!(
        matches!(&records[0].result, Ok(Record::Status(s)) if s.number.as_str() == "AB10000001")
    );
}

/// One F0401 message with `main` spliced into `Main`, `item` into the one `ProductItem` and
/// `amount` into `Amount`; a placeholder element is replaced when the splice names it.
fn f0401(main: &[(&str, &str)], item: &[(&str, &str)], amount: &[(&str, &str)]) -> String {
    let fill = |defaults: &[(&str, &str)], over: &[(&str, &str)]| {
        let mut out = String::new();
        for (name, value) in defaults {
            let value = over
                .iter()
                .find(|(n, _)| n == name)
                .map_or(*value, |(_, v)| v);
            if value != "(absent)" {
                out.push_str(&format!("<{name}>{value}</{name}>"));
            }
        }
        for (name, value) in over {
            if !defaults.iter().any(|(n, _)| n == name) {
                out.push_str(&format!("<{name}>{value}</{name}>"));
            }
        }
        out
    };
    let main_defaults = [
        ("InvoiceNumber", "AB10000001"),
        ("InvoiceDate", "20260903"),
        ("InvoiceTime", "12:00:00"),
        (
            "Seller",
            "<Identifier>04595257</Identifier><Name>示範商店</Name><Address>台北市</Address>",
        ),
        (
            "Buyer",
            "<Identifier>0000000000</Identifier><Name>消費者</Name>",
        ),
        ("DonateMark", "0"),
        ("PrintMark", "Y"),
        ("RandomNumber", "1234"),
    ];
    let item_defaults = [
        ("Description", "乾電池"),
        ("Quantity", "1"),
        ("UnitPrice", "105"),
        ("Amount", "105"),
        ("SequenceNumber", "001"),
    ];
    let amount_defaults = [
        ("SalesAmount", "105"),
        ("FreeTaxSalesAmount", "0"),
        ("ZeroTaxSalesAmount", "0"),
        ("TaxType", "1"),
        ("TaxRate", "0.05"),
        ("TaxAmount", "0"),
        ("TotalAmount", "105"),
    ];
    format!(
        "<Invoice xmlns=\"urn:GEINV:eInvoiceMessage:F0401:4.0\"><Main>{}</Main><Details><ProductItem>{}</ProductItem></Details><Amount>{}</Amount></Invoice>",
        fill(&main_defaults, main),
        fill(&item_defaults, item),
        fill(&amount_defaults, amount)
    )
}

enum Part {
    Main,
    Item,
    Amount,
}

impl Part {
    /// Where the part's elements stand in an F0401 message: the start of the field a
    /// rejection names.
    fn path(&self) -> &'static str {
        match self {
            Part::Main => "Main",
            Part::Item => "Details/ProductItem[1]",
            Part::Amount => "Amount",
        }
    }
}

/// Every row of docs/import.md's element table, both ways: a value the schema accepts is
/// imported (and kept or normalised as the table says), one the schema or a rule (IR1–IR8)
/// forbids is rejected naming the element.
#[test]
fn element_table_both_ways() {
    use Part::*;
    // (part, element, accepted value, what is kept, forbidden value)
    let rows: &[(Part, &str, &str, &str, &str)] = &[
        (
            Main,
            "InvoiceNumber",
            "AB10000001",
            "AB10000001",
            "ab10000001",
        ),
        (Main, "InvoiceDate", "20260903", "2026-09-03", "2026-09-03"),
        (Main, "InvoiceTime", "09:15:00+08:00", "09:15:00", "9:15"),
        (Main, "InvoiceTime", "09:15:00.000", "09:15:00", "20:00:00Z"),
        (Main, "InvoiceTime", "01:15:00Z", "09:15:00", "24:00:01"),
        (Main, "RandomNumber", "(absent)", "", "12345"),
        (Main, "RandomNumber", "0042", "0042", "12a4"),
        (Main, "PrintMark", "N", "false", "X"),
        (Main, "DonateMark", "0", "false", "2"),
        (Item, "SequenceNumber", "A1", "A1", "00001"),
        (Item, "SequenceNumber", "0001", "0001", ""),
        (Item, "Quantity", "25.0000", "25.0000", "1e3"),
        (Item, "UnitPrice", "0", "0", "1,000"),
        (Item, "Amount", "-10.5", "-10.5", "0.12345678"),
        (Item, "Description", "折扣 &amp; 贈品", "折扣 & 贈品", " "),
        (Amount, "TaxType", "3", "3", "5"),
        (Amount, "TaxRate", "0.050", "0.05", "1.5"),
        (Amount, "SalesAmount", "105.00", "105", "-1"),
        (Amount, "TotalAmount", "105", "105", "105.5"),
        (Amount, "Currency", "USD", "USD", "usd"),
    ];
    for (part, element, good, kept, bad) in rows {
        let xml = |value: &str| {
            let splice = [(*element, value)];
            match part {
                Main => f0401(&splice, &[], &[]),
                Item => f0401(&[], &splice, &[]),
                Amount => f0401(&[], &[], &splice),
            }
        };
        let (records, _) = read(&xml(good));
        let Ok(Record::Issue(invoice)) = &records[0].result else {
            panic!("{element}={good:?} refused: {:?}", records[0].result)
        };
        let h = &invoice.header;
        let i = &invoice.items[0];
        let got = match *element {
            "InvoiceNumber" => h.number.to_string(),
            "InvoiceDate" => h.date.to_string(),
            "InvoiceTime" => h.time.to_string(),
            "RandomNumber" => h.random_code.map(|r| r.to_string()).unwrap_or_default(),
            "PrintMark" => h.printed.to_string(),
            "DonateMark" => h.donated_to.is_some().to_string(),
            "SequenceNumber" => i.row.to_string(),
            "Quantity" => i.quantity.to_string(),
            "UnitPrice" => i.unit_price.to_string(),
            "Amount" => i.amount.to_string(),
            "Description" => i.description.clone(),
            "TaxType" => h.tax_type.code().to_string(),
            "TaxRate" => h.tax_rate.to_string(),
            "SalesAmount" => h.sales_amount.dollars().to_string(),
            "TotalAmount" => h.total_amount.dollars().to_string(),
            "Currency" => h
                .currency
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            other => panic!("no reader for {other}"),
        };
        assert_eq!(&got, kept, "{element}={good:?}");
        let (records, _) = read(&xml(bad));
        let Err(e) = &records[0].result else {
            panic!("{element}={bad:?} accepted")
        };
        let field = format!("{}/{element}", part.path());
        assert_eq!(e.field, field, "{element}={bad:?}: {}", e.reason);
    }
}

/// Rules between elements (IR2–IR5), broken in a message, are rejected naming the element.
#[test]
fn rules_between_elements_name_the_element() {
    let carrier = [
        ("PrintMark", "N"),
        ("CarrierType", "3J0002"),
        ("CarrierId1", "/ABC1234"),
        ("CarrierId2", "/ABC1234"),
    ];
    // (the Main elements spliced in, the field named, the rule named)
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![("PrintMark", "N"), ("DonateMark", "1")],
            "Main/NPOBAN",
            "IR2",
        ),
        (vec![("NPOBAN", "919")], "Main/NPOBAN", "IR2"),
        (
            vec![
                ("PrintMark", "N"),
                ("DonateMark", "1"),
                ("NPOBAN", "919"),
                (
                    "Buyer",
                    "<Identifier>10458575</Identifier><Name>買方</Name>",
                ),
            ],
            "Main/DonateMark",
            "IR3",
        ),
        (
            vec![
                ("CarrierType", "3J0002"),
                ("CarrierId1", "/ABC1234"),
                ("CarrierId2", "/ABC1234"),
            ],
            "Main/PrintMark",
            "IR4",
        ),
        (
            vec![("PrintMark", "N"), ("CarrierId1", "/ABC1234")],
            "Main/CarrierType",
            "IR5",
        ),
        (
            vec![
                ("PrintMark", "N"),
                ("CarrierType", "3J0002"),
                ("CarrierId1", "ABC1234"),
            ],
            "Main/CarrierId1",
            "IR5",
        ),
        (
            vec![("Seller", "<Identifier>12345678</Identifier><Name>s</Name>")],
            "Main/Seller/Identifier",
            "checksum",
        ),
    ];
    for (main, field, rule) in cases {
        let (records, _) = read(&f0401(&main, &[], &[]));
        let Err(e) = &records[0].result else {
            panic!("accepted: {main:?}")
        };
        assert_eq!(e.field, field, "{main:?}");
        assert!(e.reason.contains(rule), "{main:?}: {}", e.reason);
    }
    let (records, _) = read(&f0401(&carrier, &[], &[]));
    assert!(records[0].result.is_ok(), "{:?}", records[0].result);
}

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

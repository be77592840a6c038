#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;

use super::*;

fn draft() -> InvoiceDraft {
    InvoiceDraft {
        number: "AB12345678".into(),
        date: NaiveDate::from_ymd_opt(2026, 9, 3),
        time: "12:30:00".into(),
        seller_id: "04595257".into(),
        seller_name: "示範商店".into(),
        seller_address: "台北市信義區松高路1號".into(),
        random_number: Some("1234".into()),
        sales_amount: "116".into(),
        tax_type: "1".into(),
        total_amount: "116".into(),
        carrier_type: Some("3J0002".into()),
        carrier_id1: Some("/ABC1234".into()),
        items: vec![ItemDraft::new("乾電池", "1", "105", "105")],
        ..InvoiceDraft::default()
    }
}

fn refused(change: impl FnOnce(&mut InvoiceDraft)) -> InvoiceError {
    let mut d = draft();
    change(&mut d);
    Invoice::new(d).unwrap_err()
}

#[test]
fn a_good_draft_round_trips_through_to_draft() {
    let invoice = Invoice::new(draft()).unwrap();
    assert_eq!(invoice.header.period.code(), "11510");
    assert_eq!(invoice.items[0].row.as_str(), "001");
    assert_eq!(invoice.header.carrier.as_ref().unwrap().id2, "/ABC1234");
    assert_eq!(Invoice::new(invoice.to_draft()).unwrap(), invoice);
}

#[test]
fn random_number_is_optional() {
    // MIG: RandomNumber minOccurs 0 (B2B invoices often have none).
    let mut d = draft();
    d.random_number = None;
    assert_eq!(Invoice::new(d).unwrap().header.random_code, None);
    let e = refused(|d| d.random_number = Some("12a4".into()));
    assert_eq!(e.field, InvoiceField::RandomNumber);
}

#[test]
fn xsd_times_are_normalised_to_taipei_seconds() {
    for (text, kept) in [
        ("09:15:00", "09:15:00"),
        ("09:15:00.000", "09:15:00"),
        ("09:15:00.5", "09:15:00"),
        ("09:15:00+08:00", "09:15:00"),
        ("01:15:00Z", "09:15:00"),
        ("03:15:00+02:00", "09:15:00"),
    ] {
        let mut d = draft();
        d.time = text.into();
        assert_eq!(
            Invoice::new(d).unwrap().header.time.as_str(),
            kept,
            "{text}"
        );
    }
    for bad in [
        "9:15:00",
        "09:15",
        "09:15:00.",
        "25:00:00",
        "09:15:00+8:00",
        "noon",
    ] {
        assert_eq!(
            refused(|d| d.time = bad.into()).field,
            InvoiceField::Time,
            "{bad}"
        );
    }
}

#[test]
fn ir8_a_time_offset_that_moves_the_day_is_refused() {
    let e = refused(|d| d.time = "20:00:00Z".into());
    assert_eq!(e.field, InvoiceField::Time);
    assert!(e.problem.contains("IR8"), "{}", e.problem);
}

#[test]
fn ir1_business_ids_are_checked() {
    assert_eq!(
        refused(|d| d.seller_id = "12345678".into()).field,
        InvoiceField::SellerId
    );
    assert_eq!(
        refused(|d| d.seller_id = "00000000".into()).field,
        InvoiceField::SellerId
    );
    assert_eq!(
        refused(|d| d.buyer_id = Some("10458576".into())).field,
        InvoiceField::BuyerId
    );
    for consumer in ["", "00000000", "0000000000"] {
        let mut d = draft();
        d.buyer_id = Some(consumer.into());
        assert_eq!(Invoice::new(d).unwrap().header.buyer, None, "{consumer:?}");
    }
}

#[test]
fn ir2_a_donation_names_its_love_code_and_only_a_donation_does() {
    let e = refused(|d| {
        d.carrier_type = None;
        d.carrier_id1 = None;
        d.donated = true;
    });
    assert_eq!(e.field, InvoiceField::Npoban);
    assert!(e.problem.contains("IR2"));
    let e = refused(|d| d.npoban = Some("919".into()));
    assert_eq!(e.field, InvoiceField::Npoban);
    assert!(e.problem.contains("IR2"));
}

#[test]
fn ir3_a_b2b_invoice_is_not_donated() {
    let e = refused(|d| {
        d.buyer_id = Some("10458575".into());
        d.donated = true;
        d.npoban = Some("919".into());
    });
    assert_eq!(e.field, InvoiceField::DonateMark);
    assert!(e.problem.contains("IR3"));
}

#[test]
fn ir4_a_carrier_or_donated_invoice_is_not_printed() {
    let e = refused(|d| d.printed = true);
    assert_eq!(e.field, InvoiceField::PrintMark);
    assert!(e.problem.contains("IR4"));
}

#[test]
fn ir5_a_carrier_id_needs_its_type() {
    let e = refused(|d| d.carrier_type = None);
    assert_eq!(e.field, InvoiceField::CarrierType);
    let e = refused(|d| d.carrier_id1 = Some("ABC1234".into()));
    assert_eq!(e.field, InvoiceField::CarrierId1);
    assert!(e.problem.contains("IR5"));
}

#[test]
fn ir6_header_amounts_are_whole_and_not_negative() {
    let mut d = draft();
    d.sales_amount = "116.00".into();
    assert_eq!(Invoice::new(d).unwrap().header.sales_amount, Ntd::new(116));
    for bad in ["-1", "1.5", "abc", ""] {
        let e = refused(|d| d.total_amount = bad.into());
        assert_eq!(e.field, InvoiceField::TotalAmount, "{bad}");
    }
    assert!(refused(|d| d.tax_amount = Some("-5".into()))
        .problem
        .contains("IR6"));
}

#[test]
fn ir7_one_to_9999_items() {
    let e = refused(|d| d.items.clear());
    assert_eq!(e.field, InvoiceField::Items);
    assert!(e.problem.contains("IR7"));
    let e = refused(|d| d.items = vec![d.items[0].clone(); MAX_ITEMS + 1]);
    assert_eq!(e.field, InvoiceField::Items);
}

#[test]
fn tax_types_and_rates() {
    assert_eq!(
        refused(|d| d.tax_type = "5".into()).field,
        InvoiceField::TaxType
    );
    for (text, kept) in [
        ("0.050", "0.05"),
        (".05", "0.05"),
        ("0", "0"),
        ("0.00", "0"),
        ("1", "1"),
    ] {
        let mut d = draft();
        d.tax_rate = Some(text.into());
        assert_eq!(
            Invoice::new(d).unwrap().header.tax_rate.as_str(),
            kept,
            "{text}"
        );
    }
    for bad in ["-0.05", "1.5", "5%", "five"] {
        assert_eq!(
            refused(|d| d.tax_rate = Some(bad.into())).field,
            InvoiceField::TaxRate
        );
    }
}

#[test]
fn item_decimals_are_kept_as_uploaded_and_discount_lines_accepted() {
    let mut d = draft();
    d.items.push(ItemDraft {
        row: Some("0002".into()),
        ..ItemDraft::new("折扣", "1.0000", "0", "-5.5")
    });
    d.items[0].quantity = "25.0000".into();
    d.items[0].unit_price = "+4.2".into();
    d.items[0].amount = ".5".into();
    let invoice = Invoice::new(d).unwrap();
    let [first, discount] = &invoice.items[..] else {
        panic!("two items")
    };
    assert_eq!(first.quantity.as_str(), "25.0000");
    assert_eq!(first.unit_price.as_str(), "4.2");
    assert_eq!(first.amount.as_str(), "0.5");
    assert_eq!(discount.row.as_str(), "0002");
    assert!(discount.amount.is_negative());
    assert!(discount.unit_price.is_zero());
}

#[test]
fn item_fields_name_the_item() {
    let e = refused(|d| d.items[0].quantity = "1e3".into());
    assert_eq!(e.field, InvoiceField::Item(1, ItemField::Quantity));
    let e = refused(|d| d.items[0].amount = "0.12345678".into());
    assert_eq!(e.field, InvoiceField::Item(1, ItemField::Amount));
    let e = refused(|d| d.items[0].row = Some("00001".into()));
    assert_eq!(e.field, InvoiceField::Item(1, ItemField::Row));
    let e = refused(|d| d.items[0].description = " ".into());
    assert_eq!(e.field, InvoiceField::Item(1, ItemField::Description));
}

#[test]
fn row_numbers_need_not_be_numeric() {
    let mut d = draft();
    d.items[0].row = Some("A1".into());
    assert_eq!(Invoice::new(d).unwrap().items[0].row.as_str(), "A1");
}

#[test]
fn mig_words_for_statuses() {
    // F0501 CancelInvoice is 作廢; F0701 VoidInvoice is 註銷.
    assert_eq!(InvoiceStatus::Cancelled.word(), "作廢");
    assert_eq!(InvoiceStatus::Voided.word(), "註銷");
    for s in [
        InvoiceStatus::Issued,
        InvoiceStatus::Cancelled,
        InvoiceStatus::Voided,
    ] {
        assert_eq!(InvoiceStatus::parse(s.as_str()), Some(s));
    }
}

#[test]
fn decimals_follow_xsd_decimal() {
    for (ok, kept) in [
        ("0", "0"),
        ("-3", "-3"),
        ("1.5", "1.5"),
        ("105.00", "105.00"),
        ("+2", "2"),
        ("5.", "5"),
        (".5", "0.5"),
        ("-.5", "-0.5"),
    ] {
        assert_eq!(Decimal::parse(ok).unwrap().as_str(), kept, "{ok}");
    }
    for bad in [
        "",
        "-",
        ".",
        "1e3",
        "1,000",
        " 1",
        "abc",
        "--1",
        "123456789012345678901",
    ] {
        assert!(Decimal::parse(bad).is_err(), "{bad}");
    }
    assert!(Decimal::parse("12345678901234567890").is_ok());
    assert!(
        Decimal::parse("1.1234567000").is_ok(),
        "trailing zeros are not significant"
    );
}

#[test]
fn free_text_is_trimmed_and_control_characters_refused() {
    let mut d = draft();
    d.seller_name = "  示範商店\r\n二店 ".into();
    d.items[0].description = "\t乾電池 ".into();
    let invoice = Invoice::new(d).unwrap();
    assert_eq!(invoice.header.seller.name, "示範商店\n二店");
    assert_eq!(invoice.items[0].description, "乾電池");
    let e = refused(|d| d.seller_address = "台北市\u{7}".into());
    assert_eq!(e.field, InvoiceField::SellerAddress);
    let e = refused(|d| d.seller_name = "x".repeat(61));
    assert_eq!(e.field, InvoiceField::SellerName);
}

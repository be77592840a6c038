//! The MIG corpus (`tests/data/corpus/`): issue, cancel (作廢) and void (註銷); B2B and B2C;
//! printed, on a carrier, donated; taxable, zero-rated, tax-free and mixed; decimal quantities
//! and prices, a discount line, row numbers as uploaded; times with an offset and with
//! fractions; MIG 4.0, 4.1 and 3.2 — imported with `einv import invoices`, then read back
//! through the v1 API (carrierInvChk, carrierInvDetail, qryInvDetail) field by field.

use std::process::Command;

use serde_json::Value;

use crate::common::{Backend, TestApp, APP_ID};

const INVAPP: &str = "/PB2CAPIVAN/invapp/InvApp";
const INVSERV: &str = "/PB2CAPIVAN/invServ/InvServ";

fn corpus(name: &str) -> String {
    format!("{}/tests/data/corpus/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A reply value as text: JSON `null` reads as empty (the v1 contract's choice between the two
/// is the conformance work's, not the importer's).
fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// carrierInvDetail writes `rowNum` and `amount` as numbers (the MOF 0.3 capture),
/// qryInvDetail as the uploaded text: compare the number where it is one.
fn same_value(got: &Value, want: &str, at: &str) {
    match got {
        Value::Number(n) => assert_eq!(n.as_f64(), want.parse::<f64>().ok(), "{at}"),
        other => assert_eq!(text(other), want, "{at}"),
    }
}

fn p(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

/// The header fields a carrier invoice is expected to read back with.
struct Expected {
    number: &'static str,
    shown: &'static str,
    date: &'static str,
    seller_name: &'static str,
    seller_address: &'static str,
    time: &'static str,
    buyer: &'static str,
    currency: &'static str,
    amount: &'static str,
    status: &'static str,
    /// (rowNum, description, quantity, unitPrice, amount)
    items: &'static [(
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    )],
}

const CARRIER_INVOICES: &[Expected] = &[
    Expected {
        number: "KA00000001",
        shown: "KA00000001",
        date: "2026/11/02",
        seller_name: "示範商店",
        seller_address: "台北市信義區",
        time: "09:15:00",
        buyer: "",
        currency: "",
        amount: "100",
        status: "已確認",
        items: &[
            ("0001", "咖啡豆", "25.0000", "4.2000", "105.0000"),
            ("0002", "折扣", "1", "0", "-5"),
        ],
    },
    Expected {
        number: "KA00000002",
        shown: "KA00000002",
        date: "2026/11/03",
        seller_name: "示範商店新名",
        seller_address: "新北市板橋區",
        time: "10:00:00",
        buyer: "",
        currency: "USD",
        amount: "300",
        status: "已確認",
        items: &[("A1", "出口貨物", "3", "100", "300")],
    },
    Expected {
        number: "KA00000003",
        shown: "KA00000003",
        date: "2026/11/04",
        seller_name: "示範商店",
        seller_address: "台北市信義區",
        time: "11:30:00",
        buyer: "",
        currency: "",
        amount: "50",
        status: "已確認",
        items: &[("001", "書籍", "1", "50", "50")],
    },
    Expected {
        number: "KA00000004",
        shown: "KA00000***",
        date: "2026/11/05",
        seller_name: "示範商店",
        seller_address: "台北市信義區",
        time: "12:00:00",
        buyer: "",
        currency: "",
        amount: "80",
        status: "已捐贈",
        items: &[("001", "便當", "1", "80", "80")],
    },
    Expected {
        number: "KA00000005",
        shown: "KA00000005",
        date: "2026/11/06",
        seller_name: "示範商店",
        seller_address: "台北市信義區",
        time: "13:00:00",
        buyer: "10458575",
        currency: "",
        amount: "100",
        status: "已確認",
        items: &[("1", "文具", "1", "95", "95")],
    },
    Expected {
        number: "KA00000006",
        shown: "KA00000006",
        date: "2026/11/07",
        seller_name: "示範商店",
        seller_address: "台北市信義區",
        time: "14:00:00",
        buyer: "",
        currency: "",
        amount: "30",
        status: "已作廢",
        items: &[("001", "茶", "1", "30", "30")],
    },
    Expected {
        number: "KA00000007",
        shown: "KA00000007",
        date: "2026/11/08",
        seller_name: "示範商店",
        seller_address: "台北市信義區",
        time: "15:00:00",
        buyer: "",
        currency: "",
        amount: "20",
        status: "已註銷",
        items: &[("001", "水", "1", "20", "20")],
    },
    Expected {
        number: "KA00000008",
        shown: "KA00000008",
        date: "2026/11/09",
        seller_name: "示範商店",
        seller_address: "台北市信義區",
        time: "08:00:00",
        buyer: "",
        currency: "",
        amount: "150",
        status: "已確認",
        items: &[("0001", "禮盒", "1.5", "100", "150")],
    },
    Expected {
        number: "KA00000009",
        shown: "KA00000009",
        date: "2026/11/10",
        seller_name: "示範商店",
        seller_address: "台北市信義區",
        time: "07:45:00",
        buyer: "",
        currency: "",
        amount: "20",
        status: "已確認",
        items: &[("1", "報紙", "1", "20", "20")],
    },
];

/// `einv import invoices` of the whole corpus into `app`'s database.
fn import_corpus(app: &TestApp) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_einv"))
        .args(["import", "invoices"])
        .args(
            [
                "f0401_mig40.xml",
                "f0401_mig41.xml",
                "c0401_mig32.xml",
                "f0501_f0701.xml",
            ]
            .map(corpus),
        )
        .args(["--database-url", app.db_url()])
        .env_remove("EINV_DATABASE_URL")
        .output()
        .unwrap()
}

fn import(app: &TestApp) {
    let out = import_corpus(app);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (name, want) in [
        ("inserted", "11"),
        ("rejected", "0"),
        ("cancelled", "1"),
        ("voided", "1"),
    ] {
        assert!(
            stdout.lines().any(|l| l == format!("{name}: {want}")),
            "{name}: {want} in {stdout}"
        );
    }
}

fn assert_header(got: &Value, want: &Expected, action: &str) {
    let at = format!("{action} {}", want.number);
    assert_eq!(text(&got["invNum"]), want.shown, "{at} invNum");
    assert_eq!(
        text(&got["sellerName"]),
        want.seller_name,
        "{at} sellerName"
    );
    assert_eq!(text(&got["sellerBan"]), "04595257", "{at} sellerBan");
    assert_eq!(
        text(&got["sellerAddress"]),
        want.seller_address,
        "{at} sellerAddress"
    );
    assert_eq!(text(&got["invoiceTime"]), want.time, "{at} invoiceTime");
    assert_eq!(text(&got["buyerBan"]), want.buyer, "{at} buyerBan");
    assert_eq!(text(&got["currency"]), want.currency, "{at} currency");
    assert_eq!(text(&got["invStatus"]), want.status, "{at} invStatus");
    assert_eq!(text(&got["invPeriod"]), "11512", "{at} invPeriod");
}

fn assert_items(got: &Value, want: &Expected) {
    let rows = got["details"].as_array().unwrap();
    assert_eq!(rows.len(), want.items.len(), "{} details", want.number);
    for (position, (row, (num, description, quantity, price, amount))) in
        rows.iter().zip(want.items).enumerate()
    {
        let at = format!("{} row {num}", want.number);
        // A sequence number that is not a number (MIG allows "A1") is written as the row's
        // position where rowNum is a number.
        let numeric = num
            .parse::<u32>()
            .map_or((position + 1).to_string(), |n| n.to_string());
        match &row["rowNum"] {
            Value::Number(_) => same_value(&row["rowNum"], &numeric, &format!("{at} rowNum")),
            other => assert_eq!(text(other), *num, "{at} rowNum"),
        }
        assert_eq!(text(&row["description"]), *description, "{at} description");
        assert_eq!(text(&row["quantity"]), *quantity, "{at} quantity");
        assert_eq!(text(&row["unitPrice"]), *price, "{at} unitPrice");
        same_value(&row["amount"], amount, &format!("{at} amount"));
    }
}

async fn carrier_invoices_read_back_field_by_field(app: &TestApp) {
    let mut list = app.carrier_params("carrierInvChk", "0.5");
    list.extend(p(&[
        ("startDate", "2026/11/01"),
        ("endDate", "2026/11/12"),
        ("onlyWinningInv", "N"),
    ]));
    let reply = app.post(INVSERV, &list).await;
    assert_eq!(text(&reply["code"]), "200", "{reply}");
    let rows = reply["details"].as_array().unwrap();
    for want in CARRIER_INVOICES {
        let row = rows
            .iter()
            .find(|r| text(&r["invNum"]) == want.shown)
            .unwrap_or_else(|| panic!("{} not listed in {reply}", want.number));
        assert_header(row, want, "carrierInvChk");
        assert_eq!(text(&row["amount"]), want.amount, "{} amount", want.number);
        assert_eq!(
            text(&row["donateMark"]),
            if want.status == "已捐贈" { "1" } else { "0" },
            "{} donateMark",
            want.number
        );

        let mut detail = app.carrier_params("carrierInvDetail", "0.5");
        detail.extend(p(&[("invNum", want.number), ("invDate", want.date)]));
        let got = app.post(INVSERV, &detail).await;
        assert_eq!(text(&got["code"]), "200", "{got}");
        assert_header(&got, want, "carrierInvDetail");
        assert_eq!(text(&got["invDate"]), want.date.replace('/', ""), "invDate");
        assert_items(&got, want);
    }
}

async fn printed_invoices_read_back_through_qry_inv_detail(app: &TestApp) {
    let printed = [
        (
            "KB00000001",
            "2026/11/11",
            "0042",
            "",
            "105",
            &[("001", "乾電池", "2", "52.5", "105")][..],
        ),
        (
            "KB00000002",
            "2026/11/12",
            "7777",
            "10458575",
            "125",
            &[
                ("001", "顧問費", "1", "100", "100"),
                ("002", "免稅品", "1", "20", "20"),
            ][..],
        ),
    ];
    for (number, date, random, buyer, amount, items) in printed {
        let query = p(&[
            ("version", "0.5"),
            ("type", "Barcode"),
            ("invNum", number),
            ("action", "qryInvDetail"),
            ("generation", "V2"),
            ("invDate", date),
            ("randomNumber", random),
            ("invTerm", "11512"),
            ("UUID", "corpus"),
            ("appID", APP_ID),
        ]);
        let got = app.post(INVAPP, &query).await;
        assert_eq!(text(&got["code"]), "200", "{number}: {got}");
        assert_eq!(text(&got["invNum"]), number);
        assert_eq!(text(&got["sellerName"]), "示範商店", "{number}");
        assert_eq!(text(&got["invStatus"]), "已確認", "{number}");
        // Captured live qryInvDetail replies carry no top-level amount; the lines carry it.
        assert!(got.get("amount").is_none(), "{number}: {got}");
        let lines: f64 = got["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| text(&r["amount"]).parse::<f64>().unwrap())
            .sum();
        assert!(lines <= amount.parse::<f64>().unwrap(), "{number}");
        assert_eq!(text(&got["buyerBan"]), buyer, "{number}");
        let rows = got["details"].as_array().unwrap();
        assert_eq!(rows.len(), items.len());
        for (row, (num, description, quantity, price, line)) in rows.iter().zip(items) {
            assert_eq!(text(&row["rowNum"]), *num);
            assert_eq!(text(&row["description"]), *description);
            assert_eq!(text(&row["quantity"]), *quantity);
            assert_eq!(text(&row["unitPrice"]), *price);
            assert_eq!(text(&row["amount"]), *line);
        }
    }
}

#[tokio::test]
async fn the_mig_corpus_reads_back_through_v1() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    import(&app);
    carrier_invoices_read_back_field_by_field(&app).await;
    printed_invoices_read_back_through_qry_inv_detail(&app).await;
    // Importing the corpus again changes nothing: every invoice is unchanged (the cancel and
    // void included), none is a conflict.
    let again = import_corpus(&app);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success(), "{stdout}");
    assert!(stdout.contains("unchanged: 13"), "{stdout}");
    app.stop().await;
}

//! `einv qr decode TEXT [RIGHT]` and `einv qr encode`: the proof copy's two QR codes
//! (`docs/domain.md` §7), through `einv_core::barcode`.

use std::ffi::OsString;
use std::io::Read;
use std::process::ExitCode;

use anyhow::{bail, Context};
use chrono::NaiveDate;
use einv_core::barcode::{crypto, ItemEncoding, ProofQr, QrItem, QrSeedKey, RandomCode};
use einv_core::period::ROC_OFFSET;
use einv_core::{InvoiceNumber, Ntd};
use serde::Deserialize;
use serde_json::json;

/// The `einv qr` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum QrCommand {
    /// Read the text of a left QR code (and of the right one, if given).
    Decode(Box<DecodeArgs>),
    /// Make the text of both QR codes from flags or from a JSON object.
    Encode(Box<EncodeArgs>),
}

/// Arguments of `einv qr decode`.
#[derive(Debug, clap::Args)]
pub struct DecodeArgs {
    /// The left code's text. Raw Big5 bytes are read as Big5 when its encoding field is 0.
    pub left: OsString,
    /// The right code's text, starting with `**`. Without it only the left code's items show.
    pub right: Option<OsString>,
    /// The seller's QR seed key (32 hex digits), to check the encrypted verification field.
    #[arg(long, env = "EINV_QR_KEY", hide_env_values = true, value_name = "HEX")]
    pub key: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `einv qr encode`.
#[derive(Debug, clap::Args)]
pub struct EncodeArgs {
    /// A JSON object with the same fields as the flags (snake_case, e.g. `invoice_number`,
    /// `items: [{"name", "quantity", "unit_price"}]`), or `-` to read it from stdin.
    #[arg(long, value_name = "JSON", conflicts_with_all = ["invoice", "date", "random", "sales", "total", "buyer", "seller", "verification", "seller_area", "total_items", "encoding", "item"])]
    pub json_input: Option<String>,
    /// The invoice number.
    #[arg(long)]
    pub invoice: Option<String>,
    /// The invoice date, `YYYY-MM-DD` or ROC `yyyMMdd`.
    #[arg(long)]
    pub date: Option<String>,
    /// The 4-digit random code.
    #[arg(long)]
    pub random: Option<String>,
    /// The sales amount before tax; leave out when tax cannot be separated.
    #[arg(long)]
    pub sales: Option<u64>,
    /// The total amount including tax.
    #[arg(long)]
    pub total: Option<u64>,
    /// The buyer's business ID; leave out for a consumer.
    #[arg(long)]
    pub buyer: Option<String>,
    /// The seller's business ID.
    #[arg(long)]
    pub seller: Option<String>,
    /// The 24-character encrypted verification field; computed when only --key is given.
    #[arg(long)]
    pub verification: Option<String>,
    /// The seller's QR seed key (32 hex digits), to compute the verification field.
    #[arg(long, env = "EINV_QR_KEY", hide_env_values = true, value_name = "HEX")]
    pub key: Option<String>,
    /// The 10-character seller area [default: **********].
    #[arg(long)]
    pub seller_area: Option<String>,
    /// The invoice's number of items, if more than the codes list.
    #[arg(long)]
    pub total_items: Option<u32>,
    /// How the item text is written: big5, utf8, base64 or utf8-cross-border [default: utf8].
    #[arg(long)]
    pub encoding: Option<String>,
    /// An item as NAME:QUANTITY:UNIT_PRICE; repeat for more.
    #[arg(long = "item", value_name = "NAME:QTY:PRICE")]
    pub item: Vec<String>,
    /// How many items go in the left code; the rest go in the right one.
    #[arg(long, default_value_t = 1)]
    pub left_items: usize,
    /// Print one JSON object instead of the two codes on two lines.
    #[arg(long)]
    pub json: bool,
}

/// Runs `einv qr`.
pub fn run(command: QrCommand) -> anyhow::Result<ExitCode> {
    match command {
        QrCommand::Decode(args) => decode(*args),
        QrCommand::Encode(args) => encode(*args),
    }
}

fn decode(args: DecodeArgs) -> anyhow::Result<ExitCode> {
    let key = args.key.as_deref().map(QrSeedKey::parse).transpose()?;
    let left = args.left.as_encoded_bytes();
    let (qr, items_in_codes) = match &args.right {
        Some(right) => {
            let qr = ProofQr::decode_bytes(left, right.as_encoded_bytes())?;
            let n = qr.items.len();
            (qr, n)
        }
        None => {
            let partial = ProofQr::decode_left_bytes(left)?;
            (partial.qr, partial.items_in_codes as usize)
        }
    };
    let verified = key.as_ref().map(|k| qr.verify(k));
    let seller_checksum_ok = qr.seller_business_id().is_ok();
    if args.json {
        let out = json!({
            "qr": qr,
            "complete": args.right.is_some(),
            "items_in_codes": items_in_codes,
            "period": qr.period().code(),
            "barcode": qr.barcode().build(),
            "seller_id_passes_checksum": seller_checksum_ok,
            "verified": verified,
        });
        println!("{out}");
    } else {
        print_text(&qr, items_in_codes, seller_checksum_ok, verified);
    }
    // A field that does not match the seller's key is a failed check, like an invalid value.
    Ok(if verified == Some(false) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_text(qr: &ProofQr, items_in_codes: usize, seller_ok: bool, verified: Option<bool>) {
    let amount = |a: Option<Ntd>| a.map_or("not separated (00000000)".into(), |a| a.to_string());
    println!("invoice number: {}", qr.invoice_number);
    println!("date: {}", qr.date);
    println!(
        "period: {} ({})",
        qr.period().code(),
        qr.period().display_zh()
    );
    println!("random code: {}", qr.random_code);
    println!("sales amount: {}", amount(qr.sales_amount));
    println!("total amount: {}", qr.total_amount);
    println!(
        "buyer ID: {}",
        qr.buyer_id.as_deref().unwrap_or("none (consumer)")
    );
    let note = if seller_ok {
        ""
    } else {
        " (fails the business ID checksum)"
    };
    println!("seller ID: {}{note}", qr.seller_id);
    let check = match verified {
        None => "not checked: no --key",
        Some(true) => "matches the key",
        Some(false) => "DOES NOT match the key",
    };
    println!("verification: {} ({check})", qr.verification);
    println!("seller area: {}", qr.seller_area);
    let encoding = match qr.encoding {
        ItemEncoding::Big5 => "Big5",
        ItemEncoding::Utf8 => "UTF-8",
        ItemEncoding::Base64 => "Base64",
        ItemEncoding::Utf8CrossBorder => "UTF-8, cross-border seller",
    };
    println!("encoding: {} ({encoding})", qr.encoding.code());
    println!(
        "items: {} shown, {} in the codes, {} on the invoice",
        qr.items.len(),
        items_in_codes,
        qr.total_items
    );
    for item in &qr.items {
        println!("  {} × {} @ {}", item.name, item.quantity, item.unit_price);
    }
    if qr.items.len() < items_in_codes {
        println!(
            "  … and {} more in the right code",
            items_in_codes - qr.items.len()
        );
    }
    println!("barcode: {}", qr.barcode().build());
}

/// The encode input, from flags or JSON: every field optional so that a missing one gets a
/// clear message.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EncodeInput {
    invoice_number: Option<String>,
    date: Option<String>,
    random_code: Option<String>,
    sales_amount: Option<u64>,
    total_amount: Option<u64>,
    buyer_id: Option<String>,
    seller_id: Option<String>,
    verification: Option<String>,
    seller_area: Option<String>,
    total_items: Option<u32>,
    encoding: Option<ItemEncoding>,
    #[serde(default)]
    items: Vec<JsonItem>,
}

/// An item in JSON input; quantity and unit price may be numbers or strings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonItem {
    name: String,
    quantity: serde_json::Value,
    unit_price: serde_json::Value,
}

fn encode(args: EncodeArgs) -> anyhow::Result<ExitCode> {
    let input = match &args.json_input {
        Some(text) => {
            let text = if text == "-" {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .context("reading stdin")?;
                s
            } else {
                text.clone()
            };
            serde_json::from_str(&text).context("--json-input is not a valid input object")?
        }
        None => from_flags(&args)?,
    };
    let qr = to_qr(input, args.key.as_deref())?;
    let (left, right) = qr.build_with_left_items(args.left_items)?;
    if args.json {
        println!("{}", json!({"left": left, "right": right}));
    } else {
        println!("{left}");
        println!("{right}");
    }
    Ok(ExitCode::SUCCESS)
}

fn from_flags(args: &EncodeArgs) -> anyhow::Result<EncodeInput> {
    let encoding = match &args.encoding {
        Some(e) => Some(serde_json::from_value(json!(e)).map_err(|_| {
            anyhow::anyhow!(
                "--encoding: expected big5, utf8, base64 or utf8-cross-border, got {e:?}"
            )
        })?),
        None => None,
    };
    let items = args
        .item
        .iter()
        .map(|text| {
            // The name may not contain ':' (the codes separate fields with it), so split from
            // the right to keep the error about the name rather than the numbers.
            let mut parts = text.rsplitn(3, ':');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(price), Some(qty), Some(name)) => Ok(JsonItem {
                    name: name.to_owned(),
                    quantity: json!(qty),
                    unit_price: json!(price),
                }),
                _ => bail!("--item: expected NAME:QUANTITY:UNIT_PRICE, got {text:?}"),
            }
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(EncodeInput {
        invoice_number: args.invoice.clone(),
        date: args.date.clone(),
        random_code: args.random.clone(),
        sales_amount: args.sales,
        total_amount: args.total,
        buyer_id: args.buyer.clone(),
        seller_id: args.seller.clone(),
        verification: args.verification.clone(),
        seller_area: args.seller_area.clone(),
        total_items: args.total_items,
        encoding,
        items,
    })
}

fn to_qr(input: EncodeInput, key: Option<&str>) -> anyhow::Result<ProofQr> {
    let need = |v: Option<String>, what: &str| v.with_context(|| format!("{what} is required"));
    let invoice_number = InvoiceNumber::parse(&need(
        input.invoice_number,
        "the invoice number (--invoice)",
    )?)?;
    let random_code = RandomCode::parse(&need(input.random_code, "the random code (--random)")?)?;
    let date_text = need(input.date, "the date (--date)")?;
    let date = parse_date(&date_text)
        .with_context(|| format!("date: expected YYYY-MM-DD or ROC yyyMMdd, got {date_text:?}"))?;
    let total = input
        .total_amount
        .context("the total amount (--total) is required")?;
    let key = key.map(QrSeedKey::parse).transpose()?;
    let verification = match (key, input.verification) {
        (Some(key), None) => crypto::encrypt_verification(&key, &invoice_number, &random_code),
        (None, Some(v)) => v,
        // Both given (the key perhaps from EINV_QR_KEY): the field must be the key's.
        (Some(key), Some(v)) => {
            if !crypto::verify_verification(&key, &invoice_number, &random_code, &v) {
                bail!("the verification field does not match --key for this invoice");
            }
            v
        }
        (None, None) => bail!("the verification field (--verification) or --key is required"),
    };
    let items = input
        .items
        .into_iter()
        .map(|i| QrItem {
            name: i.name,
            quantity: number_text(i.quantity),
            unit_price: number_text(i.unit_price),
        })
        .collect::<Vec<_>>();
    Ok(ProofQr {
        invoice_number,
        date,
        random_code,
        sales_amount: input.sales_amount.map(Ntd::new),
        total_amount: Ntd::new(total),
        buyer_id: input.buyer_id,
        seller_id: need(input.seller_id, "the seller ID (--seller)")?,
        verification,
        seller_area: input.seller_area.unwrap_or_else(|| "**********".into()),
        total_items: match input.total_items {
            Some(n) => n,
            None => u32::try_from(items.len()).context("too many items")?,
        },
        encoding: input.encoding.unwrap_or(ItemEncoding::Utf8),
        items,
    })
}

/// A JSON number or string as the text the code will carry; anything else is kept as JSON
/// text, which the builder then rejects as not a decimal number.
fn number_text(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

/// `YYYY-MM-DD`, or ROC `yyyMMdd` as the QR code writes it.
fn parse_date(text: &str) -> Option<NaiveDate> {
    if text.len() == 7 && text.bytes().all(|b| b.is_ascii_digit()) {
        let roc: i32 = text[..3].parse().ok().filter(|y| *y > 0)?;
        return NaiveDate::from_ymd_opt(
            roc + ROC_OFFSET,
            text[3..5].parse().ok()?,
            text[5..].parse().ok()?,
        );
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

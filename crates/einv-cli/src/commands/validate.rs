//! `einv validate ban|invoice|carrier|love-code VALUE [--json]`: checks one value with the
//! domain's own parsers and prints `valid` with the normalised value, or the problem.
//!
//! Exit status: 0 valid, 1 invalid (2 is left to usage errors), so scripts can branch on it.

use std::process::ExitCode;

use einv_core::business_id::{checksum_sum, passes_checksum, KNOWN_IRREGULAR_IDS};
use einv_core::carrier::MOBILE_BARCODE;
use einv_core::{BusinessId, Carrier, CarrierType, InvalidValue, InvoiceNumber, LoveCode};
use serde_json::{json, Value};

/// Arguments of `einv validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What the value is.
    #[arg(value_enum)]
    pub kind: Kind,
    /// The value, exactly as given: surrounding whitespace is an error, not trimmed. For a
    /// carrier, `TYPE:ID` (e.g. `3J0002:/AB12+-.`) also names the carrier type.
    #[arg(allow_hyphen_values = true)]
    pub value: String,
    /// The carrier type code, for `carrier` only [default: 3J0002, the mobile barcode].
    #[arg(long = "type", value_name = "CODE")]
    pub carrier_type: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The kinds of value `einv validate` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A business ID (統一編號), 8 digits with a checksum.
    #[value(alias = "business-id")]
    Ban,
    /// An invoice number (字軌號碼), e.g. LY42140650 or LY-42140650.
    Invoice,
    /// A carrier ID (載具), checked by its type.
    Carrier,
    /// A love code (愛心碼), 3 to 7 digits.
    LoveCode,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Ban => "ban",
            Kind::Invoice => "invoice",
            Kind::Carrier => "carrier",
            Kind::LoveCode => "love-code",
        }
    }
}

/// A valid value: its normalised form and what else is worth telling, as (label, value) pairs
/// that both the text and the JSON output are made from.
struct Valid {
    normalised: String,
    details: Vec<(&'static str, Value)>,
}

/// Runs `einv validate`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.carrier_type.is_some() && args.kind != Kind::Carrier {
        anyhow::bail!("--type applies to `einv validate carrier` only");
    }
    let outcome = match args.kind {
        Kind::Ban => ban(&args.value),
        Kind::Invoice => invoice(&args.value),
        Kind::Carrier => carrier(&args.value, args.carrier_type.as_deref()),
        Kind::LoveCode => LoveCode::parse(&args.value).map(|code| Valid {
            normalised: code.to_string(),
            details: vec![("digits", json!(code.as_str().len()))],
        }),
    };
    let kind = args.kind.name();
    let is_valid = outcome.is_ok();
    match outcome {
        Ok(valid) if args.json => {
            let mut details = serde_json::Map::new();
            details.extend(valid.details.into_iter().map(|(k, v)| (k.to_owned(), v)));
            let out = json!({"valid": true, "kind": kind, "value": args.value,
                "normalised": valid.normalised, "details": details});
            println!("{out}");
        }
        Ok(valid) => {
            println!("valid");
            println!("normalised: {}", valid.normalised);
            for (label, value) in valid.details {
                // Strings print without their JSON quotes.
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                println!("{label}: {text}");
            }
        }
        Err(e) if args.json => {
            let out = json!({"valid": false, "kind": kind, "value": args.value,
                "field": e.field, "problem": e.problem});
            println!("{out}");
        }
        Err(e) => {
            println!("invalid");
            println!("{e}");
        }
    }
    Ok(if is_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn ban(value: &str) -> Result<Valid, InvalidValue> {
    let id = BusinessId::parse(value)?;
    let mut digits = [0u8; 8];
    digits.copy_from_slice(id.as_str().as_bytes());
    let z = checksum_sum(&digits);
    let seventh_is_7 = digits[6] == b'7';
    let rule = if !passes_checksum(&digits) {
        // Only the allow-list admits an ID that fails the checksum.
        "fails the checksum but is a known registered ID"
    } else if z.is_multiple_of(5) {
        "Z mod 5 = 0"
    } else {
        "7th digit is 7 and (Z + 1) mod 5 = 0"
    };
    let mod10 = z.is_multiple_of(10) || (seventh_is_7 && (z + 1).is_multiple_of(10));
    Ok(Valid {
        normalised: id.to_string(),
        details: vec![
            ("checksum_sum", json!(z)),
            ("rule", json!(rule)),
            ("passes_pre_2023_mod_10_rule", json!(mod10)),
            (
                "known_irregular",
                json!(KNOWN_IRREGULAR_IDS.contains(&id.as_str())),
            ),
        ],
    })
}

fn invoice(value: &str) -> Result<Valid, InvalidValue> {
    let number = InvoiceNumber::parse(value)?;
    Ok(Valid {
        normalised: number.to_string(),
        details: vec![
            ("hyphenated", json!(number.hyphenated())),
            ("track", json!(number.track())),
            ("digits", json!(format!("{:08}", number.digits()))),
        ],
    })
}

/// A carrier from `--type` and VALUE, or from `TYPE:ID` in VALUE, or a mobile barcode.
fn carrier(value: &str, carrier_type: Option<&str>) -> Result<Valid, InvalidValue> {
    let (kind, id) = match (carrier_type, value.split_once(':')) {
        (Some(kind), _) => (kind, value),
        // Only a well-formed type code before the colon makes it `TYPE:ID`; carrier IDs of
        // other types may themselves contain a colon.
        (None, Some((kind, id))) if CarrierType::parse(kind).is_ok() => (kind, id),
        (None, _) => (MOBILE_BARCODE, value),
    };
    let carrier = Carrier::parse(kind, id)?;
    Ok(Valid {
        normalised: format!("{}:{}", carrier.kind, carrier.id),
        details: vec![
            ("type", json!(carrier.kind.as_str())),
            (
                "type_name",
                json!(carrier.kind.name().unwrap_or("(not a known type)")),
            ),
            ("id", json!(carrier.id)),
        ],
    })
}

//! `einv prize`: checks invoice numbers against a period's winning numbers.
//!
//! `einv prize --winning FILE [--json] [--file PATH] NUMBER…`. FILE is a saved MOF
//! `QryWinningList` reply. Each number gets one line (or one JSON object): its prize with the
//! Chinese and English names and the amount, or "no prize". A malformed number is reported on
//! stderr, naming it (and its line, for `--file`); the others are still checked and the exit
//! code is 1. Exit code 2 means the command could not run at all (unreadable winning file…).

use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use einv_core::prize::{Prize, PrizeEngine, WinningNumbers};
use einv_core::{InvoiceNumber, Ntd};
use serde_json::{json, Value};

/// Exit code when some of the numbers given were malformed.
const BAD_INPUT: u8 = 1;

/// Arguments of `einv prize`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A saved QryWinningList JSON reply holding the period's winning numbers.
    #[arg(long, value_name = "FILE")]
    pub winning: PathBuf,

    /// A file of invoice numbers, one per line; `-` reads standard input.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// Print a JSON array, one object per number, instead of text.
    #[arg(long)]
    pub json: bool,

    /// Invoice numbers such as LY42140650 or LY-42140650. Eight digits alone (42140650) are
    /// checked for the regular prizes only: cloud-invoice prizes need the track letters.
    #[arg(value_name = "NUMBER")]
    pub numbers: Vec<String>,
}

/// One number as the user gave it, and where.
struct Input {
    text: String,
    /// The 1-based line, for numbers read from `--file`.
    line: Option<usize>,
}

/// What a number turned out to be.
enum Checked {
    Prize {
        number: String,
        prize: Option<Prize>,
        amount: Ntd,
    },
    Bad {
        problem: String,
    },
}

/// Runs `einv prize`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let draw = load_winning(&args.winning)?;
    let engine = draw.engine();

    let mut inputs: Vec<Input> = args
        .numbers
        .iter()
        .map(|text| Input {
            text: text.clone(),
            line: None,
        })
        .collect();
    if let Some(path) = &args.file {
        inputs.extend(read_numbers(path)?);
    }
    if inputs.is_empty() {
        anyhow::bail!("no invoice numbers: give them as arguments or with --file PATH");
    }

    let file_name = args.file.as_deref().map(describe_source);
    let mut bad = 0usize;
    let mut json_out = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let checked = check(&draw, &engine, &input.text);
        if let Checked::Bad { problem } = &checked {
            bad += 1;
            let place = match (input.line, &file_name) {
                (Some(line), Some(name)) => format!("{name} line {line}: "),
                _ => String::new(),
            };
            eprintln!("einv: error: {place}{problem}");
        }
        if args.json {
            json_out.push(to_json(input, &checked, &draw));
        } else if let Checked::Prize {
            number,
            prize,
            amount,
        } = &checked
        {
            println!("{}", text_line(number, *prize, *amount));
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&Value::Array(json_out))?);
    }
    if bad > 0 {
        eprintln!("einv: {bad} of {} numbers could not be read", inputs.len());
        return Ok(ExitCode::from(BAD_INPUT));
    }
    Ok(ExitCode::SUCCESS)
}

fn load_winning(path: &Path) -> anyhow::Result<WinningNumbers> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("--winning: cannot read {}", path.display()))?;
    WinningNumbers::from_qry_winning_list_json(&text).with_context(|| {
        format!(
            "--winning: {} is not a usable QryWinningList reply",
            path.display()
        )
    })
}

fn describe_source(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}

/// The non-empty lines of `path` (or standard input for `-`), with their line numbers. Line
/// ends (`\n`, `\r\n`) are removed; other whitespace is kept so that the error shows it.
fn read_numbers(path: &Path) -> anyhow::Result<Vec<Input>> {
    let reader: Box<dyn Read> = if path == Path::new("-") {
        Box::new(io::stdin().lock())
    } else {
        Box::new(
            fs::File::open(path)
                .with_context(|| format!("--file: cannot open {}", path.display()))?,
        )
    };
    let mut inputs = Vec::new();
    for (index, line) in BufReader::new(reader).lines().enumerate() {
        let line = line.with_context(|| {
            format!(
                "--file: cannot read line {} of {}",
                index + 1,
                describe_source(path)
            )
        })?;
        let text = line.strip_suffix('\r').unwrap_or(&line);
        if !text.is_empty() {
            inputs.push(Input {
                text: text.to_owned(),
                line: Some(index + 1),
            });
        }
    }
    Ok(inputs)
}

fn check(draw: &WinningNumbers, engine: &PrizeEngine, text: &str) -> Checked {
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        // Leading zeros are digits here: `00072404` is eight digits, not a number to trim.
        return match text.parse::<u32>() {
            Ok(digits) => found(text.to_owned(), engine.check(digits), draw),
            Err(e) => Checked::Bad {
                problem: format!("invoice number: cannot read {text:?}: {e}"),
            },
        };
    }
    match InvoiceNumber::parse(text) {
        Ok(number) => found(number.to_string(), engine.check_invoice(&number), draw),
        // The core's message names the field and quotes the text as given.
        Err(e) => Checked::Bad {
            problem: e.to_string(),
        },
    }
}

fn found(number: String, prize: Option<Prize>, draw: &WinningNumbers) -> Checked {
    let amount = prize.map_or(Ntd::ZERO, |p| draw.amount(p));
    Checked::Prize {
        number,
        prize,
        amount,
    }
}

fn text_line(number: &str, prize: Option<Prize>, amount: Ntd) -> String {
    match prize {
        Some(p) => format!(
            "{number}  {} / {}  NT${}",
            p.name_zh(),
            p.name_en(),
            grouped(amount.dollars())
        ),
        None => format!("{number}  no prize"),
    }
}

fn to_json(input: &Input, checked: &Checked, draw: &WinningNumbers) -> Value {
    let mut obj = json!({ "input": input.text });
    if let Some(line) = input.line {
        obj["line"] = json!(line);
    }
    match checked {
        Checked::Prize {
            number,
            prize,
            amount,
        } => {
            obj["number"] = json!(number);
            obj["period"] = json!(draw.period().code());
            obj["prize"] = json!(prize.map(Prize::code));
            obj["name_zh"] = json!(prize.map(Prize::name_zh));
            obj["name_en"] = json!(prize.map(Prize::name_en));
            obj["amount"] = json!(amount.dollars());
        }
        Checked::Bad { problem } => obj["error"] = json!(problem),
    }
    obj
}

/// `10000000` → `10,000,000`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    // ASCII digits: every 3-byte chunk is valid UTF-8.
    let mut groups: Vec<&str> = digits
        .as_bytes()
        .rchunks(3)
        .map(|group| std::str::from_utf8(group).unwrap_or_default())
        .collect();
    groups.reverse();
    groups.join(",")
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(200), "200");
        assert_eq!(grouped(4_000), "4,000");
        assert_eq!(grouped(10_000_000), "10,000,000");
    }
}

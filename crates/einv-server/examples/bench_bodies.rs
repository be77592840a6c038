//! Writes v1 request bodies for the hot-path benchmarks (`bench/hotpath.sh`), one a line, for
//! wrk's `bench/bodies.lua` to send at random. Signed bodies carry the HMAC-SHA256 signature a
//! MOF client computes (wrk's Lua cannot), so the timestamps are fixed when the file is written:
//! `timeStamp` is now + 200 s, inside the accepted window for the next 260 s. Every body is
//! distinct (`expTimeStamp` counts down from a random start), so no signed call is a replay
//! answered from the kept answer (http/v1/once.rs): each one does the full work; wrk's script
//! sends them in order.
//!
//! Usage: `bench_bodies KIND signed|unsigned DIR MONTH(yyyy/MM) COUNT`, KIND one of
//! `list`, `winners` (list with onlyWinningInv=Y), `detail`, `winning` (QryWinningList),
//! `qr` (qryInvHeader by QR code). DIR holds `barcodes.txt` and `invoices.txt` from
//! `bench_users`.

use chrono::NaiveDate;
use einv_core::{wire, Period};
use rand::seq::SliceRandom;
use rand::Rng;

const APP_ID: &str = "EINVBENCH00001";
const API_KEY: &[u8] = b"bench-api-key";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: bench_bodies KIND signed|unsigned DIR MONTH(yyyy/MM) COUNT";
    let kind = args.next().ok_or(usage)?;
    let signed = match args.next().ok_or(usage)?.as_str() {
        "signed" => true,
        "unsigned" => false,
        _ => return Err(usage.into()),
    };
    let dir = std::path::PathBuf::from(args.next().ok_or(usage)?);
    let month = args.next().ok_or(usage)?;
    let count: usize = args.next().ok_or(usage)?.parse()?;
    let first = NaiveDate::parse_from_str(&format!("{month}/01"), "%Y/%m/%d")?;
    let barcodes: Vec<String> = std::fs::read_to_string(dir.join("barcodes.txt"))?
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let invoices: Vec<Vec<String>> = std::fs::read_to_string(dir.join("invoices.txt"))?
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect::<Vec<_>>())
        .filter(|f| f.len() == 3)
        .collect();
    if barcodes.is_empty() || invoices.is_empty() {
        return Err("no barcodes or invoices: run bench_users first".into());
    }
    // BENCH_TIMESTAMP_AHEAD (seconds, default 200) moves `timeStamp`: -50 makes every call's
    // window end 10 s after the file is written, to measure a burst of ended calls.
    let ahead: i64 = match std::env::var("BENCH_TIMESTAMP_AHEAD") {
        Ok(v) => v
            .parse()
            .map_err(|e| format!("BENCH_TIMESTAMP_AHEAD: {e}, got {v:?} (whole seconds)"))?,
        Err(_) => 200,
    };
    let time_stamp = (chrono::Utc::now().timestamp() + ahead).to_string();
    let mut rng = rand::thread_rng();
    // From 2034 on: far in the future, distinct between files.
    let exp_start: i64 = 2_147_483_647 - rng.gen_range(0..100_000_000);
    let mut out = String::new();
    for i in 0..count {
        let exp_time_stamp = (exp_start - i64::try_from(i)?).to_string();
        let mut params: Vec<(&str, String)> = match kind.as_str() {
            "list" | "winners" => {
                let barcode = barcodes.choose(&mut rng).ok_or(usage)?;
                vec![
                    ("version", "0.5".into()),
                    ("action", "carrierInvChk".into()),
                    ("cardType", "3J0002".into()),
                    ("cardNo", barcode.clone()),
                    ("cardEncrypt", "Bench123".into()),
                    ("timeStamp", time_stamp.clone()),
                    ("expTimeStamp", exp_time_stamp.clone()),
                    ("startDate", format!("{month}/01")),
                    ("endDate", format!("{month}/28")),
                    (
                        "onlyWinningInv",
                        if kind == "winners" { "Y" } else { "N" }.into(),
                    ),
                    ("uuid", "bench-device".into()),
                    ("appID", APP_ID.into()),
                ]
            }
            "detail" => {
                let inv = invoices.choose(&mut rng).ok_or(usage)?;
                vec![
                    ("version", "0.5".into()),
                    ("action", "carrierInvDetail".into()),
                    ("cardType", "3J0002".into()),
                    ("cardNo", inv[0].clone()),
                    ("cardEncrypt", "Bench123".into()),
                    ("invNum", inv[1].clone()),
                    ("invDate", inv[2].clone()),
                    ("timeStamp", time_stamp.clone()),
                    ("expTimeStamp", exp_time_stamp.clone()),
                    ("uuid", "bench-device".into()),
                    ("appID", APP_ID.into()),
                ]
            }
            "winning" => vec![
                ("version", "0.2".into()),
                ("action", "QryWinningList".into()),
                ("invTerm", Period::of_date(first).code()),
                ("UUID", "bench-device".into()),
                ("appID", APP_ID.into()),
            ],
            "qr" => {
                let inv = invoices.choose(&mut rng).ok_or(usage)?;
                vec![
                    ("version", "0.5".into()),
                    ("action", "qryInvHeader".into()),
                    ("type", "QRCode".into()),
                    ("invNum", inv[1].clone()),
                    ("invDate", inv[2].clone()),
                    ("UUID", "bench-device".into()),
                    ("appID", APP_ID.into()),
                ]
            }
            _ => return Err(usage.into()),
        };
        if signed {
            let signature = wire::sign(&params, API_KEY);
            params.push(("signature", signature));
        }
        let mut body = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &params {
            body.append_pair(k, v);
        }
        out.push_str(&body.finish());
        out.push('\n');
    }
    print!("{out}");
    Ok(())
}

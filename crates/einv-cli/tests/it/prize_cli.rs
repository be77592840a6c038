//! `einv prize` end to end: the built binary, a saved QryWinningList reply in a temp file.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The Nov–Dec 2018 draw (`docs/domain.md` §3) in the shape of a real reply.
const WINNING_10712: &str = r#"{
  "v": "0.2", "code": "200", "msg": "執行成功", "invoYm": "10712",
  "superPrizeNo": "88515559", "spcPrizeNo": "47551146", "spcPrizeNo2": "", "spcPrizeNo3": "",
  "firstPrizeNo1": "83513656", "firstPrizeNo2": "85250862", "firstPrizeNo3": "61472404",
  "firstPrizeNo4": "", "firstPrizeNo5": "", "firstPrizeNo6": "", "firstPrizeNo7": "",
  "firstPrizeNo8": "", "firstPrizeNo9": "", "firstPrizeNo10": "",
  "sixthPrizeNo1": "185", "sixthPrizeNo2": "079", "sixthPrizeNo3": "442",
  "sixthPrizeNo4": "", "sixthPrizeNo5": "", "sixthPrizeNo6": "",
  "superPrizeAmt": "10000000", "spcPrizeAmt": "2000000", "firstPrizeAmt": "0200000",
  "secondPrizeAmt": "0040000", "thirdPrizeAmt": "0010000", "fourthPrizeAmt": "0004000",
  "fifthPrizeAmt": "0001000", "sixthPrizeAmt": "0000200"
}"#;

fn winning_file() -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(WINNING_10712.as_bytes())
        .expect("write winning file");
    file
}

fn einv(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_einv"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run einv");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait for einv")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn winning_losing_and_malformed_numbers() {
    let winning = winning_file();
    let path = winning.path().to_str().expect("utf-8 path");
    let out = einv(
        &[
            "prize",
            "--winning",
            path,
            "AB88515559",
            "CD12345678",
            "LY1234",
            "XY-12345656",
        ],
        "",
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));

    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    crate::common::assert_contains_all(
        &stdout,
        &[
            "AB88515559  特別獎 / special prize  NT$10,000,000",
            "CD12345678  no prize",
            "XY12345656  六獎 / sixth prize  NT$200",
        ],
    );
    // The error names the number and says what is wrong with it.
    let named = ["invoice number: expected 2 letters", "got \"LY1234\""];
    crate::common::assert_contains_all(&stderr, &named);
    assert!(!stdout.contains("LY1234"), "{stdout}");
}

#[test]
fn all_good_numbers_exit_zero() {
    let winning = winning_file();
    let path = winning.path().to_str().expect("utf-8 path");
    let out = einv(&["prize", "--winning", path, "00072404", "AB99990862"], "");
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        stdout.contains("00072404  四獎 / fourth prize  NT$4,000"),
        "{stdout}"
    );
    assert!(
        stdout.contains("AB99990862  五獎 / fifth prize  NT$1,000"),
        "{stdout}"
    );
}

#[test]
fn json_from_stdin_names_the_bad_line() {
    let winning = winning_file();
    let path = winning.path().to_str().expect("utf-8 path");
    let stdin = "AB47551146\r\n\nAB12345185\nnot-a-number\n";
    let out = einv(
        &["prize", "--winning", path, "--json", "--file", "-"],
        stdin,
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("standard input line 4: invoice number:"),
        "{stderr}"
    );
    assert!(stderr.contains("got \"not-a-number\""), "{stderr}");

    let results: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON array");
    let results = results.as_array().expect("an array");
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["prize"], "grand");
    assert_eq!(results[0]["amount"], 2_000_000);
    assert_eq!(results[0]["name_zh"], "特獎");
    assert_eq!(results[1]["prize"], "additional_sixth");
    assert_eq!(results[1]["line"], 3);
    assert_eq!(results[2]["line"], 4);
    assert!(results[2]["error"]
        .as_str()
        .is_some_and(|e| e.contains("not-a-number")));
}

#[test]
fn a_bad_winning_file_is_a_clear_error() {
    let mut bad = tempfile::NamedTempFile::new().expect("temp file");
    bad.write_all(br#"{"invoYm": "10712", "superPrizeNo": "8851555"}"#)
        .expect("write");
    let path = bad.path().to_str().expect("utf-8 path");
    let out = einv(&["prize", "--winning", path, "AB88515559"], "");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("superPrizeNo"), "{stderr}");
}

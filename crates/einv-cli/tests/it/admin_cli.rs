//! `einv admin carrier confirm` as an operator runs it: a card issuer's confirmation of a
//! hidden code is recorded (the second proof of holding a carrier), audited without the code,
//! and bad input is refused naming the field.

use std::path::Path;
use std::process::Output;
use std::sync::Arc;

use einv_core::SystemClock;
use einv_server::startup::{self, Config};
use einv_store::{AuditFilter, CarrierProof};

const CARD: &str = "9999888877776666";
const HIDDEN: &str = "H-REAL-0001";

fn confirm(dir: &Path, card: &str, hidden: Option<&str>) -> Output {
    let mut command = crate::process::einv_command();
    command
        .args(["admin", "carrier", "confirm", "--issuer", "EasyCard"])
        .args(["--carrier-type", "1K0001", "--carrier-id", card])
        .arg("--data")
        .arg(dir);
    if let Some(hidden) = hidden {
        command.env("EINV_CARRIER_HIDDEN_CODE", hidden);
    }
    command.output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn config(dir: &Path) -> Config {
    Config::in_dir(dir)
}

#[tokio::test]
async fn an_issuer_confirmation_is_recorded_and_audited_without_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let out = confirm(dir.path(), CARD, Some(HIDDEN));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        !text(&out).contains(HIDDEN),
        "the hidden code is never echoed"
    );

    let store = startup::open_store(&config(dir.path()), false)
        .await
        .unwrap();
    assert_eq!(
        store.carrier_proof("1K0001", CARD, HIDDEN).await.unwrap(),
        Some(CarrierProof::Issuer)
    );
    assert_eq!(
        store.carrier_proof("1K0001", CARD, "H-FAKE").await.unwrap(),
        None,
        "only the confirmed code proves the card"
    );
    store.close().await;

    let platform = startup::platform(&config(dir.path()), Arc::new(SystemClock))
        .await
        .unwrap();
    let trail = platform.audit_log(&AuditFilter::All, 100).await.unwrap();
    let entry = trail
        .iter()
        .find(|e| e.content.action == "carrier.issuer-confirmed")
        .expect("the confirmation is audited");
    assert_eq!(entry.content.actor, "issuer:EasyCard");
    assert!(!format!("{entry:?}").contains(HIDDEN), "{entry:?}");
    platform.close().await;
}

#[tokio::test]
async fn a_bad_confirmation_is_refused_and_nothing_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let bad_card = confirm(dir.path(), "not a card", Some(HIDDEN));
    assert_ne!(bad_card.status.code(), Some(0));
    assert!(
        text(&bad_card).contains("carrierId1"),
        "{}",
        text(&bad_card)
    );

    let no_code = confirm(dir.path(), CARD, None);
    assert_eq!(
        no_code.status.code(),
        Some(2),
        "a missing option is a usage error"
    );
    assert!(
        text(&no_code).contains("--hidden-code"),
        "{}",
        text(&no_code)
    );

    let blank_code = confirm(dir.path(), CARD, Some("  "));
    assert_ne!(blank_code.status.code(), Some(0));
    assert!(
        text(&blank_code).contains("carrierId2"),
        "{}",
        text(&blank_code)
    );

    let store = startup::open_store(&config(dir.path()), false)
        .await
        .unwrap();
    for (card, code) in [("not a card", HIDDEN), (CARD, "  ")] {
        let proof = store.carrier_proof("1K0001", card, code).await.unwrap();
        assert_eq!(proof, None, "{card} {code}");
    }
    store.close().await;
}

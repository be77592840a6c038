//! `einv admin redirect-uri` as an operator runs it: the same checks as the licence page
//! (https, or http only to a loopback address), a clear message and a non-zero exit otherwise.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use einv_core::SystemClock;
use einv_server::services::licensing::{ApplicationInput, DeveloperSignUp, IsmsInput};
use einv_server::startup::{self, Config};

fn einv(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_einv"))
        .args(args)
        .arg("--data")
        .arg(dir)
        .env_remove("EINV_DATABASE_URL")
        .env_remove("EINV_SERVER_KEY")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// An approved licence in the data directory; returns its ID.
async fn approved_licence(dir: &Path) -> i64 {
    let config = Config {
        data_dir: dir.to_owned(),
        database_url: None,
        server_key: None,
        holidays: None,
        flow_limits: einv_core::flow::FlowLimits::default(),
        redis_url: None,
        flow: Default::default(),
    };
    let p = startup::platform(&config, Arc::new(SystemClock))
        .await
        .unwrap();
    let developer = p
        .sign_up_developer(&DeveloperSignUp {
            email: "cli@example.com".into(),
            password: "correct horse battery".into(),
            name: "CLI Ltd".into(),
            entity_type: "business".into(),
            business_id: "04595257".into(),
            security_level: String::new(),
        })
        .await
        .unwrap();
    let form = ApplicationInput {
        contact_name: "王".into(),
        contact_email: "cli@example.com".into(),
        contact_phone: "02".into(),
        product_name: "CLI App".into(),
        product_version: "1".into(),
        purpose: "bookkeeping".into(),
        services: vec!["winning-numbers".into()],
        isms: IsmsInput {
            number: "N".into(),
            issuer: "I".into(),
            scope: "S".into(),
            expiry: "2099-01-01".into(),
        },
        terms_version: p.current_terms().await.unwrap().version,
        declarations_accepted: true,
    };
    let licence = p
        .submit_application(developer.id, &form, &[])
        .await
        .unwrap();
    let reviewer = p
        .add_reviewer("cli-rev@fia.example", "reviewer password", "")
        .await
        .unwrap();
    p.approve(reviewer, licence.id, "ok").await.unwrap();
    p.close().await;
    licence.id
}

#[tokio::test]
async fn redirect_uris_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let id = approved_licence(dir.path()).await.to_string();
    let refused = einv(
        dir.path(),
        &[
            "admin",
            "redirect-uri",
            "add",
            &id,
            "http://evil.example/cb",
        ],
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("redirect_uri") && text(&refused).contains("loopback"),
        "{}",
        text(&refused)
    );
    let added = einv(
        dir.path(),
        &[
            "admin",
            "redirect-uri",
            "add",
            &id,
            "https://app.example/cb",
        ],
    );
    assert!(added.status.success(), "{}", text(&added));
    let listed = einv(dir.path(), &["admin", "redirect-uri", "list", &id]);
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout),
        "https://app.example/cb\n"
    );
    let removed = einv(
        dir.path(),
        &[
            "admin",
            "redirect-uri",
            "remove",
            &id,
            "https://app.example/cb",
        ],
    );
    assert!(removed.status.success(), "{}", text(&removed));
    let gone = einv(
        dir.path(),
        &[
            "admin",
            "redirect-uri",
            "remove",
            &id,
            "https://app.example/cb",
        ],
    );
    assert!(
        !gone.status.success(),
        "removing what is not registered is an error"
    );
    let missing = einv(dir.path(), &["admin", "redirect-uri", "list", "999"]);
    assert!(!missing.status.success() && text(&missing).contains("licence #999"));
}

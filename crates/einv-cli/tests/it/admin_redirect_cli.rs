//! `einv admin redirect-uri` as an operator runs it: the same checks as the licence page
//! (https, or http only to a loopback address), a clear message and a non-zero exit otherwise.

use crate::process::{einv_on, output_text};
use std::path::Path;
use std::sync::Arc;

use einv_core::SystemClock;
use einv_server::services::licensing::{ApplicationInput, DeveloperSignUp};
use einv_server::startup::{self, Config};
use einv_server::testing;

/// An approved licence in the data directory; returns its ID.
async fn approved_licence(dir: &Path) -> einv_core::LicenceId {
    let config = Config::in_dir(dir);
    let p = startup::platform(&config, Arc::new(SystemClock))
        .await
        .unwrap();
    let form = ApplicationInput {
        product_name: "CLI App".into(),
        terms_version: p.current_terms().await.unwrap().version,
        ..testing::application("cli@example.com", &["winning-numbers"])
    };
    let developer = DeveloperSignUp {
        name: "CLI Ltd".into(),
        ..testing::developer("cli@example.com")
    };
    let reviewer = testing::Reviewer {
        email: "cli-rev@fia.example",
        password: "reviewer password",
        name: "",
    };
    let approved = testing::approved_licence(&p, &developer, &form, &[], reviewer)
        .await
        .unwrap();
    p.close().await;
    approved.licence
}

#[tokio::test]
async fn redirect_uris_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let id = approved_licence(dir.path()).await.to_string();
    // `einv admin redirect-uri VERB ID URI` on this licence.
    let redirect_uri =
        |verb: &str, uri: &str| einv_on(dir.path(), &["admin", "redirect-uri", verb, &id, uri]);
    let refused = redirect_uri("add", "http://evil.example/cb");
    assert!(!refused.status.success());
    assert!(
        output_text(&refused).contains("redirect_uri")
            && output_text(&refused).contains("loopback"),
        "{}",
        output_text(&refused)
    );
    let added = redirect_uri("add", "https://app.example/cb");
    assert!(added.status.success(), "{}", output_text(&added));
    let listed = einv_on(dir.path(), &["admin", "redirect-uri", "list", &id]);
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout),
        "https://app.example/cb\n"
    );
    let removed = redirect_uri("remove", "https://app.example/cb");
    assert!(removed.status.success(), "{}", output_text(&removed));
    let gone = redirect_uri("remove", "https://app.example/cb");
    assert!(
        !gone.status.success(),
        "removing what is not registered is an error"
    );
    let missing = einv_on(dir.path(), &["admin", "redirect-uri", "list", "999"]);
    assert!(!missing.status.success() && output_text(&missing).contains("licence #999"));
}

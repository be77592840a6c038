//! Secrets at rest (issue #9): the data files are the owner's alone, and a sealed APIKey opens
//! only on its own row.

use einv_core::AppId;
use std::path::Path;
use std::sync::Arc;

use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Key};
use base64::Engine;
use einv_core::SystemClock;
use einv_server::services::{KeySealer, KeySlot};
use einv_server::startup::{self, Config, SecretString};
use einv_store::testing::execute_raw;
use einv_store::{AppRecord, AppStatus};

use crate::common::*;

fn config(dir: &Path, server_key: Option<&str>) -> Config {
    Config {
        server_key: server_key.map(|k| SecretString::from(k.to_owned())),
        ..Config::in_dir(dir)
    }
}

/// `server.key` and the SQLite database are created readable by their owner only (0600),
/// whatever the umask.
#[cfg(unix)]
#[tokio::test]
async fn data_files_are_created_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let platform = startup::platform(&config(dir.path(), None), Arc::new(SystemClock))
        .await
        .unwrap();
    store_app(&platform, "files", "EINVFILES00001", "k").await;
    platform.close().await;
    for name in ["server.key", "einv.db"] {
        let mode = std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name} is {:o}", mode & 0o777);
    }
}

/// A key sealed before keys were bound to their rows (no associated data) is re-sealed, bound,
/// when the Platform starts, and still opens to the same APIKey.
#[tokio::test]
async fn keys_sealed_before_binding_are_resealed_at_startup() {
    let dir = tempfile::tempdir().unwrap();
    let hex_key = "11".repeat(32);
    let store = startup::open_store(&config(dir.path(), Some(&hex_key)), true)
        .await
        .unwrap();
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&[0x11; 32]));
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let body = cipher.encrypt(&nonce, b"old-api-key".as_slice()).unwrap();
    let legacy = base64::engine::general_purpose::STANDARD.encode([nonce.to_vec(), body].concat());
    store
        .create_app(&AppRecord {
            app_id: AppId::parse("EINVLEGACY0001").unwrap(),
            name: "legacy".into(),
            sealed_key: legacy.clone(),
            status: AppStatus::Active,
            services: vec![einv_core::Service::WinningNumbers],
            created_at: chrono::Utc::now(),
        })
        .await
        .unwrap();
    store.close().await;

    let platform = startup::platform(&config(dir.path(), Some(&hex_key)), Arc::new(SystemClock))
        .await
        .unwrap();
    assert_eq!(
        platform.reseal_keys().await.unwrap(),
        0,
        "all bound at startup"
    );
    platform.close().await;
    let store = startup::open_store(&config(dir.path(), Some(&hex_key)), false)
        .await
        .unwrap();
    let sealed = store
        .find_app(&AppId::parse("EINVLEGACY0001").unwrap())
        .await
        .unwrap()
        .unwrap()
        .sealed_key;
    assert!(KeySealer::is_bound(&sealed) && sealed != legacy, "{sealed}");
    let sealer = KeySealer::from_hex(&hex_key).unwrap();
    assert_eq!(
        sealer
            .open_key(
                &AppId::parse("EINVLEGACY0001").unwrap(),
                KeySlot::App,
                &sealed
            )
            .unwrap(),
        "old-api-key"
    );
    store.close().await;
}

/// A database writer who copies one app's sealed key onto another app's row does not make
/// the other app accept the first app's key: the ciphertext is bound to its AppID.
async fn a_sealed_key_moved_to_another_row_does_not_open(app: &TestApp) {
    let other = "EINVOTHER00001";
    store_app(&app.platform, "other", other, "the-other-apps-key").await;
    // A v2 read that needs only the app's signature (no User's consent), so the key alone
    // decides.
    let ask = |key: &'static str| {
        let path = "/api/v2/charities?query=919";
        let nonce = fresh_nonce();
        let signer = hmac_signer(other, key, app.now_unix(), &nonce);
        sign_onto(app.http.get(app.url(path)), "GET", path, b"", &signer).send_ok()
    };
    assert_eq!(ask("the-other-apps-key").await.status(), 200, "its own key");
    assert_eq!(
        ask(API_KEY).await.status(),
        401,
        "another app's key never verifies"
    );
    execute_raw(
        app.store(),
        &format!(
            "UPDATE apps SET sealed_key = (SELECT sealed_key FROM apps WHERE app_id = '{APP_ID}') \
             WHERE app_id = '{other}'"
        ),
    )
    .await
    .unwrap();
    let after = ask(API_KEY).await.status();
    assert!(
        !after.is_success(),
        "the moved ciphertext does not open as {other}: {after}"
    );
}

both_backends!(a_sealed_key_moved_to_another_row_does_not_open);

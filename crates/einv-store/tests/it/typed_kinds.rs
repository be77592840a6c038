//! The kinds and states the store keeps as words (licence history, notifications,
//! announcements, sessions, job runs, signing keys) and a charity's business ID are read back as the core's types: a word
//! nobody wrote is a `StoreError::Corrupt` naming its table and column, never a string passed
//! on for a page to guess at.

use einv_store::{Recipient, Store};

use crate::fixtures::{assert_corrupt, assert_reads_corrupt, raw};
use crate::licensing_store::{filed_licence, now};

einv_store::both_backends!(
    an_unknown_licence_event_names_its_column,
    an_unknown_state_after_names_its_column,
    an_unknown_notification_kind_names_its_column,
    an_unknown_announcement_kind_names_its_column,
    an_unknown_session_role_names_its_column,
    an_unknown_job_outcome_names_its_column,
    an_unknown_signing_algorithm_names_its_column,
    a_signing_key_not_in_base64_names_its_column_and_key,
    a_charity_ban_failing_the_checksum_names_its_column,
);

async fn history_row(
    store: &Store,
    licence_id: einv_core::LicenceId,
    event: &str,
    state_after: &str,
) {
    raw(
        store,
        &format!(
            "INSERT INTO licence_events (licence_id, event, actor, at, reason, rule, state_after) \
             VALUES ({licence_id}, '{event}', 'operator', 0, 'r', 'R4.1', '{state_after}')"
        ),
    )
    .await;
}

/// R10.4: the history is read as the lifecycle's events; a word it does not know is corrupt.
async fn an_unknown_licence_event_names_its_column(store: &Store) {
    let id = filed_licence(store, "event@example.com").await.id;
    history_row(store, id, "explode", "applied").await;
    assert_corrupt(store.licence_events(id).await, "licence_events", "event");
}

async fn an_unknown_state_after_names_its_column(store: &Store) {
    let id = filed_licence(store, "state@example.com").await.id;
    history_row(store, id, "resubmit", "dormant").await;
    assert_corrupt(
        store.licence_events(id).await,
        "licence_events",
        "state_after",
    );
}

/// R4.9: notifications are of the kinds the Platform sends.
async fn an_unknown_notification_kind_names_its_column(store: &Store) {
    let sql = "INSERT INTO notifications (recipient_role, recipient_id, licence_id, kind, \
               title, body, created_at) VALUES ('user', 7, NULL, 'spam', 't', 'b', 0)";
    let read = store.notifications_of(Recipient::User(einv_core::UserId::new(7)));
    assert_reads_corrupt(store, sql, read, ("notifications", "kind")).await;
}

/// R4.8: announcements are of the kinds the Platform publishes.
async fn an_unknown_announcement_kind_names_its_column(store: &Store) {
    let sql = "INSERT INTO announcements (kind, title, body, starts_at, ends_at, published_at) \
               VALUES ('holiday', 't', 'b', 0, NULL, 0)";
    let read = store.list_announcements(10);
    assert_reads_corrupt(store, sql, read, ("announcements", "kind")).await;
}

async fn an_unknown_session_role_names_its_column(store: &Store) {
    let sql = "INSERT INTO sessions (token_hash, role, subject, csrf_token, created_at, \
               expires_at) VALUES ('h', 'admin', '1', 'c', 0, 4102444800)";
    let read = store.find_session("h", now());
    assert_reads_corrupt(store, sql, read, ("sessions", "role")).await;
}

async fn an_unknown_job_outcome_names_its_column(store: &Store) {
    let sql = "INSERT INTO job_runs (job, slot, node, started_at, outcome, counts) \
               VALUES ('licence-sweep', 1, 'n', 0, 'exploded', '{}')";
    let read = store.job_runs(None, 10);
    assert_reads_corrupt(store, sql, read, ("job_runs", "outcome")).await;
}

/// An app `app_id` written as a row, for a signing key to belong to.
async fn app_row(store: &Store, app_id: &str) -> einv_core::AppId {
    let sql = format!(
        "INSERT INTO apps (app_id, name, sealed_key, status, services, created_at) \
         VALUES ('{app_id}', 'n', 'k', 'active', 'winning-numbers', 0)"
    );
    raw(store, &sql).await;
    crate::app(app_id)
}

async fn an_unknown_signing_algorithm_names_its_column(store: &Store) {
    let app = app_row(store, "EINVKIND000001").await;
    let sql = "INSERT INTO app_signing_keys (app_id, algorithm, public_key, label, created_at) \
               VALUES ('EINVKIND000001', 'rsa', 'AAAA', 'k', 0)";
    let read = store.signing_keys(&app);
    assert_reads_corrupt(store, sql, read, ("app_signing_keys", "algorithm")).await;
}

/// A stored public key that is not Base64 is refused naming the key, never dropped unseen (the
/// v2 verifier would then refuse that key's signatures with no one told why).
async fn a_signing_key_not_in_base64_names_its_column_and_key(store: &Store) {
    let app = app_row(store, "EINVKIND000002").await;
    let sql =
        "INSERT INTO app_signing_keys (id, app_id, algorithm, public_key, label, created_at) \
               VALUES (41, 'EINVKIND000002', 'ed25519', 'not*base64!', 'k', 0)";
    let read = store.signing_keys(&app);
    let message = assert_reads_corrupt(store, sql, read, ("app_signing_keys", "public_key")).await;
    assert!(message.contains("key 41"), "{message}");
}

/// A charity's business ID is a `BusinessId`: eight digits that pass the checksum.
async fn a_charity_ban_failing_the_checksum_names_its_column(store: &Store) {
    let sql =
        "INSERT INTO charities (love_code, ban, name, abbrev) VALUES ('919', '11111111', 'n', 'n')";
    let read = store.find_charity("919");
    assert_reads_corrupt(store, sql, read, ("charities", "ban")).await;
}

//! The store speaks the core's types at its boundary: a stored value that does not parse as
//! its domain type is a `StoreError::Corrupt` naming the table and column, never a panic, and
//! never with the value itself in the message (it may be personal data).

use chrono::Utc;
use einv_store::{Store, StoreError};

einv_store::both_backends!(
    a_user_row_that_does_not_parse_names_its_column,
    a_carrier_link_row_that_does_not_parse_names_its_column,
    a_charity_row_that_does_not_parse_names_its_column,
    an_app_row_with_an_unknown_service_names_its_column,
    a_refusal_count_under_text_that_is_no_app_id_names_its_column,
    a_licence_whose_app_id_does_not_parse_names_its_column,
);

/// Writes `sql`, then asserts that `read` is a [`StoreError::Corrupt`] naming `table`.`column`,
/// without the stored value `secret` in it.
async fn assert_reads_corrupt<T: std::fmt::Debug>(
    store: &Store,
    sql: &str,
    read: impl std::future::Future<Output = Result<T, StoreError>>,
    (table, column): (&str, &str),
    secret: &str,
) {
    let message = crate::fixtures::assert_reads_corrupt(store, sql, read, (table, column)).await;
    assert!(!message.contains(secret), "the value stays out: {message}");
}

async fn a_user_row_that_does_not_parse_names_its_column(store: &Store) {
    let sql = "INSERT INTO users (id, mobile_barcode, verification_hash, registered_at) \
               VALUES (7, 'NOT-A-BARCODE', 'h', 0)";
    let read = store.find_user(einv_core::UserId::new(7));
    let column = ("users", "mobile_barcode");
    assert_reads_corrupt(store, sql, read, column, "NOT-A-BARCODE").await;
}

async fn a_carrier_link_row_that_does_not_parse_names_its_column(store: &Store) {
    let user = store
        .create_user(&"/ABC1234".parse().unwrap(), "h", Utc::now())
        .await
        .unwrap();
    let sql = format!(
        "INSERT INTO carrier_links (user_id, carrier_type, carrier_id1, carrier_id2, \
         carrier_name, linked_at, proof) VALUES ({}, 'easycard', 'X1', 'X2', 'n', 0, \
         'hidden-code')",
        user.id
    );
    let read = store.user_carriers(user.id);
    let column = ("carrier_links", "carrier_type");
    assert_reads_corrupt(store, &sql, read, column, "easycard").await;
}

async fn a_charity_row_that_does_not_parse_names_its_column(store: &Store) {
    let sql = "INSERT INTO charities (love_code, ban, name, abbrev) \
               VALUES ('ABC', '10458575', 'n', 'n')";
    let read = store.find_charity("ABC");
    assert_reads_corrupt(store, sql, read, ("charities", "love_code"), "ABC").await;
}

/// R4.5: an app's licensed services are the catalogue's; a name outside it is corrupt.
async fn an_app_row_with_an_unknown_service_names_its_column(store: &Store) {
    let sql = "INSERT INTO apps (app_id, name, sealed_key, status, services, created_at) \
               VALUES ('EINVBAD0000001', 'n', 'k', 'active', 'winning-numbers,everything', 0)";
    let app = crate::app("EINVBAD0000001");
    let read = store.find_app(&app);
    assert_reads_corrupt(store, sql, read, ("apps", "services"), "everything").await;
}

/// R4.6: refusals are counted per AppID; a count kept under text that is not an AppID is
/// corrupt, not an app the reviewer's page would name.
async fn a_refusal_count_under_text_that_is_no_app_id_names_its_column(store: &Store) {
    let sql = "INSERT INTO flow_throttled (app_id, hour, calls) VALUES ('not an app/id', 0, 1)";
    let read = store.throttled_since(chrono::DateTime::from_timestamp(0, 0).unwrap(), None);
    let column = ("flow_throttled", "app_id");
    assert_reads_corrupt(store, sql, read, column, "not an app/id").await;
}

/// R4.1: an AppID is what the Platform issued; a licence row whose AppID was edited into text
/// that is not one is corrupt, not handed on as an AppID.
async fn a_licence_whose_app_id_does_not_parse_names_its_column(store: &Store) {
    let lic = crate::licensing_store::filed_licence(store, "c@example.com").await;
    let sql = format!(
        "UPDATE licences SET app_id = 'EINV 1/2' WHERE id = {}",
        lic.id
    );
    let read = store.find_licence(lic.id);
    assert_reads_corrupt(store, &sql, read, ("licences", "app_id"), "EINV 1/2").await;
}

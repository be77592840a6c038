//! The licensing tables on both backends.

use chrono::{Duration, TimeZone, Utc};
use einv_core::licence::{apply, LicenceEvent, LicenceState};
use einv_core::notice::NotificationKind;
use einv_store::*;

einv_store::both_backends!(
    accounts_applications_documents,
    licence_transitions_and_history,
    credentials_terms_notifications,
    r10_4_the_database_refuses_to_rewrite_history
);

pub(crate) fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 0, 0, 0).unwrap()
}

pub(crate) fn developer(email: &str) -> NewDeveloper {
    NewDeveloper {
        email: email.into(),
        password_hash: "h".into(),
        name: "示範公司".into(),
        entity_type: EntityType::Business,
        business_id: Some("04595257".into()),
        security_level: None,
    }
}

pub(crate) fn form(developer_id: einv_core::DeveloperId) -> ApplicationForm {
    ApplicationForm {
        developer_id,
        contact_name: "王小明".into(),
        contact_email: "dev@example.com".into(),
        contact_phone: "02-1234-5678".into(),
        product_name: "記帳 App".into(),
        product_version: "1.0".into(),
        purpose: "personal bookkeeping".into(),
        services: vec!["carrier-invoices".into(), "donation".into()],
        isms: IsmsRecord {
            number: Some("ISMS-001".into()),
            issuer: Some("BSI".into()),
            scope: Some("the app".into()),
            expiry: chrono::NaiveDate::from_ymd_opt(2027, 12, 31),
            exempt: false,
        },
        terms_version: "2023-03-30".into(),
    }
}

/// A licence just filed by a new Developer signed up as `email`, with its first history entry.
pub(crate) async fn filed_licence(store: &Store, email: &str) -> LicenceRecord {
    let d = store
        .create_developer(&developer(email), now())
        .await
        .unwrap();
    let app = store.create_application(&form(d.id), now()).await.unwrap();
    store
        .create_licence(app.id, d.id, &LicenceState::filed(now()), &event("apply"))
        .await
        .unwrap()
}

pub(crate) fn event(name: &str) -> NewLicenceEvent {
    NewLicenceEvent {
        event: name.parse().unwrap(),
        actor: "test".into(),
        at: now(),
        reason: "because".into(),
        rule: "R4.1".into(),
    }
}

async fn accounts_applications_documents(store: &Store) {
    let d = store
        .create_developer(&developer("a@example.com"), now())
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_developer(&developer("a@example.com"), now())
            .await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert_eq!(
        store
            .find_developer_by_email("a@example.com")
            .await
            .unwrap()
            .unwrap()
            .id,
        d.id
    );
    assert_eq!(
        store
            .find_developers_by_business_id("04595257")
            .await
            .unwrap()
            .len(),
        1
    );
    store
        .create_reviewer("r@example.com", "h", "R", now())
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_reviewer("r@example.com", "h", "R", now())
            .await,
        Err(StoreError::AlreadyExists(_))
    ));
    let app = store.create_application(&form(d.id), now()).await.unwrap();
    assert_eq!(
        store.find_application(app.id).await.unwrap().unwrap().form,
        form(d.id)
    );
    application_edits_keep_the_developer_and_terms(store, app.id).await;
    let doc = store
        .add_document(
            app.id,
            "cert.pdf",
            "application/pdf",
            b"%PDF-1.4",
            "abc",
            now(),
        )
        .await
        .unwrap();
    let docs = store.list_documents(app.id).await.unwrap();
    assert_eq!((docs[0].size, docs[0].sha256.as_str()), (8, "abc"));
    let (record, bytes) = store.document_bytes(doc).await.unwrap().unwrap();
    assert_eq!(
        (record, bytes.as_slice()),
        (docs[0].clone(), &b"%PDF-1.4"[..])
    );
}

/// R4.2 corrections: every editable field of a filed application is replaced; the Developer
/// and the accepted terms version stay as filed.
async fn application_edits_keep_the_developer_and_terms(
    store: &Store,
    id: einv_core::ApplicationId,
) {
    let filed = store.find_application(id).await.unwrap().unwrap().form;
    let mut edited = form(einv_core::DeveloperId::new(filed.developer_id.get() + 1));
    edited.contact_name = "陳大文".into();
    edited.contact_email = "new@example.com".into();
    edited.contact_phone = "02-8765-4321".into();
    edited.product_name = "新記帳 App".into();
    edited.product_version = "2.0".into();
    edited.purpose = "household bookkeeping".into();
    edited.services = vec!["donation".into()];
    edited.isms = IsmsRecord {
        number: None,
        issuer: None,
        scope: None,
        expiry: None,
        exempt: true,
    };
    edited.terms_version = "2099-01-01".into();
    store.update_application(id, &edited).await.unwrap();
    let stored = store.find_application(id).await.unwrap().unwrap().form;
    let want = ApplicationForm {
        developer_id: filed.developer_id,
        terms_version: filed.terms_version,
        ..edited
    };
    assert_eq!(stored, want);
}

async fn licence_transitions_and_history(store: &Store) {
    let lic = filed_licence(store, "b@example.com").await;
    let filed = LicenceState::filed(now());
    assert_eq!(
        store
            .licences_in_states(&["applied".parse().unwrap()])
            .await
            .unwrap()
            .len(),
        1
    );
    // No states is an empty queue, not a statement the database refuses.
    assert!(store.licences_in_states(&[]).await.unwrap().is_empty());
    let active = apply(&filed, LicenceEvent::Approve, now()).unwrap();
    store
        .transition_licence(
            lic.id,
            &filed,
            &active,
            Some(&crate::app("EINVAPP1")),
            &event("approve"),
        )
        .await
        .unwrap();
    // A second transition from the old state lost the race.
    let stale = store
        .transition_licence(
            lic.id,
            &filed,
            &LicenceState::Rejected,
            None,
            &event("reject"),
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Stale(_))));
    let found = store
        .find_licence_by_app(&crate::app("EINVAPP1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.state, active);
    let history = store.licence_events(lic.id).await.unwrap();
    assert_eq!(
        history.iter().map(|e| e.event.as_str()).collect::<Vec<_>>(),
        ["apply", "approve"]
    );
    assert_eq!(history[1].state_after.as_str(), "active");
    assert_eq!(
        store
            .licences_of_developer(lic.developer_id)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn credentials_terms_notifications(store: &Store) {
    let old = store
        .add_credential(&crate::app("EINVAPP2"), now(), |_| {
            Ok::<_, StoreError>("sealed-old".into())
        })
        .await
        .unwrap();
    let new = store
        .add_credential(&crate::app("EINVAPP2"), now(), |id| {
            Ok::<_, StoreError>(format!("sealed-{id}"))
        })
        .await
        .unwrap();
    store
        .expire_other_credentials(&crate::app("EINVAPP2"), new, now() + Duration::days(7))
        .await
        .unwrap();
    let keys = store.credentials_of(&crate::app("EINVAPP2")).await.unwrap();
    assert_eq!(keys[0].id, new);
    assert!(
        keys[1].id == old
            && keys[1].is_valid(now() + Duration::days(6))
            && !keys[1].is_valid(now() + Duration::days(7))
    );
    store
        .revoke_credentials(&crate::app("EINVAPP2"), now())
        .await
        .unwrap();
    assert!(store
        .credentials_of(&crate::app("EINVAPP2"))
        .await
        .unwrap()
        .iter()
        .all(|k| !k.is_valid(now())));

    let d = store
        .create_developer(&developer("c@example.com"), now())
        .await
        .unwrap();
    let t = TermsVersion {
        version: "v2".into(),
        summary: "s".into(),
        published_at: now(),
        deadline: now() + Duration::days(30),
    };
    store.publish_terms(&t, "full text v2").await.unwrap();
    assert_eq!(
        store.terms_text("v2").await.unwrap().as_deref(),
        Some("full text v2")
    );
    let base = store.terms_text("2023-03-30").await.unwrap().unwrap();
    assert!(
        base.contains("九、責任限制與排除"),
        "R9 is part of the stored text"
    );
    assert!(matches!(
        store.publish_terms(&t, "again").await,
        Err(StoreError::AlreadyExists(_))
    ));
    // The migration publishes the base version (2023-03-30), long past its deadline.
    let overdue = |days| async move {
        let list = store
            .overdue_terms(d.id, now() + Duration::days(days))
            .await
            .unwrap();
        list.into_iter().map(|t| t.version).collect::<Vec<_>>()
    };
    assert_eq!(overdue(29).await, ["2023-03-30"]);
    assert_eq!(overdue(30).await, ["2023-03-30", "v2"]);
    store.accept_terms(d.id, "v2", now()).await.unwrap();
    store.accept_terms(d.id, "v2", now()).await.unwrap();
    assert_eq!(overdue(30).await, ["2023-03-30"]);

    let n = store
        .notify(
            Recipient::Developer(d.id),
            None,
            NotificationKind::Terms,
            "t",
            "b",
            now(),
        )
        .await
        .unwrap();
    assert!(
        !store
            .mark_notification_read(
                Recipient::Developer(einv_core::DeveloperId::new(d.id.get() + 1)),
                n,
                now()
            )
            .await
            .unwrap(),
        "not another's"
    );
    assert!(store
        .mark_notification_read(Recipient::Developer(d.id), n, now())
        .await
        .unwrap());
    assert_eq!(
        store
            .notifications_of(Recipient::Developer(d.id))
            .await
            .unwrap()[0]
            .read_at,
        Some(now())
    );
    assert!(store
        // A User whose row number is the Developer's sees none of the Developer's.
        .notifications_of(Recipient::User(einv_core::UserId::new(d.id.get())))
        .await
        .unwrap()
        .is_empty());
}

/// R10.4: history is never rewritten, and not only because the store never tries: the
/// database itself refuses an UPDATE or DELETE of a licence event, of a terms acceptance
/// (R4.3) and of a destruction confirmation (R11), and a change of a published terms text.
async fn r10_4_the_database_refuses_to_rewrite_history(store: &Store) {
    use einv_store::testing::execute_raw;
    let licence = filed_licence(store, "h@example.com").await;
    let developer = licence.developer_id;
    store
        .accept_terms(developer, "2023-03-30", now())
        .await
        .unwrap();
    store
        .confirm_destruction(licence.id, "all deleted", now())
        .await
        .unwrap();
    for sql in [
        "UPDATE licence_events SET reason = 'rewritten'".to_owned(),
        "DELETE FROM licence_events".to_owned(),
        "UPDATE terms_acceptances SET accepted_at = 0".to_owned(),
        "DELETE FROM terms_acceptances".to_owned(),
        "UPDATE destruction_confirmations SET statement = 'nothing'".to_owned(),
        "DELETE FROM destruction_confirmations".to_owned(),
        "UPDATE terms_versions SET full_text = 'other' WHERE version = '2023-03-30'".to_owned(),
    ] {
        let refused = execute_raw(store, &sql).await;
        assert!(refused.is_err(), "the database accepted {sql:?}");
    }
    assert_eq!(store.licence_events(licence.id).await.unwrap().len(), 1);
    assert_eq!(
        store.licence_events(licence.id).await.unwrap()[0].reason,
        "because"
    );
    assert!(store.destruction_of(licence.id).await.unwrap().is_some());
    // Appending stays allowed.
    store
        .transition_licence(
            licence.id,
            &LicenceState::filed(now()),
            &LicenceState::Withdrawn,
            None,
            &event("withdraw"),
        )
        .await
        .unwrap();
    assert_eq!(store.licence_events(licence.id).await.unwrap().len(), 2);
}

//! Consent storage on both backends: grants, revocation, voiding (R10.2), single-use codes and
//! refresh tokens, deletion requests (R5.2, R6.1), notices.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use einv_core::consent::{ConsentFields, ConsentGrant, ConsentRequest};
use einv_core::notice::NotificationKind;
use einv_store::*;

einv_store::both_backends!(
    grants_revoke_and_void,
    codes_and_refresh_tokens_are_single_use,
    requests_and_notices,
    one_open_request_per_user_app_and_kind
);

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap()
}

fn request() -> ConsentRequest {
    ConsentRequest::parse(&ConsentFields {
        services: "carrier-invoices".into(),
        purpose_category: "personal-finance".into(),
        purpose: "記帳".into(),
        period: "六個月".into(),
        region: "臺灣".into(),
        recipients: "開發者".into(),
        manner: "App 內顯示".into(),
        laws: Some("個人資料保護法".into()),
        refusal_effect: Some("無記帳功能".into()),
    })
    .unwrap()
}

async fn setup(store: &Store) -> (einv_core::UserId, einv_core::UserId) {
    for id in ["APP1", "APP2"] {
        let app = AppRecord {
            app_id: crate::app(id),
            name: id.into(),
            sealed_key: "x".into(),
            status: AppStatus::Active,
            services: vec![einv_core::Service::CarrierInvoices],
            created_at: now(),
        };
        store.create_app(&app).await.unwrap();
    }
    let a = store
        .create_user(&"/AAAAAAA".parse().unwrap(), "h", now())
        .await
        .unwrap()
        .id;
    let b = store
        .create_user(&"/BBBBBBB".parse().unwrap(), "h", now())
        .await
        .unwrap()
        .id;
    (a, b)
}

/// `user` grants `app` the fixture request at `now()`, renewing `renews`.
async fn give(
    store: &Store,
    user: einv_core::UserId,
    app: &str,
    renews: Option<einv_core::GrantId>,
) -> ConsentGrantRecord {
    let grant = ConsentGrant::give(request(), now());
    store
        .insert_consent_grant(user, &crate::app(app), &grant, renews)
        .await
        .unwrap()
}

async fn grants_revoke_and_void(store: &Store) {
    let (a, b) = setup(store).await;
    let g = give(store, a, "APP1", None).await;
    assert_eq!(g.grant.request, request(), "the request survives storage");
    assert_eq!(
        g.grant.lapses_at(),
        Utc.with_ymd_and_hms(2027, 5, 27, 2, 0, 0).unwrap()
    );
    let renewed = give(store, a, "APP1", Some(g.id)).await;
    assert_eq!(renewed.renews, Some(g.id));
    give(store, b, "APP1", None).await;
    give(store, a, "APP2", None).await;
    assert!(
        !store.revoke_consent_grant(g.id, b, now()).await.unwrap(),
        "not b's grant"
    );
    assert!(store.revoke_consent_grant(g.id, a, now()).await.unwrap());
    assert!(
        !store.revoke_consent_grant(g.id, a, now()).await.unwrap(),
        "once"
    );
    let later = now() + Duration::days(1);
    let voided = store
        .void_consents_of_app(&crate::app("APP1"), later, "R10.2 resumption")
        .await
        .unwrap();
    assert_eq!(voided, vec![a, b]);
    let of_a = store
        .consent_grants_to_app(a, &crate::app("APP1"))
        .await
        .unwrap();
    assert!(of_a.iter().all(|g| g.grant.voided_at == Some(later)
        && g.void_reason.as_deref() == Some("R10.2 resumption")));
    assert!(store
        .consent_grants_to_app(a, &crate::app("APP2"))
        .await
        .unwrap()[0]
        .grant
        .voided_at
        .is_none());
    assert_eq!(
        store.revoke_all_consents_of_user(a, later).await.unwrap(),
        vec![crate::app("APP1"), crate::app("APP2")]
    );
    assert!(store
        .consent_grants_of_user(a)
        .await
        .unwrap()
        .iter()
        .all(|g| g.grant.revoked_at.is_some()));
}

async fn codes_and_refresh_tokens_are_single_use(store: &Store) {
    let (a, _) = setup(store).await;
    let g = give(store, a, "APP1", None).await;
    store
        .register_redirect_uri(&crate::app("APP1"), "https://app.example/cb")
        .await
        .unwrap();
    store
        .register_redirect_uri(&crate::app("APP1"), "https://app.example/cb")
        .await
        .unwrap();
    assert_eq!(
        store.redirect_uris(&crate::app("APP1")).await.unwrap(),
        vec!["https://app.example/cb"]
    );
    let code = OAuthCodeRecord {
        code_hash: "c1".into(),
        app_id: crate::app("APP1"),
        user_id: a,
        grant_id: g.id,
        redirect_uri: "https://app.example/cb".into(),
        code_challenge: "ch".into(),
        scope: "carrier-invoices".into(),
        expires_at: now() + Duration::seconds(60),
    };
    store.insert_oauth_code(&code).await.unwrap();
    assert!(
        store
            .take_oauth_code("c1", now() + Duration::seconds(60))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    assert_eq!(
        store.take_oauth_code("c1", now()).await.unwrap(),
        Some(code)
    );
    assert!(
        store.take_oauth_code("c1", now()).await.unwrap().is_none(),
        "single use"
    );
    for (hash, kind) in [("t1", TokenKind::Access), ("r1", TokenKind::Refresh)] {
        let t = ConsentTokenRecord {
            token_hash: hash.into(),
            kind,
            grant_id: g.id,
            app_id: crate::app("APP1"),
            user_id: a,
            expires_at: now() + Duration::seconds(600),
        };
        store.insert_consent_token(&t).await.unwrap();
    }
    // Each take in order: access tokens are reusable, kinds do not mix, refresh tokens rotate.
    for (hash, kind, found, why) in [
        ("t1", TokenKind::Access, true, "fresh"),
        ("t1", TokenKind::Access, true, "access tokens are reusable"),
        ("t1", TokenKind::Refresh, false, "kinds do not mix"),
        ("r1", TokenKind::Refresh, true, "fresh"),
        ("r1", TokenKind::Refresh, false, "rotated"),
    ] {
        let taken = store.take_consent_token(hash, kind, now()).await.unwrap();
        assert_eq!(taken.is_some(), found, "{hash} as {kind:?}: {why}");
    }
}

async fn requests_and_notices(store: &Store) {
    let (a, b) = setup(store).await;
    let due = NaiveDate::from_ymd_opt(2026, 12, 27).unwrap();
    let r = store
        .create_deletion_request(a, &crate::app("APP1"), RequestKind::Delete, now(), due)
        .await
        .unwrap();
    assert_eq!(r.due_date, due);
    store
        .create_deletion_request(b, &crate::app("APP2"), RequestKind::StopUse, now(), due)
        .await
        .unwrap();
    assert_eq!(
        store
            .deletion_requests_of_app(&crate::app("APP1"), false)
            .await
            .unwrap(),
        vec![r.clone()]
    );
    assert!(
        store
            .progress_deletion_request(r.id, &crate::app("APP2"), false, now())
            .await
            .unwrap()
            .is_none(),
        "not APP2's"
    );
    let acked = store
        .progress_deletion_request(r.id, &crate::app("APP1"), false, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(acked.acknowledged_at, Some(now()));
    let later = now() + Duration::days(2);
    let done = store
        .progress_deletion_request(r.id, &crate::app("APP1"), true, later)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (done.acknowledged_at, done.completed_at),
        (Some(now()), Some(later))
    );
    assert!(store
        .deletion_requests_of_app(&crate::app("APP1"), false)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .deletion_requests_of_app(&crate::app("APP1"), true)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store.deletion_requests_of_user(a).await.unwrap(),
        vec![done]
    );
    store
        .notify(
            Recipient::User(a),
            None,
            NotificationKind::ConsentVoided,
            "",
            "voided",
            now(),
        )
        .await
        .unwrap();
    store
        .mark_all_notifications_read(Recipient::User(a), later)
        .await
        .unwrap();
    let notes = store.notifications_of(Recipient::User(a)).await.unwrap();
    assert_eq!((notes.len(), notes[0].read_at), (1, Some(later)));
    assert!(store
        .notifications_of(Recipient::User(b))
        .await
        .unwrap()
        .is_empty());
    assert!(store.deregister_user(a, now()).await.unwrap());
    assert!(!store.deregister_user(a, now()).await.unwrap());
    store
        .record_bank_account(a, "004", "123456789012", now())
        .await
        .unwrap();
    store
        .record_bank_account(a, "812", "999", now())
        .await
        .unwrap();
}

/// R5.2, no duplicate requests: two of the same kind filed at the same instant cannot both be
/// stored (the second is "already exists"); another kind, another app, or the same one after
/// the first was completed can.
async fn one_open_request_per_user_app_and_kind(store: &Store) {
    let (a, _) = setup(store).await;
    let due = NaiveDate::from_ymd_opt(2026, 12, 27).unwrap();
    let (app1, app2) = (crate::app("APP1"), crate::app("APP2"));
    let file = |app: &'static str, kind| {
        let app_id = if app == "APP1" { &app1 } else { &app2 };
        store.create_deletion_request(a, app_id, kind, now(), due)
    };
    let (first, second) = tokio::join!(
        file("APP1", RequestKind::Delete),
        file("APP1", RequestKind::Delete)
    );
    let (stored, refused) = match (first, second) {
        (Ok(r), Err(e)) | (Err(e), Ok(r)) => (r, e),
        other => panic!("exactly one of two twins is stored: {other:?}"),
    };
    assert!(
        matches!(refused, StoreError::AlreadyExists("deletion request")),
        "{refused:?}"
    );
    assert_eq!(
        store
            .open_deletion_request(a, &crate::app("APP1"), RequestKind::Delete)
            .await
            .unwrap(),
        Some(stored.clone())
    );
    file("APP1", RequestKind::StopUse).await.unwrap();
    file("APP2", RequestKind::Delete).await.unwrap();
    store
        .progress_deletion_request(stored.id, &crate::app("APP1"), true, now())
        .await
        .unwrap();
    let again = file("APP1", RequestKind::Delete).await.unwrap();
    assert_ne!(
        again.id, stored.id,
        "a completed request does not block a new one"
    );
}

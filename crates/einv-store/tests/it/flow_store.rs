//! Flow-control limits as data (R4.6) on both backends: each change is kept with its new ID, in
//! the order made, and moves the `flow` cache version every node watches.

use einv_core::LicenceId;
use einv_store::*;

use crate::fixtures::now;

einv_store::both_backends!(limit_changes_are_kept_in_order_and_move_the_version);

/// R4.6: a reviewer's limit change, or the lifting of one, for `service` (all calls if none).
fn change(limit: Option<(i64, i64, i64)>, service: Option<&str>) -> FlowLimitChangeRecord {
    FlowLimitChangeRecord {
        id: 0,
        app_id: crate::app("EINV0000001"),
        service: service.map(Into::into),
        licence_id: LicenceId::new(1),
        limit,
        effective_at: now(),
        actor: "reviewer:7".into(),
        reason: "load test".into(),
        created_at: now(),
    }
}

async fn limit_changes_are_kept_in_order_and_move_the_version(store: &Store) {
    let before = store.flow_limits_version().await.unwrap();
    let set = change(Some((10, 60, 5)), Some("carrier-invoices"));
    let lifted = change(None, None);
    let first = store.add_flow_limit_change(&set).await.unwrap();
    let second = store.add_flow_limit_change(&lifted).await.unwrap();
    assert!(second > first, "IDs in the order the changes were made");
    assert!(store.flow_limits_version().await.unwrap() > before);
    let kept = store.flow_limit_changes().await.unwrap();
    let want = [
        FlowLimitChangeRecord { id: first, ..set },
        FlowLimitChangeRecord {
            id: second,
            ..lifted
        },
    ];
    assert_eq!(kept, want);
}

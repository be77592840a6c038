//! The reads of a signed v1 call answered once (http/v1/once.rs): their audit entries are held
//! while the call runs and committed with its kept answer, in one transaction of the audit
//! writer's batch, instead of one commit for the entry and another for the answer. Durable
//! first still holds: the wrapper answers only once that transaction is committed.
//!
//! Holding starts only when the gate has claimed the call ([`hold_reads`]); a call that did
//! not (unsigned, or stopped before its claim) records its reads as every other one does.

use std::cell::RefCell;
use std::future::Future;

use einv_core::audit::EntryContent;

tokio::task_local! {
    /// `Some` once the running call's reads are held.
    static HELD: RefCell<Option<Vec<EntryContent>>>;
}

/// Runs `call`, returning its output and the entries of the reads it held (none unless
/// [`hold_reads`] was called inside it).
pub async fn holding_reads<F: Future>(call: F) -> (F::Output, Vec<EntryContent>) {
    HELD.scope(RefCell::new(None), async {
        let output = call.await;
        let held = HELD
            .try_with(|held| held.borrow_mut().take())
            .ok()
            .flatten();
        (output, held.unwrap_or_default())
    })
    .await
}

/// From now on, the running call's reads are held for its answer. False (and nothing held)
/// outside [`holding_reads`].
pub fn hold_reads() -> bool {
    HELD.try_with(|held| {
        held.borrow_mut().get_or_insert_with(Vec::new);
    })
    .is_ok()
}

/// Holds `entry` when the running call holds its reads (`None`); else gives it back.
pub(super) fn hold(entry: EntryContent) -> Option<EntryContent> {
    let mut entry = Some(entry);
    // Outside `holding_reads` there is nothing to hold in: the entry comes back.
    let _ = HELD.try_with(|held| {
        if let Some(entries) = held.borrow_mut().as_mut() {
            entries.extend(entry.take());
        }
    });
    entry
}

//! AppIDs a call may be counted against in the same step as its IP, before the authority is
//! asked (one Redis round trip instead of two, `count.rs`).
//!
//! An AppID gets here only after the authority found it live on this node, and only when its
//! licence lets it call unsigned: such an AppID can be named by anyone anyway (its unsigned
//! calls are counted once it is found live), so counting a call against it before asking
//! changes nothing but the order. A made-up AppID never gets here, so it never becomes a key;
//! an app that signs every call stays out, so a stranger who names it spends only its own
//! IP's allowance. Every admission updates the entry, so "sign every call" switched on
//! reaches this list with the next call of that AppID on this node (that call may still be
//! counted against the app). An app suspended or revoked later stays listed: it was issued,
//! and counting calls that name it harms no one.

use std::collections::HashSet;
use std::sync::RwLock;

/// Past this many AppIDs the list starts afresh (a country has far fewer licensed apps).
const MAX_APPS: usize = 100_000;

/// The AppIDs counted in the first step on this node.
#[derive(Debug, Default)]
pub struct EarlyApps {
    apps: RwLock<HashSet<String>>,
}

impl EarlyApps {
    /// Whether a call naming `app_id` is counted against it in the first step.
    pub fn contains(&self, app_id: &str) -> bool {
        !app_id.is_empty() && self.apps.read().is_ok_and(|apps| apps.contains(app_id))
    }

    /// Records what an admission found: `app_id` is live, and may (`early`) or may not be
    /// counted before the authority is asked. Writes only on a change.
    pub fn note(&self, app_id: &str, early: bool) {
        if self.contains(app_id) == early {
            return;
        }
        let Ok(mut apps) = self.apps.write() else {
            return;
        };
        if early {
            if apps.len() >= MAX_APPS {
                apps.clear();
            }
            apps.insert(app_id.to_owned());
        } else {
            apps.remove(app_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_apps_noted_early_are_counted_early() {
        let early = EarlyApps::default();
        assert!(!early.contains("APP1"), "nothing known at first");
        early.note("APP1", true);
        assert!(early.contains("APP1"));
        early.note("APP1", false);
        assert!(!early.contains("APP1"), "signs every call now");
        assert!(!early.contains(""));
    }
}

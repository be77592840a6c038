//! Readiness: can this process serve requests right now (database up, audit writer alive)?

use serde::Serialize;

use super::audit::writer::WriterHealth;
use super::Platform;

/// What `/readyz` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    /// All checks passed.
    pub ready: bool,
    /// The database answered a trivial query; the error text otherwise.
    pub database: Check,
    /// The audit writer (R6.4): a dead writer means audited calls would fail.
    pub audit: WriterHealth,
    /// Flow control (R4.6): degraded (counting alone without Redis) is still ready.
    pub flow: super::flow::FlowHealth,
}

/// One dependency's state.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// It answered.
    pub ok: bool,
    /// Why not, when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Platform {
    /// Checks the Platform's dependencies for a readiness probe.
    pub async fn readiness(&self) -> Readiness {
        let database = match self.store.ping().await {
            Ok(()) => Check {
                ok: true,
                error: None,
            },
            Err(e) => Check {
                ok: false,
                error: Some(e.to_string()),
            },
        };
        let audit = self.trail.health();
        Readiness {
            ready: database.ok && audit.alive,
            database,
            audit,
            flow: self.flow.health(),
        }
    }
}

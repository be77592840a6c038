//! Status changes: a cancel (作廢, F0501/C0501) or void (註銷, F0701/C0701) message applied to a
//! stored invoice, idempotently.

use sqlx::Row;

use crate::invoices::feed::invoice_change;
use crate::records::period_key;
use crate::{ChangedInvoices, InvoiceStatus, StoreResult};
use einv_core::{BusinessId, InvoiceNumber, Period};

use super::Tx;

/// A change of an invoice's status, as a cancel (作廢, F0501/C0501) or void (註銷, F0701/C0701)
/// message asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The invoice number.
    pub number: InvoiceNumber,
    /// Its period.
    pub period: Period,
    /// The seller the message came from; when given, only that seller's invoice is changed.
    pub seller_ban: Option<BusinessId>,
    /// The new status.
    pub status: InvoiceStatus,
}

/// What happened to one [`StatusChange`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusOutcome {
    /// The status was changed.
    Changed,
    /// The invoice already had that status: nothing changed (idempotent re-import).
    Unchanged,
    /// No such invoice (of that seller) is stored.
    NotFound,
}

/// Applies `change` inside the batch's transaction; a change also returns the feed's key of
/// the invoice it changed (invoices/feed.rs).
pub(super) async fn change(
    tx: &mut Tx,
    change: &StatusChange,
) -> StoreResult<(StatusOutcome, Option<ChangedInvoices>)> {
    let seller = if change.seller_ban.is_some() {
        " AND seller_ban = $4"
    } else {
        ""
    };
    let update = format!(
        "UPDATE invoices SET status = $1 WHERE inv_num = $2 AND period = $3 AND status <> $1{seller} \
         RETURNING carrier_type, carrier_id1"
    );
    let mut query = sqlx::query(&update)
        .bind(change.status.as_str())
        .bind(change.number.as_str())
        .bind(period_key(change.period));
    if let Some(ban) = &change.seller_ban {
        query = query.bind(ban.as_str());
    }
    if let Some(row) = query.fetch_all(&mut *tx).await?.first() {
        let touched = invoice_change(
            row.try_get("carrier_type")?,
            row.try_get("carrier_id1")?,
            change.period,
            change.number,
        );
        return Ok((StatusOutcome::Changed, Some(touched)));
    }
    let seller = if change.seller_ban.is_some() {
        " AND seller_ban = $3"
    } else {
        ""
    };
    let select =
        format!("SELECT COUNT(*) FROM invoices WHERE inv_num = $1 AND period = $2{seller}");
    let mut query = sqlx::query_scalar(&select)
        .bind(change.number.as_str())
        .bind(period_key(change.period));
    if let Some(ban) = &change.seller_ban {
        query = query.bind(ban.as_str());
    }
    let count: i64 = query.fetch_one(&mut *tx).await?;
    let outcome = if count > 0 {
        StatusOutcome::Unchanged
    } else {
        StatusOutcome::NotFound
    };
    Ok((outcome, None))
}

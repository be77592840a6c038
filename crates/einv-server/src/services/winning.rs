//! Winning numbers.

use einv_core::prize::WinningNumbers;
use einv_core::Period;
use einv_store::MarkOutcome;

use std::sync::Arc;

use super::hot::DrawSnapshot;
use super::Platform;
use crate::error::{Missing, ServiceError, ServiceResult};

impl Platform {
    /// The published draw of `period`, if any.
    pub async fn draw(&self, period: Period) -> ServiceResult<Option<WinningNumbers>> {
        Ok(self.draw_snapshot(period).await?.draw.clone())
    }

    /// The draw of `period` and its winner marking, through the cache (services/hot.rs):
    /// published draws change only when re-published.
    pub(crate) async fn draw_snapshot(&self, period: Period) -> ServiceResult<Arc<DrawSnapshot>> {
        self.hot
            .at(&self.store, self.clock.now())
            .await?
            .draw(period)
            .await
    }

    /// The draw of `period`; code 901 when none is published.
    pub async fn winning_numbers(&self, period: Period) -> ServiceResult<WinningNumbers> {
        self.draw(period)
            .await?
            .ok_or(ServiceError::NotFound(Missing::Draw(period)))
    }

    /// Publishes a draw (replacing any earlier one of its period) and marks the period's
    /// winning invoices in one pass, so `onlyWinningInv=Y` lists read only those. The one way a
    /// draw is published, whatever the surface (`einv import winning`, the demo, tests).
    pub async fn publish_draw(&self, draw: &WinningNumbers) -> ServiceResult<MarkOutcome> {
        let json = draw.to_qry_winning_list_json().to_string();
        let now = self.clock.now();
        self.store
            .put_winning_numbers(draw.period(), &json, now)
            .await?;
        Ok(self.store.mark_winners(draw, now).await?)
    }
}

//! Winning numbers.

use einv_core::prize::WinningNumbers;
use einv_core::Period;

use super::Platform;
use crate::error::{Missing, ServiceError, ServiceResult};

impl Platform {
    /// The published draw of `period`, if any.
    pub async fn draw(&self, period: Period) -> ServiceResult<Option<WinningNumbers>> {
        let Some(json) = self.store.winning_numbers(period).await? else {
            return Ok(None);
        };
        WinningNumbers::from_qry_winning_list_json(&json)
            .map(Some)
            .map_err(|e| {
                ServiceError::Internal(crate::error::InternalError::caused_by(
                    format!("stored draw of {period}"),
                    e,
                ))
            })
    }

    /// The draw of `period`; code 901 when none is published.
    pub async fn winning_numbers(&self, period: Period) -> ServiceResult<WinningNumbers> {
        self.draw(period)
            .await?
            .ok_or(ServiceError::NotFound(Missing::Draw(period)))
    }

    /// Publishes a draw (replacing any earlier one of its period).
    pub async fn publish_draw(&self, draw: &WinningNumbers) -> ServiceResult<()> {
        let json = draw.to_qry_winning_list_json().to_string();
        self.store
            .put_winning_numbers(draw.period(), &json, self.clock.now())
            .await?;
        Ok(())
    }
}

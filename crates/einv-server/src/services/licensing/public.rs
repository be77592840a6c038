//! What the Platform publishes per licence: the attribution and disclaimer texts a Product
//! shows (R5.8, R5.9).

use einv_core::AppId;
use serde::Serialize;

use crate::error::ServiceResult;
use crate::services::Platform;

/// The texts a licensed Product shows its Users (R5.8 scope, R5.9 disclaimer).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attribution {
    /// The AppID.
    pub app_id: AppId,
    /// The Product.
    pub product: String,
    /// The Developer.
    pub developer: String,
    /// The licence state.
    pub state: &'static str,
    /// The licensed services.
    pub services: Vec<String>,
    /// The term's last day, when it has one.
    pub term_last_day: Option<String>,
    /// R5.8: the Center's authorisation scope, in Traditional Chinese.
    pub attribution_zh: String,
    /// R5.8, in English.
    pub attribution_en: String,
    /// R5.9: the disclaimer, in Traditional Chinese.
    pub disclaimer_zh: String,
    /// R5.9, in English.
    pub disclaimer_en: String,
}

impl Platform {
    /// The attribution and disclaimer texts of an AppID's licence (R5.8, R5.9).
    pub async fn attribution(&self, app_id: &AppId) -> ServiceResult<Attribution> {
        let licence = self.licence_of_app(app_id).await?;
        let application = self.licence_application(&licence).await?;
        let developer = self.developer(licence.developer_id).await?;
        let zh: Vec<&str> = application
            .form
            .services
            .iter()
            .filter_map(|s| s.parse::<einv_core::Service>().ok())
            .map(|s| s.name_zh())
            .collect();
        let term = licence.state.coverage().and_then(|c| c.term());
        Ok(Attribution {
            app_id: app_id.clone(),
            product: application.form.product_name.clone(),
            developer: developer.account.name.clone(),
            state: licence.state.name(),
            services: application.form.services.clone(),
            term_last_day: term.map(|t| t.last_day().to_string()),
            attribution_zh: format!(
                "本產品經財政部財政資訊中心授權使用電子發票應用程式介面（AppID {app_id}），授權範圍：{}{}。",
                zh.join("、"),
                term.map(|t| format!("，授權期間至 {}", t.last_day())).unwrap_or_default()
            ),
            attribution_en: format!(
                "This product is licensed by the Fiscal Information Agency, Ministry of Finance, to use the e-invoice API (AppID {app_id}) for: {}{}.",
                application.form.services.join(", "),
                term.map(|t| format!("; licence term until {}", t.last_day())).unwrap_or_default()
            ),
            disclaimer_zh: "財政部財政資訊中心不保證本 API 之適用性、可靠性、即時性、有效性及完整性，亦不負任何責任。".to_owned(),
            disclaimer_en: "The Fiscal Information Agency does not warrant the suitability, reliability, timeliness, validity or completeness of the API and accepts no liability for them.".to_owned(),
        })
    }
}

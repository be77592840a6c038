//! A live Platform for the client's tests.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use einv_client::platform::{AuthorizationStart, PlatformClient};
use einv_client::{ApiKey, CarrierCredentials, ClientConfig, RetryPolicy, V1Client};
use einv_core::claim::HolidayCalendar;
use einv_core::clock::taipei_date;
use einv_core::consent::ConsentFields;
use einv_core::flow::FlowLimits;
use einv_core::{Clock, FixedClock, Period};
use einv_server::demo::{self, DemoCredentials};
use einv_server::services::{FlowControl, KeySealer};
use einv_server::testing;
use einv_server::Platform;
use einv_store::testing::TestDb;

pub struct Live {
    pub base: String,
    pub platform: Arc<Platform>,
    pub demo: DemoCredentials,
    /// The Platform's clock; it starts at the real time, as the HTTP `Date` header does.
    pub clock: FixedClock,
    pub db: TestDb,
}

impl Live {
    pub async fn start() -> Self {
        Self::start_with(None).await
    }

    pub async fn start_with(limits: Option<FlowLimits>) -> Self {
        let db = TestDb::sqlite().await.unwrap();
        let clock = FixedClock::new(Utc::now());
        let mut platform = Platform::new(
            db.store.clone(),
            Arc::new(clock.clone()),
            KeySealer::new(&[7; 32]),
            HolidayCalendar::builtin(),
        );
        if let Some(limits) = limits {
            platform = platform.with_flow_control(FlowControl::in_memory(limits));
        }
        let platform = Arc::new(platform);
        let demo = demo::seed(&platform).await.unwrap();
        let base = testing::serve_on_free_port(platform.clone()).await.unwrap();
        Self {
            base,
            platform,
            demo,
            clock,
            db,
        }
    }

    pub fn config(&self) -> ClientConfig {
        ClientConfig::new(
            &self.base,
            &self.demo.app_id,
            ApiKey::new(&self.demo.api_key),
        )
        .with_device_id("client-test")
        .with_retry(RetryPolicy::never())
    }

    pub fn client(&self) -> V1Client {
        V1Client::new(self.config()).unwrap()
    }

    pub fn carrier(&self) -> CarrierCredentials {
        CarrierCredentials::mobile_barcode(&self.demo.card_no, &self.demo.card_encrypt)
    }

    pub fn today(&self) -> NaiveDate {
        taipei_date(self.clock.now())
    }

    /// The latest period whose numbers are drawn.
    pub fn drawn_period(&self) -> Period {
        let mut p = Period::of_date(self.today());
        while p.draw_date() > self.today() {
            p = p.previous();
        }
        p
    }

    /// The first month of the open (undrawn) period, up to today: its invoices can be donated
    /// and the carrier list accepts it (one month, within six months back).
    pub fn open_month(&self) -> (NaiveDate, NaiveDate) {
        let first = Period::of_date(self.today()).first_day();
        let end_of_month = first.with_day(28).unwrap() + chrono::Duration::days(4);
        let last = end_of_month - chrono::Duration::days(i64::from(end_of_month.day()));
        (first, last.min(self.today()))
    }

    /// An app licensed through the regime (developer, application, reviewer's approval): its
    /// licence id and the client configuration with its own AppID and APIKey.
    pub async fn licensed_app(&self) -> (i64, i64, ClientConfig) {
        let email = "kit-dev@example.com";
        let reviewer = testing::Reviewer {
            email: "kit-reviewer@example.com",
            password: "reviewer password",
            name: "R",
        };
        let approved = testing::approved_licence(
            &self.platform,
            &testing::developer(email),
            &testing::application(email, &["winning-numbers"]),
            &[testing::isms_certificate()],
            reviewer,
        )
        .await
        .unwrap();
        let creds = approved.creds;
        let config = ClientConfig::new(&self.base, &creds.app_id, ApiKey::new(&creds.api_key))
            .with_retry(RetryPolicy::never());
        (approved.developer, approved.licence, config)
    }

    /// The demo User consents to `consent` for `platform`'s app on the consent page (played by
    /// the sandbox), which redirects to `redirect_uri`: the flow started, the code and the state.
    pub async fn user_consents(
        &self,
        platform: &PlatformClient,
        redirect_uri: &str,
        consent: &ConsentFields,
    ) -> (AuthorizationStart, String, String) {
        let start = platform.authorize(redirect_uri, consent);
        let (code, state) = einv_client::sandbox::approve_as_user(
            &self.base,
            &start.url,
            &self.demo.card_no,
            &self.demo.card_encrypt,
        )
        .await
        .unwrap();
        (start, code, state)
    }

    pub async fn stop(self) {
        self.db.drop_db().await;
    }
}

use chrono::Datelike;

//! The v1 API and the blank pages in the matrix: each v1 action and each blank page's entry,
//! refused to an unknown AppID, a wrong key (signed actions), another User's carrier, a
//! suspended app and the dead licensed apps, and answered to the live apps.

use super::app_routes::{code, Probe};
use super::{World, NOBODY, WRONG_KEY};
use crate::common::*;
use crate::v1_requests as req;

impl World<'_> {
    /// A v1 action: refused for an unknown AppID, a wrong key (signed actions), another User's
    /// carrier, a suspended app and the dead licensed apps; answered 200 for the live apps.
    pub(super) async fn v1(&self, path: &str, action: &str) {
        let app = self.app;
        let refuses = |params: Vec<(&'static str, String)>, who: &'static str| async move {
            let reply = app.post(path, &params).await;
            assert_ne!(code(&reply), "200", "{action} as {who}: {reply}");
        };
        refuses(
            v1_params_as(app, action, NOBODY, API_KEY),
            "an unknown AppID",
        )
        .await;
        if signed(action) {
            refuses(v1_params(app, action, WRONG_KEY), "a wrong key").await;
        }
        if carrier_action(action) {
            let mut other = v1_params(app, action, API_KEY);
            set(&mut other, "cardNo", "/OTHER01");
            if signed(action) {
                resign(&mut other, API_KEY);
            }
            refuses(other, "another User's carrier").await;
        }
        self.suspended(|| refuses(v1_params(app, action, API_KEY), "a suspended app"))
            .await;
        self.refuses_the_dead_admits_the_live(Probe::V1 { path, action })
            .await;
    }

    /// A blank page's entry as `app_id` for carrier `card`, with the fixture User's code.
    pub(super) async fn blank_entry(
        &self,
        path: &str,
        app_id: &str,
        card: &str,
    ) -> reqwest::Response {
        let mut query = vec![
            ("uuid", "d"),
            ("appID", app_id),
            ("cardCode", "3J0002"),
            ("cardNo", card),
            ("verifyCode", CODE),
        ];
        if path.ends_with("carrierInvDntBlank") {
            query.extend([("dntNo", "919"), ("qryYM", "202611")]);
        }
        self.http
            .get(self.app.url(path))
            .query(&query)
            .send_ok()
            .await
    }

    /// A blank page's entry opens a session (a cookie, then the bare page) only for a live app
    /// licensed for the page's service and, on the pages that act for a User, only with that
    /// User's code.
    pub(super) async fn blank(&self, path: &str) {
        assert!(
            !opened(&self.blank_entry(path, NOBODY, BARCODE).await),
            "{path} for an unknown AppID"
        );
        if !path.ends_with("generalCarrierRegBlank") {
            assert!(
                !opened(&self.blank_entry(path, APP_ID, "/OTHER01").await),
                "{path} for another User"
            );
        }
        self.suspended(|| async {
            assert!(
                !opened(&self.blank_entry(path, APP_ID, BARCODE).await),
                "{path} for a suspended app"
            );
        })
        .await;
        self.refuses_the_dead_admits_the_live(Probe::Blank(path))
            .await;
    }
}

/// A blank page's entry opened a session: a cookie, then the bare page.
pub(super) fn opened(res: &reqwest::Response) -> bool {
    res.status().is_redirection() && res.headers().contains_key("set-cookie")
}

pub(super) fn signed(action: &str) -> bool {
    matches!(action, "carrierInvDnt" | "qryCarrierAgg")
}

fn carrier_action(action: &str) -> bool {
    action.starts_with("carrier") || action == "qryCarrierAgg"
}

pub(super) fn resign(params: &mut Vec<(&'static str, String)>, key: &str) {
    params.retain(|(k, _)| *k != "signature");
    sign(params, key);
}

/// A request the fixture's app may make for `action`, signed with `key` when the action is
/// signed.
fn v1_params(app: &TestApp, action: &str, key: &str) -> Vec<(&'static str, String)> {
    let mut params = match action {
        "QryWinningList" => req::winning_list("11510"),
        "qryInvHeader" => req::invoice_header("CD00000001", "2026/11/20", "QRCode"),
        "qryInvDetail" => req::invoice_detail_qr("9999", &req::qr_encrypt("9999")),
        "qryLoveCode" => req::p(&[
            ("version", "0.2"),
            ("qKey", "創世"),
            ("action", action),
            ("UUID", "d"),
            ("appID", APP_ID),
        ]),
        "carrierInvChk" => app.carrier_list("2026/11/01", "2026/11/30"),
        "carrierInvDetail" => req::carrier_detail(app, "AB00000001", "2026/11/20"),
        "carrierInvDnt" => req::donation(app, "AB00000001", "2026/11/20", "919"),
        "qryCarrierAgg" => req::aggregation(app),
        other => panic!("the matrix has no request for v1 action {other}: add one"),
    };
    if signed(action) {
        sign(&mut params, key);
    }
    params
}

/// The same request as app `app_id`, signed with `key` when the action is signed.
pub(super) fn v1_params_as(
    app: &TestApp,
    action: &str,
    app_id: &str,
    key: &str,
) -> Vec<(&'static str, String)> {
    let mut params = v1_params(app, action, key);
    set(&mut params, "appID", app_id);
    if signed(action) {
        resign(&mut params, key);
    }
    params
}

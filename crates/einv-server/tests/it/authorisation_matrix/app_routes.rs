//! The routes apps call (v1, blank pages, OAuth, v2): each is sent as every caller it must
//! refuse — nobody, an unknown AppID, a wrong key, a suspended app, a key rotated away, an
//! expired, terminated or unlicensed app (`apps.rs`), another User's carrier, a person's
//! session instead of an app's credential — and as the live apps it must admit. This module
//! holds what every app surface shares (the probe, who it admits, the dead apps' refusal);
//! `v1_routes.rs` and `oauth_v2_routes.rs` the surfaces' own checks.

use einv_core::Service;
use einv_store::AppStatus;
use reqwest::StatusCode;
use serde_json::Value;

use super::apps::Caller;
use super::oauth_v2_routes::v2_scope;
use super::v1_routes::{opened, resign, signed, v1_params_as};
use super::{Access, World};
use crate::common::*;

/// One app route, as sent to a caller.
#[derive(Debug, Clone, Copy)]
pub(super) enum Probe<'p> {
    V1 {
        path: &'p str,
        action: &'p str,
    },
    Blank(&'p str),
    Authorize,
    Client(&'p str),
    /// Method, the path and query, the body, who the route admits.
    V2(&'p str, &'p str, &'p [u8], Access),
}

impl Probe<'_> {
    /// Whether the route takes a key (or a signature made with one): only there can a key
    /// rotated away be told from the live one. The blank pages, `/oauth/authorize` and the
    /// Ministry's unsigned actions take the AppID alone.
    fn keyed(self) -> bool {
        match self {
            Probe::V1 { action, .. } => signed(action),
            Probe::Blank(_) | Probe::Authorize => false,
            Probe::Client(_) | Probe::V2(..) => true,
        }
    }

    /// The service the route serves (R4.5); `None` when any live app may call it.
    fn service(self) -> Option<Service> {
        let by_action = |a: &str| match a {
            "QryWinningList" => Service::WinningNumbers,
            "qryInvHeader" | "qryInvDetail" => Service::InvoiceLookup,
            "carrierInvChk" | "carrierInvDetail" => Service::CarrierInvoices,
            "qryLoveCode" | "carrierInvDnt" => Service::Donation,
            _ => Service::CarrierAggregation,
        };
        match self {
            Probe::V1 { action, .. } => Some(by_action(action)),
            Probe::Blank(path) if path.ends_with("carrierInvDntBlank") => Some(Service::Donation),
            Probe::Blank(_) => Some(Service::CarrierAggregation),
            Probe::Authorize | Probe::Client(_) => None,
            Probe::V2(_, path, ..) => v2_service(path),
        }
    }
}

fn v2_service(path: &str) -> Option<Service> {
    let path = path.split('?').next().unwrap_or_default();
    if path.starts_with("/api/v2/winning-numbers/") || path == "/api/v2/charities" {
        Some(Service::WinningNumbers)
    } else if path == "/api/v2/proof-invoices" {
        Some(Service::InvoiceLookup)
    } else if path.starts_with("/api/v2/me/invoices") {
        Some(Service::CarrierInvoices)
    } else if path == "/api/v2/donations" {
        Some(Service::Donation)
    } else if path == "/api/v2/me/carriers" {
        Some(Service::CarrierAggregation)
    } else {
        None
    }
}

pub(super) fn refused(s: StatusCode) -> bool {
    matches!(s, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
}

pub(super) fn code(reply: &Value) -> String {
    reply["code"]
        .as_str()
        .map_or_else(|| reply["code"].to_string(), str::to_owned)
}

impl World<'_> {
    /// Whether the route lets `caller` in.
    pub(super) async fn admits(&self, probe: Probe<'_>, caller: &Caller) -> bool {
        match probe {
            Probe::V1 { path, action } => {
                let mut params = v1_params_as(self.app, action, &caller.app_id, &caller.key);
                if action == "carrierInvDnt" && caller.app_id != APP_ID {
                    // An invoice of its own to donate: the fixture's app donates AB00000001.
                    set(&mut params, "invNum", "AB00000010");
                    set(&mut params, "invDate", "2026/11/24");
                    resign(&mut params, &caller.key);
                }
                code(&self.app.post(path, &params).await) == "200"
            }
            Probe::Blank(path) => opened(&self.blank_entry(path, &caller.app_id, BARCODE).await),
            Probe::Authorize => self
                .authorize_as(&caller.app_id)
                .await
                .status()
                .is_redirection(),
            Probe::Client(path) => {
                let res = self.client_as(path, &caller.app_id, &caller.key).await;
                res.status() != StatusCode::UNAUTHORIZED
            }
            Probe::V2(method, path, body, access) => {
                let token = (access == Access::V2User)
                    .then(|| caller.token(v2_scope(path)))
                    .flatten();
                let res = self
                    .v2_call(method, path, body, &caller.app_id, &caller.key, token)
                    .await;
                match access {
                    Access::V2EndedApp => res.status() == StatusCode::CREATED,
                    _ => !refused(res.status()),
                }
            }
        }
    }

    /// The licensed apps in a state the authority refuses are refused; the live licensed app,
    /// prepared the same way, and the fixture's app are admitted.
    pub(super) async fn refuses_the_dead_admits_the_live(&self, probe: Probe<'_>) {
        for (why, caller) in self.apps.dead(probe.service(), probe.keyed()) {
            assert!(
                !self.admits(probe, caller).await,
                "{probe:?} admitted a caller it must refuse: {why:?}"
            );
        }
        assert!(
            self.admits(probe, &self.apps.live).await,
            "{probe:?} refused the live licensed app"
        );
        let fixture = Caller {
            app_id: APP_ID.into(),
            key: API_KEY.into(),
            tokens: Default::default(),
        };
        if !matches!(probe, Probe::V2(_, _, _, Access::V2User)) {
            assert!(
                self.admits(probe, &fixture).await,
                "{probe:?} refused the fixture's app"
            );
        }
    }

    /// Runs `probe` while the fixture's app is suspended.
    pub(super) async fn suspended<F: std::future::Future<Output = ()>>(
        &self,
        probe: impl FnOnce() -> F,
    ) {
        let store = self.app.store();
        store
            .set_app_status(APP_ID, AppStatus::Suspended)
            .await
            .unwrap();
        probe().await;
        store
            .set_app_status(APP_ID, AppStatus::Active)
            .await
            .unwrap();
    }
}

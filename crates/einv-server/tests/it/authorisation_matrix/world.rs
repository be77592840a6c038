//! The callers the matrix calls as: developers, a reviewer, Users (sessions started through
//! the sessions service), the fixture's app and the licensed apps (`apps.rs`).

use chrono::Duration;
use einv_server::services::SessionKind;
use einv_store::testing::invoice;
use reqwest::redirect::Policy;
use reqwest::Method;

use super::apps;
use super::Access::{self, *};
use crate::common::*;
use crate::licensing::licensed;

/// The people and things the matrix calls as.
pub(super) struct World<'a> {
    pub(super) app: &'a TestApp,
    pub(super) http: reqwest::Client,
    /// Developer A's licence, and sessions of A, of another developer B, of a reviewer, of the
    /// fixture User and of another User: (cookie, CSRF token).
    pub(super) licence: i64,
    pub(super) developer: (String, String),
    pub(super) other_developer: (String, String),
    pub(super) reviewer: (String, String),
    pub(super) user: (String, String),
    pub(super) other_user: (String, String),
    /// A consent of the fixture User.
    pub(super) consent: i64,
    /// A request (receipt) of the fixture User.
    pub(super) request: i64,
    /// Licensed apps, live and in every state the authority refuses.
    pub(super) apps: apps::Apps,
}

impl<'a> World<'a> {
    pub(super) async fn new(app: &'a TestApp) -> Self {
        let apps = apps::Apps::new(app).await;
        let a = licensed(app, "a@example.com").await;
        let other = licensed(app, "b@example.com").await;
        let user = app.user(BARCODE).await;
        let other_user = app.user("/OTHER01").await;
        let consent = app.store().consent_grants_of_user(user.id).await.unwrap()[0].id;
        let request = app
            .platform
            .request_deletion(user.id, APP_ID, einv_store::RequestKind::StopUse)
            .await
            .unwrap()
            .id;
        // One more donatable invoice of the User's, so v2 and v1 each donate one.
        let spare = invoice(
            "AB00000009",
            (2026, 11, 24),
            Some(("3J0002", BARCODE)),
            |_| {},
        );
        // And one the licensed apps donate over v1 (the fixture's app donates AB00000001).
        let licensed_spare = invoice(
            "AB00000010",
            (2026, 11, 24),
            Some(("3J0002", BARCODE)),
            |_| {},
        );
        app.store()
            .insert_invoices(&[spare, licensed_spare], start_time())
            .await
            .unwrap();
        Self {
            apps,
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            licence: a.licence,
            developer: session(app, SessionKind::Developer, a.developer).await,
            other_developer: session(app, SessionKind::Developer, other.developer).await,
            reviewer: session(app, SessionKind::Reviewer, a.reviewer).await,
            user: session(app, SessionKind::User, user.id).await,
            other_user: session(app, SessionKind::User, other_user.id).await,
            consent,
            request,
            app,
        }
    }

    pub(super) async fn check(&self, method: &str, path: &str, access: Access) {
        match access {
            Open => self.open(method, path).await,
            Operator => self.operator(path).await,
            Developer | DevelopersLicence => {
                self.page(method, path, access, "/developer/login").await
            }
            Reviewer => self.page(method, path, access, "/reviewer/login").await,
            User | UsersConsent | UsersRequest => {
                self.page(method, path, access, "/me/login").await
            }
            V1(action) => self.v1(path, action).await,
            Blank => self.blank(path).await,
            OAuthAuthorize => self.authorize().await,
            OAuthClient => self.client(path).await,
            V2App | V2User | V2EndedApp => self.v2(method, path, access).await,
        }
    }

    /// The sessions of people (a developer, a reviewer, a User): none is an app's credential.
    pub(super) fn people(&self) -> [(&'static str, &(String, String)); 3] {
        [
            ("a developer's session", &self.developer),
            ("a reviewer's session", &self.reviewer),
            ("a User's session", &self.user),
        ]
    }

    /// Sends `method path` with a session's cookie (its CSRF token in a POST's form).
    pub(super) async fn send(
        &self,
        method: &str,
        path: &str,
        session: Option<&(String, String)>,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.http.request(method.clone(), self.app.url(path));
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        if let Some((cookie, csrf)) = session {
            req = req.header("cookie", cookie);
            fields.push(("csrf", csrf));
        }
        if method == Method::POST {
            req = req.form(&fields);
        }
        req.send_ok().await
    }
}

/// A session of `kind` for `subject`, started through the sessions service: (cookie, CSRF).
async fn session(app: &TestApp, kind: SessionKind, subject: i64) -> (String, String) {
    let started = app
        .platform
        .start_session(kind, &subject.to_string(), Duration::hours(1))
        .await
        .unwrap();
    (
        format!("einv_session={}", started.token),
        started.session.csrf,
    )
}

//! The authorisation matrix (issue #9): every route the router serves, called as every kind of
//! caller it must refuse — nobody, an unknown AppID, a suspended app, a key that is not the
//! app's, another developer, another User, the wrong role — and as the one it must admit.
//!
//! The routes are read from the source of `src/http` (each `.route("…", get(…).post(…))`, the
//! blank pages' names, the v1 actions each handler matches), and the test fails when the
//! router has a route the matrix has no row for, or the matrix a row the router lacks: a route
//! added later must say who may call it.

use einv_core::LicenceId;
use std::collections::BTreeSet;
use std::path::Path;

use chrono::Duration;
use einv_server::services::SessionKind;
use einv_store::testing::invoice;
use reqwest::redirect::Policy;
use reqwest::{Method, StatusCode};

use crate::common::*;
use crate::licensing::licensed;

mod app_routes;
mod apps;

both_backends!(every_route_admits_exactly_its_callers);

/// Who a route admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone (public pages, sign-in forms, probes, the v2 catch-all's 404).
    Open,
    /// The operator: a caller on the Platform's own host, or with the metrics token (issue #9;
    /// `ops.rs` `metrics_answer_this_host_or_the_token_only` calls it from elsewhere).
    Operator,
    /// A developer's session; another role is sent to the developer sign-in.
    Developer,
    /// A developer's session, for a licence of theirs (`{id}`): another developer is refused.
    DevelopersLicence,
    /// A reviewer's session.
    Reviewer,
    /// A User's session.
    User,
    /// A User's session, for a consent of theirs (`{id}`): another User is refused.
    UsersConsent,
    /// A User's session, for a request (receipt) of theirs (`{id}`): another User is refused.
    UsersRequest,
    /// A live app calling a v1 action (signed when the action is).
    V1(&'static str),
    /// A live app opening a blank page, with the User's carrier and code where the page needs them.
    Blank,
    /// A live app's OAuth authorisation request.
    OAuthAuthorize,
    /// A live app authenticating with its APIKey (`/oauth/token`, `/oauth/introspect`).
    OAuthClient,
    /// A v2 request signed by a live app.
    V2App,
    /// A v2 request signed by a live app carrying a User's consent token.
    V2User,
    /// A v2 request signed with the key of an app whose licence has ended (R11's destruction
    /// confirmation): refused to the unsigned, the unknown, the wrong key and the live apps;
    /// the terminated app is admitted (201).
    V2EndedApp,
}

use Access::*;

/// Method, path as the router declares it, who may call it.
const MATRIX: &[(&str, &str, Access)] = &[
    ("GET", "/", Open),
    ("GET", "/announcements", Open),
    ("GET", "/limits", Open),
    ("GET", "/terms", Open),
    ("GET", "/terms/{version}", Open),
    ("GET", "/privacy", Open),
    ("GET", "/apps", Open),
    ("GET", "/apps.json", Open),
    ("GET", "/assets/site.css", Open),
    ("GET", "/lang/{code}", Open),
    ("GET", "/docs", Open),
    ("GET", "/docs/try-signed-call.js", Open),
    ("GET", "/problems/{slug}", Open),
    ("GET", "/healthz", Open),
    ("GET", "/readyz", Open),
    ("GET", "/metrics", Operator),
    ("GET", "/api/v2/openapi.json", Open),
    ("GET", "/api/v2/licences/{app_id}/attribution", Open),
    ("ANY", "/api/v2/{*rest}", Open),
    ("GET", "/developer/signup", Open),
    ("POST", "/developer/signup", Open),
    ("GET", "/developer/login", Open),
    ("POST", "/developer/login", Open),
    ("POST", "/developer/logout", Open), // ends the caller's own session, if any
    ("GET", "/developer", Developer),
    ("GET", "/developer/apply", Developer),
    ("POST", "/developer/apply", Developer),
    ("GET", "/developer/licences/{id}", DevelopersLicence),
    (
        "GET",
        "/developer/licences/{id}/credentials",
        DevelopersLicence,
    ),
    ("POST", "/developer/licences/{id}/rotate", DevelopersLicence),
    (
        "POST",
        "/developer/licences/{id}/redirect-uris",
        DevelopersLicence,
    ),
    (
        "POST",
        "/developer/licences/{id}/redirect-uris/remove",
        DevelopersLicence,
    ),
    ("GET", "/developer/licences/{id}/signing", DevelopersLicence),
    (
        "POST",
        "/developer/licences/{id}/signing/keys",
        DevelopersLicence,
    ),
    (
        "POST",
        "/developer/licences/{id}/signing/keys/{key}/revoke",
        DevelopersLicence,
    ),
    (
        "POST",
        "/developer/licences/{id}/{action}",
        DevelopersLicence,
    ),
    ("GET", "/developer/notifications", Developer),
    ("POST", "/developer/notifications/{id}/read", Developer),
    ("GET", "/developer/terms", Developer),
    ("POST", "/developer/terms", Developer),
    ("GET", "/reviewer/login", Open),
    ("POST", "/reviewer/login", Open),
    ("POST", "/reviewer/logout", Open),
    ("GET", "/reviewer", Reviewer),
    ("GET", "/reviewer/licences", Reviewer),
    ("GET", "/reviewer/events", Reviewer),
    ("GET", "/reviewer/licences/{id}", Reviewer),
    ("POST", "/reviewer/licences/{id}/{action}", Reviewer),
    ("GET", "/reviewer/documents/{id}", Reviewer),
    ("GET", "/reviewer/limits", Reviewer),
    ("POST", "/reviewer/limits", Reviewer),
    ("GET", "/reviewer/jobs", Reviewer),
    ("GET", "/me", User),
    ("GET", "/me/login", Open),
    ("POST", "/me/login", Open),
    ("POST", "/me/logout", User),
    ("GET", "/me/register", Open),
    ("POST", "/me/register", Open),
    ("GET", "/me/consents/{id}/revoke", UsersConsent),
    ("POST", "/me/consents/{id}/revoke", UsersConsent),
    ("POST", "/me/consents/{id}/renew", UsersConsent),
    ("GET", "/me/requests", User),
    ("POST", "/me/requests", User),
    ("GET", "/me/requests/{id}", UsersRequest),
    ("GET", "/me/history", User),
    ("GET", "/me/history.csv", User),
    ("GET", "/me/notifications", User),
    ("POST", "/me/notifications", User),
    ("GET", "/me/code", User),
    ("POST", "/me/code", User),
    ("GET", "/me/deregister", User),
    ("POST", "/me/deregister", User),
    ("GET", "/oauth/authorize", OAuthAuthorize),
    ("POST", "/oauth/authorize", User),
    ("POST", "/oauth/token", OAuthClient),
    ("POST", "/oauth/introspect", OAuthClient),
    ("GET", "/api/v2/limits", Open),
    ("GET", "/api/v2/licence", V2App),
    ("GET", "/api/v2/notifications", V2App),
    ("GET", "/api/v2/audit", V2App),
    ("GET", "/api/v2/winning-numbers/{period}", V2App),
    ("GET", "/api/v2/charities", V2App),
    ("GET", "/api/v2/proof-invoices", V2App),
    ("GET", "/api/v2/deletion-requests", V2App),
    ("POST", "/api/v2/deletion-requests/{id}/acknowledge", V2App),
    ("POST", "/api/v2/deletion-requests/{id}/complete", V2App),
    ("GET", "/api/v2/me/invoices", V2User),
    ("GET", "/api/v2/me/invoices/{number}", V2User),
    ("GET", "/api/v2/me/carriers", V2User),
    ("POST", "/api/v2/donations", V2User),
    ("POST", "/api/v2/destruction-confirmation", V2EndedApp),
    ("ANY", "/PB2CAPIVAN/invapp/InvApp", V1("QryWinningList")),
    ("ANY", "/PB2CAPIVAN/invapp/InvApp", V1("qryInvHeader")),
    ("ANY", "/PB2CAPIVAN/invapp/InvApp", V1("qryInvDetail")),
    (
        "ANY",
        "/PB2CAPIVAN/loveCodeapp/qryLoveCode",
        V1("qryLoveCode"),
    ),
    ("ANY", "/PB2CAPIVAN/invServ/InvServ", V1("carrierInvChk")),
    ("ANY", "/PB2CAPIVAN/invServ/InvServ", V1("carrierInvDetail")),
    ("ANY", "/PB2CAPIVAN/CarInv/Donate", V1("carrierInvDnt")),
    ("ANY", "/PB2CAPIVAN/Carrier/Aggregate", V1("qryCarrierAgg")),
    (
        "ANY",
        "/PB2CAPIVAN/APIService/generalCarrierRegBlank",
        Blank,
    ),
    ("ANY", "/PB2CAPIVAN/APIService/carrierLinkBlank", Blank),
    ("ANY", "/PB2CAPIVAN/APIService/carrierBankAccBlank", Blank),
    ("ANY", "/PB2CAPIVAN/APIService/carrierInvDntBlank", Blank),
];

/// The v1 handler file that answers each v1 path (its actions are read from it).
const V1_FILES: &[(&str, &str)] = &[
    ("/PB2CAPIVAN/invapp/InvApp", "v1/invapp.rs"),
    ("/PB2CAPIVAN/loveCodeapp/qryLoveCode", "v1/lovecode.rs"),
    ("/PB2CAPIVAN/invServ/InvServ", "v1/invserv.rs"),
    ("/PB2CAPIVAN/CarInv/Donate", "v1/donate.rs"),
    ("/PB2CAPIVAN/Carrier/Aggregate", "v1/aggregate.rs"),
];

async fn every_route_admits_exactly_its_callers(app: &TestApp) {
    let (declared, rows) = (declared_routes(), matrix_routes());
    assert!(
        declared.len() > 80,
        "the source scan found the routes: {declared:?}"
    );
    let unlisted: Vec<_> = declared.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&declared).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "routes without a matrix row: {unlisted:?}; rows without a route: {stale:?}"
    );
    let world = World::new(app).await;
    for &(method, path, access) in MATRIX {
        world.check(method, path, access).await;
    }
}

// ---- the routes the source declares --------------------------------------------------------

fn http_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http")
}

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(http_dir()).unwrap().display().to_string();
            out.push((rel, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// The text of the call starting at `open` (the index of its `(`), up to its matching `)`.
fn call_text(text: &str, open: usize) -> &str {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open + 1..open + i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced .route( call")
}

/// `"…" =>` arm names of at least four characters in `text` (action names, blank pages).
fn arms(text: &str) -> BTreeSet<String> {
    text.split("=>")
        .filter_map(|before| before.trim_end().strip_suffix('"'))
        .filter_map(|s| s.rsplit('"').next())
        .filter(|s| s.len() >= 4 && s.chars().all(char::is_alphanumeric))
        .map(str::to_owned)
        .collect()
}

/// `=> "…"` arm values in `text` (the blank pages' names).
fn arm_values(text: &str) -> BTreeSet<String> {
    text.split("=>")
        .skip(1)
        .filter_map(|after| after.trim_start().strip_prefix('"'))
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// (method, path) for every route in `src/http`; v1 paths once per action they answer.
fn declared_routes() -> BTreeSet<(String, String)> {
    let mut files = Vec::new();
    sources(&http_dir(), &mut files);
    let mut routes = BTreeSet::new();
    for (name, text) in &files {
        for (at, _) in text.match_indices(".route(") {
            let call = call_text(text, at + ".route".len());
            let args = call.trim_start();
            let Some(rest) = args.strip_prefix('"') else {
                // Built from a name: only the blank pages are, from their `Blank::… => "…"` arms.
                assert_eq!(
                    name, "v1/blank.rs",
                    "a route with a computed path in {name}"
                );
                for page in arm_values(text)
                    .into_iter()
                    .filter(|a| a.ends_with("Blank"))
                {
                    routes.insert(("ANY".into(), format!("/PB2CAPIVAN/APIService/{page}")));
                }
                continue;
            };
            let path = rest.split('"').next().unwrap_or_default().to_owned();
            let handler = &rest[path.len() + 1..];
            for method in ["get", "post", "put", "patch", "delete", "any"] {
                let called = handler.match_indices(&format!("{method}(")).any(|(i, _)| {
                    i == 0 || !handler[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                });
                if !called {
                    continue;
                }
                let method = method.to_uppercase();
                match V1_FILES.iter().find(|(p, _)| *p == path) {
                    Some((_, file)) => {
                        let source = &files.iter().find(|(n, _)| n == file).unwrap().1;
                        for action in arms(source) {
                            routes.insert((method.clone(), format!("{path}#{action}")));
                        }
                    }
                    None => {
                        routes.insert((method, path.clone()));
                    }
                }
            }
        }
    }
    routes
}

fn matrix_routes() -> BTreeSet<(String, String)> {
    MATRIX
        .iter()
        .map(|(method, path, access)| {
            let path = match access {
                V1(action) => format!("{path}#{action}"),
                _ => (*path).to_owned(),
            };
            ((*method).to_owned(), path)
        })
        .collect()
}

// ---- the callers -----------------------------------------------------------------------------

/// An AppID no one was issued.
const NOBODY: &str = "EINVNOBODY0001";
/// A key that is not the test app's (a rotated-away or made-up key).
const WRONG_KEY: &str = "not-the-key-of-this-app-0000000";

/// The people and things the matrix calls as.
struct World<'a> {
    app: &'a TestApp,
    http: reqwest::Client,
    /// Developer A's licence, and sessions of A, of another developer B, of a reviewer, of the
    /// fixture User and of another User: (cookie, CSRF token).
    licence: LicenceId,
    developer: (String, String),
    other_developer: (String, String),
    reviewer: (String, String),
    user: (String, String),
    other_user: (String, String),
    /// A consent of the fixture User.
    consent: einv_core::GrantId,
    /// A request (receipt) of the fixture User.
    request: einv_core::DeletionRequestId,
    /// Licensed apps, live and in every state the authority refuses.
    apps: apps::Apps,
}

impl<'a> World<'a> {
    async fn new(app: &'a TestApp) -> Self {
        let apps = apps::Apps::new(app).await;
        let a = licensed(app, "a@example.com").await;
        let other = licensed(app, "b@example.com").await;
        let user = app.user(BARCODE).await;
        let other_user = app.user("/OTHER01").await;
        let consent = app.store().consent_grants_of_user(user.id).await.unwrap()[0].id;
        let request = app
            .platform
            .request_deletion(user.id, &app_id(), einv_store::RequestKind::StopUse)
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

    async fn check(&self, method: &str, path: &str, access: Access) {
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

    /// Anyone is answered, never with a server error.
    async fn open(&self, method: &str, path: &str) {
        let path = path
            .replace("{version}", "2023-03-30")
            .replace("{app_id}", APP_ID)
            .replace("{*rest}", "no-such-resource")
            .replace("{code}", "en")
            .replace("{slug}", "bad-signature");
        let method = if method == "ANY" { "GET" } else { method };
        let res = self.send(method, &path, None, &[]).await;
        assert!(
            !res.status().is_server_error(),
            "{method} {path}: {}",
            res.status()
        );
    }

    /// The operator's route: refused to a caller passed on by a proxy, whatever session it
    /// carries; answered to this host.
    async fn operator(&self, path: &str) {
        for (who, (cookie, _)) in self.people() {
            let res = self
                .http
                .get(self.app.url(path))
                .header("cookie", cookie)
                .header("x-forwarded-for", "203.0.113.5")
                .send_ok()
                .await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path} as {who}");
        }
        let res = self.http.get(self.app.url(path)).send_ok().await;
        assert_eq!(res.status(), StatusCode::OK, "{path} from this host");
    }

    /// A page: nobody and the other roles are sent to `login`; for a resource of someone's, the
    /// other developer or User is refused; the owner is let through.
    async fn page(&self, method: &str, template: &str, access: Access, login: &str) {
        let path = template
            .replace("{id}", &self.id_for(access).to_string())
            .replace("{action}", "withdraw")
            .replace("{key}", "1");
        // A User's page sends back to itself after sign-in (`?next=`).
        let to_login = |res: &reqwest::Response| {
            let location = res.headers().get("location").and_then(|l| l.to_str().ok());
            res.status() == StatusCode::SEE_OTHER
                && location.and_then(|l| l.split('?').next()) == Some(login)
        };
        let nobody = self.send(method, &path, None, &[]).await;
        assert!(
            to_login(&nobody),
            "{method} {path} as nobody: {}",
            nobody.status()
        );
        let (owner, stranger, wrong_roles) = self.sessions(access);
        for (who, s) in wrong_roles {
            // A form the wrong role sends may be turned away before the role is looked at
            // (its fields are another page's): refused either way, never acted on.
            let res = self.send(method, &path, Some(s), &[]).await;
            let rejected_form = method == "POST" && res.status().is_client_error();
            assert!(
                to_login(&res) || rejected_form,
                "{method} {path} as {who}: {}",
                res.status()
            );
        }
        if let Some(stranger) = stranger {
            let res = self.send(method, &path, Some(stranger), &[]).await;
            let refused = [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN];
            let rejected_form =
                method == "POST" && res.status() == StatusCode::UNPROCESSABLE_ENTITY;
            assert!(
                refused.contains(&res.status()) || rejected_form,
                "{method} {path} as someone else's: {}",
                res.status()
            );
        }
        if method == "GET" && !template.contains("/documents/") {
            let res = self.send(method, &path, Some(owner), &[]).await;
            assert_eq!(res.status(), StatusCode::OK, "{method} {path} as its owner");
        }
    }

    fn id_for(&self, access: Access) -> i64 {
        match access {
            UsersConsent => self.consent.get(),
            UsersRequest => self.request.get(),
            _ => self.licence.get(),
        }
    }

    /// The owner's session, a stranger's (for owned resources), and the wrong roles'.
    #[allow(clippy::type_complexity)]
    fn sessions(
        &self,
        access: Access,
    ) -> (
        &(String, String),
        Option<&(String, String)>,
        Vec<(&str, &(String, String))>,
    ) {
        match access {
            Developer | DevelopersLicence => (
                &self.developer,
                (access == DevelopersLicence).then_some(&self.other_developer),
                vec![("a reviewer", &self.reviewer), ("a User", &self.user)],
            ),
            Reviewer => (
                &self.reviewer,
                None,
                vec![("a developer", &self.developer), ("a User", &self.user)],
            ),
            _ => (
                &self.user,
                matches!(access, UsersConsent | UsersRequest).then_some(&self.other_user),
                vec![
                    ("a developer", &self.developer),
                    ("a reviewer", &self.reviewer),
                ],
            ),
        }
    }

    /// The sessions of people (a developer, a reviewer, a User): none is an app's credential.
    fn people(&self) -> [(&'static str, &(String, String)); 3] {
        [
            ("a developer's session", &self.developer),
            ("a reviewer's session", &self.reviewer),
            ("a User's session", &self.user),
        ]
    }

    /// Sends `method path` with a session's cookie (its CSRF token in a POST's form).
    async fn send(
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
async fn session(
    app: &TestApp,
    kind: SessionKind,
    subject: impl std::fmt::Display,
) -> (String, String) {
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

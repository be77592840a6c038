//! The web pages in the matrix: open pages answer anyone; a role's pages send nobody and the
//! other roles to that role's sign-in and refuse another developer's licence or another User's
//! consent or request; the operator's route answers this host only.

use reqwest::StatusCode;

use super::world::World;
use super::Access::{self, *};
use crate::common::*;

impl World<'_> {
    /// Anyone is answered, never with a server error.
    pub(super) async fn open(&self, method: &str, path: &str) {
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
    pub(super) async fn operator(&self, path: &str) {
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
    pub(super) async fn page(&self, method: &str, template: &str, access: Access, login: &str) {
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
            UsersConsent => self.consent,
            UsersRequest => self.request,
            _ => self.licence,
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
}

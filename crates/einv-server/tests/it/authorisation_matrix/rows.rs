//! The matrix's rows, by surface: method, path as the router declares it, who may call it.
//! `all()` is every row, in the order the test calls them (state one row leaves, such as a
//! donated invoice, is what the next ones expect).

use super::Access::{self, *};

type Row = (&'static str, &'static str, Access);

/// Every row.
pub(super) fn all() -> impl Iterator<Item = &'static Row> {
    [
        PUBLIC_ROWS,
        DEVELOPER_ROWS,
        REVIEWER_ROWS,
        USER_ROWS,
        OAUTH_ROWS,
        V2_ROWS,
        V1_ROWS,
        BLANK_ROWS,
    ]
    .into_iter()
    .flatten()
}

/// Open to anyone (public pages, probes, docs, v2's catch-all) and the operator's route.
const PUBLIC_ROWS: &[Row] = &[
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
];

/// The developer's pages.
const DEVELOPER_ROWS: &[Row] = &[
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
];

/// The reviewer's pages.
const REVIEWER_ROWS: &[Row] = &[
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
];

/// The User's pages.
const USER_ROWS: &[Row] = &[
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
];

/// OAuth: the consent page (the app's request, the User's decision) and the app's endpoints.
const OAUTH_ROWS: &[Row] = &[
    ("GET", "/oauth/authorize", OAuthAuthorize),
    ("POST", "/oauth/authorize", User),
    ("POST", "/oauth/token", OAuthClient),
    ("POST", "/oauth/introspect", OAuthClient),
];

/// The v2 API.
const V2_ROWS: &[Row] = &[
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
];

/// The v1 API, once per action each path answers.
const V1_ROWS: &[Row] = &[
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
];

/// The v1 blank pages.
const BLANK_ROWS: &[Row] = &[
    (
        "ANY",
        "/PB2CAPIVAN/APIService/generalCarrierRegBlank",
        Blank,
    ),
    ("ANY", "/PB2CAPIVAN/APIService/carrierLinkBlank", Blank),
    ("ANY", "/PB2CAPIVAN/APIService/carrierBankAccBlank", Blank),
    ("ANY", "/PB2CAPIVAN/APIService/carrierInvDntBlank", Blank),
];

//! The OpenAPI 3.1 document of v2, generated from the handlers' annotations (utoipa), served
//! at `/api/v2/openapi.json`; a snapshot test keeps it from drifting unseen.

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::problem::ProblemBody;
use super::{app, deletion, destruction, invoices, public};

/// The v2 API.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "einv v2 API",
        version = "2.0.0",
        description = "The e-invoice platform's JSON API. Requests are signed (RFC 9421: `Signature-Input`, `Signature`, `Content-Digest`; see /docs); a User's data needs the consent token (`Authorization: Bearer`); failures are application/problem+json (RFC 9457)."
    ),
    paths(
        app::limits,
        app::licence,
        app::notifications,
        app::audit,
        public::winning_numbers,
        public::charities,
        public::proof_invoice,
        invoices::list,
        invoices::detail,
        invoices::carriers,
        invoices::donate,
        deletion::list,
        deletion::acknowledge,
        deletion::complete,
        destruction::confirm,
    ),
    components(schemas(ProblemBody, destruction::DestructionConfirmation, destruction::DestructionConfirmed)),
    modifiers(&Security),
)]
pub struct ApiDoc;

/// The two credentials: the request signature (keyed by AppID) and the User's consent token.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "httpsig",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Signature",
                "RFC 9421 HTTP Message Signature over @method, @path, @query and content-digest, with Signature-Input and Content-Digest (RFC 9530); keyid = AppID; hmac-sha256 (APIKey) or ed25519 (a registered public key)",
            ))),
        );
        components.add_security_scheme(
            "consentToken",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The access token of the User's consent, from /oauth/token",
                    ))
                    .build(),
            ),
        );
    }
}

/// `GET /api/v2/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

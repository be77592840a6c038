//! `/docs`: the v2 reference, rendered on the server from the same OpenAPI document served at
//! `/api/v2/openapi.json` (no script, no CDN: it works offline), with the problem types and
//! the signing profile.

use maud::{html, Markup};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::RefOr;
use utoipa::OpenApi;

use super::openapi::ApiDoc;
use super::problem::Kind;
use super::problem_types::platform_url;
use crate::http::web::{page, Lang};
use crate::http::AppState;
use axum::extract::State;
use axum::http::HeaderMap;

fn operation(method: &str, path: &str, op: &Operation) -> Markup {
    let params = op.parameters.as_deref().unwrap_or_default();
    html! {
        section.card id=(format!("{method}-{path}")) {
            h3 { code { (method.to_uppercase()) " " (path) } }
            @if let Some(d) = &op.description { p { (d) } }
            @if let Some(s) = &op.summary { p { (s) } }
            @if let Some(sec) = &op.security {
                @let names: Vec<String> = sec.iter().filter_map(|r| serde_json::to_value(r).ok()).filter_map(|v| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>().join(" + "))).collect();
                p.muted { "Credentials: " (names.join(", ")) }
            }
            @if !params.is_empty() {
                table {
                    tr { th { "Parameter" } th { "In" } th { "Required" } th { "Meaning" } }
                    @for p in params {
                        tr {
                            td { code { (p.name) } }
                            td { (match p.parameter_in { ParameterIn::Path => "path", ParameterIn::Query => "query", ParameterIn::Header => "header", ParameterIn::Cookie => "cookie" }) }
                            td { (if matches!(p.required, utoipa::openapi::Required::True) { "yes" } else { "no" }) }
                            td { (p.description.clone().unwrap_or_default()) }
                        }
                    }
                }
            }
            ul {
                @for (status, response) in &op.responses.responses {
                    @if let RefOr::T(r) = response {
                        li { code { (status) } " " (r.description) }
                    }
                }
            }
        }
    }
}

/// `GET /docs`.
pub async fn docs(State(state): State<AppState>, headers: HeaderMap, lang: Lang) -> Markup {
    let base = platform_url(&state, &headers);
    let doc = ApiDoc::openapi();
    page(
        lang,
        ("v2 API 說明", "v2 API reference"),
        &[],
        html! {
            h1 { (doc.info.title) " " (doc.info.version) }
            @if let Some(d) = &doc.info.description { p { (d) } }
            p { "Machine-readable: " a href="/api/v2/openapi.json" { "/api/v2/openapi.json" } " (OpenAPI 3.1)." }
            h2 { "Signing" }
            ol {
                li { "Content-Digest: " code { "sha-256=:<Base64(SHA-256(body))>:" } }
                li { "Signature-Input: " code { "sig1=(\"@method\" \"@path\" \"@query\" \"content-digest\");created=<unix s>;keyid=\"<AppID>\";nonce=\"<16-128 chars>\";alg=\"hmac-sha256|ed25519\"" } }
                li { "Signature base: one line per component (" code { "\"@method\": POST" } " …), then " code { "\"@signature-params\": <the value above>" } ", joined by \\n." }
                li { "Signature: " code { "sig1=:<Base64 signature>:" } " — HMAC-SHA256 with the APIKey, or Ed25519 with a key registered on your licence page." }
                li { "created within 5 minutes of the Platform's clock; each nonce once per AppID within that window." }
            }
            h2 { "Endpoints" }
            @for (path, item) in &doc.paths.paths {
                @for (method, op) in [("get", &item.get), ("post", &item.post)] {
                    @if let Some(op) = op { (operation(method, path, op)) }
                }
            }
            h2 { "Problem types" }
            table {
                tr { th { "type" } th { "status" } th { "title" } }
                @for kind in Kind::ALL {
                    @let (slug, title, status) = kind.describe();
                    tr { td { code id=(slug) { (base) (kind.type_path()) } } td { (status.as_u16()) } td { (title) } }
                }
            }
        },
    )
}

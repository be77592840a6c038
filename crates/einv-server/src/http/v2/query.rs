//! A query-string extractor whose rejection is a problem naming the parameter.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::problem::Problem;

/// Like `axum::extract::Query`, answering problem+json when the query does not parse.
#[derive(Debug)]
pub struct V2Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for V2Query<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or_default()).map(Self)
    }
}

/// A query string as `T`, or a problem naming the parameter that does not parse. (The fuzz
/// target `oauth_v2_requests` feeds it any text.)
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, Problem> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." {
            "query".to_owned()
        } else {
            field
        };
        Problem::invalid(&field, e.inner().to_string())
    })
}

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
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(Self).map_err(|e| {
            let field = e.path().to_string();
            let field = if field == "." {
                "query".to_owned()
            } else {
                field
            };
            Problem::invalid(&field, e.inner().to_string())
        })
    }
}

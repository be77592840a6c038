//! Versions of the data the server caches in memory, bumped by triggers on every change to the
//! tables each cache is built from (migration 0071; docs/hot-path.md).

use crate::{Store, StoreResult};

/// The version of each cached scope, as stored now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheVersions {
    /// Users, their aggregated carriers and their consent grants.
    pub users: i64,
    /// Published draws and their winner marks.
    pub draws: i64,
    /// Apps, licences, credentials, terms and the device blocklist.
    pub admission: i64,
}

impl CacheVersions {
    /// Sets the version of `scope` (a scope this build does not know is ignored).
    pub(crate) fn set(&mut self, scope: &str, version: i64) {
        match scope {
            "users" => self.users = version,
            "draws" => self.draws = version,
            "admission" => self.admission = version,
            _ => {}
        }
    }
}

impl Store {
    /// The current versions of the cached scopes (one small read).
    pub async fn cache_versions(&self) -> StoreResult<CacheVersions> {
        let sql = "SELECT scope, version FROM cache_versions".to_owned();
        let rows = self
            .hot_rows(sql, Vec::new(), |r| {
                Ok((r.text("scope")?, r.int("version")?))
            })
            .await?;
        let mut versions = CacheVersions::default();
        for (scope, version) in rows {
            versions.set(&scope, version);
        }
        Ok(versions)
    }
}

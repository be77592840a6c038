//! OAuth set-up for a licence (R5.2, R5.4): the redirect URIs a Developer registers on the
//! licence page, and the consent link the API hands out when consent is missing
//! (`/oauth/authorize?client_id=…&scope=…`, no redirect URI), which a User opens to consent on
//! the Platform itself.

use einv_core::consent::{ConsentFields, ConsentRequest, PurposeCategory};
use einv_core::AppId;
use einv_core::InvalidValue;
use einv_core::{DeveloperId, LicenceId, UserId};

use crate::error::{ServiceError, ServiceResult};
use crate::services::{AuthorizeRequest, Platform};

/// The most redirect URIs one AppID may register.
pub const MAX_REDIRECT_URIS: usize = 10;
/// The longest redirect URI accepted.
pub const MAX_REDIRECT_URI_CHARS: usize = 2000;

/// A redirect URI fit to receive authorization codes: `https`, or `http` only to the loopback
/// interface (RFC 8252 §7.3, §8.3: a native app listening on 127.0.0.1); no fragment (RFC 6749
/// §3.1.2) and no user name or password in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUri(String);

impl RedirectUri {
    /// Checks `text` (trimmed); the error names the field `redirect_uri` and the problem.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let text = text.trim();
        let bad = |problem: &str| InvalidValue::new("redirect_uri", problem);
        if text.is_empty() {
            return Err(bad("required"));
        }
        if text.chars().count() > MAX_REDIRECT_URI_CHARS {
            return Err(bad("at most 2000 characters"));
        }
        let url = url::Url::parse(text)
            .map_err(|_| bad("must be an absolute URL such as https://app.example/callback"))?;
        if url.fragment().is_some() {
            return Err(bad("must not contain a fragment (#…) (RFC 6749 §3.1.2)"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("must not contain a user name or password"));
        }
        let loopback = match url.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        match url.scheme() {
            "https" if url.host().is_some() => Ok(Self(text.to_owned())),
            "http" if loopback => Ok(Self(text.to_owned())),
            "http" => Err(bad(
                "must use https; http is allowed only for a loopback address (127.0.0.1, [::1], localhost)",
            )),
            _ => Err(bad("must use https (or http to a loopback address)")),
        }
    }

    /// The URI as registered.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The first `max` characters of `text`.
fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

impl Platform {
    /// The AppID of a Developer's own licence, refused when there is none or it has ended.
    async fn live_app_id(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
    ) -> ServiceResult<AppId> {
        let licence = self.developer_licence(developer_id, licence_id).await?;
        if licence.state.is_ended() {
            return Err(ServiceError::Refused {
                rule: "R11",
                reason: "the licence has ended".into(),
            });
        }
        licence.app_id.ok_or(ServiceError::Refused {
            rule: "R4.1",
            reason: "the licence has no AppID yet: it is issued on approval".into(),
        })
    }

    /// The redirect URIs registered for a Developer's licence.
    pub async fn redirect_uris_of(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
    ) -> ServiceResult<Vec<String>> {
        let licence = self.developer_licence(developer_id, licence_id).await?;
        match licence.app_id {
            Some(app_id) => Ok(self.store.redirect_uris(&app_id).await?),
            None => Ok(Vec::new()),
        }
    }

    /// Registers a redirect URI for the licence's AppID (checked by [`RedirectUri::parse`]).
    pub async fn add_redirect_uri(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
        uri: &str,
    ) -> ServiceResult<RedirectUri> {
        let uri = RedirectUri::parse(uri)?;
        let app_id = self.live_app_id(developer_id, licence_id).await?;
        let registered = self.store.redirect_uris(&app_id).await?;
        if registered.iter().any(|r| r == uri.as_str()) {
            return Err(ServiceError::Conflict(crate::error::Conflict::Exists(
                "redirect_uri: already registered".into(),
            )));
        }
        if registered.len() >= MAX_REDIRECT_URIS {
            return Err(InvalidValue::new(
                "redirect_uri",
                format!("at most {MAX_REDIRECT_URIS} per AppID; remove one first"),
            )
            .into());
        }
        self.store
            .register_redirect_uri(&app_id, uri.as_str())
            .await?;
        Ok(uri)
    }

    /// Removes a registered redirect URI of the licence's AppID.
    pub async fn remove_redirect_uri(
        &self,
        developer_id: DeveloperId,
        licence_id: LicenceId,
        uri: &str,
    ) -> ServiceResult<()> {
        let licence = self.developer_licence(developer_id, licence_id).await?;
        let app_id = licence
            .app_id
            .ok_or(ServiceError::not_found("redirect_uri"))?;
        if !self.store.remove_redirect_uri(&app_id, uri.trim()).await? {
            return Err(ServiceError::not_found("redirect_uri"));
        }
        Ok(())
    }

    /// The consent link the API hands out (`/oauth/authorize?client_id=…&scope=…`): the request
    /// the User is asked to accept on the Platform, with no code sent anywhere. The PDPA items
    /// (R5.4) come from the licence the Center approved (product, purpose, Developer), for the
    /// e-invoice service only (R3.6), never from the link, so a link cannot widen them.
    pub async fn consent_link(
        &self,
        client_id: &str,
        scope: &str,
    ) -> ServiceResult<AuthorizeRequest> {
        let app = match self.authorise_app(client_id, None).await {
            Ok(live) => live.app,
            Err(ServiceError::AppRefused { .. }) => {
                return Err(InvalidValue::new("client_id", "no live app has this AppID").into())
            }
            Err(e) => return Err(e),
        };
        let (product, purpose, developer) =
            match self.store.find_licence_by_app(&app.app_id).await? {
                Some(licence) => {
                    let application = self.licence_application(&licence).await?;
                    let developer = self.developer(licence.developer_id).await?;
                    (
                        application.form.product_name,
                        application.form.purpose,
                        developer.account.name,
                    )
                }
                // Apps stored without a licence (the demo data set) speak for themselves.
                None => (app.name.clone(), app.name.clone(), app.name.clone()),
            };
        let fields = ConsentFields {
            services: scope.to_owned(),
            purpose_category: PurposeCategory::EInvoiceService.as_str().to_owned(),
            purpose: clip(&format!("{product}：{purpose}"), 400),
            period: "自您同意起六個月，期滿須重新同意（規範第五點第六款） / six months from your consent, then asked again (R5.6)".to_owned(),
            region: "中華民國（臺灣） / Taiwan (ROC)".to_owned(),
            recipients: clip(&format!("{developer}（{product}）"), 400),
            manner: clip(&format!("經由財政部電子發票應用 API 讀取，於 {product} 中向您顯示 / read through the MOF e-invoice API and shown to you in {product}"), 480),
            laws: None,
            refusal_effect: None,
        };
        let request = ConsentRequest::parse(&fields)?;
        let app = self.consentable_app(&app.app_id, &request).await?;
        Ok(AuthorizeRequest {
            app,
            request,
            redirect_uri: String::new(),
            state: String::new(),
            code_challenge: String::new(),
        })
    }

    /// The User accepts a consent link: the grant is recorded (R5.2), nothing is redirected.
    pub async fn accept_consent_link(
        &self,
        user_id: UserId,
        request: &AuthorizeRequest,
    ) -> ServiceResult<einv_store::ConsentGrantRecord> {
        let fields = crate::services::consent::fields_of(&request.request);
        self.grant_consent(user_id, &request.app.app_id, &fields, None)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::RedirectUri;

    #[test]
    fn redirect_uris_are_https_or_loopback_http() {
        for ok in [
            "https://app.example/callback",
            "https://app.example:8443/cb?x=1",
            "http://127.0.0.1:5000/cb",
            "http://localhost/cb",
            "http://[::1]:8080/cb",
        ] {
            assert_eq!(
                RedirectUri::parse(ok).map(|u| u.0),
                Ok(ok.to_owned()),
                "{ok}"
            );
        }
        for (bad, problem) in [
            ("http://evil.example/cb", "loopback"),
            ("http://127.0.0.1.evil.example/cb", "loopback"),
            ("ftp://app.example/cb", "https"),
            ("javascript:alert(1)", "https"),
            ("https://app.example/cb#frag", "fragment"),
            ("https://user:pw@app.example/cb", "user name"),
            ("/relative/cb", "absolute"),
            ("", "required"),
        ] {
            let e = RedirectUri::parse(bad).expect_err(bad);
            assert_eq!(e.field, "redirect_uri");
            assert!(e.problem.contains(problem), "{bad}: {}", e.problem);
        }
    }
}

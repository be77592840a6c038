//! User consent (R5.2–R5.6, R10.2): no User's data flows to an AppID without a live grant.
//!
//! A grant is given, renewed (a new recorded act, R5.6), revoked by the User, lapses six
//! calendar months after it was given, and is voided when the developer resumes after a
//! suspension (R10.2). Every event goes to the audit trail (R6.4).

use chrono::DateTime;
use chrono::Utc;
use einv_core::consent::{ConsentFields, ConsentGrant, ConsentRequest, ConsentStatus};
use einv_core::notice::NotificationKind;
use einv_core::{AppId, GrantId, UserId};
use einv_core::{InvalidValue, Service};
use einv_store::{AppRecord, ConsentGrantRecord, Recipient, UserRecord};
use serde_json::json;

use super::hot::HotView;
use super::users::user_entry;
use super::{AuditEntry, Caller, Platform};
use crate::error::{ServiceError, ServiceResult};

/// Where an app sends a User to (re-)consent, relative to the Platform's base URL.
pub fn consent_url(app_id: &AppId, service: Service) -> String {
    format!("/oauth/authorize?client_id={app_id}&scope={service}")
}

/// Why there is no live consent, and the rule behind it: none given (R5.2), lapsed after six
/// months (R5.6), revoked (R5.2), voided after the developer's suspension (R10.2).
pub(crate) fn why_no_consent(
    status: Option<ConsentStatus>,
    app_id: &AppId,
    service: Option<Service>,
) -> (String, &'static str) {
    match status {
        None => {
            let what = service.map_or_else(|| "its services".to_owned(), |s| s.to_string());
            (
                format!("the User has not consented to {app_id} using {what}"),
                "R5.2",
            )
        }
        Some(ConsentStatus::Lapsed) => (
            "the User's consent lapsed after six months".to_owned(),
            "R5.6",
        ),
        Some(ConsentStatus::Revoked) => ("the User revoked the consent".to_owned(), "R5.2"),
        Some(ConsentStatus::Voided) => (
            "the consent was voided after the developer's suspension".to_owned(),
            "R10.2",
        ),
        Some(ConsentStatus::Live) => ("the User's consent is not yet in force".to_owned(), "R5.2"),
    }
}

impl Platform {
    /// The active app `app_id`, licensed for every service of `request` (R4.5).
    pub(crate) async fn consentable_app(
        &self,
        app_id: &AppId,
        request: &ConsentRequest,
    ) -> ServiceResult<AppRecord> {
        let app = match self.authorise_app(app_id.as_str(), None).await {
            Ok(live) => live.app,
            Err(ServiceError::AppRefused { .. }) => {
                return Err(ServiceError::not_found("client_id"))
            }
            Err(e) => return Err(e),
        };
        if let Some(s) = request
            .services()
            .iter()
            .find(|s| !app.services.contains(s))
        {
            return Err(InvalidValue::new(
                "scope",
                format!("R4.5: {app_id} is not licensed for the service {s}"),
            )
            .into());
        }
        Ok(app)
    }

    /// The registered, signed-up User `user_id`.
    pub(crate) async fn registered_user(&self, user_id: UserId) -> ServiceResult<UserRecord> {
        self.store
            .find_user(user_id)
            .await?
            .filter(|u| u.deregistered_at.is_none())
            .ok_or(ServiceError::not_found("user"))
    }

    /// R5.2, R5.4: `user_id` gives `app_id` the consent `fields` describe (refused, naming the
    /// field, when an item is missing or a purpose is forbidden). `renews` names the grant a
    /// renewal replaces (R5.6).
    #[tracing::instrument(skip(self, fields), fields(app.id = %app_id))]
    pub async fn grant_consent(
        &self,
        user_id: UserId,
        app_id: &AppId,
        fields: &ConsentFields,
        renews: Option<GrantId>,
    ) -> ServiceResult<ConsentGrantRecord> {
        let request = ConsentRequest::parse(fields)?;
        self.consentable_app(app_id, &request).await?;
        self.registered_user(user_id).await?;
        let now = self.clock.now();
        // One consent per app and scope: giving it again while it is live replaces the live
        // grant (recorded as its renewal, R5.6) instead of adding a second one.
        let replaced = match renews {
            Some(_) => None,
            None => {
                self.live_grant_with_scope(user_id, app_id, &request.scope(), now)
                    .await?
            }
        };
        let renews = renews.or(replaced);
        let record = self
            .store
            .insert_consent_grant(user_id, app_id, &ConsentGrant::give(request, now), renews)
            .await?;
        if let Some(old) = replaced {
            if self.store.revoke_consent_grant(old, user_id, now).await? {
                let detail = json!({ "grant": old, "replacedBy": record.id });
                self.audit(user_entry(
                    user_id,
                    Some(app_id),
                    "consent.replaced",
                    detail,
                ))
                .await?;
            }
        }
        let action = if renews.is_some() {
            "consent.renewed"
        } else {
            "consent.granted"
        };
        let detail = json!({
            "grant": record.id,
            "renews": renews,
            "kind": record.grant.request.kind().as_str(),
            "scope": record.grant.request.scope(),
            "lapsesAt": record.grant.lapses_at().timestamp(),
        });
        self.audit(user_entry(user_id, Some(app_id), action, detail))
            .await?;
        Ok(record)
    }

    /// The User's live grant to `app_id` for exactly `scope`, if there is one.
    async fn live_grant_with_scope(
        &self,
        user_id: UserId,
        app_id: &AppId,
        scope: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> ServiceResult<Option<GrantId>> {
        Ok(self
            .store
            .consent_grants_to_app(user_id, app_id)
            .await?
            .into_iter()
            .find(|g| {
                g.grant.status(now) == ConsentStatus::Live && g.grant.request.scope() == scope
            })
            .map(|g| g.id))
    }

    /// R5.6: the User renews grant `grant_id` with the same content: a new recorded act.
    pub async fn renew_consent(
        &self,
        user_id: UserId,
        grant_id: GrantId,
    ) -> ServiceResult<ConsentGrantRecord> {
        let old = self.own_grant(user_id, grant_id).await?;
        let fields = fields_of(&old.grant.request);
        self.grant_consent(user_id, &old.app_id, &fields, Some(old.id))
            .await
    }

    /// R5.2: the User revokes grant `grant_id`; its tokens die with it.
    pub async fn revoke_consent(&self, user_id: UserId, grant_id: GrantId) -> ServiceResult<()> {
        let grant = self.own_grant(user_id, grant_id).await?;
        if self
            .store
            .revoke_consent_grant(grant_id, user_id, self.clock.now())
            .await?
        {
            let entry = user_entry(
                user_id,
                Some(&grant.app_id),
                "consent.revoked",
                json!({ "grant": grant_id }),
            );
            self.audit(entry).await?;
        }
        Ok(())
    }

    /// Every grant the User gave, newest first.
    pub async fn consents_of_user(
        &self,
        user_id: UserId,
    ) -> ServiceResult<Vec<ConsentGrantRecord>> {
        Ok(self.store.consent_grants_of_user(user_id).await?)
    }

    async fn own_grant(
        &self,
        user_id: UserId,
        grant_id: GrantId,
    ) -> ServiceResult<ConsentGrantRecord> {
        self.store
            .consent_grant(grant_id)
            .await?
            .filter(|g| g.user_id == user_id)
            .ok_or(ServiceError::not_found("grant"))
    }

    /// Refuses the call unless `user` has a live consent grant to the caller's AppID covering
    /// `service` (R5.2), refused from the instant it lapses (R5.6), is revoked, or is voided
    /// (R10.2).
    pub async fn require_consent(
        &self,
        caller: &Caller,
        user: &UserRecord,
        service: Service,
    ) -> ServiceResult<()> {
        let hot = self.hot.at(&self.store, self.clock.now()).await?;
        self.require_consent_in(&hot, caller, user, service).await
    }

    /// [`Self::require_consent`], reading the grants through caches already checked.
    pub(crate) async fn require_consent_in(
        &self,
        hot: &HotView<'_>,
        caller: &Caller,
        user: &UserRecord,
        service: Service,
    ) -> ServiceResult<()> {
        if !service.reads_user_data() {
            return Ok(());
        }
        let now = self.clock.now();
        let grants = hot.grants(user.id, &caller.app_id).await?;
        let covering: Vec<_> = grants
            .iter()
            .filter(|g| g.grant.request.services().contains(&service))
            .collect();
        if covering.iter().any(|g| g.grant.is_live(now)) {
            return Ok(());
        }
        let status = covering.first().map(|g| g.grant.status(now));
        let (reason, rule) = why_no_consent(status, &caller.app_id, Some(service));
        let mut entry = AuditEntry::access(caller, user.id, service, Vec::new());
        entry.action = "consent.lapsed-refused".into();
        entry.detail = json!({ "rule": rule, "reason": reason });
        self.audit(entry).await?;
        Err(ServiceError::ConsentRequired {
            reason,
            rule,
            consent_url: consent_url(&caller.app_id, service),
        })
    }

    /// R10.2: after a developer's suspension and resumption, every grant of `app_id` given
    /// before `at` is void and must be given again. Each User concerned is told on the
    /// Platform. Returns how many Users were concerned.
    #[tracing::instrument(skip(self), fields(app.id = %app_id))]
    pub async fn void_consents_of_app(
        &self,
        app_id: &AppId,
        at: DateTime<Utc>,
        reason: &str,
    ) -> ServiceResult<usize> {
        let users = self.store.void_consents_of_app(app_id, at, reason).await?;
        let name = self
            .store
            .find_app(app_id)
            .await?
            .map(|a| a.name)
            .unwrap_or_else(|| app_id.to_string());
        for user_id in &users {
            let text = format!(
                "您對「{name}」({app_id}) 的同意已依規範第十點失效，若要繼續使用須重新同意。\
                 / Your consent to \"{name}\" ({app_id}) is void under R10.2; consent again to keep using it."
            );
            self.store
                .notify(
                    Recipient::User(*user_id),
                    None,
                    NotificationKind::ConsentVoided,
                    "同意已失效 / Consent void",
                    &text,
                    at,
                )
                .await?;
            let entry = AuditEntry {
                actor: "system".into(),
                action: "consent.voided".into(),
                user_id: Some(*user_id),
                app_id: Some(app_id.clone()),
                invoices: Default::default(),
                ip: None,
                detail: json!({ "rule": "R10.2", "reason": reason }),
            };
            self.audit(entry).await?;
        }
        Ok(users.len())
    }
}

/// The raw fields of a request, to renew it unchanged.
pub(crate) fn fields_of(request: &ConsentRequest) -> ConsentFields {
    let items = request.items();
    ConsentFields {
        services: request.scope(),
        purpose_category: items.category.as_str().to_owned(),
        purpose: items.purpose.to_string(),
        period: items.period.to_string(),
        region: items.region.to_string(),
        recipients: items.recipients.to_string(),
        manner: items.manner.to_string(),
        laws: request.out_of_scope().map(|o| o.laws.to_string()),
        refusal_effect: request.out_of_scope().map(|o| o.refusal_effect.to_string()),
    }
}

/// An in-scope consent for `services` with plain PDPA texts: what the demo data set and test
/// fixtures grant (a real app states its own items on the consent page).
pub fn standard_consent(services: &[Service]) -> ConsentFields {
    ConsentFields {
        services: services.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" "),
        purpose_category: "e-invoice-service".into(),
        purpose: "查詢、顯示您的電子發票與中獎資訊，並代為捐贈 / Query and show your e-invoices and prizes; donate on request".into(),
        period: "同意起六個月 / Six months from consent".into(),
        region: "臺灣 / Taiwan".into(),
        recipients: "本 App 之開發者 / The app's developer only".into(),
        manner: "於 App 內顯示，不提供第三人 / Shown in the app, never given to third parties".into(),
        laws: None,
        refusal_effect: None,
    }
}

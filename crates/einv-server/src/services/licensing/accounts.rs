//! Developer and reviewer accounts: argon2 password hashes, never the password (R8).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::Argon2;
use einv_core::DeveloperId;
use einv_core::ReviewerId;
use einv_core::{BusinessId, InvalidValue};
use einv_store::{DeveloperRecord, EntityType, NewDeveloper, ReviewerRecord};

use crate::error::{Proof, ServiceError, ServiceResult};
use crate::services::guessing::Secret;
use crate::services::Platform;

/// The shortest password accepted.
pub const PASSWORD_MIN: usize = 10;

/// What a Developer gives to sign up.
#[derive(Debug, Clone)]
pub struct DeveloperSignUp {
    /// E-mail, the sign-in name.
    pub email: String,
    /// Password, at least [`PASSWORD_MIN`] characters.
    pub password: String,
    /// Name of the business, organisation or agency.
    pub name: String,
    /// `business`, `organisation` or `government`.
    pub entity_type: String,
    /// Business ID (統一編號), for a business or organisation.
    pub business_id: String,
    /// Cyber-security level (A–E), for a government agency.
    pub security_level: String,
}

fn hash_password(password: &str) -> ServiceResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .map(|h| h.to_string())
        .map_err(|_| ServiceError::Internal("password hashing failed".into()))
}

fn check_email(email: &str) -> ServiceResult<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if valid {
        Ok(email)
    } else {
        Err(InvalidValue::new("email", "must be an e-mail address like name@example.com").into())
    }
}

fn check_password(password: &str) -> ServiceResult<()> {
    if password.chars().count() < PASSWORD_MIN {
        return Err(InvalidValue::new(
            "password",
            format!("must be at least {PASSWORD_MIN} characters"),
        )
        .into());
    }
    Ok(())
}

pub(super) fn text<'a>(field: &str, value: &'a str, max: usize) -> ServiceResult<&'a str> {
    let value = value.trim();
    if value.is_empty() {
        return Err(InvalidValue::required(field).into());
    }
    if value.chars().count() > max {
        return Err(InvalidValue::too_long(field, max).into());
    }
    Ok(value)
}

impl DeveloperSignUp {
    fn validate(&self) -> ServiceResult<NewDeveloper> {
        let entity_type = EntityType::parse(&self.entity_type).ok_or_else(|| {
            InvalidValue::new(
                "entity_type",
                "must be business, organisation or government",
            )
        })?;
        let (business_id, security_level) = match entity_type {
            EntityType::Government => {
                let level = self.security_level.trim().to_uppercase();
                if !matches!(level.as_str(), "A" | "B" | "C" | "D" | "E") {
                    return Err(InvalidValue::new(
                        "security_level",
                        "must be a cyber-security level A to E",
                    )
                    .into());
                }
                let ban = self.business_id.trim();
                (
                    if ban.is_empty() {
                        None
                    } else {
                        Some(
                            BusinessId::parse(ban)
                                .map_err(|e| e.for_field("business_id"))?
                                .to_string(),
                        )
                    },
                    Some(level),
                )
            }
            _ => {
                let ban = BusinessId::parse(self.business_id.trim())
                    .map_err(|e| e.for_field("business_id"))?;
                (Some(ban.to_string()), None)
            }
        };
        check_password(&self.password)?;
        Ok(NewDeveloper {
            email: check_email(&self.email)?,
            password_hash: hash_password(&self.password)?,
            name: text("name", &self.name, 200)?.to_owned(),
            entity_type,
            business_id,
            security_level,
        })
    }
}

impl Platform {
    /// Creates a Developer account.
    pub async fn sign_up_developer(
        &self,
        form: &DeveloperSignUp,
    ) -> ServiceResult<DeveloperRecord> {
        let account = form.validate()?;
        Ok(self
            .store
            .create_developer(&account, self.clock.now())
            .await?)
    }

    /// Checks a Developer's e-mail and password from `ip`: throttled per account and per IP,
    /// argon2 off the runtime, a dummy hash for an unknown e-mail (services/guessing.rs).
    pub async fn sign_in_developer(
        &self,
        email: &str,
        password: &str,
        ip: Option<std::net::IpAddr>,
    ) -> ServiceResult<DeveloperRecord> {
        let email = email.trim().to_lowercase();
        self.password_sign_in(
            Secret::DeveloperPassword(&email),
            ip,
            password,
            self.store.find_developer_by_email(&email),
            |d| d.account.password_hash.as_str(),
        )
        .await
    }

    /// The Developer `id`.
    pub async fn developer(&self, id: DeveloperId) -> ServiceResult<DeveloperRecord> {
        self.store
            .find_developer(id)
            .await?
            .ok_or(ServiceError::not_found("developer"))
    }

    /// Creates a reviewer account (operator command); returns its ID.
    pub async fn add_reviewer(
        &self,
        email: &str,
        password: &str,
        name: &str,
    ) -> ServiceResult<ReviewerId> {
        check_password(password)?;
        let email = check_email(email)?;
        let name = if name.trim().is_empty() {
            email.as_str()
        } else {
            name.trim()
        };
        Ok(self
            .store
            .create_reviewer(&email, &hash_password(password)?, name, self.clock.now())
            .await?)
    }

    /// Checks a reviewer's e-mail and password from `ip`, as [`Self::sign_in_developer`].
    pub async fn sign_in_reviewer(
        &self,
        email: &str,
        password: &str,
        ip: Option<std::net::IpAddr>,
    ) -> ServiceResult<ReviewerRecord> {
        let email = email.trim().to_lowercase();
        self.password_sign_in(
            Secret::ReviewerPassword(&email),
            ip,
            password,
            self.store.find_reviewer_by_email(&email),
            |r| r.password_hash.as_str(),
        )
        .await
    }

    /// The account `found` looks up, when `password` matches its hash (`hash` reads it):
    /// throttled as `secret` and per IP, argon2 off the runtime, a dummy hash when there is no
    /// such account, so the answer and its time do not tell which (services/guessing.rs).
    async fn password_sign_in<T: Send>(
        &self,
        secret: Secret<'_>,
        ip: Option<std::net::IpAddr>,
        password: &str,
        found: impl std::future::Future<Output = einv_store::StoreResult<Option<T>>> + Send,
        hash: impl Fn(&T) -> &str + Send + Sync,
    ) -> ServiceResult<T> {
        self.guarded(secret, ip, async {
            let found = found.await?;
            match (
                self.codes
                    .matches(password, found.as_ref().map(&hash))
                    .await,
                found,
            ) {
                (true, Some(account)) => Ok(account),
                _ => Err(ServiceError::Unproven(Proof::Password)),
            }
        })
        .await
    }
}

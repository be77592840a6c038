//! Licensing (R4.1, R4.2): Developer and reviewer accounts, application forms and their
//! supporting documents.

use chrono::{DateTime, Utc};
use einv_core::{ApplicationId, DeveloperId, ReviewerId};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::query::{Bound, Records};
use crate::records::{date_from_key, date_key, from_unix};
use crate::{
    ApplicationForm, ApplicationRecord, DeveloperRecord, DocumentRecord, EntityType, IsmsRecord,
    NewDeveloper, ReviewerRecord, Store, StoreError, StoreResult,
};

const DEVELOPER_COLUMNS: &str =
    "id, email, password_hash, name, entity_type, business_id, security_level, created_at";
const APPLICATION_COLUMNS: &str = "id, developer_id, contact_name, contact_email, contact_phone, \
    product_name, product_version, purpose, services, isms_number, isms_issuer, isms_scope, \
    isms_expiry, isms_exempt, terms_version, filed_at";

/// Developers as [`DeveloperRecord`]s.
const DEVELOPERS: Records<DeveloperRecord> =
    Records::new("developers", DEVELOPER_COLUMNS, developer_from_row);

/// Applications as [`ApplicationRecord`]s.
const APPLICATIONS: Records<ApplicationRecord> =
    Records::new("applications", APPLICATION_COLUMNS, application_from_row);

fn developer_from_row(r: &AnyRow) -> StoreResult<DeveloperRecord> {
    let entity: String = r.try_get("entity_type")?;
    Ok(DeveloperRecord {
        id: DeveloperId::new(r.try_get("id")?),
        account: NewDeveloper {
            email: r.try_get("email")?,
            password_hash: r.try_get("password_hash")?,
            name: r.try_get("name")?,
            entity_type: EntityType::parse(&entity)
                .ok_or_else(|| StoreError::corrupt("developers", "entity_type", entity.clone()))?,
            business_id: r.try_get("business_id")?,
            security_level: r.try_get("security_level")?,
        },
        created_at: from_unix(r.try_get("created_at")?),
    })
}

fn application_from_row(r: &AnyRow) -> StoreResult<ApplicationRecord> {
    let services: String = r.try_get("services")?;
    let expiry: Option<i64> = r.try_get("isms_expiry")?;
    let exempt: i64 = r.try_get("isms_exempt")?;
    Ok(ApplicationRecord {
        id: ApplicationId::new(r.try_get("id")?),
        form: ApplicationForm {
            developer_id: DeveloperId::new(r.try_get("developer_id")?),
            contact_name: r.try_get("contact_name")?,
            contact_email: r.try_get("contact_email")?,
            contact_phone: r.try_get("contact_phone")?,
            product_name: r.try_get("product_name")?,
            product_version: r.try_get("product_version")?,
            purpose: r.try_get("purpose")?,
            services: services
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            isms: IsmsRecord {
                number: r.try_get("isms_number")?,
                issuer: r.try_get("isms_issuer")?,
                scope: r.try_get("isms_scope")?,
                expiry: expiry.and_then(date_from_key),
                exempt: exempt != 0,
            },
            terms_version: r.try_get("terms_version")?,
        },
        filed_at: from_unix(r.try_get("filed_at")?),
    })
}

/// A document's record: its size is the stored bytes' length, the bytes stay in the table.
const DOCUMENT_COLUMNS: &str = "id, application_id, file_name, content_type, \
    CAST(LENGTH(bytes) AS BIGINT) AS size, sha256, uploaded_at, replaced_by";

/// Documents as [`DocumentRecord`]s, without their bytes.
const DOCUMENTS: Records<DocumentRecord> =
    Records::new("application_documents", DOCUMENT_COLUMNS, document_from_row);

fn document_from_row(r: &AnyRow) -> StoreResult<DocumentRecord> {
    Ok(DocumentRecord {
        id: r.try_get("id")?,
        application_id: ApplicationId::new(r.try_get("application_id")?),
        file_name: r.try_get("file_name")?,
        content_type: r.try_get("content_type")?,
        size: r.try_get::<Option<i64>, _>("size")?.unwrap_or_default(),
        sha256: r.try_get("sha256")?,
        uploaded_at: from_unix(r.try_get("uploaded_at")?),
        replaced_by: r.try_get("replaced_by")?,
    })
}

/// Binds `f` as `$1`…`$14`: its Developer, contact (name, e-mail, phone), product (name,
/// version), purpose, services, ISMS certificate (number, issuer, scope, expiry, exempt) and
/// the terms version it accepted.
fn bind_form<'q>(query: Bound<'q>, f: &'q ApplicationForm) -> Bound<'q> {
    query
        .bind(f.developer_id.get())
        .bind(f.contact_name.as_str())
        .bind(f.contact_email.as_str())
        .bind(f.contact_phone.as_str())
        .bind(f.product_name.as_str())
        .bind(f.product_version.as_str())
        .bind(f.purpose.as_str())
        .bind(f.services.join(","))
        .bind(f.isms.number.as_deref())
        .bind(f.isms.issuer.as_deref())
        .bind(f.isms.scope.as_deref())
        .bind(f.isms.expiry.map(date_key))
        .bind(i64::from(f.isms.exempt))
        .bind(f.terms_version.as_str())
}

impl Store {
    /// Creates a Developer account. An e-mail already used is [`StoreError::AlreadyExists`].
    pub async fn create_developer(
        &self,
        d: &NewDeveloper,
        at: DateTime<Utc>,
    ) -> StoreResult<DeveloperRecord> {
        let sql = format!(
            "INSERT INTO developers (email, password_hash, name, entity_type, business_id, \
             security_level, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {DEVELOPER_COLUMNS}"
        );
        let query = sqlx::query(&sql)
            .bind(d.email.as_str())
            .bind(d.password_hash.as_str())
            .bind(d.name.as_str())
            .bind(d.entity_type.as_str())
            .bind(d.business_id.as_deref())
            .bind(d.security_level.as_deref())
            .bind(at.timestamp());
        self.insert_returning(query, "an account with this e-mail", developer_from_row)
            .await
    }

    /// The Developer with this e-mail.
    pub async fn find_developer_by_email(
        &self,
        email: &str,
    ) -> StoreResult<Option<DeveloperRecord>> {
        self.record_where(&DEVELOPERS, "WHERE email = $1", email)
            .await
    }

    /// The Developer with row ID `id`.
    pub async fn find_developer(&self, id: DeveloperId) -> StoreResult<Option<DeveloperRecord>> {
        self.record_where(&DEVELOPERS, "WHERE id = $1", id.get())
            .await
    }

    /// The Developers registered under a business ID (registry events name them so).
    pub async fn find_developers_by_business_id(
        &self,
        business_id: &str,
    ) -> StoreResult<Vec<DeveloperRecord>> {
        let filter = "WHERE business_id = $1 ORDER BY id";
        self.records_where(&DEVELOPERS, filter, business_id).await
    }

    /// Every Developer, oldest first.
    pub async fn list_developers(&self) -> StoreResult<Vec<DeveloperRecord>> {
        self.records_where(&DEVELOPERS, "ORDER BY id", ()).await
    }

    /// Creates a reviewer account. An e-mail already used is [`StoreError::AlreadyExists`].
    pub async fn create_reviewer(
        &self,
        email: &str,
        password_hash: &str,
        name: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<ReviewerId> {
        sqlx::query_scalar(
            "INSERT INTO reviewers (email, password_hash, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(email)
        .bind(password_hash)
        .bind(name)
        .bind(at.timestamp())
        .fetch_one(self.pool())
        .await
        .map(ReviewerId::new)
        .map_err(|e| StoreError::on_unique(e, "a reviewer with this e-mail"))
    }

    /// The reviewer with this e-mail.
    pub async fn find_reviewer_by_email(&self, email: &str) -> StoreResult<Option<ReviewerRecord>> {
        let row =
            sqlx::query("SELECT id, email, password_hash, name FROM reviewers WHERE email = $1")
                .bind(email)
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| {
            Ok(ReviewerRecord {
                id: ReviewerId::new(r.try_get("id")?),
                email: r.try_get("email")?,
                password_hash: r.try_get("password_hash")?,
                name: r.try_get("name")?,
            })
        })
        .transpose()
    }

    /// Stores an application form.
    pub async fn create_application(
        &self,
        f: &ApplicationForm,
        at: DateTime<Utc>,
    ) -> StoreResult<ApplicationRecord> {
        let sql = format!(
            "INSERT INTO applications (developer_id, contact_name, contact_email, contact_phone, \
             product_name, product_version, purpose, services, isms_number, isms_issuer, isms_scope, \
             isms_expiry, isms_exempt, terms_version, filed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             RETURNING {APPLICATION_COLUMNS}"
        );
        let query = bind_form(sqlx::query(&sql), f).bind(at.timestamp());
        let row = query.fetch_one(self.pool()).await?;
        application_from_row(&row)
    }

    /// The application with row ID `id`.
    pub async fn find_application(
        &self,
        id: ApplicationId,
    ) -> StoreResult<Option<ApplicationRecord>> {
        self.record_where(&APPLICATIONS, "WHERE id = $1", id.get())
            .await
    }

    /// Replaces the editable parts of an application: contact, product, purpose, version,
    /// services, ISMS certificate (R4.2 corrections, R5.11, R6). The Developer and the accepted
    /// terms version stay as filed.
    pub async fn update_application(
        &self,
        id: ApplicationId,
        f: &ApplicationForm,
    ) -> StoreResult<()> {
        // The form binds as `$1`…`$14` (bind_form); the Developer ($1) and the terms version
        // ($14) are not updated.
        let sql = "UPDATE applications SET contact_name = $2, contact_email = $3, \
                   contact_phone = $4, product_name = $5, product_version = $6, purpose = $7, \
                   services = $8, isms_number = $9, isms_issuer = $10, isms_scope = $11, \
                   isms_expiry = $12, isms_exempt = $13 WHERE id = $15";
        let query = bind_form(sqlx::query(sql), f).bind(id.get());
        self.run(query).await
    }

    /// Stores an uploaded document with its SHA-256 (computed by the caller from `bytes`).
    pub async fn add_document(
        &self,
        application_id: ApplicationId,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
        sha256: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let sql =
            "INSERT INTO application_documents (application_id, file_name, content_type, bytes, \
             sha256, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        let insert = sqlx::query_scalar(sql)
            .bind(application_id.get())
            .bind(file_name)
            .bind(content_type)
            .bind(bytes.to_vec())
            .bind(sha256)
            .bind(at.timestamp());
        self.new_id(insert).await
    }

    /// The documents of an application, without their bytes.
    pub async fn list_documents(
        &self,
        application_id: ApplicationId,
    ) -> StoreResult<Vec<DocumentRecord>> {
        let filter = "WHERE application_id = $1 ORDER BY id";
        self.records_where(&DOCUMENTS, filter, application_id.get())
            .await
    }

    /// A document's bytes, with its record.
    pub async fn document_bytes(&self, id: i64) -> StoreResult<Option<(DocumentRecord, Vec<u8>)>> {
        let sql =
            format!("SELECT {DOCUMENT_COLUMNS}, bytes FROM application_documents WHERE id = $1");
        let query = sqlx::query(&sql).bind(id);
        self.fetch_opt(query, |r| Ok((document_from_row(r)?, r.try_get("bytes")?)))
            .await
    }
}

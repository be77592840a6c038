//! The reviewer's list of licences: search and filter (status, last change, service,
//! developer or product), paging, and assignment to a reviewer.

use chrono::{Days, NaiveDate};
use einv_core::clock::taipei_midnight;
use einv_core::licence::{LicenceState, LicenceStateKind, Renewal};
use einv_core::{InvalidValue, Service};
use einv_store::{LicenceListing, LicenceSearch, ReviewerName};

use super::review::QUEUE_STATES;
use crate::error::{ServiceError, ServiceResult};
use crate::services::Platform;

/// Rows on one page of the reviewer's list.
pub const PAGE_SIZE: usize = 20;

/// What the reviewer asked for, as typed in the filter form (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct QueueFilter {
    /// `queue` (waiting for a decision, the default), `all`, or one state name.
    pub status: String,
    /// Words in the developer's name, the product or the AppID.
    pub q: String,
    /// A service name.
    pub service: String,
    /// Last changed on or after this day (`YYYY-MM-DD`, Taipei).
    pub from: String,
    /// Last changed on or before this day.
    pub to: String,
    /// `me`, or empty for anyone.
    pub assignee: String,
    /// The page, from 1.
    pub page: String,
}

/// One page of the list.
#[derive(Debug, Clone)]
pub struct QueuePage {
    /// The rows of this page.
    pub rows: Vec<LicenceListing>,
    /// How many rows match in all.
    pub total: usize,
    /// This page, from 1.
    pub page: usize,
    /// How many pages.
    pub pages: usize,
}

fn day(field: &str, text: &str) -> ServiceResult<Option<NaiveDate>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| InvalidValue::not_a_date(field).into())
}

/// Whether a licence waits for a reviewer: new and resubmitted applications, purpose changes,
/// and live licences with a re-review filed (R4.7b).
pub fn waits_for_review(state: &LicenceState) -> bool {
    match state {
        LicenceState::Active { .. } | LicenceState::Suspended { .. } => {
            matches!(state.renewal(), Renewal::Applied { .. })
        }
        s => QUEUE_STATES.contains(&s.kind()),
    }
}

impl QueueFilter {
    fn search(&self, me: i64) -> ServiceResult<LicenceSearch> {
        let status = self.status.trim();
        let states = match status {
            "" | "queue" => QUEUE_STATES.to_vec(),
            "all" => Vec::new(),
            s => match s.parse::<LicenceStateKind>() {
                Ok(state) => vec![state],
                Err(_) => {
                    return Err(InvalidValue::new("status", format!("unknown status {s:?}")).into())
                }
            },
        };
        let service = self.service.trim();
        if !service.is_empty() {
            service
                .parse::<Service>()
                .map_err(|e: InvalidValue| e.for_field("service"))?;
        }
        let (from, to) = (day("from", &self.from)?, day("to", &self.to)?);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                return Err(InvalidValue::new("to", "must not be before from").into());
            }
        }
        Ok(LicenceSearch {
            states,
            text: self.q.trim().chars().take(100).collect(),
            service: service.to_owned(),
            from: from.map(taipei_midnight),
            until: to
                .and_then(|t| t.checked_add_days(Days::new(1)))
                .map(taipei_midnight),
            assignee: (self.assignee == "me").then_some(me),
        })
    }

    fn page_number(&self) -> ServiceResult<usize> {
        match self.page.trim() {
            "" => Ok(1),
            p => p
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| InvalidValue::new("page", "must be a page number from 1").into()),
        }
    }
}

impl Platform {
    /// The reviewer `me`'s list, filtered and paged.
    pub async fn review_list(&self, me: i64, filter: &QueueFilter) -> ServiceResult<QueuePage> {
        let search = filter.search(me)?;
        let mut rows = self.store.search_licences(&search).await?;
        if matches!(filter.status.trim(), "" | "queue") {
            rows.retain(|r| waits_for_review(&r.licence.state));
        }
        let total = rows.len();
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = filter.page_number()?.min(pages);
        let rows = rows
            .into_iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .collect();
        Ok(QueuePage {
            rows,
            total,
            page,
            pages,
        })
    }

    /// Every reviewer, for the assignment list and the names in histories.
    pub async fn reviewers(&self) -> ServiceResult<Vec<ReviewerName>> {
        Ok(self.store.reviewer_names().await?)
    }

    /// Assigns licence `licence_id` to reviewer `reviewer_id`.
    pub async fn assign(&self, licence_id: i64, reviewer_id: i64) -> ServiceResult<()> {
        self.licence(licence_id).await?;
        if !self.reviewers().await?.iter().any(|r| r.id == reviewer_id) {
            return Err(ServiceError::not_found("reviewer"));
        }
        Ok(self
            .store
            .assign_licence(licence_id, reviewer_id, self.clock.now())
            .await?)
    }

    /// Who licence `licence_id` is assigned to.
    pub async fn assignee(&self, licence_id: i64) -> ServiceResult<Option<ReviewerName>> {
        Ok(self.store.assignee_of(licence_id).await?)
    }
}

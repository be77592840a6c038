//! A User's carrier invoices: proving the carrier, listing, detail, aggregation.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use einv_core::clock::sub_calendar_months;
use einv_core::{Carrier, InvalidValue, InvoiceNumber, Period, VerificationCode};
use einv_store::{CarrierKey, CarrierLink, UserRecord};

use super::carrier_list::CoveredMonths;
use super::guessing::Secret;
use super::hot::{Checked, HotView};
use super::kept_invoices::Items;
use super::{AuditEntry, Caller, InvoiceView, Platform};
use crate::error::{Missing, Proof, ServiceError, ServiceResult};
use einv_core::Service;

/// Invoices per page of a carrier list (code 996 when there are more).
pub const PAGE_SIZE: usize = 100;

/// How many months back a carrier list may reach (spec v1.7: the 1st of the month six months
/// back).
const MONTHS_BACK: u32 = 6;

/// A carrier whose holder proved it with the verification code, and the carriers it covers.
#[derive(Debug, Clone)]
pub struct CarrierHolder {
    /// The User behind the carrier.
    pub user: UserRecord,
    /// The carrier the call named.
    pub carrier: Carrier,
    /// The carriers whose invoices the call may see: the named one, plus, for a mobile
    /// barcode, every carrier aggregated under it (歸戶).
    pub covered: Vec<CarrierKey>,
    /// The cache versions this call checked, so the rest of the call reads through the same
    /// caches without checking again (services/hot.rs).
    pub(crate) checked: Checked,
}

/// A carrier list query.
#[derive(Debug, Clone, Copy)]
pub struct InvoiceListQuery {
    /// First day.
    pub from: NaiveDate,
    /// Last day, in the same month.
    pub to: NaiveDate,
    /// Only invoices that won a prize.
    pub only_winning: bool,
    /// Page, from 1 (v1's `page`).
    pub page: u32,
    /// Keyset position (v2's cursor): the row id of the last invoice of the previous page.
    /// When set, `page` is not read.
    pub after: Option<i64>,
}

/// One page of a carrier list.
#[derive(Debug, Clone)]
pub struct InvoiceListPage {
    /// The invoices.
    pub invoices: Vec<InvoiceView>,
    /// Whether another page follows.
    pub more: bool,
}

impl Platform {
    /// Proves a carrier: a mobile barcode with its verification code, or an aggregated carrier
    /// with its hidden ID (CarrierId2) as the code. `Unproven(VerificationCode)` when it does
    /// not match; the answer does not tell an unknown carrier from a wrong code.
    pub async fn authenticate_carrier(
        &self,
        caller: &Caller,
        service: Service,
        carrier: &Carrier,
        code: &VerificationCode,
    ) -> ServiceResult<CarrierHolder> {
        let checked = self.hot.at(&self.store, self.clock.now()).await?.checked();
        self.authenticate_carrier_at(checked, caller, service, carrier, code)
            .await
    }

    /// [`Self::authenticate_carrier`], reading the caches at the versions the call's admission
    /// checked (`AuthorisedApp::checked`), so a call checks the versions once.
    pub async fn authenticate_carrier_at(
        &self,
        checked: Checked,
        caller: &Caller,
        service: Service,
        carrier: &Carrier,
        code: &VerificationCode,
    ) -> ServiceResult<CarrierHolder> {
        let hot = self.hot.checked_at(&self.store, checked);
        let holder = async {
            let (user, covered) = self.prove_carrier(&hot, carrier, code).await?;
            self.require_consent_in(&hot, caller, &user, service)
                .await?;
            Ok::<_, ServiceError>(CarrierHolder {
                user,
                carrier: carrier.clone(),
                covered,
                checked: hot.checked(),
            })
        };
        // Guessing costs: per carrier and per caller IP (services/guessing.rs).
        self.guarded(Secret::UserCode(&carrier.id), caller.ip, holder)
            .await
    }

    /// The registered User that `carrier` and `code` prove, with the carriers the call may
    /// see: a mobile barcode's own and those aggregated under it, or the one aggregated carrier.
    async fn prove_carrier(
        &self,
        hot: &HotView<'_>,
        carrier: &Carrier,
        code: &VerificationCode,
    ) -> ServiceResult<(UserRecord, Vec<CarrierKey>)> {
        let unproven = || ServiceError::Unproven(Proof::VerificationCode);
        if let Some(barcode) = carrier.mobile_barcode() {
            let snapshot = hot
                .user_by_barcode(&barcode)
                .await?
                .filter(|s| s.user.deregistered_at.is_none())
                .ok_or_else(unproven)?;
            let user = &snapshot.user;
            if !self
                .codes
                .check_off_runtime(&carrier.id, code.expose(), Some(&user.verification_hash))
                .await
            {
                return Err(unproven());
            }
            let mut covered = vec![CarrierKey {
                carrier_type: carrier.kind.clone(),
                id1: carrier.id.clone(),
            }];
            covered.extend(snapshot.carriers.iter().map(|l| CarrierKey {
                carrier_type: l.carrier_type.clone(),
                id1: l.id1.clone(),
            }));
            return Ok((user.clone(), covered));
        }
        let (user, link) = self
            .store
            .find_carrier_link(&carrier.kind, &carrier.id)
            .await?
            .ok_or_else(unproven)?;
        if link.id2 != code.expose() || user.deregistered_at.is_some() {
            return Err(unproven());
        }
        let covered = vec![CarrierKey {
            carrier_type: link.carrier_type,
            id1: link.id1,
        }];
        Ok((user, covered))
    }

    /// A page of the holder's invoices (carrierInvChk).
    pub async fn carrier_invoice_list(
        &self,
        caller: &Caller,
        holder: &CarrierHolder,
        query: InvoiceListQuery,
    ) -> ServiceResult<InvoiceListPage> {
        self.check_list_window(query.from, query.to)?;
        let covered = self.covered_months(holder, &query).await?;
        let views = self.list_views(holder, &query, covered.as_ref()).await?;
        self.list_page(caller, holder, views).await
    }

    /// Up to one page and one row more of `query`: from the covered months when kept, else
    /// from the store.
    pub(super) async fn list_views(
        &self,
        holder: &CarrierHolder,
        query: &InvoiceListQuery,
        covered: Option<&CoveredMonths>,
    ) -> ServiceResult<Vec<InvoiceView>> {
        let period = Period::of_date(query.from);
        let snapshot = self
            .hot
            .checked_at(&self.store, holder.checked)
            .draw(period)
            .await?;
        let draw = snapshot.draw.as_ref();
        if query.only_winning && draw.is_none() {
            // No draw, no winners: nothing to read.
            return Ok(Vec::new());
        }
        if let Some(covered) = covered {
            let clock = self.period_clock(period);
            if let Some(views) = self.page_from_months(covered, query, draw, &clock) {
                return Ok(views);
            }
        }
        let limit = i64::try_from(PAGE_SIZE + 1).unwrap_or(i64::MAX);
        let (covered, from, to) = (&holder.covered, query.from, query.to);
        let page = usize::try_from(query.page.max(1)).unwrap_or(1);
        if let (true, Some(draw)) = (query.only_winning, draw) {
            // Winners were marked when the draw was published: read the marked rows (and any
            // stored since), decide which are paid, page in memory (winners are few).
            let candidates = self
                .store
                .carrier_winner_candidates(covered, from, to, snapshot.marked_through)
                .await?;
            let winners = candidates
                .into_iter()
                .map(|r| self.view_invoice(r, Some(draw)))
                .filter(|v| v.prize.is_some());
            return Ok(match query.after {
                // Winners are few and in list order: the page starts after the cursor's row.
                Some(after) => {
                    let mut rest: Vec<InvoiceView> = winners.collect();
                    let start = rest
                        .iter()
                        .position(|v| v.row_id() == after)
                        .map_or(rest.len(), |i| i + 1);
                    rest.drain(..start);
                    rest.truncate(PAGE_SIZE + 1);
                    rest
                }
                None => winners
                    .skip((page - 1) * PAGE_SIZE)
                    .take(PAGE_SIZE + 1)
                    .collect(),
            });
        }
        let rows = match query.after {
            Some(after) => {
                self.store
                    .carrier_invoices_after(covered, from, to, after, limit)
                    .await?
            }
            None => {
                let offset = i64::try_from((page - 1) * PAGE_SIZE).unwrap_or(i64::MAX);
                self.store
                    .carrier_invoices(covered, from, to, limit, offset)
                    .await?
            }
        };
        Ok(rows
            .into_iter()
            .map(|r| self.view_invoice(r, draw))
            .collect())
    }

    /// Records the access and cuts a page (the view list holds up to one row more).
    pub(super) async fn list_page(
        &self,
        caller: &Caller,
        holder: &CarrierHolder,
        views: Vec<InvoiceView>,
    ) -> ServiceResult<InvoiceListPage> {
        let more = views.len() > PAGE_SIZE;
        let invoices: Vec<InvoiceView> = views.into_iter().take(PAGE_SIZE).collect();
        let numbers: Vec<String> = invoices
            .iter()
            .map(|v| v.shown_number.to_string())
            .collect();
        // Durable first (hole 7): the read is answered only once its entry is committed.
        self.audit_read(AuditEntry::access(
            caller,
            holder.user.id,
            Service::CarrierInvoices,
            numbers,
        ))
        .await?;
        Ok(InvoiceListPage { invoices, more })
    }

    /// Spec: no earlier than the 1st of the month six months back, and not after each other.
    /// (v1's "both in the same month" is the MOF protocol's limit, checked by v1.)
    pub(super) fn check_list_window(&self, from: NaiveDate, to: NaiveDate) -> ServiceResult<()> {
        if from > to {
            return Err(InvalidValue::new("from", "must not be after the last day").into());
        }
        let today = self.today();
        let earliest = sub_calendar_months(today, MONTHS_BACK)
            .with_day(1)
            .unwrap_or(today);
        if from < earliest {
            return Err(InvalidValue::new(
                "from",
                format!(
                    "the earliest date that can be queried is {}",
                    earliest.format("%Y/%m/%d")
                ),
            )
            .into());
        }
        Ok(())
    }

    /// One of the holder's invoices with its items (carrierInvDetail).
    pub async fn carrier_invoice_detail(
        &self,
        caller: &Caller,
        holder: &CarrierHolder,
        number: &InvoiceNumber,
        date: NaiveDate,
    ) -> ServiceResult<(InvoiceView, Items)> {
        // The kept month when there is one (R5.7 masking and the rest are decided below, from
        // the clock, as for a stored row); else the store.
        let record = match self
            .holder_invoice_from_months(holder, number, date)
            .await?
        {
            Some(kept) => kept.ok_or(ServiceError::NotFound(Missing::Invoice))?,
            None => Arc::new(self.holder_invoice(holder, number, date).await?),
        };
        let hot = self.hot.checked_at(&self.store, holder.checked);
        let items = hot.invoice_items(&record).await?;
        let draw = hot.draw(record.header.period).await?;
        let view = self.view_invoice(record, draw.draw.as_ref());
        let entry = AuditEntry::access(
            caller,
            holder.user.id,
            Service::CarrierInvoices,
            vec![view.shown_number.to_string()],
        );
        self.audit_read(entry).await?;
        Ok((view, items))
    }

    /// The holder's invoice `number` dated `date`; 915 when it is not the holder's.
    pub(crate) async fn holder_invoice(
        &self,
        holder: &CarrierHolder,
        number: &InvoiceNumber,
        date: NaiveDate,
    ) -> ServiceResult<einv_store::InvoiceRecord> {
        let record = self
            .store
            .find_invoice(number, Period::of_date(date))
            .await?
            .filter(|r| r.header.date == date)
            .ok_or(ServiceError::NotFound(Missing::Invoice))?;
        let owned = record.header.carrier.as_ref().is_some_and(|c| {
            holder
                .covered
                .iter()
                .any(|k| k.carrier_type == c.carrier_type && k.id1 == c.id1)
        });
        if !owned {
            return Err(ServiceError::NotFound(Missing::Invoice));
        }
        Ok(record)
    }

    /// The carriers aggregated under the holder's mobile barcode (qryCarrierAgg).
    pub async fn carrier_aggregation(
        &self,
        caller: &Caller,
        holder: &CarrierHolder,
    ) -> ServiceResult<Vec<CarrierLink>> {
        if !holder.carrier.kind.is_mobile_barcode() {
            return Err(InvalidValue::new(
                "carrierType",
                "carriers aggregate under a mobile barcode (3J0002)",
            )
            .into());
        }
        let links = self.store.user_carriers(holder.user.id).await?;
        self.audit_read(AuditEntry::access(
            caller,
            holder.user.id,
            Service::CarrierAggregation,
            Vec::new(),
        ))
        .await?;
        Ok(links)
    }
}

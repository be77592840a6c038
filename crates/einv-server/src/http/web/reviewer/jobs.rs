//! The operators' view of the background work (docs/operations.md): the latest job runs —
//! job, tick, node, start, end, outcome, what each did or why it failed — filterable by job.
//! Runs left `running` by a node that stopped mid-run show as abandoned once the scheduler
//! marked them.

use einv_core::ReviewerId;
use std::collections::HashMap;

use axum::extract::{Query, State};
use maud::{html, Markup};

use crate::http::web::common::{field, taipei_time, REVIEWER_NAV};
use crate::http::web::layout::{page, Lang};
use crate::http::web::session::WebError;
use crate::http::web::signed_in::SignedIn;
use crate::http::AppState;
use crate::services::jobs::Job;
use einv_store::RunOutcome;

/// How many runs the page lists.
const SHOWN_RUNS: i64 = 200;

/// `GET /reviewer/jobs[?job=NAME]`.
pub(super) async fn view(
    State(state): State<AppState>,
    lang: Lang,
    _: SignedIn<ReviewerId>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    // An unknown job name lists every job rather than failing: the filter is a convenience.
    let job = field(&query, "job").parse::<Job>().ok();
    let runs = state.platform.job_runs(job, SHOWN_RUNS).await?;
    Ok(page(
        lang,
        ("背景作業", "Background jobs"),
        REVIEWER_NAV,
        html! {
            form.card #filter method="get" action="/reviewer/jobs" role="search" {
                label for="job" { (lang.t("作業", "Job")) }
                select #job name="job" {
                    option value="" { (lang.t("全部", "All")) }
                    @for j in Job::ALL { option value=(j.name()) selected[job == Some(j)] { (j.name()) } }
                }
                " " button type="submit" { (lang.t("篩選", "Filter")) }
            }
            @if runs.is_empty() { p.muted { (lang.t("尚無執行紀錄。", "No runs yet.")) } }
            @else { table #job-runs {
                caption { (lang.t("最近之執行（新者在前）", "Latest runs, newest first")) }
                thead { tr {
                    th scope="col" { (lang.t("作業", "Job")) } th scope="col" { (lang.t("節次", "Tick")) }
                    th scope="col" { (lang.t("節點", "Node")) } th scope="col" { (lang.t("開始", "Started")) }
                    th scope="col" { (lang.t("結束", "Finished")) } th scope="col" { (lang.t("結果", "Outcome")) }
                    th scope="col" { (lang.t("內容", "Details")) }
                } }
                tbody { @for run in &runs { tr class=(format!("run-{}", run.outcome)) {
                    td { (run.job) } td { (run.slot) } td { (run.node) }
                    td { (taipei_time(run.started_at)) }
                    td { @if let Some(at) = run.finished_at { (taipei_time(at)) } @else { "—" } }
                    td { (outcome_words(lang, run.outcome)) }
                    td { @if let Some(e) = &run.error { (e) } @else { code { (run.counts) } } }
                } } }
            } }
        },
    ))
}

fn outcome_words(lang: Lang, outcome: RunOutcome) -> &'static str {
    match outcome {
        RunOutcome::Ok => lang.t("完成", "done"),
        RunOutcome::Failed => lang.t("失敗", "failed"),
        RunOutcome::Running => lang.t("執行中", "running"),
        RunOutcome::Abandoned => lang.t("中斷（節點停止）", "abandoned (node stopped)"),
    }
}

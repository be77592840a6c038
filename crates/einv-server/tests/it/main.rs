//! The einv-server integration tests: one binary, one module per area, so the suite links once.
//! Each module drives the real app on a random port against a fresh database (see `common`).

#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

mod admission_cache;
mod audit_trail;
mod authorisation_matrix;
mod carrier_months;
mod consent_rules;
mod developer_pages;
mod flow_control;
mod flow_limits;
mod form_errors_web;
mod guessing;
mod jobs;
mod jobs_operations;
mod kept_invoices;
mod licensing;
mod licensing_web;
mod list_pages;
mod oauth_flow;
mod oauth_setup_web;
mod ops;
mod reviewer_pages;
mod secrets_at_rest;
mod signed_replay;
mod surfaces;
mod v1_api;
mod v1_contract;
mod v1_requests;
mod v2_api;
mod v2_conventions;
mod web_citizen;
mod web_hardening;

//! `einv admin`: the operator's commands for the licensing regime — reviewer accounts,
//! tax-registry events (R10.2, R10.3, R10.5), terms versions (R4.3), announcements (R4.6,
//! R4.8, R4.9), terminations (R10.3) and card issuers' confirmations of carriers.

use einv_core::{DeveloperId, LicenceId};
use einv_server::services::licensing::RegistryEvent;
use einv_server::startup::SecretString;
use std::process::ExitCode;

use clap::{Args as ClapArgs, Subcommand};

use crate::options::PlatformOptions;

mod actions;
mod jobs;

/// Arguments of `einv admin`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: AdminCommand,
    /// Where the data lives.
    #[command(flatten)]
    pub platform: AdminPlatform,
}

/// [`PlatformOptions`], accepted anywhere on an admin command line (`einv admin reviewer add
/// … --data DIR` as scripts write it).
#[derive(Debug, Clone, ClapArgs)]
pub struct AdminPlatform {
    /// The data directory (embedded SQLite database, server.key).
    #[arg(long = "data", env = "EINV_DATA", global = true)]
    pub data_dir: Option<std::path::PathBuf>,
    /// A TOML configuration file; flags and EINV_* variables win over it.
    #[arg(long, env = "EINV_CONFIG", global = true)]
    pub config: Option<std::path::PathBuf>,
    /// A database URL (postgres://…); default: the embedded SQLite file in the data directory.
    #[arg(long, env = "EINV_DATABASE_URL", hide_env_values = true, global = true, value_parser = crate::options::secret)]
    pub database_url: Option<SecretString>,
    /// The server key (64 hex digits) that seals APIKeys; default: DATA/server.key.
    #[arg(
        long,
        env = "EINV_SERVER_KEY",
        hide_env_values = true,
        global = true,
        value_parser = crate::options::secret
    )]
    pub server_key: Option<SecretString>,
    /// A holiday calendar file; default: the built-in list.
    #[arg(long, env = "EINV_HOLIDAYS", global = true)]
    pub holidays: Option<std::path::PathBuf>,
}

impl AdminPlatform {
    /// The shared options.
    pub fn options(&self) -> PlatformOptions {
        // Admin commands serve no calls: flow control is not theirs to configure.
        PlatformOptions {
            config: self.config.clone(),
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            server_key: self.server_key.clone(),
            holidays: self.holidays.clone(),
            ..PlatformOptions::default()
        }
    }
}

/// The admin commands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Reviewer accounts.
    #[command(subcommand)]
    Reviewer(ReviewerCommand),
    /// Apply a tax-registry event to a Developer's licences.
    Registry(RegistryArgs),
    /// Terms versions (R4.3).
    #[command(subcommand)]
    Terms(TermsCommand),
    /// Publish an announcement (maintenance, outage, limits, notice).
    Announce(AnnounceArgs),
    /// Terminate a licence on one of the grounds of R10.3.
    Terminate(TerminateArgs),
    /// Register a licence approved before 2023-03-31 (R4.7d); prints its AppID and APIKey once.
    Legacy(LegacyArgs),
    /// Run a background job now, as `einv serve` does on its schedule; by default the licence
    /// sweep (expiry R4.7c/d with R11, renewed terms R4.7b, lapsed certificates R6).
    Sweep(jobs::SweepArgs),
    /// The latest background job runs: job, node, started, finished, outcome, counts.
    Jobs(jobs::JobsArgs),
    /// Require (or stop requiring) the MOF signature on every v1 call of a licence's AppID,
    /// the actions the Ministry leaves unsigned included.
    SignEveryCall(SignEveryCallArgs),
    /// A licence's OAuth redirect URIs (https, or http only to a loopback address), as its
    /// Developer manages them on the licence page.
    #[command(subcommand)]
    RedirectUri(RedirectUriCommand),
    /// Carriers: record what card issuers confirm.
    #[command(subcommand)]
    Carrier(CarrierCommand),
}

/// `einv admin redirect-uri list|add|remove LICENCE [URI]`
#[derive(Debug, Subcommand)]
pub enum RedirectUriCommand {
    /// Print the registered URIs, one a line.
    List {
        /// The licence ID.
        licence: LicenceId,
    },
    /// Register a URI.
    Add {
        /// The licence ID.
        licence: LicenceId,
        /// The URI.
        uri: String,
    },
    /// Remove a URI.
    Remove {
        /// The licence ID.
        licence: LicenceId,
        /// The URI.
        uri: String,
    },
}

/// `einv admin carrier …`
#[derive(Debug, Subcommand)]
pub enum CarrierCommand {
    /// Record a card issuer's confirmation that a card has a hidden code (CarrierId2): the
    /// second proof of holding a carrier, besides a seller's invoice carrying that code. Its
    /// holder can then aggregate the card before any invoice reaches it. Audited.
    Confirm(ConfirmArgs),
}

/// `einv admin carrier confirm --issuer NAME --carrier-type T --carrier-id ID` (the hidden code
/// from `--hidden-code` or `EINV_CARRIER_HIDDEN_CODE`, never echoed).
#[derive(Debug, ClapArgs)]
pub struct ConfirmArgs {
    /// Who confirms: the issuer's name as it will stand in the audit trail (e.g. EasyCard).
    #[arg(long)]
    pub issuer: String,
    /// The carrier type code, e.g. 1K0001 (EasyCard).
    #[arg(long)]
    pub carrier_type: String,
    /// The card's visible number (CarrierId1).
    #[arg(long)]
    pub carrier_id: String,
    /// The hidden code the issuer confirms (CarrierId2). A proof secret: prefer the
    /// environment variable, which stays out of the process list.
    #[arg(long, env = "EINV_CARRIER_HIDDEN_CODE", hide_env_values = true)]
    pub hidden_code: String,
}

/// `einv admin sign-every-call LICENCE on|off`
#[derive(Debug, ClapArgs)]
pub struct SignEveryCallArgs {
    /// The licence ID.
    pub licence: LicenceId,
    /// `on` (every call signed) or `off` (the Ministry's behaviour).
    #[arg(value_parser = ["on", "off"])]
    pub setting: String,
}

/// `einv admin reviewer …`
#[derive(Debug, Subcommand)]
pub enum ReviewerCommand {
    /// Create a reviewer account; prints its ID.
    Add {
        /// Sign-in e-mail.
        #[arg(long)]
        email: String,
        /// Password (at least 10 characters).
        #[arg(long, env = "EINV_REVIEWER_PASSWORD", hide_env_values = true)]
        password: String,
        /// Display name (default: the e-mail).
        #[arg(long, default_value = "")]
        name: String,
    },
}

/// `einv admin registry EVENT --developer ID | --business-id BAN`
#[derive(Debug, ClapArgs)]
pub struct RegistryArgs {
    /// The event: suspend (停業: R10.2), resume (復業 approved: R10.2, voids earlier
    /// consents), close (closed without permission or abnormal: R10.3-3), deregister
    /// (R10.3-4), merge (R10.5: the survivor applies anew) or reorganise (government body:
    /// R10.3-5).
    pub event: RegistryEvent,
    /// The Developer's ID.
    #[arg(
        long,
        required_unless_present = "business_id",
        conflicts_with = "business_id"
    )]
    pub developer: Option<DeveloperId>,
    /// The Developer's business ID (統一編號): every Developer registered under it.
    #[arg(long)]
    pub business_id: Option<String>,
    /// The reason recorded with each event (e.g. the tax office's reference).
    #[arg(long, default_value = "tax registry event")]
    pub reason: String,
}

/// `einv admin terms …`
#[derive(Debug, Subcommand)]
pub enum TermsCommand {
    /// Publish a terms version; Developers must accept it by the end of DEADLINE (Taipei).
    Publish {
        /// The version label.
        version: String,
        /// The acceptance deadline, YYYY-MM-DD.
        #[arg(long)]
        deadline: chrono::NaiveDate,
        /// What changed.
        #[arg(long, default_value = "")]
        summary: String,
        /// A UTF-8 file with the full text of the version (R4.3, R9: stored and shown as
        /// accepted).
        #[arg(long)]
        text_file: std::path::PathBuf,
    },
}

/// `einv admin announce …`
#[derive(Debug, ClapArgs)]
pub struct AnnounceArgs {
    /// maintenance, outage, limits, terms or notice.
    #[arg(long, default_value = "notice")]
    pub kind: einv_core::notice::AnnouncementKind,
    /// Title.
    #[arg(long)]
    pub title: String,
    /// Text.
    #[arg(long, default_value = "")]
    pub body: String,
    /// Start, `YYYY-MM-DD HH:MM` Taipei time (default: now).
    #[arg(long)]
    pub starts: Option<String>,
    /// End, `YYYY-MM-DD HH:MM` Taipei time.
    #[arg(long)]
    pub ends: Option<String>,
}

/// `einv admin legacy --developer ID --product NAME --services S,S --approved-on DATE
/// [--re-review-filed-on DATE] --isms-number N --isms-issuer I --isms-scope S --isms-expiry DATE`
#[derive(Debug, ClapArgs)]
pub struct LegacyArgs {
    /// The Developer's ID.
    #[arg(long)]
    pub developer: DeveloperId,
    /// The Product's name.
    #[arg(long)]
    pub product: String,
    /// Licensed services, comma-separated (e.g. winning-numbers,carrier-invoices,donation).
    #[arg(long, value_delimiter = ',')]
    pub services: Vec<String>,
    /// The day the Center approved it, YYYY-MM-DD (before 2023-03-31).
    #[arg(long)]
    pub approved_on: chrono::NaiveDate,
    /// The day its re-review was filed, YYYY-MM-DD (by 2025-03-31; required after that day,
    /// R4.7d: the licence then runs until the re-review is decided).
    #[arg(long)]
    pub re_review_filed_on: Option<chrono::NaiveDate>,
    /// ISMS certificate number (R6; leave out for an exempt government body).
    #[arg(long, default_value = "")]
    pub isms_number: String,
    /// ISMS certificate issuer.
    #[arg(long, default_value = "")]
    pub isms_issuer: String,
    /// ISMS certificate scope.
    #[arg(long, default_value = "")]
    pub isms_scope: String,
    /// ISMS certificate expiry, YYYY-MM-DD.
    #[arg(long, default_value = "")]
    pub isms_expiry: String,
}

/// `einv admin terminate LICENCE --ground G --reason R`
#[derive(Debug, ClapArgs)]
pub struct TerminateArgs {
    /// The licence ID.
    pub licence: LicenceId,
    /// spec-violation, prize-fraud-indictment, registration-abnormal, deregistered,
    /// government-reorganised, improper-access or public-interest.
    #[arg(long)]
    pub ground: String,
    /// Why, recorded with the event.
    #[arg(long)]
    pub reason: String,
}

/// Runs `einv admin`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(actions::run(args))
}

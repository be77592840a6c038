//! What each `einv admin` command does: open the Platform, call one service, print the result.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use einv_core::licence::TerminationGround;
use einv_core::{Clock, SystemClock};
use einv_server::services::licensing::{Actor, IsmsInput, LegacyLicence};
use einv_server::{startup, Platform};

use super::{
    AdminCommand, AnnounceArgs, Args, CarrierCommand, RedirectUriCommand, RegistryArgs,
    ReviewerCommand, TermsCommand,
};

pub(super) async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let platform = startup::platform(&args.platform.options().config()?, clock).await?;
    match args.command {
        AdminCommand::Reviewer(ReviewerCommand::Add {
            email,
            password,
            name,
        }) => {
            let id = platform
                .add_reviewer(&email, &password, &name)
                .await
                .context("--email/--password")?;
            println!("{id}");
        }
        AdminCommand::Registry(r) => registry(&platform, r).await?,
        AdminCommand::Terms(TermsCommand::Publish {
            version,
            deadline,
            summary,
            text_file,
        }) => {
            let full_text = std::fs::read_to_string(&text_file)
                .with_context(|| format!("--text-file {}", text_file.display()))?;
            let t = platform
                .publish_terms(&version, &summary, &full_text, deadline)
                .await?;
            println!(
                "terms {} published; accept by the end of {deadline} Taipei (Developers notified)",
                t.version
            );
        }
        AdminCommand::Announce(a) => announce(&platform, a).await?,
        AdminCommand::Legacy(l) => legacy(&platform, l).await?,
        AdminCommand::RedirectUri(c) => redirect_uris(&platform, c).await?,
        AdminCommand::SignEveryCall(a) => {
            let on = a.setting == "on";
            platform
                .set_sign_every_call(Actor::Operator, a.licence, on)
                .await
                .with_context(|| format!("licence #{}", a.licence))?;
            println!(
                "licence #{}: sign every call {}",
                a.licence,
                if on { "on" } else { "off" }
            );
        }
        AdminCommand::Carrier(CarrierCommand::Confirm(c)) => {
            platform
                .confirm_carrier_by_issuer(
                    &c.issuer,
                    &c.carrier_type,
                    &c.carrier_id,
                    &c.hidden_code,
                )
                .await
                .context("--carrier-type/--carrier-id/--hidden-code/--issuer")?;
            println!(
                "carrier {} {}: hidden code confirmed by {} (audited)",
                c.carrier_type, c.carrier_id, c.issuer
            );
        }
        AdminCommand::Sweep(a) => {
            super::jobs::sweep(&platform, &args.platform.options(), a).await?
        }
        AdminCommand::Jobs(a) => super::jobs::list(&platform, a).await?,
        AdminCommand::Terminate(t) => {
            let ground: TerminationGround = t.ground.parse().context("--ground")?;
            let licence = platform
                .terminate(Actor::Operator, t.licence, ground, &t.reason)
                .await?;
            println!("licence #{} terminated ({}); credentials revoked, Developer and Users notified (R11)", licence.id, ground.rule());
        }
    }
    // The trail writes in batches: what this command audited is written before it exits.
    platform
        .flush_audit()
        .await
        .context("writing the audit trail")?;
    Ok(ExitCode::SUCCESS)
}

/// R4.7d: records a legacy licence; its keys are printed only while it serves (the service
/// refuses one that would already have stopped, so no revoked key is ever shown).
async fn legacy(platform: &Platform, l: super::LegacyArgs) -> anyhow::Result<()> {
    let legacy = LegacyLicence {
        developer_id: l.developer,
        product_name: l.product,
        services: l.services,
        approved_on: l.approved_on,
        re_review_filed_at: l
            .re_review_filed_on
            .map(|d| einv_core::clock::end_of_taipei_day(d) - chrono::Duration::seconds(1)),
        isms: IsmsInput {
            number: l.isms_number,
            issuer: l.isms_issuer,
            scope: l.isms_scope,
            expiry: l.isms_expiry,
        },
    };
    let (licence, creds) = platform.register_legacy_licence(&legacy).await?;
    if licence.state.name() != "active" {
        bail!(
            "licence #{} is {}; its keys are not shown",
            licence.id,
            licence.state.name()
        );
    }
    match l.re_review_filed_on {
        Some(filed) => println!(
            "licence #{} (legacy, re-review filed {filed}; runs until it is decided)",
            licence.id
        ),
        None => println!(
            "licence #{} (legacy, re-review due by 2025-03-31)",
            licence.id
        ),
    }
    println!("appID  {}", creds.app_id);
    println!("APIKey {}   (shown once)", creds.api_key);
    Ok(())
}

async fn registry(platform: &Platform, r: RegistryArgs) -> anyhow::Result<()> {
    let event = r.event;
    let developers = match (r.developer, &r.business_id) {
        (Some(id), _) => vec![id],
        (None, Some(ban)) => platform
            .developers_with_business_id(ban)
            .await
            .context("--business-id")?,
        (None, None) => bail!("--developer or --business-id is required"),
    };
    for developer in developers {
        let changed = platform
            .registry_event(developer, event, &r.reason)
            .await
            .with_context(|| format!("--developer {developer}"))?;
        for licence in &changed {
            println!(
                "developer {developer}: licence #{} is now {}",
                licence.id,
                licence.state.name()
            );
        }
        if changed.is_empty() {
            println!("developer {developer}: no licence concerned");
        }
    }
    Ok(())
}

fn taipei_instant(field: &str, text: &str) -> anyhow::Result<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M")
        .with_context(|| format!("{field}: expected YYYY-MM-DD HH:MM (Taipei), got {text:?}"))?;
    einv_core::clock::taipei()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("{field}: not a valid time"))
}

async fn announce(platform: &Platform, a: AnnounceArgs) -> anyhow::Result<()> {
    let starts = match &a.starts {
        Some(s) => taipei_instant("--starts", s)?,
        None => platform.clock.now(),
    };
    let ends = a
        .ends
        .as_deref()
        .map(|e| taipei_instant("--ends", e))
        .transpose()?;
    let id = platform
        .announce(a.kind, &a.title, &a.body, starts, ends)
        .await?;
    println!("announcement {id} published");
    Ok(())
}

/// The operator acts for the licence's Developer: the same checks as the licence page.
async fn redirect_uris(platform: &Platform, c: RedirectUriCommand) -> anyhow::Result<()> {
    let licence = match &c {
        RedirectUriCommand::List { licence }
        | RedirectUriCommand::Add { licence, .. }
        | RedirectUriCommand::Remove { licence, .. } => *licence,
    };
    let developer = platform
        .licence(licence)
        .await
        .with_context(|| format!("licence #{licence}"))?
        .developer_id;
    match c {
        RedirectUriCommand::List { .. } => {
            for uri in platform.redirect_uris_of(developer, licence).await? {
                println!("{uri}");
            }
        }
        RedirectUriCommand::Add { uri, .. } => {
            let uri = platform
                .add_redirect_uri(developer, licence, &uri)
                .await
                .context("URI")?;
            println!("licence #{licence}: {} registered", uri.as_str());
        }
        RedirectUriCommand::Remove { uri, .. } => {
            platform
                .remove_redirect_uri(developer, licence, &uri)
                .await
                .context("URI")?;
            println!("licence #{licence}: {uri} removed");
        }
    }
    Ok(())
}

//! A small e-invoice app built on `einv-client`, to copy from. Against `einv serve --demo` it
//! sends a User through the consent flow, lists their invoices with prize results, donates one,
//! renews the consent, and purges everything as at the end of a licence.
//!
//! ```text
//! einv serve --demo --data ./einv-data &
//! cargo run -p einv-client --example kit_demo -- --base http://127.0.0.1:8080 --demo-json ./einv-data/demo.json
//! ```
//!
//! The User's part of the consent flow (sign in, approve) is played by
//! `einv_client::sandbox`; a real app sends the User's browser to the consent URL instead.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate};
use clap::Parser;
use einv_client::kit::{ConsentScope, SealingKey, StoredCarrier};
use einv_client::platform::Tokens;
use einv_client::{
    sandbox, ApiKey, CarrierCredentials, ClientConfig, ComplianceKit, Error, PlatformClient,
    SqliteKitStore, V1Client,
};
use einv_core::clock::{taipei, taipei_date};
use einv_core::consent::ConsentFields;
use einv_core::prize::PrizeEngine;
use einv_core::{Clock, Period, SystemClock};

/// The demo app's options.
#[derive(Debug, Parser)]
struct Args {
    /// The Platform's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base: String,
    /// The `demo.json` that `einv serve --demo` writes (AppID, APIKey, a User's barcode and code).
    #[arg(long)]
    demo_json: PathBuf,
    /// Where the kit keeps its records.
    #[arg(long, default_value = "sqlite::memory:")]
    kit_db: String,
    /// Where the Platform sends the User back (a loopback URI the demo app registered).
    #[arg(long, default_value = "http://127.0.0.1/callback")]
    redirect_uri: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Demo {
    #[serde(rename = "appID")]
    app_id: String,
    api_key: String,
    card_no: String,
    card_encrypt: String,
}

/// What the app asks the User to consent to: every PDPA item (R5.4).
fn consent_request() -> ConsentFields {
    ConsentFields {
        services: "carrier-invoices donation".into(),
        purpose_category: "e-invoice-service".into(),
        purpose: "查詢、顯示您的電子發票與中獎資訊，並代為捐贈 / Show your e-invoices and prizes; donate on request".into(),
        period: "同意起六個月 / Six months from consent".into(),
        region: "臺灣 / Taiwan".into(),
        recipients: "本 App 之開發者 / This app's developer only".into(),
        manner: "於 App 內顯示，不提供第三人 / Shown in the app, never given to third parties".into(),
        laws: None,
        refusal_effect: None,
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kit_demo: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Sends the User through the consent flow and records the consent in the ledger.
async fn consent(
    platform: &PlatformClient,
    kit: &ComplianceKit,
    args: &Args,
    demo: &Demo,
    user: &str,
) -> Result<Tokens, Box<dyn std::error::Error>> {
    let start = platform.authorize(&args.redirect_uri, &consent_request());
    println!(
        "consent: sending the User to {}",
        start.url.split('?').next().unwrap_or_default()
    );
    let (code, state) =
        sandbox::approve_as_user(&args.base, &start.url, &demo.card_no, &demo.card_encrypt).await?;
    let tokens = platform.exchange(&start, &code, &state).await?;
    let record = kit
        .record_consent(user, ConsentScope::InScope, &tokens.services)
        .await?;
    let services: Vec<&str> = tokens.services.iter().map(|s| s.as_str()).collect();
    println!(
        "consent: approved {} until {} (R5.6)",
        services.join(" "),
        record
            .lapses_at
            .with_timezone(&taipei())
            .format("%Y-%m-%d %H:%M")
    );
    Ok(tokens)
}

fn month_of(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = d.with_day(1).unwrap_or(d);
    let next = if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    };
    (first, next.map_or(d, |n| n - Duration::days(1)))
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let demo: Demo = serde_json::from_str(
        &std::fs::read_to_string(&args.demo_json)
            .map_err(|e| format!("--demo-json {}: {e}", args.demo_json.display()))?,
    )
    .map_err(|e| format!("--demo-json {}: {e}", args.demo_json.display()))?;
    let config = ClientConfig::new(&args.base, &demo.app_id, ApiKey::new(&demo.api_key))
        .with_device_id("kit-demo");
    let client = V1Client::new(config.clone())?;
    let platform = PlatformClient::new(config)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let kit = ComplianceKit::new(
        &demo.app_id,
        // Verification codes sealed at rest; a real app loads this key from its secret store.
        SqliteKitStore::open(&args.kit_db)
            .await?
            .with_sealing_key(SealingKey::new(&rand::random())),
        clock.clone(),
    );
    let user = "user-1";
    let carrier = CarrierCredentials::mobile_barcode(&demo.card_no, &demo.card_encrypt);
    // The app keeps the User's carrier to call on their behalf; `purge` deletes it (R11).
    kit.store_carrier(&StoredCarrier::new(
        user,
        "3J0002",
        &demo.card_no,
        &demo.card_encrypt,
    ))
    .await?;

    // R5.8, R5.9: show the Platform's attribution and disclaimer.
    match platform.attribution().await {
        Ok(a) => println!(
            "attribution: {}\ndisclaimer: {}",
            a.attribution_zh, a.disclaimer_zh
        ),
        Err(Error::Http { status: 404, .. }) => println!(
            "attribution: no licence on file for {} (the demo app is not licensed)",
            demo.app_id
        ),
        Err(e) => return Err(e.into()),
    }

    // R5.2: without a consent the kit refuses to fetch.
    let today = taipei_date(clock.now());
    let (first, _) = month_of(today);
    match kit
        .carrier_invoices(&client, user, &carrier, first, today)
        .await
    {
        Err(Error::NoConsent { rule, .. }) => println!("before consent: refused ({rule})"),
        other => return Err(format!("expected a refusal before consent, got {other:?}").into()),
    }

    let tokens = consent(&platform, &kit, &args, &demo, user).await?;

    // The invoices of the last drawn period's second month, with prize results.
    let mut drawn = Period::of_date(today);
    while drawn.draw_date() > today {
        drawn = drawn.previous();
    }
    let draw = client.winning_list(drawn).await?;
    let engine = PrizeEngine::new(&draw);
    let (from, to) = month_of(drawn.last_day());
    let invoices = kit
        .carrier_invoices(&client, user, &carrier, from, to)
        .await?;
    println!(
        "invoices {from}..{to} (period {}): {}",
        drawn.code(),
        invoices.len()
    );
    let mut winners = 0;
    for inv in &invoices {
        // A donated invoice shows masked and reports no prize (R5.7).
        let prize = inv.number.full().and_then(|n| engine.check_invoice(n));
        if let Some(p) = prize {
            winners += 1;
            println!(
                "  {}  {}  {}  NT${}  {} {}",
                inv.number,
                inv.date,
                inv.seller_name,
                inv.amount,
                p,
                engine.amount(p)
            );
        }
    }
    println!("prizes: {winners} winning invoices of {}", invoices.len());

    // The open period's invoices (not drawn yet, so donatable): donate the first that can be.
    let open = Period::of_date(today);
    let mut current = Vec::new();
    for month_day in [open.first_day(), open.last_day()] {
        let (from, to) = month_of(month_day);
        if from <= today {
            current.extend(
                kit.carrier_invoices(&client, user, &carrier, from, to.min(today))
                    .await?,
            );
        }
    }
    println!(
        "invoices of the open period {}: {}",
        open.code(),
        current.len()
    );
    match current
        .iter()
        .find(|i| i.donatable && !i.donated)
        .and_then(|i| Some((*i.number.full()?, i.date)))
    {
        Some((number, date)) => {
            let receipt = kit
                .donate(&client, user, &carrier, &number, date, "919")
                .await?;
            println!(
                "donated: {} to {} ({})",
                receipt.number, receipt.npo_ban, receipt.status
            );
            let cached = kit.cached_invoices(user).await?;
            let masked = cached.iter().filter(|c| c.number.is_masked()).count();
            println!(
                "cache: {} invoices kept, {masked} shown masked (R5.7)",
                cached.len()
            );
        }
        None => println!("donated: nothing donatable in the open period"),
    }

    // R5.6: the ledger says when to renew; the User renews through the same flow.
    let due = kit.renewals_due(Duration::days(200)).await?;
    for n in &due {
        println!(
            "renewal due: {} {} by {}",
            n.user,
            n.scope.key(),
            n.lapses_at.with_timezone(&taipei()).format("%Y-%m-%d")
        );
    }
    platform.refresh(&tokens).await?;
    consent(&platform, &kit, &args, &demo, user).await?;

    // R11: the licence ends: purge, and the statement to confirm on the Platform.
    let report = kit.purge("demo: licence withdrawn").await?;
    println!("purge: {}", report.statement());
    println!(
        "usage trail: {} entries kept (R5.3)",
        kit.usage_trail(None).await?.len()
    );
    Ok(())
}

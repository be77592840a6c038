//! Every v1 action through `V1Client`, against the live Platform.

use std::time::Duration;

use chrono::{Duration as Days, NaiveDate};
use einv_client::{
    ApiKey, CarrierCredentials, ClientConfig, Error, ProofCopy, RetryPolicy, V1Client,
};
use einv_core::flow::{FlowLimits, RateLimit};
use einv_core::prize::PrizeEngine;
use einv_core::{FixedClock, InvoiceNumber};

use crate::harness::Live;

/// A live Platform, its client, and the demo User's recent invoices.
async fn start_with_invoices() -> (Live, V1Client, Vec<einv_client::v1::CarrierInvoice>) {
    let live = Live::start().await;
    let client = live.client();
    let invoices = some_invoices(&live, &client).await;
    (live, client, invoices)
}

/// This month's invoices of the demo User (or last month's, early on the 1st).
async fn some_invoices(live: &Live, client: &V1Client) -> Vec<einv_client::v1::CarrierInvoice> {
    let (first, today) = live.open_month();
    let found = client
        .carrier_invoices_all(&live.carrier(), first, today, false)
        .await
        .unwrap();
    if !found.is_empty() {
        return found;
    }
    let last = first - Days::days(1);
    let first_of_last = NaiveDate::from_ymd_opt(
        chrono::Datelike::year(&last),
        chrono::Datelike::month(&last),
        1,
    )
    .unwrap();
    client
        .carrier_invoices_all(&live.carrier(), first_of_last, last, false)
        .await
        .unwrap()
}

/// The MOF code a refused call answered with.
fn refused_with<T: std::fmt::Debug>(answer: einv_client::Result<T>) -> u16 {
    mof_code(&answer.unwrap_err())
}

fn mof_code(e: &Error) -> u16 {
    match e {
        Error::Mof { code, .. } => *code,
        other => panic!("expected a MOF code, got {other:?}"),
    }
}

#[tokio::test]
async fn public_actions_winning_numbers_love_codes_and_proof_copy_lookup() {
    let live = Live::start().await;
    let client = live.client();
    let period = live.drawn_period();
    let draw = client.winning_list(period).await.unwrap();
    assert_eq!(draw.period(), period);
    assert_eq!(draw.first().len(), 3);
    // A period not drawn yet: 901, named by the Platform.
    let e = client.winning_list(period.next().next()).await.unwrap_err();
    assert_eq!(mof_code(&e), 901);

    let charities = client.love_codes("919").await.unwrap();
    assert!(
        charities
            .iter()
            .any(|c| c.love_code == "919" && c.name.contains("創世")),
        "{charities:?}"
    );

    let invoices = some_invoices(&live, &client).await;
    let inv = invoices
        .iter()
        .find(|i| !i.donated)
        .expect("an invoice not donated");
    let number = *inv.number.full().unwrap();
    let record = live
        .db
        .store
        .find_invoice(&number, inv.period)
        .await
        .unwrap()
        .unwrap();
    let random = record
        .header
        .random_code
        .map(|r| r.to_string())
        .unwrap_or_default();
    let by = ProofCopy::Barcode {
        period: inv.period,
        random: random.clone(),
    };
    let header = client.invoice_header(&number, inv.date, &by).await.unwrap();
    assert_eq!(header.number.as_str(), number.as_str());
    assert_eq!(header.period, inv.period);
    let detail = client.invoice_detail(&number, inv.date, &by).await.unwrap();
    assert!(!detail.lines.is_empty());
    // The live qryInvDetail reply carries no total: the lines add up to the invoice's amount.
    let lines: f64 = detail
        .lines
        .iter()
        .map(|l| l.amount.parse::<f64>().unwrap())
        .sum();
    assert_eq!(lines, inv.amount.parse::<f64>().unwrap());
    // A wrong random code is 915, told no differently from a missing invoice.
    let wrong = ProofCopy::Barcode {
        period: inv.period,
        random: if random == "0000" { "0001" } else { "0000" }.into(),
    };
    assert_eq!(
        refused_with(client.invoice_detail(&number, inv.date, &wrong).await),
        915
    );
    live.stop().await;
}

#[tokio::test]
async fn carrier_list_detail_aggregation_and_prizes() {
    let (live, client, invoices) = start_with_invoices().await;
    assert!(!invoices.is_empty());
    for inv in &invoices {
        // R5.7: a donated invoice's number is never available in full.
        assert_eq!(inv.donated, inv.number.is_masked(), "{inv:?}");
        assert!(
            inv.claim_deadline.is_some(),
            "R6.2: the Platform states the deadline"
        );
    }
    let inv = invoices.iter().find(|i| !i.donated).unwrap();
    let detail = client
        .carrier_invoice_detail(&live.carrier(), inv.number.full().unwrap(), inv.date)
        .await
        .unwrap();
    assert_eq!(detail.header.seller_name, inv.seller_name);

    let carriers = client.aggregated_carriers(&live.carrier()).await.unwrap();
    assert!(
        carriers
            .iter()
            .any(|c| c.carrier_type == "1K0001" && !c.hidden_id.is_empty()),
        "{carriers:?}"
    );

    // Prize results: the drawn period's invoices checked with the core's prize engine.
    let draw = client.winning_list(live.drawn_period()).await.unwrap();
    let engine = PrizeEngine::new(&draw);
    // Every invoice the Platform lists as winning wins by the core's prize engine too.
    let drawn = live.drawn_period();
    let to = drawn.last_day();
    let from =
        NaiveDate::from_ymd_opt(chrono::Datelike::year(&to), chrono::Datelike::month(&to), 1)
            .unwrap();
    let winning = client
        .carrier_invoices_all(&live.carrier(), from, to, true)
        .await
        .unwrap();
    for inv in winning.iter().filter(|i| i.period == drawn) {
        if let Some(n) = inv.number.full() {
            assert!(engine.check_invoice(n).is_some(), "{n} listed as winning");
        }
    }

    // A wrong verification code: 919.
    let wrong = CarrierCredentials::mobile_barcode(&live.demo.card_no, "Wrong999");
    let (first, today) = live.open_month();
    assert_eq!(
        refused_with(
            client
                .carrier_invoices(&wrong, first, today, false, 1)
                .await
        ),
        919
    );
    live.stop().await;
}

#[tokio::test]
async fn donation_is_signed_masked_and_never_sent_twice() {
    let (live, client, invoices) = start_with_invoices().await;
    let inv = invoices
        .iter()
        .find(|i| i.donatable && !i.donated)
        .expect("a donatable invoice");
    let number = *inv.number.full().unwrap();
    let receipt = client
        .donate(&live.carrier(), &number, inv.date, "919")
        .await
        .unwrap();
    assert_eq!(receipt.number.as_str(), number.masked());
    assert_eq!(receipt.status, "已捐贈");
    // The same donation again is refused (908) — and a retrying client does not resend it.
    // (A new call: its own serial. An identical signed request would be answered from the
    // first answer, since the Platform answers a replay once.)
    let retrying = V1Client::new(live.config().with_retry(RetryPolicy::default()))
        .unwrap()
        .with_serial(100);
    assert_eq!(
        refused_with(
            retrying
                .donate(&live.carrier(), &number, inv.date, "919")
                .await
        ),
        908
    );
    let after = some_invoices(&live, &client).await;
    let shown = after
        .iter()
        .find(|i| i.date == inv.date && i.number.as_str() == number.masked())
        .unwrap();
    assert!(shown.donated && shown.number.full().is_none());

    // Signed with the wrong APIKey: 954.
    let forged = V1Client::new(ClientConfig {
        api_key: ApiKey::new("not-the-key"),
        ..live.config()
    })
    .unwrap();
    let other = after.iter().find(|i| i.donatable && !i.donated).unwrap();
    let e = forged
        .donate(
            &live.carrier(),
            other.number.full().unwrap(),
            other.date,
            "919",
        )
        .await
        .unwrap_err();
    assert_eq!(mof_code(&e), 954);
    live.stop().await;
}

#[tokio::test]
async fn flow_control_is_reported_with_retry_after() {
    let one_call = RateLimit::new(1, 60);
    let live = Live::start_with(Some(FlowLimits {
        per_ip: one_call,
        per_app: one_call,
    }))
    .await;
    let config = live.config().with_retry(RetryPolicy {
        max_attempts: 3,
        max_retry_after: Duration::ZERO,
        ..RetryPolicy::default()
    });
    let client = V1Client::new(config).unwrap();
    client.love_codes("919").await.unwrap();
    match client.love_codes("919").await.unwrap_err() {
        Error::RateLimited { retry_after } => {
            assert!(retry_after.is_some_and(|w| w <= Duration::from_secs(60)))
        }
        other => panic!("{other:?}"),
    }
    live.stop().await;
}

#[tokio::test]
async fn a_skewed_local_clock_is_caught_before_a_carrier_call() {
    let live = Live::start().await;
    let behind = FixedClock::new(chrono::Utc::now() - Days::minutes(10));
    let client = V1Client::with_clock(live.config(), std::sync::Arc::new(behind)).unwrap();
    client.love_codes("919").await.unwrap();
    let skew = client.clock_skew().unwrap();
    assert!((590..=610).contains(&skew), "{skew}");
    let (first, today) = live.open_month();
    match client
        .carrier_invoices(&live.carrier(), first, today, false, 1)
        .await
        .unwrap_err()
    {
        Error::ClockSkew {
            skew_secs,
            limit_secs,
        } => assert_eq!((skew_secs, limit_secs), (skew, 60)),
        other => panic!("{other:?}"),
    }
    live.stop().await;
}

/// The Platform's `Date` comes from its injected clock, so moving that clock is what the kit
/// sees: in step the carrier call goes through; a Platform 10 minutes ahead makes the kit
/// refuse it before sending it.
#[tokio::test]
async fn the_skew_warning_follows_the_platform_clock() {
    let live = Live::start().await;
    let client = live.client();
    live.clock.set(chrono::Utc::now());
    client.love_codes("919").await.unwrap();
    let in_step = client.clock_skew().unwrap();
    assert!(in_step.abs() < 30, "{in_step}");
    let (first, today) = live.open_month();
    client
        .carrier_invoices(&live.carrier(), first, today, false, 1)
        .await
        .unwrap();
    live.clock.advance(Days::minutes(10));
    client.love_codes("919").await.unwrap();
    let ahead = client.clock_skew().unwrap();
    assert!(
        (590..=610).contains(&(ahead - in_step)),
        "{ahead} vs {in_step}"
    );
    let (first, today) = live.open_month();
    assert!(matches!(
        client
            .carrier_invoices(&live.carrier(), first, today, false, 1)
            .await
            .unwrap_err(),
        Error::ClockSkew { skew_secs, .. } if skew_secs == ahead
    ));
    live.stop().await;
}

#[tokio::test]
async fn an_unreachable_platform_is_a_transport_error_after_retries() {
    let config =
        ClientConfig::new("http://127.0.0.1:9", "APP", ApiKey::new("k")).with_retry(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        });
    let client = V1Client::new(config).unwrap();
    let n = InvoiceNumber::parse("AB12345678").unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let carrier = CarrierCredentials::mobile_barcode("/AB12+-.", "Code1234");
    assert!(matches!(
        client.donate(&carrier, &n, day, "919").await.unwrap_err(),
        Error::Transport(_)
    ));
}

//! Prepares a generated data set for the carrier-query benchmark: registers Users (verification
//! code `Bench123`) for up to COUNT mobile barcodes that already have invoices, gives each a
//! consent grant to the benchmark AppID `EINVBENCH00001` (APIKey `bench-api-key`), and writes
//! the barcodes, one per line, to OUT.
//!
//! Usage: `bench_users DATA_DIR COUNT OUT` (the embedded SQLite database of DATA_DIR).

use std::sync::Arc;

use einv_core::consent::{ConsentGrant, ConsentRequest};
use einv_core::{Clock, Service, SystemClock};
use einv_server::services::standard_consent;
use einv_server::startup::{self, Config};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: bench_users DATA_DIR COUNT OUT";
    let data_dir = args.next().ok_or(usage)?;
    let count: i64 = args.next().ok_or(usage)?.parse()?;
    let out = args.next().ok_or(usage)?;
    let config = Config {
        data_dir: data_dir.into(),
        database_url: None,
        server_key: None,
        holidays: None,
        flow_limits: Default::default(),
        redis_url: None,
    };
    let platform = startup::platform(&config, Arc::new(SystemClock)).await?;
    let now = SystemClock.now();
    let app_id = "EINVBENCH00001";
    if platform.store.find_app(app_id).await?.is_none() {
        platform
            .store_app("benchmark", &Service::ALL, app_id, "bench-api-key")
            .await?;
    }
    let hash = platform.codes.hash("Bench123")?;
    let barcodes = platform.store.sample_carrier_ids("3J0002", count).await?;
    let request = ConsentRequest::parse(&standard_consent(&Service::ALL))?;
    for barcode in &barcodes {
        // `einv generate --into-db` registers its Users already (invoices reach only issued
        // barcodes); give them this benchmark's code and a grant.
        let user = match platform.store.find_user_by_barcode(barcode).await? {
            Some(user) => {
                platform.store.set_verification_hash(user.id, &hash).await?;
                user
            }
            None => platform.store.create_user(barcode, &hash, now).await?,
        };
        let grant = ConsentGrant::give(request.clone(), now);
        platform
            .store
            .insert_consent_grant(user.id, app_id, &grant, None)
            .await?;
    }
    std::fs::write(&out, barcodes.join("\n") + "\n")?;
    println!("{} Users ready; barcodes in {out}", barcodes.len());
    Ok(())
}

//! `einv serve`: run the Platform. With `--demo`, seed the demo data set first and print how to
//! call it.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use einv_core::SystemClock;
use einv_server::demo::{self, DemoCredentials};
use einv_server::services::jobs;
use einv_server::startup;

use crate::options::{PlatformOptions, ServeOptions};
use crate::settings::Resolved;

/// Arguments of `einv serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Seed the demo data set (once) and print the demo credentials.
    #[arg(long)]
    pub demo: bool,
    /// How this node serves.
    #[command(flatten)]
    pub serve: ServeOptions,
    /// Where the data lives.
    #[command(flatten)]
    pub platform: PlatformOptions,
}

/// Runs `einv serve`: the configuration is checked before anything starts.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let resolved = args.serve.resolve(&args.platform)?;
    crate::logging::init_with(&resolved.logging);
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(serve(args.demo, resolved))
}

async fn serve(demo: bool, resolved: Resolved) -> anyhow::Result<ExitCode> {
    let config = &resolved.platform;
    let platform = Arc::new(
        startup::platform(config, Arc::new(SystemClock))
            .await?
            .with_cache_config(resolved.cache),
    );
    let listener = tokio::net::TcpListener::bind(resolved.listen)
        .await
        .with_context(|| format!("listen.address {}: cannot listen there", resolved.listen))?;
    let base = format!(
        "http://{}",
        listener.local_addr().context("reading the bound address")?
    );
    if demo {
        let credentials = demo::seed(&platform).await?;
        write_demo_json(&config.data_dir, &credentials)?;
        print_demo(&base, &credentials, &config.data_dir);
    }
    let jobs = jobs::spawn(platform.clone(), &resolved.background, resolved.retention);
    println!("einv Platform listening on {base}");
    let served = startup::serve_with(listener, platform, resolved.http).await;
    if let Some(jobs) = jobs {
        jobs.abort();
    }
    served.context("serving")?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `demo.json` into the data directory, for scripts. It holds an APIKey and a
/// verification code, so it is its owner's alone like `server.key` (issue #9): created with
/// mode 0600 in the call that creates it, never briefly world-readable. A copy left by an
/// earlier run is removed first rather than rewritten, so a looser mode cannot carry over.
pub fn write_demo_json(dir: &std::path::Path, credentials: &DemoCredentials) -> anyhow::Result<()> {
    use std::io::Write;
    let path = dir.join("demo.json");
    let text = serde_json::to_string_pretty(credentials)?;
    let context = || format!("writing {}", path.display());
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).with_context(context);
        }
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&path).with_context(context)?;
    file.write_all(text.as_bytes()).with_context(context)
}

fn print_demo(base: &str, c: &DemoCredentials, dir: &std::path::Path) {
    println!(
        "Demo data ready (credentials also in {}):",
        dir.join("demo.json").display()
    );
    println!("  appID        {}", c.app_id);
    println!("  APIKey       {}", c.api_key);
    println!("  cardType     {}", c.card_type);
    println!("  cardNo       {}   (mobile barcode)", c.card_no);
    println!(
        "  cardEncrypt  {}   (its verification code)",
        c.card_encrypt
    );
    println!();
    println!("Try it — this month's invoices of the demo User's carrier:");
    println!(
        "  curl -s {base}/PB2CAPIVAN/invServ/InvServ --data-urlencode version=0.5 \\\n    \
         --data-urlencode action=carrierInvChk --data-urlencode cardType={} \\\n    \
         --data-urlencode 'cardNo={}' --data-urlencode cardEncrypt={} \\\n    \
         --data-urlencode timeStamp=$(( $(date +%s) + 20 )) --data-urlencode expTimeStamp=2147483647 \\\n    \
         --data-urlencode startDate=$(date +%Y/%m/01) --data-urlencode endDate=$(date +%Y/%m/%d) \\\n    \
         --data-urlencode onlyWinningInv=N --data-urlencode uuid=demo-device --data-urlencode appID={}",
        c.card_type, c.card_no, c.card_encrypt, c.app_id
    );
    println!();
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &std::path::Path) -> u32 {
        std::fs::metadata(path)
            .expect("the file is there")
            .permissions()
            .mode()
            & 0o777
    }

    /// Issue #9 (web hardening): `demo.json` holds the demo APIKey and verification code; it is
    /// created 0600, and a world-readable copy left by an earlier version is replaced by one.
    #[test]
    fn demo_json_is_the_owners_alone() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let credentials = DemoCredentials {
            app_id: "EINVDEMO000001".into(),
            api_key: "demo-key".into(),
            card_type: "3J0002".into(),
            card_no: "/AB12+-.".into(),
            card_encrypt: "Code1234".into(),
        };
        let path = dir.path().join("demo.json");
        write_demo_json(dir.path(), &credentials).expect("written");
        assert_eq!(mode(&path), 0o600, "a new demo.json");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("mode set");
        write_demo_json(dir.path(), &credentials).expect("written");
        assert_eq!(
            mode(&path),
            0o600,
            "demo.json written over a world-readable one"
        );
        let text = std::fs::read_to_string(&path).expect("readable");
        assert!(text.contains("demo-key"), "{text}");
    }
}

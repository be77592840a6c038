//! The ceiling of the hot-path benchmarks: a bare axum handler answering every request with the
//! same bytes einv answered (BODY_FILE, captured from the real server), served the way
//! `einv serve` serves. `bench/hotpath.sh` measures it in the same run as the real queries and
//! prints their ratio.
//!
//! Usage: `bare_axum ADDR [BODY_FILE]` (without a file: a short carrier-list answer).

use axum::body::Bytes;
use axum::routing::any;
use axum::Router;

/// The allocator `einv serve` uses, so the ceiling differs from einv only in the work it skips.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BODY: &str = r#"{"v":"0.5","code":200,"msg":"執行成功","onlyWinningInv":"N","details":[]}"#;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:18099".to_owned());
    let body = match args.next() {
        Some(path) => Bytes::from(std::fs::read(path)?),
        None => Bytes::from_static(BODY.as_bytes()),
    };
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let app = Router::new().fallback(any(move |_body: Bytes| {
        let body = body.clone();
        async move { ([("content-type", "application/json")], body) }
    }));
    println!("bare axum baseline on http://{addr}");
    // As `einv serve` does (startup.rs): the same socket options, so the same bytes cost the same.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await
}

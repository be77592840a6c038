//! The baseline of the carrier-query benchmark: a bare axum handler returning a fixed JSON
//! body, served the same way `einv serve` serves. `scripts/bench-carrier.sh` measures it in the
//! same run as the real queries and prints their ratio.

use axum::routing::any;
use axum::Router;

const BODY: &str = r#"{"v":"0.5","code":200,"msg":"執行成功","onlyWinningInv":"N","details":[]}"#;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18099".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let app = Router::new().route(
        "/PB2CAPIVAN/invServ/InvServ",
        any(|| async { ([("content-type", "application/json")], BODY) }),
    );
    println!("bare axum baseline on http://{addr}");
    axum::serve(listener, app).await
}

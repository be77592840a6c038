//! R4.6 across real nodes: two `einv serve` processes on one PostgreSQL and one Redis share
//! every limit; a reviewer's change made through one node applies on both; a licence
//! suspended through one node is refused by the other within the stated bound. And one node
//! whose Redis (its own `redis-server`) is down at start, comes up, dies and comes back.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::SendExt;

use crate::cluster::{Cluster, ClusterSpec, Node, OwnRedis, REVIEWER_EMAIL, REVIEWER_PASSWORD};

const INVAPP: &str = "/PB2CAPIVAN/invapp/InvApp";
/// How often the nodes look for limit changes (`--limits-check-ms`), the stated bound.
const CHECK_MS: u64 = 500;

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Distinct device IDs, so no two signed calls are the same request (a replay is answered
/// once).
static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// One v1 QryWinningList from `ip` (through the trusted proxy header), signed when `key` is
/// not empty: the MOF code.
async fn call(node: &Node, ip: &str, app_id: &str, key: &str) -> String {
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let uuid = format!("cluster-test-{n}");
    let key = (!key.is_empty()).then_some(key);
    let form = crate::common::winning_list_call("11510", app_id, &uuid, key);
    let reply: Value = http()
        .post(format!("{}{INVAPP}", node.base))
        .header("x-forwarded-for", ip)
        .form(&form)
        .send_json()
        .await;
    reply["code"].as_str().unwrap_or_default().to_owned()
}

/// The licensed app's AppID and APIKey, or a made-up AppID (unsigned).
fn app_of(cluster: &Cluster, made_up: bool) -> (String, String) {
    if made_up {
        ("EINVMADEUP0001".into(), String::new())
    } else {
        (
            cluster.licensed.app_id.to_string(),
            cluster.licensed.api_key.clone(),
        )
    }
}

/// `n` calls alternating between the nodes, each from its own IP when `ips` says so: how
/// many were admitted (the action's own answer, or 998 for a made-up AppID: admitted per IP), and how many 950.
async fn burst(
    cluster: &Cluster,
    n: usize,
    ip: impl Fn(usize) -> String,
    made_up: bool,
) -> (usize, usize) {
    let (app_id, key) = app_of(cluster, made_up);
    let (mut admitted, mut refused) = (0, 0);
    for i in 0..n {
        match call(
            &cluster.nodes[i % cluster.nodes.len()],
            &ip(i),
            &app_id,
            &key,
        )
        .await
        .as_str()
        {
            // 901: no draw for the period in this empty database; the call was admitted.
            "200" | "901" | "998" => admitted += 1,
            "950" => refused += 1,
            other => panic!("unexpected code {other}"),
        }
    }
    (admitted, refused)
}

async fn reviewer_cookie(node: &Node) -> String {
    // The sign-in form carries a pre-session CSRF token bound to its form cookie.
    let form_page = http()
        .get(format!("{}/reviewer/login", node.base))
        .send_ok()
        .await;
    let form_cookie = form_page.headers()["set-cookie"].to_str().unwrap();
    let form_cookie = form_cookie.split(';').next().unwrap().to_owned();
    let token = csrf(node, "/reviewer/login", &form_cookie).await;
    let res = http()
        .post(format!("{}/reviewer/login", node.base))
        .header("cookie", &form_cookie)
        .form(&[
            ("email", REVIEWER_EMAIL),
            ("password", REVIEWER_PASSWORD),
            ("csrf", token.as_str()),
        ])
        .send_ok()
        .await;
    assert_eq!(res.status(), 303, "reviewer sign-in");
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

async fn csrf(node: &Node, path: &str, cookie: &str) -> String {
    let page = http()
        .get(format!("{}{path}", node.base))
        .header("cookie", cookie)
        .send_text()
        .await;
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    page[at..at + 64].to_owned()
}

async fn reviewer_post(node: &Node, cookie: &str, path: &str, form: &[(&str, &str)]) {
    let token = csrf(node, "/reviewer/limits", cookie).await;
    let mut form = form.to_vec();
    form.push(("csrf", &token));
    let res = http()
        .post(format!("{}{path}", node.base))
        .header("cookie", cookie)
        .form(&form)
        .send_ok()
        .await;
    assert_eq!(res.status(), 303, "{path}: {}", res.text().await.unwrap());
}

/// A GCRA limit with a burst of `burst`, regaining one call every `every` seconds, allowed
/// the burst plus what the time since `started` regained (and one call racing the clock).
fn assert_gcra_allowed(allowed: usize, burst: usize, every: f64, started: Instant) {
    let regained = (started.elapsed().as_secs_f64() / every).floor() as usize;
    assert!(
        (burst..=burst + regained + 1).contains(&allowed),
        "allowed {allowed}, burst {burst}, regained {regained}"
    );
}

/// Polls `check` until it holds; the time it took. Past `bound`, fails showing `node`'s log.
async fn within(bound: Duration, node: &Node, mut check: impl AsyncFnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < bound,
            "not within {bound:?}; log:\n{}",
            node.log()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

#[tokio::test]
async fn r4_6_two_nodes_share_limits_and_changes() {
    let cluster = Cluster::start(ClusterSpec {
        args: [
            "--limit-ip",
            "10/60",
            "--limit-app",
            "16/60",
            "--trusted-proxy",
            "127.0.0.1",
            "--limits-check-ms",
            &CHECK_MS.to_string(),
        ]
        .map(String::from)
        .to_vec(),
        ..ClusterSpec::default()
    })
    .await;
    let (app, key) = app_of(&cluster, false);
    let started = Instant::now();

    // R4.6 per AppID across both nodes: 40 calls from 40 IPs (none near its own limit).
    let (allowed, refused) = burst(&cluster, 40, |i| format!("10.1.0.{i}"), false).await;
    // GCRA 16/60 regains one call per 3.75 s.
    assert_gcra_allowed(allowed, 16, 3.75, started);
    assert_eq!(allowed + refused, 40);

    // R4.6 per IP across both nodes, with a made-up AppID (998 when admitted per IP): one IP
    // gets its 10, and a second IP is not touched by the first one's refusals.
    let (admitted, refused) = burst(&cluster, 24, |_| "10.2.0.1".into(), true).await;
    assert!(
        (10..=11).contains(&admitted),
        "one IP across both nodes: {admitted}"
    );
    assert_eq!(refused, 24 - admitted);
    assert_eq!(
        call(&cluster.nodes[1], "10.2.0.2", "EINVMADEUP0001", "").await,
        "998"
    );

    // A reviewer raises the AppID's limit through node 0 …
    let cookie = reviewer_cookie(&cluster.nodes[0]).await;
    let licence = cluster.licensed.licence_id.to_string();
    reviewer_post(
        &cluster.nodes[0],
        &cookie,
        "/reviewer/limits",
        &[
            ("licence", &licence),
            ("calls", "6000"),
            ("window", "60"),
            ("burst", "6000"),
            ("effective", ""),
            ("reason", "campaign traffic"),
        ],
    )
    .await;
    // … and node 1 applies it within the check interval (+1 s: GCRA's state carries over, so
    // the calls already made still count: the new limit is large enough to leave room).
    let bound = Duration::from_millis(CHECK_MS) + Duration::from_secs(2);
    let mut n = 0;
    within(bound, &cluster.nodes[1], async || {
        n += 1;
        call(&cluster.nodes[1], &format!("10.4.0.{n}"), &app, &key).await == "901"
    })
    .await;
    let (allowed, _) = burst(&cluster, 30, |i| format!("10.3.0.{i}"), false).await;
    assert_eq!(allowed, 30, "the raised limit holds on both nodes");
    // The change is announced publicly, with its effective time, on both nodes.
    for node in &cluster.nodes {
        let limits: Value = http()
            .get(format!("{}/api/v2/limits", node.base))
            .send_json()
            .await;
        let own = &limits["apps"][0];
        assert_eq!(own["appId"], app.as_str(), "{limits}");
        assert_eq!(own["limit"]["calls"], 6000);
        assert!(own["effectiveAt"].is_string());
    }

    // A licence suspended through node 0 is refused by node 1 within the bound.
    reviewer_post(
        &cluster.nodes[0],
        &cookie,
        &format!("/reviewer/licences/{licence}/suspend-isms"),
        &[("reason", "certificate lapsed"), ("confirm", "yes")],
    )
    .await;
    let took = within(bound, &cluster.nodes[1], async || {
        n += 1;
        call(&cluster.nodes[1], &format!("10.5.0.{n}"), &app, &key).await == "998"
    })
    .await;
    eprintln!("suspension reached the other node in {took:?}");
    cluster.stop().await;
}

async fn readyz(node: &Node) -> (u16, Value) {
    let res = http().get(format!("{}/readyz", node.base)).send_ok().await;
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn redis_up_metric(node: &Node) -> String {
    let text = http()
        .get(format!("{}/metrics", node.base))
        .send_text()
        .await;
    text.lines()
        .find(|l| l.starts_with("einv_flow_redis_up "))
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn r4_6_without_redis_a_node_counts_its_share_and_recovers() {
    let mut redis = OwnRedis::on_free_port();
    // Redis down at start: the node starts anyway, within the connect timeout.
    let started = Instant::now();
    let mut cluster = Cluster::start(ClusterSpec {
        nodes: 1,
        redis_url: Some(redis.url()),
        args: [
            "--limit-ip",
            "1000/60",
            "--limit-app",
            "20/60",
            "--expected-nodes",
            "2",
            "--redis-connect-timeout-ms",
            "1000",
            "--trusted-proxy",
            "127.0.0.1",
        ]
        .map(String::from)
        .to_vec(),
        ..ClusterSpec::default()
    })
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "start took {:?}",
        started.elapsed()
    );
    let node = &cluster.nodes[0];
    let (status, ready) = readyz(node).await;
    assert_eq!(status, 200, "degraded is still ready: {ready}");
    assert_eq!(ready["flow"]["degraded"], true, "{ready}");
    assert_eq!(redis_up_metric(node).await, "einv_flow_redis_up 0");

    // Redis comes up: the node finds it by itself.
    redis.start().await;
    within(Duration::from_secs(5), node, async || {
        readyz(node).await.1["flow"]["shared"] == true
    })
    .await;
    assert_eq!(redis_up_metric(node).await, "einv_flow_redis_up 1");

    // Redis dies mid-run: the AppID's limit holds at this node's share (20 / 2 nodes).
    redis.kill();
    let t = Instant::now();
    let (allowed, _) = burst(&cluster, 30, |i| format!("10.6.0.{i}"), false).await;
    assert_gcra_allowed(allowed, 10, 6.0, t);
    let (status, ready) = readyz(&cluster.nodes[0]).await;
    assert_eq!(
        (status, &ready["flow"]["degraded"]),
        (200, &Value::Bool(true)),
        "{ready}"
    );
    assert_eq!(
        redis_up_metric(&cluster.nodes[0]).await,
        "einv_flow_redis_up 0"
    );

    // Back again: shared counting resumes (a fresh Redis: the whole burst of 20).
    redis.start().await;
    let node = &cluster.nodes[0];
    within(Duration::from_secs(5), node, async || {
        readyz(node).await.1["flow"]["shared"] == true
    })
    .await;
    let (allowed, _) = burst(&cluster, 30, |i| format!("10.7.0.{i}"), false).await;
    assert!((20..=21).contains(&allowed), "shared again: {allowed}");

    // Each transition logged once: down at start, up, down, up.
    let log = cluster.nodes[0].log();
    assert_eq!(log.matches("Redis unreachable").count(), 2, "{log}");
    assert_eq!(log.matches("Redis answers again").count(), 2, "{log}");
    cluster.nodes[0].kill();
    cluster.stop().await;
}

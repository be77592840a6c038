//! A cluster of real `einv serve` processes on one fresh PostgreSQL database (and, when asked,
//! one Redis), for tests of what must hold across nodes: flow control, licence changes,
//! background work. Reusable: `Cluster::start(ClusterSpec { .. })`, then talk to
//! `cluster.nodes[i].base` over HTTP; `kill`/`restart` a node; `stop` removes the database.
//!
//! The harness itself opens the database once, before any node runs, to create what a test
//! needs (a Developer with an approved licence, a reviewer account), as an operator would with
//! the admin commands; after that every change goes through a node.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use einv_core::claim::HolidayCalendar;
use einv_core::SystemClock;
use einv_server::services::KeySealer;
use einv_server::testing;

use crate::process::{serve_command, spawn_listening, OwnedChild};
use einv_server::Platform;
use einv_store::testing::TestDb;

/// The server key every node shares (APIKeys sealed by one node open on the others).
pub const SERVER_KEY: &str = "4f1c2a9b8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615f4e3";
/// The reviewer account the harness creates.
pub const REVIEWER_EMAIL: &str = "reviewer@fia.example";
/// Its password.
pub const REVIEWER_PASSWORD: &str = "reviewer password";

/// What to start.
#[derive(Debug, Clone)]
pub struct ClusterSpec {
    /// How many nodes.
    pub nodes: usize,
    /// A Redis URL shared by the nodes (a fresh namespace is made per cluster), or none.
    pub redis_url: Option<String>,
    /// More `einv serve` arguments, the same for every node (e.g. `--limit-app 20/60`).
    pub args: Vec<String>,
    /// More environment variables for every node.
    pub env: Vec<(String, String)>,
}

impl Default for ClusterSpec {
    fn default() -> Self {
        Self {
            nodes: 2,
            redis_url: Some(redis_url()),
            args: Vec::new(),
            env: Vec::new(),
        }
    }
}

/// The shared Redis tests use: `EINV_TEST_REDIS_URL`, or the local default.
pub fn redis_url() -> String {
    std::env::var("EINV_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// A licence the harness had approved, with its credentials.
#[derive(Debug, Clone)]
pub struct Licensed {
    /// The licence ID.
    pub licence_id: einv_core::LicenceId,
    /// Its AppID.
    pub app_id: einv_core::AppId,
    /// Its APIKey.
    pub api_key: String,
}

/// One `einv serve` process.
#[derive(Debug)]
pub struct Node {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its data directory (its log is `serve.log` there).
    pub dir: tempfile::TempDir,
    child: OwnedChild,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

/// Several nodes on one database.
#[derive(Debug)]
pub struct Cluster {
    /// The nodes, in start order.
    pub nodes: Vec<Node>,
    /// The database URL every node uses.
    pub db_url: String,
    /// The Redis namespace of this cluster.
    pub namespace: String,
    /// An approved licence for the winning-numbers, carrier-invoices and donation services.
    pub licensed: Licensed,
    db: Option<TestDb>,
}

impl Cluster {
    /// Makes a fresh database with a licensed app and a reviewer, then starts the nodes one
    /// after the other, each ready (`/healthz`) before the next.
    pub async fn start(spec: ClusterSpec) -> Self {
        let db = TestDb::postgres()
            .await
            .expect("a PostgreSQL test database");
        let licensed = seed(&db).await;
        let namespace = format!("einv-test-{}", uuid::Uuid::new_v4());
        let mut args = vec![
            "--database-url".to_owned(),
            db.url.clone(),
            "--redis-namespace".to_owned(),
            namespace.clone(),
        ];
        if let Some(url) = &spec.redis_url {
            args.extend(["--redis-url".to_owned(), url.clone()]);
        }
        args.extend(spec.args.iter().cloned());
        let mut nodes = Vec::new();
        for _ in 0..spec.nodes {
            nodes.push(Node::start(args.clone(), spec.env.clone()).await);
        }
        Self {
            nodes,
            db_url: db.url.clone(),
            namespace,
            licensed,
            db: Some(db),
        }
    }

    /// Stops every node and removes the database.
    pub async fn stop(mut self) {
        for node in &mut self.nodes {
            node.kill();
        }
        if let Some(db) = self.db.take() {
            db.drop_db().await;
        }
    }
}

impl Node {
    async fn start(args: Vec<String>, env: Vec<(String, String)>) -> Self {
        let dir = tempfile::tempdir().expect("a data directory");
        let mut node = Self {
            base: String::new(),
            dir,
            child: OwnedChild::default(),
            args,
            env,
        };
        node.spawn().await;
        node
    }

    /// Starts the process (again) and waits until it answers.
    pub async fn spawn(&mut self) {
        let mut cmd = serve_command(self.dir.path());
        cmd.args(["--server-key", SERVER_KEY])
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("RUST_LOG", "info,sqlx=warn,tower_http=warn");
        let log = self.log_path();
        // The wait for the listening line blocks; the runtime's other tasks may go on.
        let (child, base) = tokio::task::spawn_blocking(move || spawn_listening(&mut cmd, &log))
            .await
            .expect("the node started");
        self.child = OwnedChild::new(child);
        self.base = base;
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if http
                .get(format!("{}/healthz", self.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "node at {} never answered /healthz:\n{}",
            self.base,
            self.log()
        );
    }

    /// Kills the process with SIGKILL (no shutdown of any kind) and waits for it.
    pub fn kill(&mut self) {
        self.child.kill();
    }

    /// Kills and starts the node again (on a new port: read `base` afterwards).
    pub async fn restart(&mut self) {
        self.kill();
        self.spawn().await;
    }

    /// Where the node logs.
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("serve.log")
    }

    /// What the node logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }
}

/// A Developer with an approved licence and a reviewer, made through the services.
async fn seed(db: &TestDb) -> Licensed {
    let sealer = KeySealer::from_hex(SERVER_KEY).expect("the harness key");
    let p = Platform::new(
        db.store.clone(),
        Arc::new(SystemClock),
        sealer,
        HolidayCalendar::builtin(),
    );
    let email = "dev@cluster.example";
    let services = ["winning-numbers", "carrier-invoices", "donation"];
    let reviewer = testing::Reviewer {
        email: REVIEWER_EMAIL,
        password: REVIEWER_PASSWORD,
        name: "Reviewer",
    };
    let approved = testing::approved_licence(
        &p,
        &testing::developer(email),
        &testing::application(email, &services),
        &[testing::isms_certificate()],
        reviewer,
    )
    .await
    .expect("an approved licence");
    p.audit_checkpoint().await.expect("audit flushed");
    Licensed {
        licence_id: approved.licence,
        app_id: approved.creds.app_id,
        api_key: approved.creds.api_key,
    }
}

/// A `redis-server` of the test's own, on a free port, without persistence.
pub struct OwnRedis {
    port: u16,
    child: OwnedChild,
}

impl OwnRedis {
    /// On a free port, not started yet.
    pub fn on_free_port() -> Self {
        Self {
            port: Self::free_port(),
            child: OwnedChild::default(),
        }
    }

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts it (again, on the same port) and waits until it accepts connections.
    pub async fn start(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        self.child = OwnedChild::new(child);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("redis-server did not start");
    }

    /// Kills it with SIGKILL.
    pub fn kill(&mut self) {
        self.child.kill();
    }
}

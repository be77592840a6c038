//! Running the built `einv` binary as a user would: a command run to its end, or one
//! `einv serve` process on a data directory, for tests that read its log or kill it (and the
//! nodes of `cluster.rs`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// The built `einv` with no inherited `EINV_*` variable: a test sets what it means to.
pub fn einv_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_einv"));
    for (k, _) in std::env::vars() {
        if k.starts_with("EINV_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

/// `einv ARGS… --data DIR`, run to its end.
pub fn einv_on(dir: &Path, args: &[&str]) -> Output {
    einv_command()
        .args(args)
        .arg("--data")
        .arg(dir)
        .output()
        .expect("einv runs")
}

/// What a command wrote, stdout then stderr.
pub fn output_text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `einv serve` on a free port of 127.0.0.1 with the data directory `dir`.
pub fn serve_command(dir: &Path) -> Command {
    let mut cmd = einv_command();
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir);
    cmd
}

/// Spawns `cmd` with its stderr appended to `log`, and waits (a minute at most) for the line
/// that says where it listens: returns the process and its `http://127.0.0.1:PORT`.
pub fn spawn_listening(cmd: &mut Command, log: &Path) -> (Child, String) {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("the log file");
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(file)
        .spawn()
        .expect("einv serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    // Reads stdout to the end, so the node never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(base) = line.strip_prefix("einv Platform listening on ") {
                let _ = tx.send(base.to_owned());
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(base) => (child, base),
        Err(_) => {
            OwnedChild::new(child).kill();
            panic!(
                "serve did not start:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            )
        }
    }
}

/// A child process of the test's, killed (SIGKILL) and reaped when dropped: a node, a
/// `redis-server`, a server that failed to start.
#[derive(Debug, Default)]
pub struct OwnedChild(Option<Child>);

impl OwnedChild {
    pub fn new(child: Child) -> Self {
        Self(Some(child))
    }

    /// The process, taken over by the caller (none once killed or taken).
    pub fn take(&mut self) -> Option<Child> {
        self.0.take()
    }

    /// SIGKILL: no shutdown of any kind; waits for it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnedChild {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A running `einv serve`; killed (SIGKILL) when dropped.
pub struct Serve {
    child: OwnedChild,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its stderr (the log).
    pub log: PathBuf,
}

impl Serve {
    /// Starts `einv serve --listen 127.0.0.1:0 --data DIR ARGS…` with `env` and no inherited
    /// `EINV_*` variables, logging to `DIR/serve.log`, and waits until it listens.
    pub fn start(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        let log = dir.join("serve.log");
        let mut cmd = serve_command(dir);
        cmd.args(args).envs(env.iter().copied());
        let (child, base) = spawn_listening(&mut cmd, &log);
        Self {
            child: OwnedChild::new(child),
            base,
            log,
        }
    }

    /// SIGTERM, then waits for the node to finish its requests and exit, so every line it
    /// logged is in the file (the test runner's timeout bounds a node that never stops).
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let signalled = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        assert!(signalled.is_ok_and(|s| s.success()), "SIGTERM sent");
        let status = child.wait().expect("serve exits");
        assert!(status.success(), "serve stopped cleanly: {status}");
    }

    /// SIGKILL: no shutdown of any kind.
    pub fn kill(&mut self) {
        self.child.kill();
    }
}

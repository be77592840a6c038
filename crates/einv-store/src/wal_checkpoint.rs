//! The SQLite file's WAL checkpoints, off the commit path (docs/hot-path.md).
//!
//! By default SQLite checkpoints inside the COMMIT that grows the WAL past 1000 pages. On the
//! hot path that commit is usually the audit writer's (R6.4: every data read waits for its
//! entry to be committed), so every durable call waiting on that batch paid for the checkpoint
//! and its fsync. Measured, moving it here raised the throughput of the durable v1 calls by
//! 6–47 %; their p99 rose until the writers retried the lock in short steps and RESTARTs came
//! less often ([`writer_retries`], [`RESTART_FRAMES`]; docs/hot-path.md, "Where the p99
//! went"). The connections that write turn it off
//! ([`NO_AUTO_CHECKPOINT`]) and one background thread, on a connection of its own, runs a
//! PASSIVE checkpoint about each
//! time the WAL has grown by 1000 pages (at most a second and at least 50 ms apart; soon again
//! when one could not copy every frame). A PASSIVE checkpoint never waits for readers or
//! writers, so under a steady stream of commits and readers the WAL could keep growing: past
//! [`RESTART_FRAMES`] frames a RESTART checkpoint waits (briefly) for them so the WAL starts
//! over, and past [`WAL_BOUND`] bytes a TRUNCATE checkpoint also empties the file. Readers see
//! committed data either way (they read the WAL), and the last connection to close checkpoints
//! everything and removes the WAL, as before.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// What every connection that writes the file runs after the common pragmas.
pub(crate) const NO_AUTO_CHECKPOINT: &str = "PRAGMA wal_autocheckpoint = 0;";

/// Pages the WAL may grow by between two checkpoints before they come more often (SQLite's
/// own auto-checkpoint threshold).
const GROWTH_PAGES: i64 = 1000;
/// The WAL frames past which a RESTART checkpoint waits for the writer and the readers so the
/// next write starts the WAL over: under a steady stream of commits a PASSIVE checkpoint from
/// another thread seldom copies every frame (a commit lands while it runs), so the WAL would
/// not start over by itself. A RESTART holds SQLite's write lock across two fsyncs (the WAL's,
/// then the database file's after copying the frames added since the last PASSIVE one), and
/// the first commit after it fsyncs the new WAL header: every durable call waiting on the
/// audit batch waits for those. On this project's benchmark machine an fsync takes 2–55 ms
/// (15 ms on average, idle), so restarts are kept rare: about 256 MiB of 4 KiB pages, some
/// ten seconds under full load, where 4,096 frames made one every few hundred milliseconds
/// and put them into the p99 (docs/benchmarks.md, "Eighth session": the p99 of the detail and
/// QR calls at 8 connections fell from 23–114 ms to 14–15 ms going from 16,384 frames to
/// this). The PASSIVE checkpoints keep the copied part of the WAL out of every read's and
/// every commit's lookups meanwhile; the cost is the WAL file's disk space.
const RESTART_FRAMES: i64 = 65_536;
/// The WAL size past which the checkpoint waits for readers and truncates it: only reached
/// when RESTART checkpoints kept failing (a long reader).
const WAL_BOUND: u64 = 512 * 1024 * 1024;
const IDLE_TICK: Duration = Duration::from_secs(1);
/// How long a busy connection of ours sleeps before it tries SQLite's lock again.
const BUSY_STEP: Duration = Duration::from_micros(100);
/// How many tries a writer makes before "database is locked": about the 10 s of the sqlx
/// pool's `busy_timeout` (lib.rs).
const WRITER_TRIES: i32 = 100_000;
/// How many tries a RESTART or TRUNCATE checkpoint makes for the writer and the readers (about
/// 2 ms, some ten audit batches) before it gives up until its next tick.
const CHECKPOINT_TRIES: i32 = 20;
const BUSY_TICK: Duration = Duration::from_millis(50);

/// The background checkpoint thread of one SQLite file; stopped when dropped or closed.
#[derive(Debug)]
pub(crate) struct WalCheckpointer {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    /// Held while a checkpoint runs (so holding checkpoints waits for a running one).
    pass: Mutex<()>,
}

#[derive(Debug, Default)]
struct State {
    stopped: bool,
    held: bool,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl WalCheckpointer {
    /// Starts checkpointing the SQLite file at `path`.
    pub(crate) fn start(path: PathBuf) -> Arc<Self> {
        let shared = Arc::new(Shared::default());
        let worker = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("einv-wal-checkpoint".into())
            .spawn(move || run(&worker, &path))
            .ok();
        Arc::new(Self {
            shared,
            thread: Mutex::new(thread),
        })
    }

    fn signal_stop(&self) {
        locked(&self.shared.state).stopped = true;
        self.shared.wake.notify_all();
    }

    /// Stops the thread and waits for it (its connection closed).
    pub(crate) async fn close(&self) {
        self.signal_stop();
        let thread = locked(&self.thread).take();
        if let Some(thread) = thread {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }

    /// Holds (or lets go) the checkpoints; returns once no checkpoint is running.
    #[cfg(feature = "test-support")]
    pub(crate) fn hold(&self, held: bool) {
        locked(&self.shared.state).held = held;
        drop(locked(&self.shared.pass));
        self.shared.wake.notify_all();
    }
}

impl Drop for WalCheckpointer {
    fn drop(&mut self) {
        // Not joined: a drop may be on the async runtime; the thread ends at its next wake.
        self.signal_stop();
    }
}

fn run(shared: &Shared, path: &Path) {
    let mut conn: Option<Connection> = None;
    let mut tick = IDLE_TICK;
    let mut last_frames = 0_i64;
    loop {
        {
            let state = locked(&shared.state);
            let (state, _) = shared
                .wake
                .wait_timeout_while(state, tick, |s| !s.stopped)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if state.stopped {
                return;
            }
            if state.held {
                continue;
            }
        }
        let _pass = locked(&shared.pass);
        if locked(&shared.state).held {
            continue;
        }
        if conn.is_none() {
            conn = open(path).ok();
        }
        let Some(c) = &conn else { continue };
        let Ok((frames, copied)) = checkpoint(c, "PASSIVE") else {
            // A failed connection is opened anew next time.
            conn = None;
            continue;
        };
        // The WAL starts over from its first frame at the first write after a checkpoint has
        // copied all of it.
        let grown = if frames >= last_frames {
            frames - last_frames
        } else {
            frames
        };
        last_frames = frames;
        tick = next_tick(tick, grown, copied < frames);
        let wal = wal_path(path);
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > WAL_BOUND) {
            if checkpoint(c, "TRUNCATE").is_ok() {
                last_frames = 0;
            }
        } else if frames > RESTART_FRAMES && checkpoint(c, "RESTART").is_ok() {
            last_frames = 0;
        }
    }
}

/// The wait before the next checkpoint: about the time the WAL takes to grow by
/// [`GROWTH_PAGES`] (between [`BUSY_TICK`] and [`IDLE_TICK`]), and soon again when this one
/// could not copy every frame (a reader was on an older snapshot, or a writer committed
/// meanwhile). Until a checkpoint copies the whole WAL it does not start over, and a longer WAL
/// makes every commit's and every read's lookup in the WAL index slower.
fn next_tick(tick: Duration, grown: i64, incomplete: bool) -> Duration {
    if incomplete {
        return BUSY_TICK;
    }
    let Ok(grown) = u32::try_from(grown.max(1)) else {
        return BUSY_TICK;
    };
    let pages = u32::try_from(GROWTH_PAGES).unwrap_or(u32::MAX);
    (tick * pages / grown).clamp(BUSY_TICK, IDLE_TICK)
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.execute_batch(crate::WRITER_PRAGMAS)?;
    conn.execute_batch(NO_AUTO_CHECKPOINT)?;
    // A RESTART or TRUNCATE waits for the writer and the readers, and blocks new writers (the
    // audit batch, and every durable call waiting on it) while it does: it gives up after
    // about 2 ms and is tried again at the next tick.
    conn.busy_handler(Some(checkpoint_retries))?;
    Ok(conn)
}

/// The busy handler of the rusqlite connections that write the file (the audit appender's):
/// tries again every [`BUSY_STEP`]. SQLite's own handler (`busy_timeout`) sleeps 1, 2, 5, 10,
/// 15, 25 … ms between tries, so an audit batch that met a checkpoint's lock held for 3 ms
/// slept to 8 ms, and one that met it twice to 33 ms: the durable calls' p99 at 8 connections
/// was 27–35 ms (docs/benchmarks.md, "Eighth session"), where the lock was held a few ms.
pub(crate) fn writer_retries(tries: i32) -> bool {
    retry_after_a_step(tries, WRITER_TRIES)
}

fn checkpoint_retries(tries: i32) -> bool {
    retry_after_a_step(tries, CHECKPOINT_TRIES)
}

fn retry_after_a_step(tries: i32, limit: i32) -> bool {
    if tries >= limit {
        return false;
    }
    std::thread::sleep(BUSY_STEP);
    true
}

/// Runs `PRAGMA wal_checkpoint(mode)`; returns the WAL's frames and how many of them are in
/// the database file now.
fn checkpoint(conn: &Connection, mode: &str) -> rusqlite::Result<(i64, i64)> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
        Ok((r.get(1)?, r.get(2)?))
    })
}

fn wal_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_writer_tries_again_in_short_steps_until_its_limit() {
        assert!(retry_after_a_step(0, 3));
        assert!(retry_after_a_step(2, 3));
        assert!(!retry_after_a_step(3, 3));
        assert!(writer_retries(WRITER_TRIES - 1));
        assert!(!writer_retries(WRITER_TRIES));
        assert!(!checkpoint_retries(CHECKPOINT_TRIES));
        // About SQLite's 10 s busy timeout for a writer, about 2 ms for a checkpoint.
        assert_eq!(
            BUSY_STEP * u32::try_from(WRITER_TRIES).unwrap(),
            Duration::from_secs(10)
        );
        assert_eq!(
            BUSY_STEP * u32::try_from(CHECKPOINT_TRIES).unwrap(),
            Duration::from_millis(2)
        );
    }

    #[test]
    fn checkpoints_come_as_often_as_the_wal_grows_by_a_thousand_pages() {
        let second = Duration::from_secs(1);
        assert_eq!(next_tick(second, GROWTH_PAGES, false), second);
        assert_eq!(
            next_tick(second, 4 * GROWTH_PAGES, false),
            Duration::from_millis(250)
        );
        assert_eq!(next_tick(second, 1_000_000, false), BUSY_TICK);
        assert_eq!(next_tick(BUSY_TICK, 0, false), IDLE_TICK);
        assert_eq!(next_tick(second, GROWTH_PAGES, true), BUSY_TICK);
    }
}

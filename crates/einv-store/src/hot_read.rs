//! The hot path's reads on SQLite, off sqlx (docs/hot-path.md, "Reads in one blocking task").
//!
//! sqlx's SQLite driver runs each connection on its own worker thread and sends every row of a
//! result back to the async task over a channel: a carrier list of 40 invoices cost about 70
//! thread wake-ups, and the `Any` driver converted every row and column once more. The few
//! read-only queries of a carrier call go instead through a small pool of read-only rusqlite
//! connections on the same file: one blocking task runs the statement and decodes every row
//! into its record, so a query costs one hop, not one per row.
//!
//! Only the SELECTs of the hot path come here; every write and everything else stays on sqlx,
//! and PostgreSQL keeps sqlx for everything. The SQL text is the same either way: [`Store::
//! hot_rows`] binds the same `$n` arguments by name, and rows decode through [`Columns`], the
//! one decoder both drivers share (columns.rs). In WAL mode a statement reads the last committed state, as
//! on sqlx's connections.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags};
use tokio::sync::Semaphore;

use crate::columns::{Columns, NamedRow};
use crate::{Backend, Store, StoreError, StoreResult};

/// Blocking reads at once (the machine's cores, at most this many).
const READERS: usize = 4;

/// One bound argument of a hot-path query.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
}

/// Read-only connections to the SQLite file, used one blocking task at a time.
#[derive(Debug)]
pub(crate) struct HotReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

impl HotReader {
    /// Readers for the SQLite file of `url` (`sqlite://PATH?…`); `None` for an in-memory
    /// database, which another connection cannot open.
    pub(crate) fn for_url(url: &str) -> Option<Arc<Self>> {
        Some(Arc::new(Self {
            path: sqlite_file(url)?,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(READERS),
        }))
    }

    /// Closes the idle connections (the store is closing).
    pub(crate) fn close_idle(&self) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        // NO_MUTEX: a connection is used by one thread at a time (taken from `idle`), so
        // SQLite's per-connection mutex would only cost.
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch(SERVING_PRAGMAS)?;
        conn.set_prepared_statement_cache_capacity(32);
        Ok(conn)
    }

    /// Runs `sql` with `args` bound by name (`$1`…) and decodes every row, in one blocking task.
    async fn rows<T: Send + 'static>(
        self: &Arc<Self>,
        sql: String,
        args: Vec<Arg>,
        decode: fn(&dyn Columns) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| StoreError::Config(e.to_string()))?;
        let reader = Arc::clone(self);
        tokio::task::spawn_blocking(move || reader.rows_here(&sql, &args, decode))
            .await
            .map_err(|e| StoreError::Config(format!("hot read task: {e}")))?
    }

    /// Runs the statement on the calling thread, on an idle connection.
    fn rows_here<T>(
        &self,
        sql: &str,
        args: &[Arg],
        decode: fn(&dyn Columns) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let taken = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match taken {
            Some(conn) => conn,
            None => self.open()?,
        };
        let rows = run(&conn, sql, args, decode);
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
        rows
    }
}

/// The SQLite file of `url` (`sqlite://PATH?…`); `None` for an in-memory database, which
/// another connection cannot open.
pub(crate) fn sqlite_file(url: &str) -> Option<PathBuf> {
    let path = url.strip_prefix("sqlite://")?.split('?').next()?;
    if path.is_empty() || path.contains(":memory:") {
        return None;
    }
    Some(PathBuf::from(path))
}

fn run<T>(
    conn: &Connection,
    sql: &str,
    args: &[Arg],
    decode: fn(&dyn Columns) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut statement = conn.prepare_cached(sql)?;
    for (n, arg) in args.iter().enumerate() {
        let formatted;
        let name = match PARAMETER_NAMES.get(n) {
            Some(name) => name,
            None => {
                formatted = format!("${}", n + 1);
                formatted.as_str()
            }
        };
        // An argument the statement does not use is skipped, as sqlx's binding would be an
        // error there: the SQL below always uses every one.
        let Some(index) = statement.parameter_index(name)? else {
            continue;
        };
        match arg {
            Arg::Int(v) => statement.raw_bind_parameter(index, v)?,
            Arg::Text(v) => statement.raw_bind_parameter(index, v.as_str())?,
        }
    }
    let names: Vec<String> = statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(decode(&NamedRow::new(row, &names))?);
    }
    Ok(out)
}

/// The names of the first parameters, not formatted again on every call.
const PARAMETER_NAMES: [&str; 8] = ["$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8"];

/// Pragmas of every serving connection: WAL, and a page cache and memory map large enough
/// that an index range of a carrier's month is read from memory, not with a `pread` per page.
pub(crate) const SERVING_PRAGMAS: &str = "PRAGMA cache_size = -32768; \
    PRAGMA mmap_size = 2147418112; PRAGMA temp_store = MEMORY;";

impl Store {
    /// The rows of a read-only hot-path query: on SQLite through the [`HotReader`], else
    /// through sqlx. `sql` uses `$1`… for `args`, in that order.
    pub(crate) async fn hot_rows<T: Send + 'static>(
        &self,
        sql: String,
        args: Vec<Arg>,
        decode: fn(&dyn Columns) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        if let (Backend::Sqlite, Some(reader)) = (self.backend, &self.hot) {
            return reader.rows(sql, args, decode).await;
        }
        let mut query = sqlx::query(&sql);
        for arg in &args {
            query = match arg {
                Arg::Int(v) => query.bind(*v),
                Arg::Text(v) => query.bind(v.as_str()),
            };
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(|r| decode(r)).collect()
    }

    /// [`Store::hot_rows`] for a read of a few rows from small tables that every call makes
    /// (the cache versions): on SQLite it runs at once on the calling thread. Such a read from
    /// the memory-mapped file takes microseconds; the hop to a blocking thread and back cost
    /// more, in two thread wake-ups and a context switch each way, on every call.
    pub(crate) async fn hot_rows_here<T: Send + 'static>(
        &self,
        sql: &str,
        args: Vec<Arg>,
        decode: fn(&dyn Columns) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        if let (Backend::Sqlite, Some(reader)) = (self.backend, &self.hot) {
            return reader.rows_here(sql, &args, decode);
        }
        self.hot_rows(sql.to_owned(), args, decode).await
    }
}

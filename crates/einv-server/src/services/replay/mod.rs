//! Signed v1 calls are answered once: a repeated identical signed request inside its
//! timestamp window gets the first answer (or, for a read whose answer is too large to keep
//! in the store and is not in this node's memory, a refusal: [`STORED_ANSWER_MAX`]) and never
//! acts twice (a donation, an aggregation or an audited read happens once however often the
//! request is replayed).
//!
//! Where a call is claimed (docs/hot-path.md, "Signed calls claimed without a write"):
//!
//! - an action that changes stored data beyond its audited reads (donation, aggregation)
//!   claims in the store, one statement before it acts, as ever: its effect is committed
//!   outside the audit batch, so its claim must be durable first;
//! - a read (the carrier list and detail, lookups) claims in this node's [`book`] and, with
//!   several nodes, in Redis (`SET NX PX`) when flow control shares one, else in the store.
//!   On a single SQLite node (no Redis) the book is the claim: nothing is written before the
//!   read acts. The claim becomes durable with the read's own effect, its audit entry: the
//!   answer is kept in the audit writer's transaction (`Platform::keep_signed_answer`), and
//!   nothing is answered before that commits. A node reloads the open window's calls from the
//!   store before its first claim, so a replay after a restart is still answered once (with
//!   the stored answer, or refused when it was too large to store).

pub mod book;

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use einv_core::AppId;
use einv_store::{Backend, SignedCall};

use super::Platform;
use crate::error::{ServiceError, ServiceResult};
use book::{CallKey, Held, Local, ReplayBook, MAX_CALLS};

/// Redis has this long to answer a claim; past it the store claims instead.
const REDIS_TIMEOUT: Duration = Duration::from_millis(500);

/// The signed calls of this node: the book, whether it was loaded, and until when claims
/// must be made in the store because the book was full.
#[derive(Debug, Default)]
pub struct Replays {
    book: ReplayBook,
    loaded: tokio::sync::OnceCell<()>,
    /// Until this second (Unix), calls are claimed in the store: some claims of the open
    /// window did not fit in the book, so a miss there proves nothing.
    store_until: AtomicI64,
}

impl Replays {
    /// How many open signed calls this node holds.
    pub fn held(&self) -> usize {
        self.book.len()
    }
}

/// Where a won claim is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimedIn {
    /// This node's book alone (one SQLite node).
    Memory,
    /// Redis, shared by the nodes.
    Redis,
    /// The store's `signed_calls`.
    Store,
}

/// A signed call this request claimed: it acts, and its answer is kept under its key.
#[derive(Debug, Clone)]
pub struct SignedClaim {
    /// SHA-256 over the AppID and every parameter (http/v1/once.rs).
    pub key: CallKey,
    /// The AppID that signed it.
    pub app_id: AppId,
    /// The end of its window (Unix seconds).
    pub expires_at: i64,
    /// Where the claim is held.
    pub held_in: ClaimedIn,
    /// The action changes stored data beyond its audited reads (its answer is always kept in
    /// the store, whatever its size).
    pub writes: bool,
}

/// What claiming a signed call found.
#[derive(Debug, Clone)]
pub enum ClaimOutcome {
    /// This request acts.
    Won(SignedClaim),
    /// An identical request claimed it and is being answered.
    InFlight,
    /// An identical request was answered: its answer.
    Answered(String),
    /// An identical request was answered elsewhere (another node, or before a restart) and
    /// its answer was too large to keep in the store ([`STORED_ANSWER_MAX`]).
    AnsweredNotKept,
}

/// The largest answer of a signed READ kept in the store for replays on other nodes and
/// after a restart. A signed call's answer is kept for its whole timestamp window: every
/// carrier list (about 1 KB an invoice, ~40 KB a busy month) kept there for that long made
/// the database churn gigabytes a minute under a busy app and cost a signed list most of its
/// time (41 KB written, checkpointed and deleted per call). A larger answer of a read is kept
/// only in this node's memory ([`book`], while it has room): a replay there gets it; a
/// replay on another node, after a restart, or once the book had no room for it is refused
/// (954), as one in flight is — it never acts twice either way (the refusals show in the v1
/// metrics as code 954). The answer of a write is always kept in the store.
pub const STORED_ANSWER_MAX: usize = 8 * 1024;

/// What the store keeps of the answer `reply` to `claim`: the answer, or, for a read whose
/// answer is larger than [`STORED_ANSWER_MAX`], an empty one (answered, not kept).
pub(crate) fn stored_form(claim: &SignedClaim, reply: &str) -> String {
    if claim.writes || reply.len() <= STORED_ANSWER_MAX {
        reply.to_owned()
    } else {
        String::new()
    }
}

impl Platform {
    /// What is known of the signed call `call_key` (hex) now.
    pub async fn signed_call(&self, call_key: &str) -> ServiceResult<SignedCall> {
        Ok(self.store.signed_call(call_key, self.clock.now()).await?)
    }

    /// Claims the signed call `key` (whose signature verified) until `expires_at`. `writes`:
    /// the action changes stored data beyond its audited reads, so it is claimed in the store
    /// before it acts.
    pub async fn claim_signed_call(
        &self,
        key: CallKey,
        app_id: &AppId,
        expires_at: i64,
        writes: bool,
    ) -> ServiceResult<ClaimOutcome> {
        let claim = |held_in| SignedClaim {
            key,
            app_id: app_id.clone(),
            expires_at,
            held_in,
            writes,
        };
        if writes {
            return self.claim_shared(claim(ClaimedIn::Store), false).await;
        }
        let now = self.clock.now().timestamp();
        let redis = self.flow.shared_redis().is_some();
        let alone = !redis && self.store.backend() == Backend::Sqlite;
        if alone {
            self.load_open_calls(now).await?;
        }
        let in_memory = alone && now > self.replays.store_until.load(Ordering::Acquire);
        let local = self.replays.book.try_claim(key, expires_at, now);
        match local {
            Local::Seen(Held::InFlight) => return Ok(ClaimOutcome::InFlight),
            Local::Seen(Held::Answered(Some(reply))) => {
                return Ok(ClaimOutcome::Answered(reply.to_string()))
            }
            Local::Seen(Held::Answered(None)) => return self.kept_answer(&key).await,
            Local::Claimed if in_memory => return Ok(ClaimOutcome::Won(claim(ClaimedIn::Memory))),
            Local::Full if alone => {
                // A later miss in the book must not be trusted while this claim is open.
                self.replays
                    .store_until
                    .fetch_max(expires_at, Ordering::AcqRel);
            }
            Local::Claimed | Local::Full => {}
        }
        let held_in = if redis {
            ClaimedIn::Redis
        } else {
            ClaimedIn::Store
        };
        self.claim_shared(claim(held_in), local == Local::Claimed)
            .await
    }

    /// Claims in Redis or the store; on a loss, forgets the book's claim (when `in_book`) and
    /// returns what the store knows of the winner.
    async fn claim_shared(
        &self,
        mut claim: SignedClaim,
        in_book: bool,
    ) -> ServiceResult<ClaimOutcome> {
        let mut won = None;
        if claim.held_in == ClaimedIn::Redis {
            won = self.claim_in_redis(&claim).await;
            if won.is_none() {
                // Redis did not answer: the store decides, as it does without Redis.
                claim.held_in = ClaimedIn::Store;
            }
        }
        let won = match won {
            Some(won) => won,
            None => {
                let expires = chrono::DateTime::from_timestamp(claim.expires_at, 0)
                    .unwrap_or_else(|| self.clock.now());
                self.store
                    .claim_signed_call(
                        &hex::encode(claim.key),
                        &claim.app_id,
                        expires,
                        self.clock.now(),
                    )
                    .await?
            }
        };
        if won {
            return Ok(ClaimOutcome::Won(claim));
        }
        if in_book {
            self.replays.book.forget(&claim.key);
        }
        self.kept_answer(&claim.key).await
    }

    /// `SET NX PX` of the call's key for the rest of its window; `None` when Redis did not
    /// answer in time.
    async fn claim_in_redis(&self, claim: &SignedClaim) -> Option<bool> {
        let (mut conn, namespace) = self.flow.shared_redis()?;
        let ttl_ms = (claim.expires_at - self.clock.now().timestamp()).max(1) * 1000;
        let command = redis::cmd("SET")
            .arg(redis_key(namespace, &claim.key))
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(ttl_ms)
            .to_owned();
        let set = tokio::time::timeout(
            REDIS_TIMEOUT,
            command.query_async::<Option<String>>(&mut conn),
        )
        .await;
        match set {
            Ok(Ok(set)) => Some(set.is_some()),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "signed call claim: Redis refused; claiming in the store");
                None
            }
            Err(_) => None,
        }
    }

    /// The kept answer of a call claimed elsewhere, or in flight while it is not kept yet.
    async fn kept_answer(&self, key: &CallKey) -> ServiceResult<ClaimOutcome> {
        Ok(match self.signed_call(&hex::encode(key)).await? {
            SignedCall::Answered(reply) => ClaimOutcome::Answered(reply),
            SignedCall::AnsweredNotKept => ClaimOutcome::AnsweredNotKept,
            SignedCall::InFlight | SignedCall::New => ClaimOutcome::InFlight,
        })
    }

    /// Before the first claim in memory: the open window's calls, from the store.
    async fn load_open_calls(&self, now: i64) -> ServiceResult<()> {
        self.replays
            .loaded
            .get_or_try_init(|| async {
                let at =
                    chrono::DateTime::from_timestamp(now, 0).unwrap_or_else(|| self.clock.now());
                let limit = i64::try_from(MAX_CALLS).unwrap_or(i64::MAX);
                let open = self.store.open_signed_calls(at, limit + 1).await?;
                if open.len() > MAX_CALLS {
                    // Latest window first: until it ends, the book is not the whole story.
                    let until = open.first().map_or(now, |c| c.expires_at);
                    self.replays.store_until.fetch_max(until, Ordering::AcqRel);
                }
                self.replays.book.load(&open);
                Ok::<(), ServiceError>(())
            })
            .await?;
        Ok(())
    }

    /// After the answer of `claim` was kept (`Some`) or its claim given up (`None`) in the
    /// store: the book learns it; a given-up claim is released wherever it is held.
    pub(crate) async fn signed_call_settled(&self, claim: &SignedClaim, reply: Option<&str>) {
        if reply.is_some() {
            self.replays.book.answered(&claim.key, reply);
            return;
        }
        self.replays.book.forget(&claim.key);
        if claim.held_in != ClaimedIn::Redis {
            return;
        }
        if let Some((mut conn, namespace)) = self.flow.shared_redis() {
            let del = redis::cmd("DEL")
                .arg(redis_key(namespace, &claim.key))
                .to_owned();
            let done = tokio::time::timeout(REDIS_TIMEOUT, del.query_async::<i64>(&mut conn));
            if !matches!(done.await, Ok(Ok(_))) {
                // The claim then stands until its window ends: identical requests are refused
                // (954), never answered twice.
                tracing::warn!("a given-up signed call stays claimed in Redis");
            }
        }
    }
}

fn redis_key(namespace: &str, key: &CallKey) -> String {
    format!("{namespace}:v1call:{}", hex::encode(key))
}

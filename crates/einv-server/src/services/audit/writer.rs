//! The background writer: entries go through a bounded channel to one task that appends them
//! in batches, one transaction per batch, so a burst of requests costs one commit instead of
//! one each (the speed requirement of issue 5).
//!
//! Durability: the writer takes whatever is queued (up to `max_batch`) as soon as the previous
//! write ends, so an entry waits at most one batch write before it is committed; there is no
//! timer. When the queue is full, `record` waits: entries are never dropped to keep up.
//! [`AuditTrail::flush`] returns once everything queued before it is stored; `serve` flushes
//! and checkpoints on shutdown.

use std::sync::{Arc, OnceLock};

use einv_core::audit::{CheckpointKey, EntryContent};

/// The kind word of a periodic checkpoint.
const CHECKPOINT: &str = "checkpoint";
use einv_core::Clock;
use einv_store::{ChainTip, SignedAnswer, Store};
use tokio::sync::{mpsc, oneshot};

use crate::error::{ServiceError, ServiceResult};

/// How the trail is written.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// Record at all. Off only for the overhead benchmark: R6.4 wants it on.
    pub enabled: bool,
    /// Sign a checkpoint every this many entries.
    pub checkpoint_every: i64,
    /// The most entries written in one transaction.
    pub max_batch: usize,
    /// How many entries may wait for the writer before `record` waits too.
    pub queue: usize,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            checkpoint_every: 1000,
            max_batch: 512,
            queue: 8192,
        }
    }
}

/// Told whether an entry (or a flush) reached the database.
type Ack = oneshot::Sender<Result<(), String>>;

enum Message {
    /// An entry, with someone waiting for it to be committed when it is a data read.
    Entry(EntryContent, Option<Ack>),
    /// The answer of a signed v1 call and the entries of the reads it answers, stored in the
    /// same transaction (http/v1/once.rs), with someone waiting.
    Answer(Vec<EntryContent>, SignedAnswer, Ack),
    Flush(Ack),
}

/// Queues the message `message` wraps around a reply channel and waits for the writer to
/// answer it; `failed` words the writer's error.
async fn send_and_wait(
    queue: &mpsc::Sender<Message>,
    message: impl FnOnce(Ack) -> Message,
    failed: impl FnOnce(String) -> String,
) -> ServiceResult<()> {
    let stopped = || ServiceError::Internal("the audit writer has stopped".into());
    let (tx, rx) = oneshot::channel();
    queue.send(message(tx)).await.map_err(|_| stopped())?;
    match rx.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(ServiceError::Internal(failed(e).into())),
        Err(_) => Err(stopped()),
    }
}

/// A failed write of entries a caller waits for: the caller refuses to answer.
fn unanswered(e: String) -> String {
    format!("the audit trail cannot be written, so the data is not answered: {e}")
}

/// What a readiness probe learns about the audit writer.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct WriterHealth {
    /// The writer task still receives entries.
    pub alive: bool,
    /// Entries queued and not yet stored.
    pub queue_depth: usize,
}

/// The audit trail's writer side.
pub struct AuditTrail {
    config: AuditConfig,
    key: CheckpointKey,
    store: Store,
    clock: Arc<dyn Clock>,
    queue: OnceLock<mpsc::Sender<Message>>,
}

impl std::fmt::Debug for AuditTrail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditTrail")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AuditTrail {
    /// A trail over `store`, signing checkpoints with `key`. The writer task starts with the
    /// first entry (inside the caller's runtime).
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        key: CheckpointKey,
        config: AuditConfig,
    ) -> Self {
        Self {
            config,
            key,
            store,
            clock,
            queue: OnceLock::new(),
        }
    }

    /// The checkpoint key (to verify with).
    pub fn key(&self) -> &CheckpointKey {
        &self.key
    }

    /// The configuration.
    pub fn config(&self) -> &AuditConfig {
        &self.config
    }

    /// The writer's state for a readiness probe: whether it still takes entries, and how
    /// many entries wait in its queue (0 before the first entry starts the writer).
    pub fn health(&self) -> WriterHealth {
        match self.queue.get() {
            None => WriterHealth {
                alive: true,
                queue_depth: 0,
            },
            Some(tx) => WriterHealth {
                alive: !tx.is_closed(),
                queue_depth: tx.max_capacity() - tx.capacity(),
            },
        }
    }

    fn sender(&self) -> &mpsc::Sender<Message> {
        self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(self.config.queue.max(1));
            let writer = Writer {
                store: self.store.clone(),
                key: self.key.clone(),
                clock: self.clock.clone(),
                every: self.config.checkpoint_every.max(1),
                max_batch: self.config.max_batch.max(1),
            };
            tokio::spawn(writer.run(rx));
            tx
        })
    }

    /// Queues `entry` for the writer.
    pub async fn record(&self, entry: EntryContent) -> ServiceResult<()> {
        if !self.config.enabled {
            return Ok(());
        }
        self.sender()
            .send(Message::Entry(entry, None))
            .await
            .map_err(|_| ServiceError::Internal("the audit writer has stopped".into()))
    }

    /// Queues `entry` and returns once it is committed (durable first, hole 7). Concurrent
    /// callers share one transaction: the writer commits whatever is queued as one batch (group
    /// commit), so waiting costs one batch write, not one write each. Fails when the entry could
    /// not be stored, so the caller refuses to answer rather than answer unrecorded.
    pub async fn record_durable(&self, entry: EntryContent) -> ServiceResult<()> {
        if !self.config.enabled {
            return Ok(());
        }
        send_and_wait(
            self.sender(),
            |tx| Message::Entry(entry, Some(tx)),
            unanswered,
        )
        .await
    }

    /// Stores `answer` (a signed v1 call's answer to keep, or its claim to give up) and
    /// `entries` (the reads that answer reports) in one transaction, shared with whatever else
    /// is queued, and returns once it is committed. With the trail off, only the answer.
    pub async fn record_answer(
        &self,
        entries: Vec<EntryContent>,
        answer: SignedAnswer,
    ) -> ServiceResult<()> {
        let entries = if self.config.enabled {
            entries
        } else {
            Vec::new()
        };
        send_and_wait(
            self.sender(),
            |tx| Message::Answer(entries, answer, tx),
            unanswered,
        )
        .await
    }

    /// Waits until everything queued so far is stored; fails if some of it could not be.
    pub async fn flush(&self) -> ServiceResult<()> {
        let Some(queue) = self.queue.get() else {
            return Ok(());
        };
        send_and_wait(queue, Message::Flush, |e| e).await
    }

    /// Signs and stores a checkpoint of the current chain head (nothing for an empty chain).
    pub async fn checkpoint_head(&self, at: chrono::DateTime<chrono::Utc>) -> ServiceResult<()> {
        let Some(head) = self.store.audit_head().await? else {
            return Ok(());
        };
        if head.seq == 0 {
            return Ok(());
        }
        let checkpoint = self
            .key
            .checkpoint(CHECKPOINT, head.seq, head.hash, at.timestamp());
        self.store.add_audit_checkpoint(&checkpoint).await?;
        Ok(())
    }
}

struct Writer {
    store: Store,
    key: CheckpointKey,
    clock: Arc<dyn Clock>,
    every: i64,
    max_batch: usize,
}

impl Writer {
    async fn run(self, mut rx: mpsc::Receiver<Message>) {
        let mut lost = 0usize;
        // The chain's last entry as this writer stored it: the next batch is chained after it
        // in one statement while no one else appended (einv-store audit_tip.rs).
        let mut tip: Option<ChainTip> = None;
        while let Some(first) = rx.recv().await {
            let mut batch = Vec::new();
            let mut answers = Vec::new();
            let mut waiting = Vec::new();
            let mut acks = Vec::new();
            let mut next = Some(first);
            while let Some(message) = next.take() {
                match message {
                    Message::Entry(e, ack) => {
                        batch.push(e);
                        acks.extend(ack);
                    }
                    Message::Answer(entries, answer, ack) => {
                        batch.extend(entries);
                        answers.push(answer);
                        acks.push(ack);
                    }
                    Message::Flush(reply) => waiting.push(reply),
                }
                if batch.len() + answers.len() < self.max_batch {
                    next = rx.try_recv().ok();
                }
            }
            let written = self.write(&mut tip, &batch, &answers).await;
            if let Err(e) = &written {
                // One log line per failure, without the entries' content.
                tracing::error!(error = %e, audit.lost = batch.len(), "audit batch could not be stored");
                lost += batch.len();
            }
            let outcome = written.map_err(|e| e.to_string());
            for ack in acks {
                let _ = ack.send(outcome.clone());
            }
            // A flush reports every loss since the previous flush, then starts counting anew.
            if !waiting.is_empty() {
                for reply in waiting {
                    let result = if lost == 0 {
                        Ok(())
                    } else {
                        Err(format!("{lost} audit entries could not be stored"))
                    };
                    let _ = reply.send(result);
                }
                lost = 0;
            }
        }
    }

    /// Appends a batch (retrying once, for a busy database) and signs the checkpoints it
    /// crosses.
    async fn write(
        &self,
        tip: &mut Option<ChainTip>,
        batch: &[EntryContent],
        answers: &[SignedAnswer],
    ) -> ServiceResult<()> {
        if batch.is_empty() && answers.is_empty() {
            return Ok(());
        }
        let now = self.clock.now().timestamp();
        // Hole 7: the head is signed in the same transaction as every batch, so the trail is
        // provably complete up to it and a cut tail shows.
        let key = self.key.clone();
        let sign_head =
            move |seq: i64, hash: &str, at: i64| key.sign(einv_core::audit::HEAD, seq, hash, at);
        let store = &self.store;
        let appended = match store
            .append_audit_after(tip.as_ref(), batch, answers, now, &sign_head)
            .await
        {
            Ok(done) => done,
            Err(first) => {
                tracing::warn!(error = %first, "audit append failed; retrying once");
                *tip = None;
                store
                    .append_audit_and_answers(batch, answers, now, &sign_head)
                    .await?
            }
        };
        if let Some((seq, hash)) = appended.last() {
            *tip = Some(ChainTip {
                seq: *seq,
                hash: hash.clone(),
            });
        }
        for (seq, hash) in appended
            .into_iter()
            .filter(|(seq, _)| seq % self.every == 0)
        {
            let checkpoint =
                self.key
                    .checkpoint(CHECKPOINT, seq, hash, self.clock.now().timestamp());
            self.store.add_audit_checkpoint(&checkpoint).await?;
        }
        Ok(())
    }
}

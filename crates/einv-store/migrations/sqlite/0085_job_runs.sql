-- Background work inside `einv serve` (docs/operations.md): licence sweep, renewal notices,
-- consent lapse, deletion-request deadlines, audit checkpoints and retention.
--
-- One row per job per tick ("slot" = the clock's Unix time divided by the job's interval).
-- A node runs a job only when its INSERT of (job, slot) wins, so with several nodes on one
-- database each job runs once per tick; the row is also the run's record for operators.
CREATE TABLE job_runs (
    id           INTEGER PRIMARY KEY,
    job          TEXT   NOT NULL,
    slot         INTEGER NOT NULL,
    node         TEXT   NOT NULL,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    -- 'running' until it ends, then 'ok' or 'failed'. A node killed mid-run leaves 'running'.
    outcome      TEXT   NOT NULL,
    -- JSON object of what the run did, e.g. {"changed": 2}.
    counts       TEXT   NOT NULL,
    error        TEXT,
    UNIQUE (job, slot)
);
CREATE INDEX job_runs_job ON job_runs (job, id);

-- Notices a job sends once per subject (a lapsed grant, an overdue request, a licence's
-- renewal window): the key is recorded before the notice, so a later tick skips it.
CREATE TABLE job_notices (
    kind     TEXT   NOT NULL,
    subject  TEXT   NOT NULL,
    sent_at  INTEGER NOT NULL,
    PRIMARY KEY (kind, subject)
);

-- The consent-lapse job looks up grants by when they lapse.
CREATE INDEX consent_grants_lapses ON consent_grants (lapses_at);
-- The deadline job looks up open requests by due day.
CREATE INDEX deletion_requests_due ON deletion_requests (due_date) WHERE completed_at IS NULL;

-- Every poll of every node looks for runs left `running` by a node that stopped mid-run
-- (services/jobs): a partial index keeps that to the few running rows, however long the
-- record of finished runs grows.
CREATE INDEX job_runs_running ON job_runs (started_at) WHERE outcome = 'running';

-- Every v1 data call appends one audit entry (R6.4) and waits for its commit, so each index
-- on audit_log is one more B-tree insert (and one more page written) per call. The index on
-- `at` served one production query, the purge point (the first entry at or after the cut),
-- which now walks the chain by seq from its start and stops at the first such entry: it
-- visits the entries the purge deletes anyway, where the index scan visited every entry
-- kept. The (user_id, seq) and (app_id, seq) indexes stay: the User's and the developer's
-- pages read through them.
DROP INDEX audit_log_at;

-- One open request per User, app and kind (R5.2): asking again while a request is open
-- answers that request. The service looks first, but two requests filed at the same instant
-- both looked before either wrote; this index makes the second insert fail, and the store
-- reports it as "already exists" so the service answers the first one.
--
-- A database may already hold such twins. They are kept (history is never rewritten), the
-- later ones marked as copies of the earliest, and the index covers only originals.
ALTER TABLE deletion_requests ADD COLUMN duplicate_of INTEGER REFERENCES deletion_requests (id);

UPDATE deletion_requests
SET duplicate_of = firsts.first_id
FROM (
    SELECT user_id, app_id, kind, MIN(id) AS first_id
    FROM deletion_requests
    WHERE completed_at IS NULL
    GROUP BY user_id, app_id, kind
) AS firsts
WHERE deletion_requests.completed_at IS NULL
  AND deletion_requests.user_id = firsts.user_id
  AND deletion_requests.app_id = firsts.app_id
  AND deletion_requests.kind = firsts.kind
  AND deletion_requests.id > firsts.first_id;

CREATE UNIQUE INDEX deletion_requests_one_open
    ON deletion_requests (user_id, app_id, kind)
    WHERE completed_at IS NULL AND duplicate_of IS NULL;

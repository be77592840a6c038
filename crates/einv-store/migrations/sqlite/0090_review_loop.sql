-- The "ask for changes" loop and the reviewer's tools (R4.2).
--
-- application_revisions: what each resubmission changed (fields old → new, documents added or
-- replaced) as JSON, so the reviewer sees a diff before deciding. Append-only, like the
-- licence history (R10.4).
CREATE TABLE application_revisions (
    id          INTEGER PRIMARY KEY,
    licence_id  INTEGER NOT NULL REFERENCES licences (id),
    at          INTEGER NOT NULL,
    changes     TEXT    NOT NULL
);
CREATE INDEX application_revisions_licence ON application_revisions (licence_id, id);
CREATE TRIGGER application_revisions_no_update BEFORE UPDATE ON application_revisions
BEGIN SELECT RAISE(ABORT, 'application_revisions is append-only (R10.4)'); END;
CREATE TRIGGER application_revisions_no_delete BEFORE DELETE ON application_revisions
BEGIN SELECT RAISE(ABORT, 'application_revisions is append-only (R10.4)'); END;

-- A replaced document stays on file (history is never rewritten) and names its successor.
ALTER TABLE application_documents ADD COLUMN replaced_by INTEGER REFERENCES application_documents (id);

-- Which reviewer works on a licence; a separate table so that assigning does not touch the
-- licence row (whose changes bump the admission caches).
CREATE TABLE licence_assignments (
    licence_id   INTEGER PRIMARY KEY REFERENCES licences (id),
    reviewer_id  INTEGER NOT NULL REFERENCES reviewers (id),
    assigned_at  INTEGER NOT NULL
);
CREATE INDEX licence_assignments_reviewer ON licence_assignments (reviewer_id);

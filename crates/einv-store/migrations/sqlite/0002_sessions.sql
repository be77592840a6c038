-- Web sessions of developers, reviewers and Users. Only a SHA-256 of the session token is
-- kept, so a database dump cannot be replayed as a login.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    -- 'developer', 'reviewer' or 'user': the roles never share a session.
    role        TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    csrf_token  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- 0001: the platform: accounts, sessions, API keys, audit.
-- Portable SQL where it costs nothing: PostgreSQL will read the same shapes.
CREATE TABLE user_account (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    scope_kind TEXT,            -- 'area' | 'org' | NULL
    scope_id INTEGER,
    pwhash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL -- ms since epoch, UTC
);

CREATE TABLE session (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES user_account(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX session_user ON session(user_id);

CREATE TABLE api_key (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    role TEXT NOT NULL,
    scope_kind TEXT,
    scope_id INTEGER,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id INTEGER,
    detail TEXT
);
CREATE INDEX audit_object ON audit(object_kind, object_id);

-- Waymark's first schema. Portable between SQLite and PostgreSQL: TEXT and BIGINT
-- columns only, ids made by the server, times in milliseconds since the Unix epoch.

CREATE TABLE apps (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Origins allowed to call an app's public endpoints from a browser.
CREATE TABLE app_origins (
    app_id  TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    origin  TEXT NOT NULL,
    PRIMARY KEY (app_id, origin)
);

-- One row per guide of an app: its current draft and which version is live.
CREATE TABLE guides (
    app_id        TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    guide_id      TEXT NOT NULL,
    draft         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    live_version  BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    updated_by    TEXT,
    PRIMARY KEY (app_id, guide_id)
);

-- Published versions: written once, never changed.
CREATE TABLE guide_versions (
    app_id        TEXT NOT NULL,
    guide_id      TEXT NOT NULL,
    version       BIGINT NOT NULL,
    body          TEXT NOT NULL,
    published_at  BIGINT NOT NULL,
    published_by  TEXT,
    note          TEXT,
    PRIMARY KEY (app_id, guide_id, version),
    FOREIGN KEY (app_id, guide_id) REFERENCES guides (app_id, guide_id) ON DELETE CASCADE
);

-- API tokens, stored as the SHA-256 of the token; the token itself is never kept.
CREATE TABLE tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('agent', 'admin')),
    hash        TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

-- Analytics events as the runtime sent them; (app_id, event_id) drops duplicates.
-- No foreign key: ingest is the hot path, and deleting an app deletes its events.
CREATE TABLE events (
    app_id       TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    user_id      TEXT,
    at           BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    guide        TEXT NOT NULL,
    version      BIGINT NOT NULL,
    run_id       TEXT,
    step         TEXT,
    step_index   BIGINT,
    detail       TEXT,
    received_at  BIGINT NOT NULL,
    PRIMARY KEY (app_id, event_id)
);

CREATE INDEX events_by_app_time ON events (app_id, at);

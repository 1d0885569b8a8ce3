-- The ticket outbox: a ticket is written here before the runtime gets its answer,
-- and a worker delivers it to the help desk. (app_id, idempotency_key) makes a
-- retried post find the ticket it already made.

CREATE TABLE tickets (
    id               TEXT PRIMARY KEY,
    app_id           TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    idempotency_key  TEXT NOT NULL,
    body_hash        TEXT NOT NULL,
    request          TEXT NOT NULL,
    user_id          TEXT,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'delivered', 'failed')),
    attempts         BIGINT NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    lease_owner      TEXT,
    leased_until     BIGINT,
    last_error       TEXT,
    helpdesk         TEXT,
    reference        TEXT,
    reference_url    TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    delivered_at     BIGINT,
    UNIQUE (app_id, idempotency_key)
);

CREATE INDEX tickets_due ON tickets (status, next_attempt_at);
CREATE INDEX tickets_by_app ON tickets (app_id, created_at);

-- When set, tickets must carry user_hash = HMAC-SHA256(secret, user_id).
ALTER TABLE apps ADD COLUMN secret TEXT;

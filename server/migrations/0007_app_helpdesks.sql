-- Per-app help desks and category routing (issue 14).
--
-- `config` is the app's help-desk configuration as JSON, credentials included (the
-- server needs them to deliver; the API, exports and logs never show them). NULL: the
-- app files its tickets through the server's `[helpdesk]`. `routing` maps a guide's
-- category to a queue, group or assignment of that help desk, as JSON
-- (`{"default": ..., "categories": {...}}`). `updated_at` tells every server process
-- that its connector for the app is out of date. Portable: TEXT and BIGINT only.

CREATE TABLE app_helpdesks (
    app_id      TEXT PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
    config      TEXT,
    routing     TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

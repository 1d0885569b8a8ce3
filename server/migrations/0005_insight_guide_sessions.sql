-- Help sessions per guide (issue 7), behind the Insights figures filtered by a guide.
--
-- With a guide filter the figures are the core's over that guide's events only, so a
-- user's silences, and with them the sessions, differ from those of all their events.
-- Computing them from the events for each request is too slow over millions of
-- events, so they are kept here like `insight_sessions` (migration 0004): per user and
-- guide, for all of the user's events of that guide ('*') and for each segment's,
-- recomputed with the user's other rollups when `insight_dirty` marks them.

CREATE TABLE insight_guide_sessions (
    app_id       TEXT NOT NULL,
    -- The events' guide, as sent ('' for events outside any guide).
    guide        TEXT NOT NULL,
    -- '*' for all of the user's events of the guide; else a segment.
    stream       TEXT NOT NULL,
    -- The user id; '' for events sent without one.
    user_key     TEXT NOT NULL,
    chunk_first  BIGINT NOT NULL,
    chunk_last   BIGINT NOT NULL,
    started      BIGINT NOT NULL,
    outcome      TEXT NOT NULL
);

-- Covering: a guide's figures are read from the index alone.
CREATE INDEX insight_guide_sessions_by_guide
    ON insight_guide_sessions (app_id, guide, stream, chunk_first, chunk_last, started, outcome, user_key);
CREATE INDEX insight_guide_sessions_by_user ON insight_guide_sessions (app_id, user_key);

-- Every user with events must have their guide sessions built.
INSERT INTO insight_dirty (app_id, user_key)
SELECT app_id, COALESCE(user_id, '') FROM events GROUP BY app_id, COALESCE(user_id, '')
ON CONFLICT (app_id, user_key) DO NOTHING;

-- The help-session rollup behind the Insights figures (see server/src/db/insights.rs).
--
-- Finding help sessions means walking every event of a user in time order, too slow
-- to do for every request over millions of events. So the sessions of each user's
-- event stream are kept here, one row per stretch of events that holds a session,
-- and recomputed for the users whose events changed (`insight_dirty`, marked by the
-- event writer in the transaction that stores the events) when Insights are next read.

CREATE TABLE insight_sessions (
    app_id       TEXT NOT NULL,
    -- '*' for all of the user's events; else a segment, for that segment's events.
    stream       TEXT NOT NULL,
    -- The user id; '' for events sent without one.
    user_key     TEXT NOT NULL,
    -- First and last event time of the stretch the session lies in (a range filter
    -- that cuts it makes the user's sessions be computed from the events instead).
    chunk_first  BIGINT NOT NULL,
    chunk_last   BIGINT NOT NULL,
    started      BIGINT NOT NULL,
    outcome      TEXT NOT NULL
);

-- Covering: the figures are read from the index alone.
CREATE INDEX insight_sessions_by_stream
    ON insight_sessions (app_id, stream, chunk_first, chunk_last, started, outcome, user_key);
CREATE INDEX insight_sessions_by_user ON insight_sessions (app_id, user_key);

-- Users whose sessions must be recomputed. The recomputation holds their rows (on
-- PostgreSQL, locked FOR UPDATE) until it commits, so a batch stored meanwhile marks
-- its user again afterwards.
CREATE TABLE insight_dirty (
    app_id    TEXT NOT NULL,
    user_key  TEXT NOT NULL,
    PRIMARY KEY (app_id, user_key)
);

INSERT INTO insight_dirty (app_id, user_key)
SELECT app_id, COALESCE(user_id, '') FROM events GROUP BY app_id, COALESCE(user_id, '');

-- Funnel reach: one row per user and guide step they were shown, for all their events
-- ('*') and for each segment's, with the time of the last such event that named the
-- step. Distinct users per step are then a count of rows. Kept with the sessions.
CREATE TABLE insight_reach (
    app_id      TEXT NOT NULL,
    stream      TEXT NOT NULL,
    guide       TEXT NOT NULL,
    step_index  BIGINT NOT NULL,
    user_key    TEXT NOT NULL,
    last_named  BIGINT
);

CREATE INDEX insight_reach_by_step
    ON insight_reach (app_id, stream, guide, step_index, user_key, last_named);
CREATE INDEX insight_reach_by_user ON insight_reach (app_id, user_key);

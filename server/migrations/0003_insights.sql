-- Insights (issue 7): the segment a batch of events was sent for, the order events
-- arrived in, and the indexes the insights queries read through.

-- Set by the runtime per batch (`"segment": "finance"`); null when it sent none.
ALTER TABLE events ADD COLUMN segment TEXT;

-- Orders events that share `at` as they arrived (the core's metrics break ties by
-- arrival): increasing within a server process. Rows stored before this migration
-- get their receipt time, in the same unit.
ALTER TABLE events ADD COLUMN arrival BIGINT;
UPDATE events SET arrival = received_at * 1000;

-- Help sessions walk each user's events in time order.
CREATE INDEX events_by_user_time ON events (app_id, user_id, at, arrival);
-- Each figure but help sessions reads only its own kinds, from a partial index that
-- holds every column the query needs (the filters' too), so the table is not read
-- and the other kinds cost nothing at ingest.
-- Funnels: distinct users per guide step, and the step's id as last seen.
CREATE INDEX events_steps_shown
    ON events (app_id, guide, step_index, at, user_id, step, segment, kind)
    WHERE kind = 'step_shown';
-- Runs: first start and first completion per run, in run order.
CREATE INDEX events_runs ON events (app_id, run_id, kind, at, guide, segment)
    WHERE kind IN ('run_started', 'run_completed');
CREATE INDEX events_tickets ON events (app_id, at, user_id, guide, segment, kind)
    WHERE kind = 'ticket_filed';
CREATE INDEX events_stuck ON events (app_id, guide, step, detail, at, segment, kind)
    WHERE kind = 'stuck_detected';
-- The editor's segment filter.
CREATE INDEX events_by_segment ON events (app_id, segment);

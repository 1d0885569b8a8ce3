-- Exactly one ticket through lost answers and outages (issue 14).
--
-- `claims` counts how often a worker took the ticket for delivery. Above one (or
-- after any recorded attempt) an earlier attempt may have reached the help desk, for
-- instance from a server killed mid-delivery: the connector then looks for the ticket
-- by its marker before it creates one.
--
-- A queued ticket with a `last_error` is shown as `waiting`: its help desk is out and
-- it is retried until `outbox.give_up_after`. `warned_at` is when the log last warned
-- about it (once, then hourly).

ALTER TABLE tickets ADD COLUMN claims BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN warned_at BIGINT;

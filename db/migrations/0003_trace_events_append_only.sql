-- Trace events are append-only: a mistake is fixed by a new `correction` event.
-- These triggers stop the application (or a careless script) from rewriting history;
-- someone with the file can still drop them, which is what the hash chain and the
-- signatures are for: verification fails at the first changed event.
CREATE TRIGGER `trace_events_no_update` BEFORE UPDATE ON `trace_events`
BEGIN
  SELECT RAISE(ABORT, 'trace_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `trace_events_no_delete` BEFORE DELETE ON `trace_events`
BEGIN
  SELECT RAISE(ABORT, 'trace_events is append-only');
END;

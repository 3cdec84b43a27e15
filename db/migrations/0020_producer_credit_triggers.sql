-- Issue 12 §2 (hand-written): a change in a table the credit score reads marks the producer's
-- stored score stale; the market function that made the change recomputes it in the same
-- transaction when it can, and otherwise the next read of the score or the sweep does
-- (market/credit/credit.ts). Lower layers (traceability: lot events, recalls) never import
-- market, so these triggers are how their changes reach the score. Lot events and recalls also
-- set trace_stale: the traceability part (which walks the chains) is recounted only then.
CREATE TRIGGER `producer_credit_stale_trace_event` AFTER INSERT ON `trace_events`
BEGIN
  INSERT INTO producer_credit (producer_id, stale, trace_stale) SELECT producer_id, 1, 1 FROM batches WHERE id = NEW.batch_id
    ON CONFLICT (producer_id) DO UPDATE SET stale = 1, trace_stale = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `producer_credit_stale_recall_insert` AFTER INSERT ON `recalls`
BEGIN
  INSERT INTO producer_credit (producer_id, stale, trace_stale) SELECT producer_id, 1, 1 FROM batches WHERE id = NEW.batch_id
    ON CONFLICT (producer_id) DO UPDATE SET stale = 1, trace_stale = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `producer_credit_stale_recall_update` AFTER UPDATE ON `recalls`
BEGIN
  INSERT INTO producer_credit (producer_id, stale, trace_stale) SELECT producer_id, 1, 1 FROM batches WHERE id = NEW.batch_id
    ON CONFLICT (producer_id) DO UPDATE SET stale = 1, trace_stale = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `producer_credit_stale_rating` AFTER INSERT ON `ratings`
BEGIN
  INSERT INTO producer_credit (producer_id, stale) VALUES (NEW.producer_id, 1)
    ON CONFLICT (producer_id) DO UPDATE SET stale = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `producer_credit_stale_dispute_insert` AFTER INSERT ON `disputes`
BEGIN
  INSERT INTO producer_credit (producer_id, stale) SELECT producer_id, 1 FROM sub_orders WHERE id = NEW.sub_order_id
    ON CONFLICT (producer_id) DO UPDATE SET stale = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `producer_credit_stale_dispute_update` AFTER UPDATE OF `status` ON `disputes`
BEGIN
  INSERT INTO producer_credit (producer_id, stale) SELECT producer_id, 1 FROM sub_orders WHERE id = NEW.sub_order_id
    ON CONFLICT (producer_id) DO UPDATE SET stale = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `producer_credit_stale_refund` AFTER UPDATE OF `status` ON `refunds`
BEGIN
  INSERT INTO producer_credit (producer_id, stale) SELECT producer_id, 1 FROM sub_orders WHERE id = NEW.sub_order_id
    ON CONFLICT (producer_id) DO UPDATE SET stale = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `producer_credit_stale_refund_insert` AFTER INSERT ON `refunds`
BEGIN
  INSERT INTO producer_credit (producer_id, stale) SELECT producer_id, 1 FROM sub_orders WHERE id = NEW.sub_order_id
    ON CONFLICT (producer_id) DO UPDATE SET stale = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `producer_credit_stale_sub_order` AFTER UPDATE OF `status` ON `sub_orders`
BEGIN
  INSERT INTO producer_credit (producer_id, stale) VALUES (NEW.producer_id, 1)
    ON CONFLICT (producer_id) DO UPDATE SET stale = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `producer_credit_stale_parcel` AFTER UPDATE OF `dispatched_at` ON `parcels`
BEGIN
  INSERT INTO producer_credit (producer_id, stale) VALUES (NEW.producer_id, 1)
    ON CONFLICT (producer_id) DO UPDATE SET stale = 1;
END;

-- Statistics roll-ups (issue 12 §1), kept in the writer's transaction whatever code path writes.
-- Hand-written: generated once from oversight/trigger-sql.ts (the definitions are in oversight/definitions.ts).
CREATE TRIGGER stats_sub_orders_insert AFTER INSERT ON sub_orders
BEGIN
  INSERT INTO stats_producer_daily (day, producer_id, sales_fen, orders, units, units_verified)
    SELECT (((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000, NEW.producer_id, 1 * NEW.subtotal_fen, 1, 1 * (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l WHERE l.sub_order_id = NEW.id), 1 * (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l WHERE l.sub_order_id = NEW.id AND (exists (select 1 from trace_events h where h.batch_id = l.batch_id and h.type = 'harvest' and h.created_at <= (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end))
     and (select json_extract(i.content, '$.payload.result') from trace_events i
           where i.batch_id = l.batch_id and i.type = 'inspection' and i.created_at <= (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end) order by i.seq desc limit 1) = 'pass')) FROM orders o WHERE o.id = NEW.order_id AND ((NEW.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (NEW.status = 'pending_payment' and o.pay_at_pickup = 1)) or (NEW.status = 'refunded' and o.cancelled_at is null and (o.paid_at is not null or o.pay_at_pickup = 1)) or (NEW.status = 'cancelled' and o.pay_at_pickup = 1))
    ON CONFLICT (day, producer_id) DO UPDATE SET sales_fen = sales_fen + excluded.sales_fen, orders = orders + excluded.orders, units = units + excluded.units, units_verified = units_verified + excluded.units_verified;
  INSERT INTO stats_category_daily (day, producer_id, category_id, sales_fen, units)
    SELECT (((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000, NEW.producer_id, li.category_id, 1 * sum(l.quantity * l.unit_price_fen), 1 * sum(l.quantity) FROM order_lines l JOIN listings li ON li.id = l.listing_id JOIN orders o ON o.id = NEW.order_id WHERE l.sub_order_id = NEW.id AND ((NEW.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (NEW.status = 'pending_payment' and o.pay_at_pickup = 1)) or (NEW.status = 'refunded' and o.cancelled_at is null and (o.paid_at is not null or o.pay_at_pickup = 1)) or (NEW.status = 'cancelled' and o.pay_at_pickup = 1)) GROUP BY li.category_id
    ON CONFLICT (day, producer_id, category_id) DO UPDATE SET sales_fen = sales_fen + excluded.sales_fen, units = units + excluded.units;
  INSERT INTO stats_buyer_days (day, producer_id, buyer_id, orders, week, month, province_id, county_id, village_id)
    SELECT (((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000, NEW.producer_id, o.buyer_id, 1, (((((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000) - ((((((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000) + 3) % 7)), cast(julianday(date(((((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000) * 86400, 'unixepoch', 'start of month')) - 2440587.5 as integer), pr.province_id, pr.county_id, pr.village_id FROM orders o JOIN producers pr ON pr.id = NEW.producer_id WHERE o.id = NEW.order_id AND ((NEW.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (NEW.status = 'pending_payment' and o.pay_at_pickup = 1)) or (NEW.status = 'refunded' and o.cancelled_at is null and (o.paid_at is not null or o.pay_at_pickup = 1)) or (NEW.status = 'cancelled' and o.pay_at_pickup = 1))
    ON CONFLICT (day, producer_id, buyer_id) DO UPDATE SET orders = orders + excluded.orders;
  DELETE FROM stats_buyer_days WHERE orders = 0 AND producer_id = NEW.producer_id AND buyer_id = (SELECT buyer_id FROM orders WHERE id = NEW.order_id);
  INSERT INTO stats_producer_daily (day, producer_id, sales_fen, orders, units, units_verified)
    SELECT ((coalesce(o.cancelled_at, (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end))) + 28800000) / 86400000, NEW.producer_id, -1 * NEW.subtotal_fen, -1, -1 * (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l WHERE l.sub_order_id = NEW.id), -1 * (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l WHERE l.sub_order_id = NEW.id AND (exists (select 1 from trace_events h where h.batch_id = l.batch_id and h.type = 'harvest' and h.created_at <= (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end))
     and (select json_extract(i.content, '$.payload.result') from trace_events i
           where i.batch_id = l.batch_id and i.type = 'inspection' and i.created_at <= (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end) order by i.seq desc limit 1) = 'pass')) FROM orders o WHERE o.id = NEW.order_id AND (NEW.status = 'cancelled' and o.pay_at_pickup = 1)
    ON CONFLICT (day, producer_id) DO UPDATE SET sales_fen = sales_fen + excluded.sales_fen, orders = orders + excluded.orders, units = units + excluded.units, units_verified = units_verified + excluded.units_verified;
  INSERT INTO stats_category_daily (day, producer_id, category_id, sales_fen, units)
    SELECT ((coalesce(o.cancelled_at, (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end))) + 28800000) / 86400000, NEW.producer_id, li.category_id, -1 * sum(l.quantity * l.unit_price_fen), -1 * sum(l.quantity) FROM order_lines l JOIN listings li ON li.id = l.listing_id JOIN orders o ON o.id = NEW.order_id WHERE l.sub_order_id = NEW.id AND (NEW.status = 'cancelled' and o.pay_at_pickup = 1) GROUP BY li.category_id
    ON CONFLICT (day, producer_id, category_id) DO UPDATE SET sales_fen = sales_fen + excluded.sales_fen, units = units + excluded.units;
  INSERT INTO stats_buyer_days (day, producer_id, buyer_id, orders, week, month, province_id, county_id, village_id)
    SELECT (((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000, NEW.producer_id, o.buyer_id, -1, (((((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000) - ((((((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000) + 3) % 7)), cast(julianday(date(((((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000) * 86400, 'unixepoch', 'start of month')) - 2440587.5 as integer), pr.province_id, pr.county_id, pr.village_id FROM orders o JOIN producers pr ON pr.id = NEW.producer_id WHERE o.id = NEW.order_id AND (NEW.status = 'cancelled' and o.pay_at_pickup = 1)
    ON CONFLICT (day, producer_id, buyer_id) DO UPDATE SET orders = orders + excluded.orders;
  DELETE FROM stats_buyer_days WHERE orders = 0 AND producer_id = NEW.producer_id AND buyer_id = (SELECT buyer_id FROM orders WHERE id = NEW.order_id);
END;
--> statement-breakpoint
CREATE TRIGGER stats_sub_orders_status AFTER UPDATE OF status ON sub_orders WHEN OLD.status IS NOT NEW.status AND NEW.status != 'refunded'
BEGIN
  INSERT INTO stats_producer_daily (day, producer_id, sales_fen, orders, units, units_verified)
    SELECT (((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000, NEW.producer_id, 1 * NEW.subtotal_fen, 1, 1 * (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l WHERE l.sub_order_id = NEW.id), 1 * (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l WHERE l.sub_order_id = NEW.id AND (exists (select 1 from trace_events h where h.batch_id = l.batch_id and h.type = 'harvest' and h.created_at <= (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end))
     and (select json_extract(i.content, '$.payload.result') from trace_events i
           where i.batch_id = l.batch_id and i.type = 'inspection' and i.created_at <= (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end) order by i.seq desc limit 1) = 'pass')) FROM orders o WHERE o.id = NEW.order_id AND NOT (OLD.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (OLD.status = 'pending_payment' and o.pay_at_pickup = 1)) AND (NEW.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (NEW.status = 'pending_payment' and o.pay_at_pickup = 1))
    ON CONFLICT (day, producer_id) DO UPDATE SET sales_fen = sales_fen + excluded.sales_fen, orders = orders + excluded.orders, units = units + excluded.units, units_verified = units_verified + excluded.units_verified;
  INSERT INTO stats_category_daily (day, producer_id, category_id, sales_fen, units)
    SELECT (((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000, NEW.producer_id, li.category_id, 1 * sum(l.quantity * l.unit_price_fen), 1 * sum(l.quantity) FROM order_lines l JOIN listings li ON li.id = l.listing_id JOIN orders o ON o.id = NEW.order_id WHERE l.sub_order_id = NEW.id AND NOT (OLD.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (OLD.status = 'pending_payment' and o.pay_at_pickup = 1)) AND (NEW.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (NEW.status = 'pending_payment' and o.pay_at_pickup = 1)) GROUP BY li.category_id
    ON CONFLICT (day, producer_id, category_id) DO UPDATE SET sales_fen = sales_fen + excluded.sales_fen, units = units + excluded.units;
  INSERT INTO stats_buyer_days (day, producer_id, buyer_id, orders, week, month, province_id, county_id, village_id)
    SELECT (((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000, NEW.producer_id, o.buyer_id, 1, (((((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000) - ((((((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000) + 3) % 7)), cast(julianday(date(((((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000) * 86400, 'unixepoch', 'start of month')) - 2440587.5 as integer), pr.province_id, pr.county_id, pr.village_id FROM orders o JOIN producers pr ON pr.id = NEW.producer_id WHERE o.id = NEW.order_id AND NOT (OLD.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (OLD.status = 'pending_payment' and o.pay_at_pickup = 1)) AND (NEW.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (NEW.status = 'pending_payment' and o.pay_at_pickup = 1))
    ON CONFLICT (day, producer_id, buyer_id) DO UPDATE SET orders = orders + excluded.orders;
  DELETE FROM stats_buyer_days WHERE orders = 0 AND producer_id = NEW.producer_id AND buyer_id = (SELECT buyer_id FROM orders WHERE id = NEW.order_id);
  INSERT INTO stats_producer_daily (day, producer_id, sales_fen, orders, units, units_verified)
    SELECT ((coalesce(o.cancelled_at, (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end))) + 28800000) / 86400000, NEW.producer_id, -1 * NEW.subtotal_fen, -1, -1 * (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l WHERE l.sub_order_id = NEW.id), -1 * (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l WHERE l.sub_order_id = NEW.id AND (exists (select 1 from trace_events h where h.batch_id = l.batch_id and h.type = 'harvest' and h.created_at <= (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end))
     and (select json_extract(i.content, '$.payload.result') from trace_events i
           where i.batch_id = l.batch_id and i.type = 'inspection' and i.created_at <= (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end) order by i.seq desc limit 1) = 'pass')) FROM orders o WHERE o.id = NEW.order_id AND (OLD.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (OLD.status = 'pending_payment' and o.pay_at_pickup = 1)) AND NEW.status = 'cancelled'
    ON CONFLICT (day, producer_id) DO UPDATE SET sales_fen = sales_fen + excluded.sales_fen, orders = orders + excluded.orders, units = units + excluded.units, units_verified = units_verified + excluded.units_verified;
  INSERT INTO stats_category_daily (day, producer_id, category_id, sales_fen, units)
    SELECT ((coalesce(o.cancelled_at, (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end))) + 28800000) / 86400000, NEW.producer_id, li.category_id, -1 * sum(l.quantity * l.unit_price_fen), -1 * sum(l.quantity) FROM order_lines l JOIN listings li ON li.id = l.listing_id JOIN orders o ON o.id = NEW.order_id WHERE l.sub_order_id = NEW.id AND (OLD.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (OLD.status = 'pending_payment' and o.pay_at_pickup = 1)) AND NEW.status = 'cancelled' GROUP BY li.category_id
    ON CONFLICT (day, producer_id, category_id) DO UPDATE SET sales_fen = sales_fen + excluded.sales_fen, units = units + excluded.units;
  INSERT INTO stats_buyer_days (day, producer_id, buyer_id, orders, week, month, province_id, county_id, village_id)
    SELECT (((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000, NEW.producer_id, o.buyer_id, -1, (((((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000) - ((((((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000) + 3) % 7)), cast(julianday(date(((((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000) * 86400, 'unixepoch', 'start of month')) - 2440587.5 as integer), pr.province_id, pr.county_id, pr.village_id FROM orders o JOIN producers pr ON pr.id = NEW.producer_id WHERE o.id = NEW.order_id AND (OLD.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (OLD.status = 'pending_payment' and o.pay_at_pickup = 1)) AND NEW.status = 'cancelled'
    ON CONFLICT (day, producer_id, buyer_id) DO UPDATE SET orders = orders + excluded.orders;
  DELETE FROM stats_buyer_days WHERE orders = 0 AND producer_id = NEW.producer_id AND buyer_id = (SELECT buyer_id FROM orders WHERE id = NEW.order_id);
END;
--> statement-breakpoint
CREATE TRIGGER stats_sub_orders_subtotal AFTER UPDATE OF subtotal_fen ON sub_orders WHEN OLD.subtotal_fen != NEW.subtotal_fen
BEGIN
  INSERT INTO stats_producer_daily (day, producer_id, sales_fen)
    SELECT (((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000, NEW.producer_id, (NEW.subtotal_fen - OLD.subtotal_fen) FROM orders o WHERE o.id = NEW.order_id AND ((NEW.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (NEW.status = 'pending_payment' and o.pay_at_pickup = 1)) or (NEW.status = 'refunded' and o.cancelled_at is null and (o.paid_at is not null or o.pay_at_pickup = 1)) or (NEW.status = 'cancelled' and o.pay_at_pickup = 1))
    ON CONFLICT (day, producer_id) DO UPDATE SET sales_fen = sales_fen + excluded.sales_fen;
  INSERT INTO stats_producer_daily (day, producer_id, sales_fen)
    SELECT ((coalesce(o.cancelled_at, (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end))) + 28800000) / 86400000, NEW.producer_id, -(NEW.subtotal_fen - OLD.subtotal_fen) FROM orders o WHERE o.id = NEW.order_id AND (NEW.status = 'cancelled' and o.pay_at_pickup = 1)
    ON CONFLICT (day, producer_id) DO UPDATE SET sales_fen = sales_fen + excluded.sales_fen;
END;
--> statement-breakpoint
CREATE TRIGGER stats_order_lines_insert AFTER INSERT ON order_lines WHEN NEW.sub_order_id IS NOT NULL
BEGIN
  INSERT INTO stats_producer_daily (day, producer_id, units, units_verified)
    SELECT (((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000, s.producer_id, 1 * NEW.quantity, 1 * (CASE WHEN (exists (select 1 from trace_events h where h.batch_id = NEW.batch_id and h.type = 'harvest' and h.created_at <= (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end))
     and (select json_extract(i.content, '$.payload.result') from trace_events i
           where i.batch_id = NEW.batch_id and i.type = 'inspection' and i.created_at <= (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end) order by i.seq desc limit 1) = 'pass') THEN NEW.quantity ELSE 0 END) FROM sub_orders s JOIN orders o ON o.id = s.order_id JOIN listings li ON li.id = NEW.listing_id WHERE s.id = NEW.sub_order_id AND ((s.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (s.status = 'pending_payment' and o.pay_at_pickup = 1)) or (s.status = 'refunded' and o.cancelled_at is null and (o.paid_at is not null or o.pay_at_pickup = 1)) or (s.status = 'cancelled' and o.pay_at_pickup = 1)) AND 1
    ON CONFLICT (day, producer_id) DO UPDATE SET units = units + excluded.units, units_verified = units_verified + excluded.units_verified;
  INSERT INTO stats_category_daily (day, producer_id, category_id, sales_fen, units)
    SELECT (((case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end)) + 28800000) / 86400000, s.producer_id, li.category_id, 1 * NEW.quantity * NEW.unit_price_fen, 1 * NEW.quantity FROM sub_orders s JOIN orders o ON o.id = s.order_id JOIN listings li ON li.id = NEW.listing_id WHERE s.id = NEW.sub_order_id AND ((s.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (s.status = 'pending_payment' and o.pay_at_pickup = 1)) or (s.status = 'refunded' and o.cancelled_at is null and (o.paid_at is not null or o.pay_at_pickup = 1)) or (s.status = 'cancelled' and o.pay_at_pickup = 1)) AND 1
    ON CONFLICT (day, producer_id, category_id) DO UPDATE SET sales_fen = sales_fen + excluded.sales_fen, units = units + excluded.units;
  INSERT INTO stats_producer_daily (day, producer_id, units, units_verified)
    SELECT ((coalesce(o.cancelled_at, (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end))) + 28800000) / 86400000, s.producer_id, -1 * NEW.quantity, -1 * (CASE WHEN (exists (select 1 from trace_events h where h.batch_id = NEW.batch_id and h.type = 'harvest' and h.created_at <= (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end))
     and (select json_extract(i.content, '$.payload.result') from trace_events i
           where i.batch_id = NEW.batch_id and i.type = 'inspection' and i.created_at <= (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end) order by i.seq desc limit 1) = 'pass') THEN NEW.quantity ELSE 0 END) FROM sub_orders s JOIN orders o ON o.id = s.order_id JOIN listings li ON li.id = NEW.listing_id WHERE s.id = NEW.sub_order_id AND ((s.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (s.status = 'pending_payment' and o.pay_at_pickup = 1)) or (s.status = 'refunded' and o.cancelled_at is null and (o.paid_at is not null or o.pay_at_pickup = 1)) or (s.status = 'cancelled' and o.pay_at_pickup = 1)) AND (s.status = 'cancelled' and o.pay_at_pickup = 1)
    ON CONFLICT (day, producer_id) DO UPDATE SET units = units + excluded.units, units_verified = units_verified + excluded.units_verified;
  INSERT INTO stats_category_daily (day, producer_id, category_id, sales_fen, units)
    SELECT ((coalesce(o.cancelled_at, (case when o.pay_at_pickup = 1 then o.created_at else coalesce(o.paid_at, o.created_at) end))) + 28800000) / 86400000, s.producer_id, li.category_id, -1 * NEW.quantity * NEW.unit_price_fen, -1 * NEW.quantity FROM sub_orders s JOIN orders o ON o.id = s.order_id JOIN listings li ON li.id = NEW.listing_id WHERE s.id = NEW.sub_order_id AND ((s.status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') or (s.status = 'pending_payment' and o.pay_at_pickup = 1)) or (s.status = 'refunded' and o.cancelled_at is null and (o.paid_at is not null or o.pay_at_pickup = 1)) or (s.status = 'cancelled' and o.pay_at_pickup = 1)) AND (s.status = 'cancelled' and o.pay_at_pickup = 1)
    ON CONFLICT (day, producer_id, category_id) DO UPDATE SET sales_fen = sales_fen + excluded.sales_fen, units = units + excluded.units;
END;
--> statement-breakpoint
CREATE TRIGGER stats_payout_insert AFTER INSERT ON sub_orders WHEN NEW.transferred_at IS NOT NULL
BEGIN
  INSERT INTO stats_producer_daily (day, producer_id, payout_fen, payouts)
    SELECT ((NEW.transferred_at) + 28800000) / 86400000, NEW.producer_id, 1 * NEW.producer_share_fen, 1 WHERE NEW.transferred_at IS NOT NULL
    ON CONFLICT (day, producer_id) DO UPDATE SET payout_fen = payout_fen + excluded.payout_fen, payouts = payouts + excluded.payouts;
END;
--> statement-breakpoint
CREATE TRIGGER stats_payout_update AFTER UPDATE OF transferred_at, producer_share_fen ON sub_orders WHEN OLD.transferred_at IS NOT NEW.transferred_at OR (NEW.transferred_at IS NOT NULL AND OLD.producer_share_fen != NEW.producer_share_fen)
BEGIN
  INSERT INTO stats_producer_daily (day, producer_id, payout_fen, payouts)
    SELECT ((OLD.transferred_at) + 28800000) / 86400000, OLD.producer_id, -1 * OLD.producer_share_fen, -1 WHERE OLD.transferred_at IS NOT NULL
    ON CONFLICT (day, producer_id) DO UPDATE SET payout_fen = payout_fen + excluded.payout_fen, payouts = payouts + excluded.payouts;
  INSERT INTO stats_producer_daily (day, producer_id, payout_fen, payouts)
    SELECT ((NEW.transferred_at) + 28800000) / 86400000, NEW.producer_id, 1 * NEW.producer_share_fen, 1 WHERE NEW.transferred_at IS NOT NULL
    ON CONFLICT (day, producer_id) DO UPDATE SET payout_fen = payout_fen + excluded.payout_fen, payouts = payouts + excluded.payouts;
END;
--> statement-breakpoint
CREATE TRIGGER stats_refunds_insert AFTER INSERT ON refunds
BEGIN
  INSERT INTO stats_producer_daily (day, producer_id, refund_fen, refunds)
    SELECT ((NEW.created_at) + 28800000) / 86400000, s.producer_id, 1 * NEW.amount_fen, 1 FROM sub_orders s WHERE s.id = NEW.sub_order_id AND (NEW.status = 'succeeded' and NEW.reason != 'catch_weight')
    ON CONFLICT (day, producer_id) DO UPDATE SET refund_fen = refund_fen + excluded.refund_fen, refunds = refunds + excluded.refunds;
END;
--> statement-breakpoint
CREATE TRIGGER stats_refunds_update AFTER UPDATE ON refunds WHEN OLD.status IS NOT NEW.status OR OLD.amount_fen != NEW.amount_fen OR OLD.reason IS NOT NEW.reason OR OLD.sub_order_id != NEW.sub_order_id OR OLD.created_at != NEW.created_at
BEGIN
  INSERT INTO stats_producer_daily (day, producer_id, refund_fen, refunds)
    SELECT ((OLD.created_at) + 28800000) / 86400000, s.producer_id, -1 * OLD.amount_fen, -1 FROM sub_orders s WHERE s.id = OLD.sub_order_id AND (OLD.status = 'succeeded' and OLD.reason != 'catch_weight')
    ON CONFLICT (day, producer_id) DO UPDATE SET refund_fen = refund_fen + excluded.refund_fen, refunds = refunds + excluded.refunds;
  INSERT INTO stats_producer_daily (day, producer_id, refund_fen, refunds)
    SELECT ((NEW.created_at) + 28800000) / 86400000, s.producer_id, 1 * NEW.amount_fen, 1 FROM sub_orders s WHERE s.id = NEW.sub_order_id AND (NEW.status = 'succeeded' and NEW.reason != 'catch_weight')
    ON CONFLICT (day, producer_id) DO UPDATE SET refund_fen = refund_fen + excluded.refund_fen, refunds = refunds + excluded.refunds;
END;
--> statement-breakpoint
CREATE TRIGGER stats_parcels_insert AFTER INSERT ON parcels
BEGIN
  INSERT INTO stats_producer_daily (day, producer_id, parcels_arrived)
    SELECT ((NEW.arrived_at) + 28800000) / 86400000, NEW.producer_id, 1 WHERE NEW.arrived_at IS NOT NULL AND 1
    ON CONFLICT (day, producer_id) DO UPDATE SET parcels_arrived = parcels_arrived + excluded.parcels_arrived;
  INSERT INTO stats_producer_daily (day, producer_id, parcels_picked_up)
    SELECT ((NEW.picked_up_at) + 28800000) / 86400000, NEW.producer_id, 1 WHERE NEW.picked_up_at IS NOT NULL AND 1
    ON CONFLICT (day, producer_id) DO UPDATE SET parcels_picked_up = parcels_picked_up + excluded.parcels_picked_up;
  INSERT INTO stats_producer_daily (day, producer_id, parcels_returned)
    SELECT ((NEW.returned_at) + 28800000) / 86400000, NEW.producer_id, 1 WHERE NEW.returned_at IS NOT NULL AND 1
    ON CONFLICT (day, producer_id) DO UPDATE SET parcels_returned = parcels_returned + excluded.parcels_returned;
  INSERT INTO stats_producer_daily (day, producer_id, parcels_overdue)
    SELECT ((NEW.return_flagged_at) + 28800000) / 86400000, NEW.producer_id, 1 WHERE NEW.return_flagged_at IS NOT NULL AND 1
    ON CONFLICT (day, producer_id) DO UPDATE SET parcels_overdue = parcels_overdue + excluded.parcels_overdue;
  INSERT INTO stats_pickup_hours (day, producer_id, hours, parcels)
    SELECT ((NEW.picked_up_at) + 28800000) / 86400000, NEW.producer_id, min(168, max(0, (NEW.picked_up_at - NEW.arrived_at) / 3600000)), 1 WHERE NEW.picked_up_at IS NOT NULL AND NEW.arrived_at IS NOT NULL AND 1
    ON CONFLICT (day, producer_id, hours) DO UPDATE SET parcels = parcels + excluded.parcels;
  INSERT INTO stats_pickup_hours_all (day, hours, parcels)
    SELECT ((NEW.picked_up_at) + 28800000) / 86400000, min(168, max(0, (NEW.picked_up_at - NEW.arrived_at) / 3600000)), 1 WHERE NEW.picked_up_at IS NOT NULL AND NEW.arrived_at IS NOT NULL AND 1
    ON CONFLICT (day, hours) DO UPDATE SET parcels = parcels + excluded.parcels;
END;
--> statement-breakpoint
CREATE TRIGGER stats_parcels_update AFTER UPDATE ON parcels WHEN (OLD.arrived_at IS NOT NEW.arrived_at OR OLD.producer_id != NEW.producer_id) OR (OLD.picked_up_at IS NOT NEW.picked_up_at OR OLD.producer_id != NEW.producer_id) OR (OLD.returned_at IS NOT NEW.returned_at OR OLD.producer_id != NEW.producer_id) OR (OLD.return_flagged_at IS NOT NEW.return_flagged_at OR OLD.producer_id != NEW.producer_id)
BEGIN
  INSERT INTO stats_producer_daily (day, producer_id, parcels_arrived)
    SELECT ((OLD.arrived_at) + 28800000) / 86400000, OLD.producer_id, -1 WHERE OLD.arrived_at IS NOT NULL AND (OLD.arrived_at IS NOT NEW.arrived_at OR OLD.producer_id != NEW.producer_id)
    ON CONFLICT (day, producer_id) DO UPDATE SET parcels_arrived = parcels_arrived + excluded.parcels_arrived;
  INSERT INTO stats_producer_daily (day, producer_id, parcels_arrived)
    SELECT ((NEW.arrived_at) + 28800000) / 86400000, NEW.producer_id, 1 WHERE NEW.arrived_at IS NOT NULL AND (OLD.arrived_at IS NOT NEW.arrived_at OR OLD.producer_id != NEW.producer_id)
    ON CONFLICT (day, producer_id) DO UPDATE SET parcels_arrived = parcels_arrived + excluded.parcels_arrived;
  INSERT INTO stats_producer_daily (day, producer_id, parcels_picked_up)
    SELECT ((OLD.picked_up_at) + 28800000) / 86400000, OLD.producer_id, -1 WHERE OLD.picked_up_at IS NOT NULL AND (OLD.picked_up_at IS NOT NEW.picked_up_at OR OLD.producer_id != NEW.producer_id)
    ON CONFLICT (day, producer_id) DO UPDATE SET parcels_picked_up = parcels_picked_up + excluded.parcels_picked_up;
  INSERT INTO stats_producer_daily (day, producer_id, parcels_picked_up)
    SELECT ((NEW.picked_up_at) + 28800000) / 86400000, NEW.producer_id, 1 WHERE NEW.picked_up_at IS NOT NULL AND (OLD.picked_up_at IS NOT NEW.picked_up_at OR OLD.producer_id != NEW.producer_id)
    ON CONFLICT (day, producer_id) DO UPDATE SET parcels_picked_up = parcels_picked_up + excluded.parcels_picked_up;
  INSERT INTO stats_producer_daily (day, producer_id, parcels_returned)
    SELECT ((OLD.returned_at) + 28800000) / 86400000, OLD.producer_id, -1 WHERE OLD.returned_at IS NOT NULL AND (OLD.returned_at IS NOT NEW.returned_at OR OLD.producer_id != NEW.producer_id)
    ON CONFLICT (day, producer_id) DO UPDATE SET parcels_returned = parcels_returned + excluded.parcels_returned;
  INSERT INTO stats_producer_daily (day, producer_id, parcels_returned)
    SELECT ((NEW.returned_at) + 28800000) / 86400000, NEW.producer_id, 1 WHERE NEW.returned_at IS NOT NULL AND (OLD.returned_at IS NOT NEW.returned_at OR OLD.producer_id != NEW.producer_id)
    ON CONFLICT (day, producer_id) DO UPDATE SET parcels_returned = parcels_returned + excluded.parcels_returned;
  INSERT INTO stats_producer_daily (day, producer_id, parcels_overdue)
    SELECT ((OLD.return_flagged_at) + 28800000) / 86400000, OLD.producer_id, -1 WHERE OLD.return_flagged_at IS NOT NULL AND (OLD.return_flagged_at IS NOT NEW.return_flagged_at OR OLD.producer_id != NEW.producer_id)
    ON CONFLICT (day, producer_id) DO UPDATE SET parcels_overdue = parcels_overdue + excluded.parcels_overdue;
  INSERT INTO stats_producer_daily (day, producer_id, parcels_overdue)
    SELECT ((NEW.return_flagged_at) + 28800000) / 86400000, NEW.producer_id, 1 WHERE NEW.return_flagged_at IS NOT NULL AND (OLD.return_flagged_at IS NOT NEW.return_flagged_at OR OLD.producer_id != NEW.producer_id)
    ON CONFLICT (day, producer_id) DO UPDATE SET parcels_overdue = parcels_overdue + excluded.parcels_overdue;
  INSERT INTO stats_pickup_hours (day, producer_id, hours, parcels)
    SELECT ((OLD.picked_up_at) + 28800000) / 86400000, OLD.producer_id, min(168, max(0, (OLD.picked_up_at - OLD.arrived_at) / 3600000)), -1 WHERE OLD.picked_up_at IS NOT NULL AND OLD.arrived_at IS NOT NULL AND ((OLD.picked_up_at IS NOT NEW.picked_up_at OR OLD.producer_id != NEW.producer_id) OR OLD.arrived_at IS NOT NEW.arrived_at)
    ON CONFLICT (day, producer_id, hours) DO UPDATE SET parcels = parcels + excluded.parcels;
  INSERT INTO stats_pickup_hours_all (day, hours, parcels)
    SELECT ((OLD.picked_up_at) + 28800000) / 86400000, min(168, max(0, (OLD.picked_up_at - OLD.arrived_at) / 3600000)), -1 WHERE OLD.picked_up_at IS NOT NULL AND OLD.arrived_at IS NOT NULL AND ((OLD.picked_up_at IS NOT NEW.picked_up_at OR OLD.producer_id != NEW.producer_id) OR OLD.arrived_at IS NOT NEW.arrived_at)
    ON CONFLICT (day, hours) DO UPDATE SET parcels = parcels + excluded.parcels;
  INSERT INTO stats_pickup_hours (day, producer_id, hours, parcels)
    SELECT ((NEW.picked_up_at) + 28800000) / 86400000, NEW.producer_id, min(168, max(0, (NEW.picked_up_at - NEW.arrived_at) / 3600000)), 1 WHERE NEW.picked_up_at IS NOT NULL AND NEW.arrived_at IS NOT NULL AND ((OLD.picked_up_at IS NOT NEW.picked_up_at OR OLD.producer_id != NEW.producer_id) OR OLD.arrived_at IS NOT NEW.arrived_at)
    ON CONFLICT (day, producer_id, hours) DO UPDATE SET parcels = parcels + excluded.parcels;
  INSERT INTO stats_pickup_hours_all (day, hours, parcels)
    SELECT ((NEW.picked_up_at) + 28800000) / 86400000, min(168, max(0, (NEW.picked_up_at - NEW.arrived_at) / 3600000)), 1 WHERE NEW.picked_up_at IS NOT NULL AND NEW.arrived_at IS NOT NULL AND ((OLD.picked_up_at IS NOT NEW.picked_up_at OR OLD.producer_id != NEW.producer_id) OR OLD.arrived_at IS NOT NEW.arrived_at)
    ON CONFLICT (day, hours) DO UPDATE SET parcels = parcels + excluded.parcels;
  DELETE FROM stats_pickup_hours WHERE parcels = 0 AND producer_id IN (OLD.producer_id, NEW.producer_id);
  DELETE FROM stats_pickup_hours_all WHERE parcels = 0 AND day IN (((OLD.picked_up_at) + 28800000) / 86400000, ((NEW.picked_up_at) + 28800000) / 86400000);
END;
--> statement-breakpoint
CREATE TRIGGER stats_inspections_insert AFTER INSERT ON trace_events WHEN NEW.type = 'inspection'
BEGIN
  INSERT INTO stats_producer_daily (day, producer_id, inspections_passed, inspections_failed)
    SELECT ((NEW.occurred_at) + 28800000) / 86400000, b.producer_id, (json_extract(NEW.content, '$.payload.result') = 'pass'), (json_extract(NEW.content, '$.payload.result') IS NOT 'pass') FROM batches b WHERE b.id = NEW.batch_id
    ON CONFLICT (day, producer_id) DO UPDATE SET inspections_passed = inspections_passed + excluded.inspections_passed, inspections_failed = inspections_failed + excluded.inspections_failed;
END;
--> statement-breakpoint
CREATE TRIGGER stats_recalls_insert AFTER INSERT ON recalls
BEGIN
  INSERT INTO stats_producer_daily (day, producer_id, recalls)
    SELECT ((NEW.opened_at) + 28800000) / 86400000, b.producer_id, 1 FROM batches b WHERE b.id = NEW.batch_id
    ON CONFLICT (day, producer_id) DO UPDATE SET recalls = recalls + excluded.recalls;
END;

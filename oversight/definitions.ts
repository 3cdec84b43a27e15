/**
 * What counts as what, as SQL fragments: one definition shared by the triggers that keep the
 * roll-ups (db/migrations/0018_stats_triggers.sql, written from these) and by the rebuild that
 * recomputes them from the raw tables (oversight/rebuild.ts). docs/statistics.md explains them.
 */

/** Shanghai calendar day number of an epoch-ms expression (core/clock.ts shanghaiDay, in SQL). */
export const dayOf = (ms: string): string => `((${ms}) + 28800000) / 86400000`;

/** Sub-order states in which the goods are paid for (or, 到站付款, will be paid at the counter). */
export const PAID_STATES = ["paid", "in_fulfilment", "ready_for_pickup", "picked_up", "completed"] as const;
const paidList = PAID_STATES.map((s) => `'${s}'`).join(", ");

/** The sub-order is a live sale now: paid, or a pay-at-pickup order not yet cancelled. */
export const liveSale = (status: string, o: string): string => `(${status} in (${paidList}) or (${status} = 'pending_payment' and ${o}.pay_at_pickup = 1))`;

/**
 * The sub-order was ever a sale: live now, refunded after being paid (a refund lowers the net
 * sales through the refund figures, it does not unmake the sale), or a pay-at-pickup order that
 * was cancelled (a sale on its day, taken back on the cancellation day).
 */
export const everSale = (status: string, o: string): string =>
  `(${liveSale(status, o)} or (${status} = 'refunded' and ${o}.cancelled_at is null and (${o}.paid_at is not null or ${o}.pay_at_pickup = 1)) or (${status} = 'cancelled' and ${o}.pay_at_pickup = 1))`;

/** A sale taken back: a pay-at-pickup order cancelled before it was paid at the counter. */
export const cancelledSale = (status: string, o: string): string => `(${status} = 'cancelled' and ${o}.pay_at_pickup = 1)`;

/** When the sale happened: order time for pay-at-pickup, payment time otherwise. */
export const saleAt = (o: string): string => `(case when ${o}.pay_at_pickup = 1 then ${o}.created_at else coalesce(${o}.paid_at, ${o}.created_at) end)`;
export const cancelAt = (o: string): string => `coalesce(${o}.cancelled_at, ${saleAt(o)})`;

/**
 * The lot's chain was complete at `at`: a harvest recorded and the latest inspection passed,
 * counting only the events stored by then (every stored event was verified against the chain
 * and its signature when it was appended).
 */
export const chainCompleteAt = (batch: string, at: string): string =>
  `(exists (select 1 from trace_events h where h.batch_id = ${batch} and h.type = 'harvest' and h.created_at <= ${at})
     and (select json_extract(i.content, '$.payload.result') from trace_events i
           where i.batch_id = ${batch} and i.type = 'inspection' and i.created_at <= ${at} order by i.seq desc limit 1) = 'pass')`;

/** A refund that lowers the sales: succeeded, and not the catch-weight difference (already out of the subtotal). */
export const countedRefund = (r: string): string => `(${r}.status = 'succeeded' and ${r}.reason != 'catch_weight')`;

/** Whole hours from arrival to pickup, 168 standing for a week or more. */
export const pickupHours = (p: string): string => `min(168, max(0, (${p}.picked_up_at - ${p}.arrived_at) / 3600000))`;

/** The parcel counters and the timestamp each counts by. */
export const PARCEL_COUNTERS = [
  ["parcels_arrived", "arrived_at"],
  ["parcels_picked_up", "picked_up_at"],
  ["parcels_returned", "returned_at"],
  ["parcels_overdue", "return_flagged_at"],
] as const;

/** The Monday that starts the week of a day number (day 0, 1970-01-01, was a Thursday). */
export const weekOf = (day: string): string => `((${day}) - (((${day}) + 3) % 7))`;
/** The 1st of the month of a day number, as a day number. */
export const monthOf = (day: string): string => `cast(julianday(date((${day}) * 86400, 'unixepoch', 'start of month')) - 2440587.5 as integer)`;

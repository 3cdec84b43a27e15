/**
 * What a farmer reads of a sub-order once its parcels move: 已发货 when every parcel left the farm,
 * and the steps the parcels took (已发货, 到站, 已取件), each with the time the first parcel reached it.
 * Read from parcel_events (append-only), so it is the same history the operator wrote. Plain module.
 */
import type { Db } from "../db/client";

export type ProgressStep = { step: "dispatched" | "arrived" | "picked_up"; at: number };
export type SubOrderProgress = { shipped: boolean; steps: ProgressStep[] };

export function subOrderProgress(db: Db, subOrderIds: readonly number[]): Record<number, SubOrderProgress> {
  const out: Record<number, SubOrderProgress> = {};
  if (!subOrderIds.length) return out;
  const marks = subOrderIds.map(() => "?").join(",");
  const sqlite = db.$client;
  const counts = sqlite
    .prepare(
      `select sub_order_id as id, count(*) as total, sum(status = 'awaiting_dispatch') as waiting, sum(status = 'cancelled') as cancelled
       from parcels where sub_order_id in (${marks}) group by sub_order_id`,
    )
    .all(...subOrderIds) as { id: number; total: number; waiting: number; cancelled: number }[];
  for (const c of counts) out[c.id] = { shipped: c.waiting === 0 && c.cancelled < c.total, steps: [] };
  const steps = sqlite
    .prepare(
      `select x.sub_order_id as id, e.kind as step, min(e.at) as at from parcel_events e join parcels x on x.id = e.parcel_id
       where x.sub_order_id in (${marks}) and e.kind in ('dispatched', 'arrived', 'picked_up') group by x.sub_order_id, e.kind order by at`,
    )
    .all(...subOrderIds) as ({ id: number } & ProgressStep)[];
  for (const s of steps) out[s.id]?.steps.push({ step: s.step, at: s.at });
  return out;
}

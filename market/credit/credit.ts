/**
 * Producer credit (issue 12 §2): gathers the inputs of market/credit/score.ts with indexed
 * queries (every one starts from the producer: sub_orders_producer_idx, ratings_producer_idx,
 * batches_producer_lot_unique, trace_events_type_idx), stores the result in producer_credit and
 * reads it back.
 *
 * When it is recomputed: market functions that change an input (rating, dispute decision, refund,
 * dispatch) call recomputeProducerCredit inside their own transaction. Changes made in lower layers
 * (lot events and recalls in traceability, which may not import market) and any write this module
 * was not told about fire SQLite triggers that set producer_credit.stale (migration
 * producer_credit_triggers); getProducerCredit recomputes a stale row when it is read and
 * refreshStaleCredit (the background sweep) recomputes the rest, and scores older than a day
 * (on-time fulfilment depends on the clock: an undispatched order turns late with no write).
 * Traceability completeness (the costly part) is stored apart and recounted only after a lot event
 * or recall (trace_stale) or when a day old.
 */
import type { Db } from "../../db/client";
import { DAY_MS, HOUR_MS } from "../../core/clock";
import { storefrontChanged } from "../../core/events";
import { lotCompliance, verifyLot } from "../../traceability/store";
import { effectiveEvents, parseContent } from "../../traceability/chain";
import type { EventContent, PayloadOf } from "../../traceability/types";
import { computeCredit, DISPATCH_PROMISE_HOURS, type CreditComponent, type CreditInputs, type CreditResult } from "./score";

/** At most this many of a producer's most recent sold lots are walked for traceability completeness. */
export const TRACEABILITY_LOTS_CHECKED = 50;
/** A stored score older than this is recomputed by the sweep (fulfilment lateness depends on time). */
export const CREDIT_MAX_AGE_MS = DAY_MS;

export type TraceabilityCounts = { soldLots: number; soldLotsComplete: number };

/**
 * Sold lots whose chain verifies and has no blocking finding (inspection, intervals, bans,
 * certificate), of the latest TRACEABILITY_LOTS_CHECKED sold: walks each chain, the costly part.
 * Input lots (input_lots: an input seller's bottles and bags) are left out: they carry no events,
 * so an empty chain would "verify" and read as complete; an input seller's part shows no data.
 */
export function countTraceability(db: Db, producerId: number, now = Date.now()): TraceabilityCounts {
  const soldLots = db.$client
    .prepare(
      `select distinct ol.batch_id from sub_orders s join order_lines ol on ol.sub_order_id = s.id
       where s.producer_id = ? and s.status not in ('pending_payment', 'cancelled')
         and not exists (select 1 from input_lots il where il.batch_id = ol.batch_id)
       order by ol.batch_id desc limit ?`,
    )
    .pluck()
    .all(producerId, TRACEABILITY_LOTS_CHECKED) as number[];
  const soldLotsComplete = soldLots.filter((batchId) => verifyLot(db, batchId).ok && lotCompliance(db, batchId, now).length === 0).length;
  return { soldLots: soldLots.length, soldLotsComplete };
}

export type InspectionCounts = { inspectedLots: number; passedLots: number };

/**
 * Lots with an inspection record, and those whose latest inspection in force passed: per lot,
 * not per record, so extra passes cannot pad the part nor dilute a failure, and a retracted or
 * corrected record counts as the chain now reads it (chain.ts effectiveEvents, the same reading
 * as the publish gate's "latest inspection", compliance.ts). Only the inspection, correction and
 * correction_review records are read: a correction of another record changes nothing here.
 * Every inspection is signed by the producer (the platform does not record them), so the
 * part is self-reported; the page and docs/credit.md say so.
 */
export function countInspectedLots(db: Db, producerId: number): InspectionCounts {
  const rows = db.$client
    .prepare(
      `select e.batch_id as batchId, e.content from trace_events e
       where e.batch_id in (select i.batch_id from trace_events i where i.type = 'inspection'
                            and i.batch_id in (select id from batches where producer_id = ?))
         and e.type in ('inspection', 'correction', 'correction_review')
       order by e.batch_id, e.seq`,
    )
    .all(producerId) as { batchId: number; content: string }[];
  const byLot = new Map<number, EventContent[]>();
  for (const r of rows) {
    let content: EventContent;
    try {
      content = parseContent(r);
    } catch {
      continue; // a tampered row: verification reports it, readers skip it
    }
    const list = byLot.get(r.batchId) ?? [];
    list.push(content);
    byLot.set(r.batchId, list);
  }
  let inspectedLots = 0;
  let passedLots = 0;
  for (const contents of byLot.values()) {
    const inForce = effectiveEvents(contents)
      .filter((e) => e.type === "inspection")
      .sort((a, b) => a.occurredAt - b.occurredAt || a.seq - b.seq);
    const latest = inForce.at(-1);
    if (!latest) continue; // every inspection of the lot retracted
    inspectedLots++;
    if ((latest.payload as PayloadOf<"inspection">).result === "pass") passedLots++;
  }
  return { inspectedLots, passedLots };
}

/** Counts the score's inputs for one producer at `now`; `trace`: traceability counts to reuse instead of walking the chains. */
export function gatherCreditInputs(db: Db, producerId: number, now = Date.now(), trace?: TraceabilityCounts): CreditInputs {
  const sqlite = db.$client;
  const promiseMs = DISPATCH_PROMISE_HOURS * HOUR_MS;
  // On-time dispatch: from payment (or from ordering, for 到站付款) to the first parcel dispatched.
  const fulfilment = sqlite
    .prepare(
      `select count(*) as due, coalesce(sum(dispatchedAt is not null and dispatchedAt <= startedAt + @promise), 0) as onTime
       from (select coalesce(o.paid_at, o.created_at) as startedAt,
                    (select min(p.dispatched_at) from parcels p where p.sub_order_id = s.id) as dispatchedAt
             from sub_orders s join orders o on o.id = s.order_id
             where s.producer_id = @producer and s.status not in ('pending_payment', 'cancelled')
               and exists (select 1 from parcels p where p.sub_order_id = s.id))
       where dispatchedAt is not null or startedAt + @promise <= @now`,
    )
    .get({ producer: producerId, promise: promiseMs, now }) as { due: number; onTime: number };
  const sales = sqlite
    .prepare(
      `select count(*) as paid, coalesce(sum(s.subtotal_fen), 0) as salesFen,
              coalesce(sum(s.status in ('picked_up', 'completed') or d.id is not null), 0) as delivered,
              coalesce(sum(d.status in ('refunded_full', 'refunded_partial')), 0) as lost,
              coalesce(sum(d.status in ('open', 'answered')), 0) as open,
              coalesce(sum(d.status = 'rejected'), 0) as won
       from sub_orders s left join disputes d on d.sub_order_id = s.id
       where s.producer_id = ? and s.status not in ('pending_payment', 'cancelled')`,
    )
    .get(producerId) as { paid: number; salesFen: number; delivered: number; lost: number; open: number; won: number };
  // Refunds the producer caused, other than through a lost dispute (the disputes part weighs those
  // already): goodwill and other. Not weighing adjustments, recall refunds (the recalls part), nor
  // refunds of cancelled orders (not in the sales either).
  const refundedFen = sqlite
    .prepare(
      `select coalesce(sum(r.amount_fen), 0) from sub_orders s join refunds r on r.sub_order_id = s.id
       where s.producer_id = ? and r.status = 'succeeded' and r.reason in ('goodwill', 'other')`,
    )
    .pluck()
    .get(producerId) as number;
  const inspections = countInspectedLots(db, producerId);
  const lots = sqlite
    .prepare(`select count(*) from batches where producer_id = ? and (status != 'growing' or harvested_at is not null)`)
    .pluck()
    .get(producerId) as number;
  const recalls = sqlite
    .prepare(`select grade, count(*) as n from recalls where batch_id in (select id from batches where producer_id = ?) group by grade`)
    .all(producerId) as { grade: 1 | 2 | 3; n: number }[];
  const recallsByGrade = { 1: 0, 2: 0, 3: 0 };
  for (const r of recalls) recallsByGrade[r.grade] = r.n;
  const rating = sqlite.prepare(`select count(*) as n, avg(stars) as avg from ratings where producer_id = ?`).get(producerId) as {
    n: number;
    avg: number | null;
  };
  const { soldLots, soldLotsComplete } = trace ?? countTraceability(db, producerId, now);
  return {
    fulfilmentDue: fulfilment.due,
    fulfilmentOnTime: fulfilment.onTime,
    paidSubOrders: sales.paid,
    delivered: sales.delivered,
    disputesLost: sales.lost,
    disputesOpen: sales.open,
    disputesWon: sales.won,
    salesFen: sales.salesFen,
    refundedFen,
    inspections: inspections.inspectedLots,
    inspectionsPassed: inspections.passedLots,
    lots: Math.max(lots, soldLots),
    recallsByGrade,
    ratingCount: rating.n,
    ratingAverage: rating.avg,
    soldLots,
    soldLotsComplete,
  };
}

export type StoredCredit = CreditResult & { computedAt: number };

/**
 * Recomputes and stores a producer's score. Call it inside the transaction of the change (it
 * joins it); the storefront cache is told only when the score or the components moved. The
 * traceability counts are reused unless a lot event or recall marked them stale or they are a
 * day old (a rating, dispute, refund or dispatch does not change a chain).
 */
export function recomputeProducerCredit(db: Db, producerId: number, now = Date.now()): StoredCredit {
  const before = db.$client
    .prepare(
      `select score, components, sold_lots as soldLots, sold_lots_complete as soldLotsComplete, trace_stale as traceStale, trace_checked_at as traceCheckedAt
       from producer_credit where producer_id = ?`,
    )
    .get(producerId) as
    | { score: number | null; components: string; soldLots: number | null; soldLotsComplete: number | null; traceStale: number; traceCheckedAt: number | null }
    | undefined;
  const reuse = before && !before.traceStale && before.traceCheckedAt != null && before.traceCheckedAt > now - CREDIT_MAX_AGE_MS && before.soldLots != null;
  const trace = reuse ? { soldLots: before.soldLots!, soldLotsComplete: before.soldLotsComplete ?? 0 } : countTraceability(db, producerId, now);
  const result = computeCredit(gatherCreditInputs(db, producerId, now, trace));
  const json = JSON.stringify(result.components);
  db.$client
    .prepare(
      `insert into producer_credit (producer_id, score, components, stale, computed_at, sold_lots, sold_lots_complete, trace_stale, trace_checked_at)
       values (@producerId, @score, @json, 0, @now, @soldLots, @soldLotsComplete, 0, @traceCheckedAt)
       on conflict (producer_id) do update set score = excluded.score, components = excluded.components, stale = 0, computed_at = excluded.computed_at,
         sold_lots = excluded.sold_lots, sold_lots_complete = excluded.sold_lots_complete, trace_stale = 0, trace_checked_at = excluded.trace_checked_at`,
    )
    .run({ producerId, score: result.score, json, now, ...trace, traceCheckedAt: reuse ? before.traceCheckedAt : now });
  if (!before || before.score !== result.score || before.components !== json) storefrontChanged(db, { kind: "producer", producerId });
  return { ...result, computedAt: now };
}

/** The stored score, recomputed first when it is missing or stale. */
export function getProducerCredit(db: Db, producerId: number, now = Date.now()): StoredCredit {
  const row = db.$client.prepare(`select score, components, stale, computed_at as computedAt from producer_credit where producer_id = ?`).get(producerId) as
    { score: number | null; components: string; stale: number; computedAt: number | null } | undefined;
  if (!row || row.stale || row.computedAt == null) {
    return db.$client.transaction(() => recomputeProducerCredit(db, producerId, now)).immediate();
  }
  return { score: row.score, components: JSON.parse(row.components) as CreditComponent[], computedAt: row.computedAt };
}

/** The sweep: recomputes stale scores and those older than CREDIT_MAX_AGE_MS, at most `limit`. */
export function refreshStaleCredit(db: Db, now = Date.now(), limit = 500): number {
  const ids = db.$client
    .prepare(
      `select producer_id from producer_credit where stale = 1
       union select producer_id from producer_credit where computed_at < ?
       union select id from producers where id not in (select producer_id from producer_credit)
       limit ?`,
    )
    .pluck()
    .all(now - CREDIT_MAX_AGE_MS, limit) as number[];
  for (const id of ids) db.$client.transaction(() => recomputeProducerCredit(db, id, now)).immediate();
  return ids.length;
}

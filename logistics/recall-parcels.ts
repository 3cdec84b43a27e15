/**
 * Parcels holding a recalled lot at the delivery point. Plain module, no Remix.
 *
 *   dispatched / arrived / return_flagged + recall hold  →  quarantined   (scan at the point, or 移入隔离区)
 *   quarantined  →  returned (to the producer)  |  destroyed (with the quantity destroyed)
 *
 * A quarantined parcel gives up its slot (it sits on the point's quarantine shelf, apart from
 * parcels for pickup), has no pickup code and its buyer gets no pickup notice. Each step is a
 * parcel event and a recall_dispositions row per open recall of the lots it holds, which the
 * inspector's recall page sums by point (recovered / destroyed).
 */
import type Database from "better-sqlite3";
import type { Db } from "../db/client";
import type { Actor } from "../core/permissions";
import { DomainRuleError, NotFoundError } from "../core/errors";
import { addParcelEvent, isOperatorOf, notifyProducer } from "./holding";

type Sqlite = Database.Database;

/** Units of each recalled lot in the parcel, with the recall that holds them (open or latest). */
function recalledUnits(sqlite: Sqlite, parcelId: number): { recallId: number; units: number }[] {
  return sqlite
    .prepare(
      `select (select r.id from recalls r where r.batch_id = ol.batch_id order by r.closed_at is null desc, r.id desc limit 1) as recallId,
              sum(pi.quantity) as units
       from parcel_items pi join order_lines ol on ol.id = pi.order_line_id
       where pi.parcel_id = ? and ol.hold_reason is not null
       group by ol.batch_id`,
    )
    .all(parcelId)
    .filter((r) => (r as { recallId: number | null }).recallId != null) as { recallId: number; units: number }[];
}

export function parcelHoldsRecall(sqlite: Sqlite, parcelId: number): boolean {
  return (
    sqlite
      .prepare(`select 1 from parcel_items pi join order_lines ol on ol.id = pi.order_line_id where pi.parcel_id = ? and ol.hold_reason is not null limit 1`)
      .get(parcelId) !== undefined
  );
}

function record(
  sqlite: Sqlite,
  parcelId: number,
  pointId: number,
  kind: "quarantined" | "returned" | "destroyed",
  actorId: number,
  now: number,
  quantityOf: (units: number) => number,
  note = "",
) {
  const insert = sqlite.prepare(
    `insert into recall_dispositions (recall_id, parcel_id, delivery_point_id, kind, quantity, actor_user_id, note, at) values (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const r of recalledUnits(sqlite, parcelId)) insert.run(r.recallId, parcelId, pointId, kind, quantityOf(r.units), actorId, note, now);
}

/**
 * Puts a recalled parcel in quarantine, in the caller's transaction: no slot, no pickup code, no
 * pickup notice. Returns false when the parcel is not in a state that can be quarantined.
 */
export function quarantineInTransaction(sqlite: Sqlite, actor: Actor, parcel: { id: number; pointId: number; status: string }, now: number): boolean {
  if (!["dispatched", "arrived", "return_flagged"].includes(parcel.status)) return false;
  const changed = sqlite
    .prepare(
      `update parcels set status = 'quarantined', quarantined_at = ?, arrived_at = coalesce(arrived_at, ?), pickup_code_nonce = null,
         hold_until = null, pickup_locked_until = null where id = ? and status in ('dispatched', 'arrived', 'return_flagged')`,
    )
    .run(now, now, parcel.id).changes;
  if (changed !== 1) return false;
  addParcelEvent(sqlite, parcel.id, "quarantined", actor.id, now, "recall");
  record(sqlite, parcel.id, parcel.pointId, "quarantined", actor.id, now, (u) => u);
  return true;
}

type AtPoint = { id: number; code: string; status: string; pointId: number; producerId: number; orderId: number };

function parcelAtPoint(sqlite: Sqlite, actor: Actor, parcelId: number): AtPoint {
  const p = sqlite
    .prepare(`select id, code, status, delivery_point_id as pointId, producer_id as producerId, order_id as orderId from parcels where id = ?`)
    .get(parcelId) as AtPoint | undefined;
  if (!p || !isOperatorOf(sqlite, actor, p.pointId)) throw new NotFoundError("parcel");
  return p;
}

/** The operator moves a recalled parcel already on the shelf (arrived before the recall) to quarantine. */
export function quarantineParcel(db: Db, actor: Actor, parcelId: number, now = Date.now()): { code: string } {
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      const p = parcelAtPoint(sqlite, actor, parcelId);
      if (!parcelHoldsRecall(sqlite, p.id)) throw new DomainRuleError("parcels.error.notRecalled");
      if (!quarantineInTransaction(sqlite, actor, p, now)) throw new DomainRuleError("parcels.error.notAtPoint");
      return { code: p.code };
    })
    .immediate();
}

export type RecallDisposal = { kind: "returned" } | { kind: "destroyed"; quantity: number; note?: string };

/**
 * The operator returns a quarantined parcel to its producer, or records its destruction with the
 * quantity destroyed (1 … the parcel's recalled units). The producer is told either way.
 */
export function disposeRecalledParcel(db: Db, actor: Actor, parcelId: number, disposal: RecallDisposal, now = Date.now()): { code: string } {
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      const p = parcelAtPoint(sqlite, actor, parcelId);
      if (p.status !== "quarantined") throw new DomainRuleError("parcels.error.notQuarantined");
      if (disposal.kind === "returned") {
        sqlite.prepare(`update parcels set status = 'returned', returned_at = ? where id = ? and status = 'quarantined'`).run(now, p.id);
        addParcelEvent(sqlite, p.id, "returned", actor.id, now, "recall: returned to producer");
        record(sqlite, p.id, p.pointId, "returned", actor.id, now, (u) => u);
        notifyProducer(sqlite, p.producerId, "parcel_returned", "parcels.notice.recallReturned", { parcel: p.code, orderId: p.orderId }, now);
      } else {
        const units = recalledUnits(sqlite, p.id).reduce((s, r) => s + r.units, 0);
        const q = disposal.quantity;
        if (!Number.isSafeInteger(q) || q < 1 || q > Math.max(units, 1)) throw new DomainRuleError("parcels.error.destroyQuantity");
        sqlite.prepare(`update parcels set status = 'destroyed' where id = ? and status = 'quarantined'`).run(p.id);
        addParcelEvent(sqlite, p.id, "destroyed", actor.id, now, `${q}${disposal.note ? ` · ${disposal.note.slice(0, 200)}` : ""}`);
        // One lot per parcel is the rule; with several, the quantity is split in their order.
        let left = q;
        record(
          sqlite,
          p.id,
          p.pointId,
          "destroyed",
          actor.id,
          now,
          (u) => {
            const take = Math.min(u, left);
            left -= take;
            return take;
          },
          disposal.note?.slice(0, 200) ?? "",
        );
        notifyProducer(sqlite, p.producerId, "parcel_destroyed", "parcels.notice.recallDestroyed", { parcel: p.code, quantity: q }, now);
      }
      return { code: p.code };
    })
    .immediate();
}

/**
 * Recall of a lot: an inspector pulls a batch (lot) from sale, and the platform finds every unit
 * sold from it. Plain module (no Remix); routes in app/routes/inspect.* sit on top.
 *
 * openRecall, in one transaction:
 *   recalls row (one open recall per lot: unique partial index) → batch status 'recalled' →
 *   every listing that sells from the lot (listing_batches) status 'recalled' (off the storefront,
 *   which shows only 'published') → order lines of the lot not yet picked up get
 *   hold_reason 'recall' ("do not hand out" at the delivery point) → one notice per affected
 *   buyer, per delivery-point operator with held parcels and per member of the producer →
 *   a platform-signed `recall` event appended to the lot's chain (so the trace page and the
 *   EPCIS export say "recalled"). The chain append runs in a savepoint: a lot whose chain is
 *   missing or fails verification is still recalled (that is when a recall matters most); the
 *   result then says that the event could not be appended.
 *
 * The recall report (CSV) has ONE ROW PER ORDER LINE of the lot, with its quantity and unit —
 * the usual key-data-element practice (FSMA 204 sortable spreadsheet, GS1 traceability): units
 * of one line share every KDE, so a row per unit would only repeat them. Columns, per KDE:
 *   what      GTIN, lot, product, category
 *   how much  quantity, unit, unit price
 *   when      harvest date, sale time, pickup time, parcel status
 *   where from producer, unified social credit code, origin (province county village), plot
 *   where to  delivery point, its address, its county
 *   who       buyer id, buyer name, buyer phone (masked)
 * It is UTF-8 with a byte-order mark (so Excel opens the Chinese text correctly) and CRLF rows.
 * Cost: one lookup of the lot, then one query over order_lines_batch_idx (batch_id, order_id)
 * joined to orders, users, delivery_points and regions by primary key — independent of how many
 * other order lines the table holds (bench/recall-report.ts: 1,000,000 lines).
 */
import { shanghaiCompactDate, shanghaiDate, shanghaiDateTime } from "../core/clock";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { Unit } from "../db/schema";
import type { Actor as AppActor } from "../core/permissions";
import { hasRole } from "../core/permissions";
import { maskPhone } from "../core/phone";
import { ForbiddenError, NotFoundError } from "../core/errors";
import { storefrontChanged } from "../core/events";
import { encodeDigitalLinkValue } from "./gtin";
import { recordPlatformEvent, TraceRuleError } from "./store";
import type { StoredEventRecord } from "./types";

export const RECALL_REASON_MAX = 500;
export const RECALL_NOTE_MAX = 1000;
export const RECALL_GRADES = [1, 2, 3] as const;
export type RecallGrade = (typeof RECALL_GRADES)[number];
/**
 * Default time to finish the recall, by grade (食品召回管理办法 第十三条: 一级 10, 二级 20, 三级 30
 * working days to complete; calendar days here, the inspector may set an earlier deadline).
 */
export const RECALL_DEADLINE_DAYS: Record<RecallGrade, number> = { 1: 10, 2: 20, 3: 30 };
const DAY_MS = 86_400_000;
/** hold_reason written on order lines of a recalled lot that were not yet picked up. */
export const RECALL_HOLD = "recall";

export function canRecall(actor: AppActor | null | undefined): boolean {
  return hasRole(actor, "inspector", "platform_admin");
}

// ─── the lot ─────────────────────────────────────────────────────────────────

export type RecallLot = {
  id: number;
  gtin: string | null;
  lotCode: string;
  status: string;
  crop: string | null;
  harvestedAt: number | null;
  quantity: number | null;
  unit: Unit | null;
  productId: number;
  productZh: string;
  productEn: string;
  category: string;
  categoryZh: string;
  categoryEn: string;
  producerId: number;
  producerZh: string;
  producerEn: string;
  creditCode: string;
  provinceZh: string | null;
  countyZh: string | null;
  villageZh: string | null;
  villageEn: string | null;
  plotName: string | null;
};

/** The lot's what and where-from data (one row), or null. */
export function getRecallLot(db: Db, batchId: number): RecallLot | null {
  return (
    db.get<RecallLot>(sql`
      select b.id, b.gtin, b.lot_code as lotCode, b.status, b.crop, b.harvested_at as harvestedAt,
             b.quantity, b.unit, pr.id as productId, pr.name_zh as productZh, pr.name_en as productEn, c.slug as category, c.name_zh as categoryZh, c.name_en as categoryEn,
             p.id as producerId, p.name_zh as producerZh, p.name_en as producerEn, p.credit_code as creditCode,
             pv.name_zh as provinceZh, co.name_zh as countyZh, v.name_zh as villageZh, v.name_en as villageEn,
             pl.name as plotName
      from batches b
      join products pr on pr.id = b.product_id
      join categories c on c.id = pr.category_id
      join producers p on p.id = b.producer_id
      left join plots pl on pl.id = b.plot_id
      left join villages v on v.id = coalesce(pl.village_id, p.village_id)
      left join regions pv on pv.id = p.province_id
      left join regions co on co.id = p.county_id
      where b.id = ${batchId}`) ?? null
  );
}

/** Path of the lot's public trace page (GS1 Digital Link), or null without a GTIN. */
export function tracePath(lot: { gtin: string | null; lotCode: string }): string | null {
  return lot.gtin ? `/01/${lot.gtin}/10/${encodeDigitalLinkValue(lot.lotCode)}` : null;
}

// ─── opening a recall ────────────────────────────────────────────────────────

export type OpenRecallResult = {
  recallId: number;
  batchId: number;
  listingIds: number[];
  /** Order lines newly held ("do not hand out"). */
  heldLines: number;
  /** Distinct buyers of the lot, each notified once. */
  buyersNotified: number;
  operatorsNotified: number;
  /** The platform-signed recall event, or null when the chain could not take it (see chainError). */
  event: StoredEventRecord | null;
  chainError: string | null;
};

/**
 * An inspector (or platform admin) recalls a lot. Throws ForbiddenError for anyone else,
 * NotFoundError for an unknown batch, TraceRuleError("recall.error.reason") for an empty or
 * too long reason and TraceRuleError("recall.error.alreadyOpen") when the lot has an open recall.
 */
export type RecallInput = { reason: string; grade?: RecallGrade; deadlineAt?: number | null };

export function openRecall(db: Db, actor: AppActor, batchId: number, input: string | RecallInput, now = Date.now()): OpenRecallResult {
  if (!canRecall(actor)) throw new ForbiddenError();
  const { reason, grade = 1, deadlineAt: deadlineIn = null } = typeof input === "string" ? { reason: input } : input;
  const why = reason.trim();
  if (!why || why.length > RECALL_REASON_MAX) throw new TraceRuleError("recall.error.reason", { max: RECALL_REASON_MAX });
  if (!RECALL_GRADES.includes(grade)) throw new TraceRuleError("recall.error.grade");
  if (deadlineIn != null && (!Number.isFinite(deadlineIn) || deadlineIn <= now || deadlineIn > now + 366 * DAY_MS))
    throw new TraceRuleError("recall.error.deadline");
  const deadlineAt = deadlineIn ?? now + RECALL_DEADLINE_DAYS[grade] * DAY_MS;
  const sqlite = db.$client;

  return sqlite.transaction((): OpenRecallResult => {
    const lot = getRecallLot(db, batchId);
    if (!lot) throw new NotFoundError("batch");
    const open = db.get<{ id: number }>(sql`select id from recalls where batch_id = ${batchId} and closed_at is null`);
    if (open) throw new TraceRuleError("recall.error.alreadyOpen", { recallId: open.id });

    let recallId: number;
    try {
      recallId = db.get<{ id: number }>(sql`
        insert into recalls (batch_id, opened_by, reason, grade, deadline_at, opened_at) values (${batchId}, ${actor.id}, ${why}, ${grade}, ${deadlineAt}, ${now})
        returning id`)!.id;
    } catch (e) {
      // Two inspectors at once: the unique partial index decides.
      if (e instanceof Error && /UNIQUE/.test(e.message)) throw new TraceRuleError("recall.error.alreadyOpen", {});
      throw e;
    }

    db.run(sql`update batches set status = 'recalled' where id = ${batchId}`);
    const listingIds = db
      .all<{ id: number }>(
        sql`
        update listings set status = 'recalled', updated_at = ${now}
        where id in (select listing_id from listing_batches where batch_id = ${batchId})
        returning id`,
      )
      .map((r) => r.id)
      .sort((a, b) => a - b);
    // Recalled listings leave the storefront at once, in every process (committed with the recall).
    storefrontChanged(db, { kind: "recall", batchId, listingIds });
    const heldLines = sqlite
      .prepare(`update order_lines set hold_reason = ? where batch_id = ? and picked_up_at is null and hold_reason is null`)
      .run(RECALL_HOLD, batchId).changes;

    const params = {
      product: lot.productZh,
      productEn: lot.productEn || lot.productZh,
      lot: lot.lotCode,
      reason: why,
    };
    // Notices link to the lot's public trace page, which says "recalled" first, in red.
    const traceLink = tracePath(lot);
    const insertNotice = sqlite.prepare(`insert into notifications (user_id, kind, message_key, params, link, created_at) values (?, ?, ?, ?, ?, ?)`);
    // Buyers: every buyer of the lot, picked up or not, once each.
    const buyers = sqlite
      .prepare(
        `select o.buyer_id as id, sum(case when ol.picked_up_at is null then ol.quantity else 0 end) as held,
                sum(ol.quantity) as qty
         from order_lines ol join orders o on o.id = ol.order_id
         where ol.batch_id = ? group by o.buyer_id order by o.buyer_id`,
      )
      .all(batchId) as { id: number; held: number; qty: number }[];
    for (const b of buyers) {
      const key = b.held > 0 ? "recall.notice.buyerHeld" : "recall.notice.buyer";
      insertNotice.run(b.id, "recall", key, JSON.stringify({ ...params, quantity: b.qty }), traceLink, now);
    }
    // Operators of delivery points that now hold parcels of the lot.
    const operators = sqlite
      .prepare(
        `select dpo.user_id as id, count(*) as lines, group_concat(distinct dp.name) as points
         from order_lines ol join orders o on o.id = ol.order_id join delivery_points dp on dp.id = o.delivery_point_id
         join delivery_point_operators dpo on dpo.delivery_point_id = dp.id
         where ol.batch_id = ? and ol.hold_reason = ? and ol.picked_up_at is null
         group by dpo.user_id order by dpo.user_id`,
      )
      .all(batchId, RECALL_HOLD) as { id: number; lines: number; points: string }[];
    for (const op of operators) {
      insertNotice.run(op.id, "recall", "recall.notice.operator", JSON.stringify({ ...params, lines: op.lines, points: op.points }), null, now);
    }
    // The producer's members learn it from the platform, not from their customers.
    const members = sqlite.prepare(`select user_id as id from producer_members where producer_id = ? order by user_id`).all(lot.producerId) as { id: number }[];
    for (const m of members) {
      insertNotice.run(m.id, "recall", "recall.notice.producer", JSON.stringify(params), traceLink, now);
    }

    // The chain event, in a savepoint: a broken or missing chain must not stop the recall.
    let event: StoredEventRecord | null = null;
    let chainError: string | null = null;
    try {
      event = sqlite.transaction(() =>
        recordPlatformEvent(db, batchId, { type: "recall", occurredAt: now, payload: { reason: why.slice(0, RECALL_REASON_MAX), grade, phase: "opened" } }),
      )();
    } catch (e) {
      chainError = e instanceof TraceRuleError ? e.messageKey : e instanceof Error ? e.message : String(e);
    }

    return {
      recallId,
      batchId,
      listingIds,
      heldLines,
      buyersNotified: buyers.length,
      operatorsNotified: operators.length,
      event,
      chainError,
    };
  })();
}

// ─── who is affected ─────────────────────────────────────────────────────────

export type AffectedOrderLine = {
  lineId: number;
  orderId: number;
  buyerId: number;
  buyerName: string;
  phoneMasked: string;
  quantity: number;
  unitPriceFen: number;
  soldAt: number;
  pickedUpAt: number | null;
  held: boolean;
  deliveryPointId: number | null;
  deliveryPointName: string | null;
};

export type RecallAffected = {
  /** One row per order line (the first `limit`, by order). */
  orders: AffectedOrderLine[];
  totals: { lines: number; orders: number; units: number; heldLines: number; heldUnits: number; pickedUpUnits: number };
  buyers: { id: number; name: string; phoneMasked: string; orders: number; units: number; heldUnits: number }[];
  deliveryPoints: {
    id: number;
    name: string;
    address: string;
    countyZh: string | null;
    operatorName: string | null;
    heldLines: number;
    heldUnits: number;
    pickedUpUnits: number;
  }[];
  listings: { id: number; title: string; status: string }[];
};

/** Every order, buyer, delivery point and listing touched by a lot (all through order_lines_batch_idx). */
export function recallAffected(db: Db, batchId: number, opts: { limit?: number } = {}): RecallAffected {
  const limit = Math.max(1, Math.min(opts.limit ?? 500, 10_000));
  const sqlite = db.$client;
  const rows = sqlite
    .prepare(
      `select ol.id as lineId, o.id as orderId, o.buyer_id as buyerId, u.display_name as buyerName, o.contact_phone as phone,
              ol.quantity, ol.unit_price_fen as unitPriceFen, ol.created_at as soldAt, ol.picked_up_at as pickedUpAt,
              ol.hold_reason as holdReason, dp.id as deliveryPointId, dp.name as deliveryPointName
       from order_lines ol
       join orders o on o.id = ol.order_id
       join users u on u.id = o.buyer_id
       left join delivery_points dp on dp.id = o.delivery_point_id
       where ol.batch_id = ?
       order by ol.order_id, ol.id
       limit ?`,
    )
    .all(batchId, limit) as (Omit<AffectedOrderLine, "phoneMasked" | "held"> & { phone: string; holdReason: string | null })[];
  const orders: AffectedOrderLine[] = rows.map(({ phone, holdReason, ...r }) => ({
    ...r,
    phoneMasked: maskPhone(phone),
    held: holdReason != null && r.pickedUpAt == null,
  }));

  const t = sqlite
    .prepare(
      `select count(*) as lines, count(distinct order_id) as orders, coalesce(sum(quantity), 0) as units,
              coalesce(sum(hold_reason is not null and picked_up_at is null), 0) as heldLines,
              coalesce(sum(case when hold_reason is not null and picked_up_at is null then quantity else 0 end), 0) as heldUnits,
              coalesce(sum(case when picked_up_at is not null then quantity else 0 end), 0) as pickedUpUnits
       from order_lines where batch_id = ?`,
    )
    .get(batchId) as RecallAffected["totals"];

  const buyers = (
    sqlite
      .prepare(
        `select o.buyer_id as id, u.display_name as name, min(o.contact_phone) as phone, count(distinct o.id) as orders,
                sum(ol.quantity) as units,
                sum(case when ol.hold_reason is not null and ol.picked_up_at is null then ol.quantity else 0 end) as heldUnits
         from order_lines ol join orders o on o.id = ol.order_id join users u on u.id = o.buyer_id
         where ol.batch_id = ?
         group by o.buyer_id order by u.display_name, o.buyer_id
         limit ?`,
      )
      .all(batchId, limit) as { id: number; name: string; phone: string; orders: number; units: number; heldUnits: number }[]
  ).map(({ phone, ...b }) => ({ ...b, phoneMasked: maskPhone(phone) }));

  const deliveryPoints = sqlite
    .prepare(
      `select dp.id, dp.name, dp.address, co.name_zh as countyZh,
              (select group_concat(u.display_name, '、') from delivery_point_operators dpo join users u on u.id = dpo.user_id
               where dpo.delivery_point_id = dp.id) as operatorName,
              sum(ol.hold_reason is not null and ol.picked_up_at is null) as heldLines,
              sum(case when ol.hold_reason is not null and ol.picked_up_at is null then ol.quantity else 0 end) as heldUnits,
              sum(case when ol.picked_up_at is not null then ol.quantity else 0 end) as pickedUpUnits
       from order_lines ol
       join orders o on o.id = ol.order_id
       join delivery_points dp on dp.id = o.delivery_point_id
       left join regions co on co.id = dp.county_id
       where ol.batch_id = ?
       group by dp.id order by heldUnits desc, dp.name`,
    )
    .all(batchId) as RecallAffected["deliveryPoints"];

  const listings = sqlite
    .prepare(
      `select l.id, l.title, l.status from listing_batches lb join listings l on l.id = lb.listing_id
       where lb.batch_id = ? order by l.id`,
    )
    .all(batchId) as RecallAffected["listings"];

  return { orders, totals: t, buyers, deliveryPoints, listings };
}

// ─── reading recalls ─────────────────────────────────────────────────────────

export type RecallSummary = {
  id: number;
  batchId: number;
  reason: string;
  grade: RecallGrade;
  deadlineAt: number | null;
  openedAt: number;
  closedAt: number | null;
  closeNote: string | null;
  closedByName: string | null;
  producerId: number;
  openedByName: string;
  gtin: string | null;
  lotCode: string;
  productZh: string;
  productEn: string;
  producerZh: string;
};

const RECALL_SELECT = `
  select r.id, r.batch_id as batchId, r.reason, r.grade, r.deadline_at as deadlineAt, r.opened_at as openedAt, r.closed_at as closedAt,
         r.close_note as closeNote, cu.display_name as closedByName, p.id as producerId,
         u.display_name as openedByName, b.gtin, b.lot_code as lotCode,
         pr.name_zh as productZh, pr.name_en as productEn, p.name_zh as producerZh
  from recalls r
  join users u on u.id = r.opened_by
  left join users cu on cu.id = r.closed_by
  join batches b on b.id = r.batch_id
  join products pr on pr.id = b.product_id
  join producers p on p.id = b.producer_id`;

export function getRecall(db: Db, recallId: number): RecallSummary | null {
  return (db.$client.prepare(`${RECALL_SELECT} where r.id = ?`).get(recallId) as RecallSummary | undefined) ?? null;
}

/** The open recall of a lot, if any. */
export function openRecallOfLot(db: Db, batchId: number): RecallSummary | null {
  return (db.$client.prepare(`${RECALL_SELECT} where r.batch_id = ? and r.closed_at is null`).get(batchId) as RecallSummary | undefined) ?? null;
}

/** Recalls, newest first (open ones by default). */
export function listRecalls(db: Db, opts: { open?: boolean; limit?: number } = {}): RecallSummary[] {
  const where = opts.open === false ? "" : "where r.closed_at is null";
  return db.$client.prepare(`${RECALL_SELECT} ${where} order by r.opened_at desc, r.id desc limit ?`).all(opts.limit ?? 50) as RecallSummary[];
}

/** Every recall of a producer's lots, newest first: its recall history. */
export function producerRecallHistory(db: Db, producerId: number, limit = 100): RecallSummary[] {
  return db.$client.prepare(`${RECALL_SELECT} where p.id = ? order by r.opened_at desc, r.id desc limit ?`).all(producerId, limit) as RecallSummary[];
}

// ─── the recall's progress and closing ───────────────────────────────────────

export type RecallProgress = {
  /** Units per delivery point: still on the shelf or on the way (held), quarantined, returned to the producer, destroyed. */
  byPoint: { pointId: number; pointName: string; held: number; quarantined: number; returned: number; destroyed: number }[];
  totals: { sold: number; pickedUp: number; held: number; quarantined: number; returned: number; destroyed: number };
  /** The producer's unsold stock of the lot: harvested minus sold, what its listings still offer, and what was destroyed there. */
  producerStock: { harvested: number | null; sold: number; unsold: number | null; listed: number; destroyed: number };
  overdue: boolean;
};

/**
 * Where the recalled goods are. Recovered = quarantined at a point (kept apart) or returned to the
 * producer; destroyed counts what operators (at points) and inspectors (the producer's stock) recorded.
 */
export function recallProgress(db: Db, recallId: number, now = Date.now()): RecallProgress | null {
  const recall = getRecall(db, recallId);
  if (!recall) return null;
  const sqlite = db.$client;
  const disp = sqlite
    .prepare(
      `select d.delivery_point_id as pointId, dp.name as pointName, d.kind, sum(d.quantity) as units
       from recall_dispositions d left join delivery_points dp on dp.id = d.delivery_point_id
       where d.recall_id = ? group by d.delivery_point_id, d.kind`,
    )
    .all(recallId) as { pointId: number | null; pointName: string | null; kind: "quarantined" | "returned" | "destroyed"; units: number }[];
  const held = sqlite
    .prepare(
      `select x.delivery_point_id as pointId, dp.name as pointName, sum(pi.quantity) as units
       from order_lines ol join parcel_items pi on pi.order_line_id = ol.id join parcels x on x.id = pi.parcel_id
       join delivery_points dp on dp.id = x.delivery_point_id
       where ol.batch_id = ? and ol.hold_reason is not null and x.status in ('dispatched', 'arrived', 'return_flagged')
       group by x.delivery_point_id`,
    )
    .all(recall.batchId) as { pointId: number; pointName: string; units: number }[];
  const points = new Map<number, RecallProgress["byPoint"][number]>();
  const at = (pointId: number, pointName: string) => {
    let p = points.get(pointId);
    if (!p) points.set(pointId, (p = { pointId, pointName, held: 0, quarantined: 0, returned: 0, destroyed: 0 }));
    return p;
  };
  let producerDestroyed = 0;
  for (const h of held) at(h.pointId, h.pointName).held += h.units;
  for (const d of disp) {
    if (d.pointId == null) {
      if (d.kind === "destroyed") producerDestroyed += d.units;
      continue;
    }
    // A quarantined parcel later returned or destroyed is no longer in quarantine.
    const p = at(d.pointId, d.pointName ?? "");
    p[d.kind] += d.units;
  }
  for (const p of points.values()) p.quarantined = Math.max(0, p.quarantined - p.returned - p.destroyed);
  const byPoint = [...points.values()].sort((a, b) => a.pointName.localeCompare(b.pointName) || a.pointId - b.pointId);
  const sold = sqlite
    .prepare(
      `select coalesce(sum(quantity), 0) as sold, coalesce(sum(case when picked_up_at is not null then quantity else 0 end), 0) as pickedUp from order_lines where batch_id = ?`,
    )
    .get(recall.batchId) as { sold: number; pickedUp: number };
  const lot = getRecallLot(db, recall.batchId)!;
  const listed = sqlite
    .prepare(`select coalesce(sum(l.stock), 0) from listing_batches lb join listings l on l.id = lb.listing_id where lb.batch_id = ?`)
    .pluck()
    .get(recall.batchId) as number;
  const sum = (k: "held" | "quarantined" | "returned" | "destroyed") => byPoint.reduce((n, p) => n + p[k], 0);
  return {
    byPoint,
    totals: {
      sold: sold.sold,
      pickedUp: sold.pickedUp,
      held: sum("held"),
      quarantined: sum("quarantined"),
      returned: sum("returned"),
      destroyed: sum("destroyed"),
    },
    producerStock: {
      harvested: lot.quantity,
      sold: sold.sold,
      unsold: lot.quantity == null ? null : Math.max(0, lot.quantity - sold.sold - producerDestroyed),
      listed,
      destroyed: producerDestroyed,
    },
    overdue: recall.closedAt == null && recall.deadlineAt != null && recall.deadlineAt < now,
  };
}

/** The inspector records that (part of) the producer's unsold stock of the lot was destroyed. */
export function recordProducerStockDestroyed(db: Db, actor: AppActor, recallId: number, quantity: number, note: string, now = Date.now()): void {
  if (!canRecall(actor)) throw new ForbiddenError();
  const recall = getRecall(db, recallId);
  if (!recall) throw new NotFoundError("recall");
  if (recall.closedAt != null) throw new TraceRuleError("recall.error.closed");
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > 10_000_000) throw new TraceRuleError("recall.error.quantity");
  db.$client
    .prepare(`insert into recall_dispositions (recall_id, kind, quantity, actor_user_id, note, at) values (?, 'destroyed', ?, ?, ?, ?)`)
    .run(recallId, quantity, actor.id, note.trim().slice(0, 200), now);
}

/**
 * The inspector closes the recall with a note: recorded on the recall and as a platform-signed
 * `recall` event (phase closed) on the lot's chain. The lot stays recalled; the holds stay.
 */
export function closeRecall(
  db: Db,
  actor: AppActor,
  recallId: number,
  note: string,
  now = Date.now(),
): { event: StoredEventRecord | null; chainError: string | null } {
  if (!canRecall(actor)) throw new ForbiddenError();
  const text = note.trim();
  if (!text || text.length > RECALL_NOTE_MAX) throw new TraceRuleError("recall.error.note", { max: RECALL_NOTE_MAX });
  const sqlite = db.$client;
  return sqlite.transaction(() => {
    const recall = getRecall(db, recallId);
    if (!recall) throw new NotFoundError("recall");
    if (recall.closedAt != null) throw new TraceRuleError("recall.error.closed");
    sqlite.prepare(`update recalls set closed_at = ?, closed_by = ?, close_note = ? where id = ? and closed_at is null`).run(now, actor.id, text, recallId);
    let event: StoredEventRecord | null = null;
    let chainError: string | null = null;
    try {
      event = sqlite.transaction(() =>
        recordPlatformEvent(db, recall.batchId, {
          type: "recall",
          occurredAt: now,
          payload: { reason: recall.reason.slice(0, RECALL_REASON_MAX), grade: recall.grade, phase: "closed", note: text },
        }),
      )();
    } catch (e) {
      chainError = e instanceof TraceRuleError ? e.messageKey : e instanceof Error ? e.message : String(e);
    }
    return { event, chainError };
  })();
}

// ─── inspector lot search ────────────────────────────────────────────────────

export type LotSearchRow = {
  id: number;
  gtin: string | null;
  lotCode: string;
  status: string;
  harvestedAt: number | null;
  productZh: string;
  productEn: string;
  producerZh: string;
  recallId: number | null;
};

/**
 * Lots by GTIN (8–14 digits, or a pasted Digital Link / QR URL), lot code (prefix, any case),
 * product or producer name (substring). At most `limit` rows, newest first.
 */
export function searchLots(db: Db, query: string, limit = 50): LotSearchRow[] {
  const q = query.normalize("NFKC").trim();
  if (!q) return [];
  const select = `
    select b.id, b.gtin, b.lot_code as lotCode, b.status, b.harvested_at as harvestedAt,
           pr.name_zh as productZh, pr.name_en as productEn, p.name_zh as producerZh,
           (select r.id from recalls r where r.batch_id = b.id and r.closed_at is null) as recallId
    from batches b join products pr on pr.id = b.product_id join producers p on p.id = b.producer_id`;
  const sqlite = db.$client;
  const link = /\/01\/(\d{8,14})(?:\/10\/([^/?#]+))?/.exec(q);
  if (link) {
    const gtin = link[1].padStart(14, "0");
    let lot: string | null = null;
    try {
      lot = link[2] ? decodeURIComponent(link[2]) : null;
    } catch {
      lot = link[2] ?? null;
    }
    return (
      lot
        ? sqlite.prepare(`${select} where b.gtin = ? and b.lot_code = ? limit ?`).all(gtin, lot, limit)
        : sqlite.prepare(`${select} where b.gtin = ? order by b.id desc limit ?`).all(gtin, limit)
    ) as LotSearchRow[];
  }
  if (/^\d{8,14}$/.test(q)) {
    return sqlite.prepare(`${select} where b.gtin = ? order by b.id desc limit ?`).all(q.padStart(14, "0"), limit) as LotSearchRow[];
  }
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const prefix = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sqlite
    .prepare(
      `${select}
       where b.lot_code like ? escape '\\'
          or pr.name_zh like ? escape '\\' or pr.name_en like ? escape '\\'
          or p.name_zh like ? escape '\\' or p.name_en like ? escape '\\'
       order by (b.lot_code like ? escape '\\') desc, b.id desc
       limit ?`,
    )
    .all(prefix, like, like, like, like, prefix, limit) as LotSearchRow[];
}

// ─── the recall report (CSV) ─────────────────────────────────────────────────

type ReportLocale = "zh" | "en";

const UNIT_LABELS: Record<Unit, { zh: string; en: string }> = {
  jin: { zh: "斤", en: "jin (500 g)" },
  kg: { zh: "公斤", en: "kg" },
  box: { zh: "箱", en: "box" },
  each: { zh: "只", en: "each" },
  bag: { zh: "袋", en: "bag" },
  bottle: { zh: "瓶", en: "bottle" },
  dozen: { zh: "打", en: "dozen" },
};

/** Report columns, grouped by key data element (see the header of this file). */
export const RECALL_REPORT_COLUMNS = [
  ["recall_id", "召回编号", "Recall id"],
  ["recall_grade", "召回级别", "Recall grade"],
  ["recall_reason", "召回原因", "Recall reason"],
  ["order_id", "订单号", "Order"],
  ["order_line_id", "订单行号", "Order line"],
  ["gtin", "商品条码(GTIN)", "GTIN"],
  ["lot", "批次号", "Lot"],
  ["product", "产品", "Product"],
  ["category", "品类", "Category"],
  ["quantity", "数量", "Quantity"],
  ["unit", "单位", "Unit"],
  ["unit_price_yuan", "单价(元)", "Unit price (CNY)"],
  ["harvest_date", "采收日期", "Harvest date"],
  ["sold_at", "销售时间", "Sold at"],
  ["parcel_code", "包裹码", "Parcel code"],
  ["dispatched_at", "发货时间", "Dispatched at"],
  ["arrived_at", "到站时间", "Arrived at"],
  ["picked_up_at", "取货时间", "Picked up at"],
  ["parcel_status", "包裹状态", "Parcel status"],
  ["operator", "经手站点人员", "Point operator"],
  ["invoice_number", "发票号码", "Invoice number"],
  ["producer", "生产者", "Producer"],
  ["credit_code", "统一社会信用代码", "Unified social credit code"],
  ["origin", "产地", "Origin"],
  ["plot", "地块", "Plot"],
  ["delivery_point", "自提点", "Delivery point"],
  ["delivery_point_address", "自提点地址", "Delivery point address"],
  ["delivery_county", "自提点所在区县", "Delivery county"],
  ["buyer_id", "买家编号", "Buyer id"],
  ["buyer_name", "买家", "Buyer"],
  ["buyer_phone", "买家电话(脱敏)", "Buyer phone (masked)"],
] as const;
const FULL_PHONE_HEADER = { zh: "买家电话", en: "Buyer phone" };

const GRADE_LABELS: Record<number, { zh: string; en: string }> = {
  1: { zh: "一级", en: "Class I" },
  2: { zh: "二级", en: "Class II" },
  3: { zh: "三级", en: "Class III" },
};

const STATUS_LABELS = {
  quarantined: { zh: "已隔离", en: "quarantined" },
  returned: { zh: "已退回生产者", en: "returned to producer" },
  destroyed: { zh: "已销毁", en: "destroyed" },
  picked_up: { zh: "已取货", en: "picked up" },
  held: { zh: "已扣留（勿发放）", en: "held – do not hand out" },
  awaiting: { zh: "待取货", en: "awaiting pickup" },
};

// The report leaves a time that never happened empty.
const reportDateTime = (ms: number | null): string => (ms == null ? "" : shanghaiDateTime(ms));
const reportDate = (ms: number | null): string => (ms == null ? "" : shanghaiDate(ms));

/** RFC 4180 quoting, and a leading apostrophe on text that a spreadsheet would run as a formula. */
export function csvCell(value: string | number | null | undefined): string {
  if (value == null) return "";
  if (typeof value === "number") return String(value);
  let s = value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

type ReportRow = {
  lineId: number;
  orderId: number;
  quantity: number;
  unitPriceFen: number;
  soldAt: number;
  pickedUpAt: number | null;
  holdReason: string | null;
  buyerId: number;
  buyerName: string;
  phone: string;
  unit: Unit;
  dpName: string | null;
  dpAddress: string | null;
  dpCounty: string | null;
  parcelCodes: string | null;
  parcelStatus: string | null;
  dispatchedAt: number | null;
  arrivedAt: number | null;
  operatorName: string | null;
  invoiceNumber: string | null;
};

/**
 * The recall report of a lot as CSV text (BOM + header + one row per order line of the lot).
 * `indexed: false` forces a full scan of order_lines — a baseline for bench/recall-report.ts only.
 */
export function recallReportCsv(
  db: Db,
  batchId: number,
  opts: { locale?: ReportLocale; indexed?: boolean; recall?: { id: number; grade: number; reason: string } | null; fullPhone?: boolean } = {},
): string {
  const locale = opts.locale ?? "zh";
  const recall = opts.recall === undefined ? openRecallOfLot(db, batchId) : opts.recall;
  const lot = getRecallLot(db, batchId);
  if (!lot) throw new NotFoundError("batch");
  const from = opts.indexed === false ? "order_lines ol not indexed" : "order_lines ol indexed by order_lines_batch_idx";
  const rows = db.$client
    .prepare(
      `select ol.id as lineId, ol.order_id as orderId, ol.quantity, ol.unit_price_fen as unitPriceFen, ol.created_at as soldAt,
              ol.picked_up_at as pickedUpAt, ol.hold_reason as holdReason,
              o.buyer_id as buyerId, u.display_name as buyerName, o.contact_phone as phone, l.unit,
              dp.name as dpName, dp.address as dpAddress, co.name_zh as dpCounty,
              pk.codes as parcelCodes, pk.status as parcelStatus, pk.dispatchedAt, pk.arrivedAt,
              (select ou.display_name from parcel_events pe join users ou on ou.id = pe.actor_user_id
               where pe.parcel_id in (select parcel_id from parcel_items where order_line_id = ol.id)
                 and pe.kind in ('arrived', 'quarantined', 'picked_up', 'returned', 'destroyed')
               order by pe.at desc, pe.id desc limit 1) as operatorName,
              (select group_concat(i.number, ' ') from invoices i where i.sub_order_id = ol.sub_order_id) as invoiceNumber
       from ${from}
       join orders o on o.id = ol.order_id
       join users u on u.id = o.buyer_id
       join listings l on l.id = ol.listing_id
       left join delivery_points dp on dp.id = o.delivery_point_id
       left join regions co on co.id = dp.county_id
       left join (select pi.order_line_id as lineId, group_concat(x.code, ' ') as codes, max(x.status) as status,
                         min(x.dispatched_at) as dispatchedAt, max(x.arrived_at) as arrivedAt
                  from parcel_items pi join parcels x on x.id = pi.parcel_id
                  where pi.order_line_id in (select id from order_lines where batch_id = ?)
                  group by pi.order_line_id) pk on pk.lineId = ol.id
       where ol.batch_id = ?
       order by ol.order_id, ol.id`,
    )
    .all(batchId, batchId) as ReportRow[];

  const en = locale === "en";
  // The lot's own KDEs, the same on every row: quoted once.
  const product = csvCell(en && lot.productEn ? lot.productEn : lot.productZh);
  const origin = csvCell([lot.provinceZh, lot.countyZh, lot.villageZh].filter(Boolean).join(" "));
  const lotCells = {
    gtin: csvCell(lot.gtin),
    lot: csvCell(lot.lotCode),
    category: csvCell(en ? lot.categoryEn : lot.categoryZh),
    harvest: reportDate(lot.harvestedAt),
    producer: csvCell(en && lot.producerEn ? lot.producerEn : lot.producerZh),
    creditCode: csvCell(lot.creditCode),
    plot: csvCell(lot.plotName),
  };
  const recallCells = recall
    ? [String(recall.id), csvCell((GRADE_LABELS[recall.grade] ?? { zh: String(recall.grade), en: String(recall.grade) })[locale]), csvCell(recall.reason)]
    : ["", "", ""];
  const header = RECALL_REPORT_COLUMNS.map((c) => (c[0] === "buyer_phone" && opts.fullPhone ? FULL_PHONE_HEADER[locale] : en ? c[2] : c[1]));
  const out: string[] = [header.map((h) => csvCell(h)).join(",")];
  for (const r of rows) {
    const status =
      r.pickedUpAt != null
        ? "picked_up"
        : r.parcelStatus === "quarantined" || r.parcelStatus === "returned" || r.parcelStatus === "destroyed"
          ? r.parcelStatus
          : r.holdReason != null
            ? "held"
            : "awaiting";
    out.push(
      [
        ...recallCells,
        r.orderId,
        r.lineId,
        lotCells.gtin,
        lotCells.lot,
        product,
        lotCells.category,
        r.quantity,
        csvCell((UNIT_LABELS[r.unit] ?? { zh: r.unit, en: r.unit })[locale]),
        (r.unitPriceFen / 100).toFixed(2),
        lotCells.harvest,
        reportDateTime(r.soldAt),
        csvCell(r.parcelCodes),
        reportDateTime(r.dispatchedAt),
        reportDateTime(r.arrivedAt),
        reportDateTime(r.pickedUpAt),
        csvCell(STATUS_LABELS[status][locale]),
        csvCell(r.operatorName),
        csvCell(r.invoiceNumber),
        lotCells.producer,
        lotCells.creditCode,
        origin,
        lotCells.plot,
        csvCell(r.dpName),
        csvCell(r.dpAddress),
        csvCell(r.dpCounty),
        r.buyerId,
        csvCell(r.buyerName),
        csvCell(opts.fullPhone ? r.phone : maskPhone(r.phone)),
      ].join(","),
    );
  }
  return "\uFEFF" + out.join("\r\n") + "\r\n";
}

/**
 * The report of a recall for whoever asks: inspectors get the buyers' full phone numbers (they
 * call them); platform admins and the lot's producer get them masked; anyone else is refused.
 */
export function recallReportFor(db: Db, actor: AppActor, recallId: number, locale: ReportLocale = "zh"): { csv: string; fileName: string } {
  const recall = getRecall(db, recallId);
  if (!recall) throw new NotFoundError("recall");
  const inspector = hasRole(actor, "inspector");
  const producerMember =
    db.$client.prepare(`select 1 from producer_members where producer_id = ? and user_id = ?`).get(recall.producerId, actor.id) !== undefined;
  if (!inspector && !hasRole(actor, "platform_admin") && !producerMember) throw new ForbiddenError();
  const lot = getRecallLot(db, recall.batchId)!;
  return {
    csv: recallReportCsv(db, recall.batchId, { locale, recall, fullPhone: inspector }),
    fileName: recallReportFileName(lot),
  };
}

/** File name for the report download: recall-<lot>-<yyyymmdd>.csv (ASCII-safe). */
export function recallReportFileName(lot: { lotCode: string }, now = Date.now()): string {
  const day = shanghaiCompactDate(now);
  return `recall-${lot.lotCode.replace(/[^A-Za-z0-9._-]/g, "_")}-${day}.csv`;
}

/**
 * The farm's input stock (issue 12 §4): what a farm bought on the market and still holds, and the
 * applications recorded from it. A paid order line of an input lot becomes one stock row of the
 * buyer's farm, in the same transaction as the order's move to paid (transitionOrder), once
 * (unique per order line). Recording an application from a stock row takes the used quantity off
 * in the same transaction as the chain event; using more than is left is refused.
 *
 * Which farm: the lowest-id producer the buyer belongs to that is not an input seller. A buyer
 * with no farm may buy inputs too (a gardener, a shop); no stock row is made for them.
 */
import type Database from "better-sqlite3";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { once } from "../../core/once";
import { shanghaiToday } from "../../core/clock";
import { canManageProducer, type Actor } from "../../core/permissions";
import { listAgriInputs, recordEvent, type NewProducerEvent } from "../../traceability/store";
import type { StoredEventRecord } from "../../traceability/types";

/** Called by transitionOrder when an order becomes paid; idempotent (insert or ignore on the order line). */
export function addPaidInputsToFarmStock(sqlite: Database.Database, orderId: number, now: number): number {
  const farm = sqlite
    .prepare(
      `select pm.producer_id from orders o join producer_members pm on pm.user_id = o.buyer_id
       join producers p on p.id = pm.producer_id
       where o.id = ? and p.kind != 'input_seller' order by pm.producer_id limit 1`,
    )
    .pluck()
    .get(orderId) as number | undefined;
  if (farm === undefined) return 0;
  return sqlite
    .prepare(
      `insert or ignore into farm_input_stock (producer_id, agri_input_id, input_lot_id, order_line_id, bought_quantity, quantity, unit, bought_at)
       select ?, il.agri_input_id, il.id, ol.id, ol.quantity, ol.quantity, l.unit, ?
       from order_lines ol join input_lots il on il.batch_id = ol.batch_id join listings l on l.id = ol.listing_id
       where ol.order_id = ?`,
    )
    .run(farm, now, orderId).changes;
}

/**
 * The money for these order lines went back (order cancelled or refunded, a sub-order refunded in
 * full, a recall refund of one line): what is still unused of their stock rows is voided, in the
 * caller's transaction. The row stays with what was voided and when; applications already recorded
 * stay on their lots' chains. Idempotent (a voided row is left alone).
 */
export function voidInputStockOf(
  sqlite: Database.Database,
  scope: { orderId: number } | { subOrderId: number } | { orderLineId: number },
  now: number,
): number {
  const [column, id] =
    "orderId" in scope ? ["order_id", scope.orderId] : "subOrderId" in scope ? ["sub_order_id", scope.subOrderId] : ["id", scope.orderLineId];
  return sqlite
    .prepare(
      `update farm_input_stock set voided_quantity = quantity, quantity = 0, voided_at = ?
       where voided_at is null and order_line_id in (select id from order_lines where ${column} = ?)`,
    )
    .run(now, id).changes;
}

export type FarmInputStockRow = {
  id: number;
  producerId: number;
  agriInputId: number;
  kind: string;
  nameZh: string;
  nameEn: string;
  registrationNo: string | null;
  activeIngredient: string | null;
  retired: boolean;
  makerLotNo: string;
  expiresOn: string;
  quantity: number;
  boughtQuantity: number;
  unit: string;
  boughtAt: number;
  orderId: number;
  /** Refunded or cancelled: the quantity voided then (nothing can be applied from it any more). */
  voidedQuantity: number | null;
  voidedAt: number | null;
  /** Registered uses from the catalogue: crop (or species) with its interval. */
  uses: { target: string; intervalDays: number | null; maxApplications: number | null; prohibited: boolean }[];
};

/** The stock of the actor's farms, newest first, with each input's registered uses. */
export function listFarmInputStock(db: Db, actor: Actor): FarmInputStockRow[] {
  if (!actor.producerIds.length) return [];
  const ids = sql.join(
    actor.producerIds.map((id) => sql`${id}`),
    sql`, `,
  );
  const rows = db.all<Omit<FarmInputStockRow, "uses" | "retired"> & { retiredAt: number | null }>(sql`
    select s.id, s.producer_id as producerId, s.agri_input_id as agriInputId, a.kind, a.name_zh as nameZh, a.name_en as nameEn,
           coalesce(il.registration_no, a.registration_no) as registrationNo, a.active_ingredient as activeIngredient, a.retired_at as retiredAt,
           il.maker_lot_no as makerLotNo, il.expires_on as expiresOn, s.quantity, s.bought_quantity as boughtQuantity, s.unit,
           s.bought_at as boughtAt, ol.order_id as orderId, s.voided_quantity as voidedQuantity, s.voided_at as voidedAt
    from farm_input_stock s join agri_inputs a on a.id = s.agri_input_id join input_lots il on il.id = s.input_lot_id
    join order_lines ol on ol.id = s.order_line_id
    where s.producer_id in (${ids}) order by s.bought_at desc, s.id desc`);
  const catalogue = new Map(listAgriInputs(db).map((i) => [i.id, i]));
  return rows.map(({ retiredAt, ...r }) => ({
    ...r,
    retired: retiredAt !== null,
    uses: (catalogue.get(r.agriInputId)?.intervals ?? []).map((u) => ({
      target: u.target,
      intervalDays: u.intervalDays,
      maxApplications: u.maxApplications,
      prohibited: u.prohibited,
    })),
  }));
}

/** One stock row the actor may use (the event form's prefill). */
export function getFarmInputStock(db: Db, actor: Actor, stockId: number): FarmInputStockRow {
  const row = db.get<{ producerId: number }>(sql`select producer_id as producerId from farm_input_stock where id = ${stockId}`);
  if (!row) throw new NotFoundError("input_stock");
  if (!canManageProducer(actor, row.producerId)) throw new ForbiddenError();
  return listFarmInputStock(db, actor).find((r) => r.id === stockId)!;
}

/** The farm's lots still growing: where an application from stock can be recorded (one tap each). */
export function growingBatchesForStock(db: Db, actor: Actor) {
  if (!actor.producerIds.length) return [];
  const ids = sql.join(
    actor.producerIds.map((id) => sql`${id}`),
    sql`, `,
  );
  return db.all<{ id: number; producerId: number; lotCode: string; productNameZh: string; productNameEn: string; plotName: string | null }>(sql`
    select b.id, b.producer_id as producerId, b.lot_code as lotCode, p.name_zh as productNameZh, p.name_en as productNameEn, pl.name as plotName
    from batches b join products p on p.id = b.product_id left join plots pl on pl.id = b.plot_id
    where b.producer_id in (${ids}) and b.status = 'growing' and not exists (select 1 from input_lots il where il.batch_id = b.id)
    order by b.created_at desc, b.id desc`);
}

/**
 * Records an application from a stock row: the chain event (recordEvent: the usual gate, and the
 * rule of who may record on the lot) is appended, the stock goes down by `quantity` and a
 * farm_input_uses row names the lot and event — all in one transaction, once per form token.
 * Refused, nothing recorded: a stock row of another farm than the lot's, an event that names
 * another input than the stock row's, a voided, retired or expired input, more than is left.
 */
export function recordApplicationFromStock(
  db: Db,
  actor: Actor,
  input: { stockId: number; batchId: number; quantity: number; inputId: number | undefined },
  event: NewProducerEvent,
  formToken?: string,
  now = Date.now(),
): StoredEventRecord {
  return once(db, { actorId: actor.id, token: formToken, kind: "input_use" }, () =>
    db.transaction(() => {
      const stock = db.get<{
        producerId: number;
        agriInputId: number;
        nameZh: string;
        quantity: number;
        unit: string;
        retiredAt: number | null;
        expiresOn: string;
        voidedAt: number | null;
      }>(sql`
        select s.producer_id as producerId, s.agri_input_id as agriInputId, a.name_zh as nameZh, s.quantity, s.unit, a.retired_at as retiredAt,
               il.expires_on as expiresOn, s.voided_at as voidedAt
        from farm_input_stock s join agri_inputs a on a.id = s.agri_input_id join input_lots il on il.id = s.input_lot_id
        where s.id = ${input.stockId}`);
      if (!stock) throw new NotFoundError("input_stock");
      if (!canManageProducer(actor, stock.producerId)) throw new ForbiddenError();
      const batch = db.get<{ producerId: number }>(sql`select producer_id as producerId from batches where id = ${input.batchId}`);
      if (!batch) throw new NotFoundError("batch");
      if (batch.producerId !== stock.producerId) throw new DomainRuleError("inputsMarket.error.otherFarm");
      // The stock row decides the input: the event may not name another product than the one it holds.
      if (event.type !== "input_application" || input.inputId !== stock.agriInputId || event.payload.productName !== stock.nameZh) {
        throw new DomainRuleError("inputsMarket.error.stockInput");
      }
      if (stock.voidedAt !== null) throw new DomainRuleError("inputsMarket.error.voidedStock");
      if (stock.retiredAt !== null) throw new DomainRuleError("inputsMarket.error.retiredInput");
      // An expired product (过期农资) is not to be used: the label's guarantees end at its expiry date.
      if (stock.expiresOn < shanghaiToday(now)) throw new DomainRuleError("inputsMarket.error.expired", { date: stock.expiresOn });
      if (!(input.quantity > 0)) throw new DomainRuleError("inputsMarket.error.quantity");
      // A little tolerance for decimal fractions typed on a phone (0.1 + 0.2).
      if (input.quantity > stock.quantity + 1e-9) {
        throw new DomainRuleError("inputsMarket.error.notEnough", { left: String(stock.quantity), unit: stock.unit });
      }
      // recordEvent checks that the actor may record on this lot (a refusal rolls all of this back).
      const recorded = recordEvent(db, actor, input.batchId, event);
      db.run(sql`update farm_input_stock set quantity = max(0, round(quantity - ${input.quantity}, 6)) where id = ${input.stockId}`);
      db.run(sql`insert into farm_input_uses (stock_id, batch_id, event_seq, quantity, used_by, at)
                 values (${input.stockId}, ${input.batchId}, ${recorded.seq}, ${input.quantity}, ${actor.id}, ${now})`);
      return recorded;
    }),
  );
}

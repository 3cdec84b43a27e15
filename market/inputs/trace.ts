/**
 * The inspector's input-batch trace (issue 12 §4, a pesticide recall): which farms bought a given
 * input lot, how much and when, and the lots they applied it to. Read-only.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { ForbiddenError } from "../../core/errors";
import { hasRole, type Actor } from "../../core/permissions";
import { normaliseForKind } from "./registration";

export type InputLotTrace = {
  inputLotId: number;
  nameZh: string;
  nameEn: string;
  kind: string;
  registrationNo: string | null;
  makerLotNo: string;
  producedOn: string;
  expiresOn: string;
  sellerNameZh: string;
  farms: {
    producerId: number;
    farmNameZh: string;
    quantity: number;
    left: number;
    unit: string;
    boughtAt: number;
    orderId: number;
    applications: { batchId: number; lotCode: string; quantity: number; at: number; eventSeq: number }[];
  }[];
};

/**
 * Input lots whose registration number or maker's batch number is `q` (exact, after the kind's
 * normalisation), each with the farms that bought it. Empty `q`: nothing (no full dump).
 */
export function traceInputLots(db: Db, actor: Actor, q: string): InputLotTrace[] {
  if (!hasRole(actor, "inspector", "platform_admin")) throw new ForbiddenError();
  const raw = q.trim();
  if (!raw) return [];
  const candidates = new Set([raw, raw.toUpperCase()]);
  for (const kind of ["pesticide", "fertilizer", "veterinary_drug"] as const) {
    const n = normaliseForKind(kind, raw, Date.now());
    if (n.ok) candidates.add(n.value);
  }
  const list = sql.join(
    [...candidates].map((c) => sql`${c}`),
    sql`, `,
  );
  const lots = db.all<Omit<InputLotTrace, "farms">>(sql`
    select il.id as inputLotId, a.name_zh as nameZh, a.name_en as nameEn, a.kind, coalesce(il.registration_no, a.registration_no) as registrationNo,
           il.maker_lot_no as makerLotNo, il.produced_on as producedOn, il.expires_on as expiresOn, p.name_zh as sellerNameZh
    from input_lots il join agri_inputs a on a.id = il.agri_input_id join batches b on b.id = il.batch_id join producers p on p.id = b.producer_id
    where il.maker_lot_no in (${list}) or il.registration_no in (${list}) or a.registration_no in (${list})
    order by il.id limit 50`);
  return lots.map((lot) => {
    const stock = db.all<{
      id: number;
      producerId: number;
      farmNameZh: string;
      quantity: number;
      left: number;
      unit: string;
      boughtAt: number;
      orderId: number;
    }>(sql`
      select s.id, s.producer_id as producerId, p.name_zh as farmNameZh, s.bought_quantity as quantity, s.quantity as left, s.unit,
             s.bought_at as boughtAt, ol.order_id as orderId
      from farm_input_stock s join producers p on p.id = s.producer_id join order_lines ol on ol.id = s.order_line_id
      where s.input_lot_id = ${lot.inputLotId} order by s.bought_at, s.id`);
    return {
      ...lot,
      farms: stock.map(({ id, ...s }) => ({
        ...s,
        applications: db.all<{ batchId: number; lotCode: string; quantity: number; at: number; eventSeq: number }>(sql`
          select u.batch_id as batchId, b.lot_code as lotCode, u.quantity, u.at, u.event_seq as eventSeq
          from farm_input_uses u join batches b on b.id = u.batch_id where u.stock_id = ${id} order by u.at, u.id`),
      })),
    };
  });
}

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
  /** Every paid order line of the lot (a recall reaches them all), with the buyer's farm stock when there is one. */
  buyers: {
    orderId: number;
    orderStatus: string;
    buyerName: string;
    contactPhone: string;
    quantity: number;
    unit: string;
    boughtAt: number;
    /** The farm whose stock it went into; null: a buyer with no farm (no stock kept). */
    producerId: number | null;
    farmNameZh: string | null;
    left: number | null;
    voidedQuantity: number | null;
    applications: { batchId: number; lotCode: string; quantity: number; at: number; eventSeq: number }[];
  }[];
};

/**
 * Input lots whose registration number or maker's batch number is `q` (exact, after the kind's
 * normalisation), each with everyone who paid for it: the order lines of its lot, left-joined to
 * the farm stock and the applications from it. Empty `q`: nothing (no full dump).
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
  const lots = db.all<Omit<InputLotTrace, "buyers"> & { batchId: number }>(sql`
    select il.id as inputLotId, il.batch_id as batchId, a.name_zh as nameZh, a.name_en as nameEn, a.kind, coalesce(il.registration_no, a.registration_no) as registrationNo,
           il.maker_lot_no as makerLotNo, il.produced_on as producedOn, il.expires_on as expiresOn, p.name_zh as sellerNameZh
    from input_lots il join agri_inputs a on a.id = il.agri_input_id join batches b on b.id = il.batch_id join producers p on p.id = b.producer_id
    where il.maker_lot_no in (${list}) or il.registration_no in (${list}) or a.registration_no in (${list})
    order by il.id limit 50`);
  return lots.map(({ batchId, ...lot }) => {
    const lines = db.all<Omit<InputLotTrace["buyers"][number], "applications"> & { stockId: number | null }>(sql`
      select o.id as orderId, o.status as orderStatus, u.display_name as buyerName, o.contact_phone as contactPhone, ol.quantity, l.unit,
             o.paid_at as boughtAt, s.id as stockId, s.producer_id as producerId, p.name_zh as farmNameZh, s.quantity as left,
             s.voided_quantity as voidedQuantity
      from order_lines ol join orders o on o.id = ol.order_id join users u on u.id = o.buyer_id join listings l on l.id = ol.listing_id
      left join farm_input_stock s on s.order_line_id = ol.id left join producers p on p.id = s.producer_id
      where ol.batch_id = ${batchId} and o.paid_at is not null order by o.paid_at, ol.id`);
    return {
      ...lot,
      buyers: lines.map(({ stockId, ...line }) => ({
        ...line,
        applications:
          stockId === null
            ? []
            : db.all<{ batchId: number; lotCode: string; quantity: number; at: number; eventSeq: number }>(sql`
          select u.batch_id as batchId, b.lot_code as lotCode, u.quantity, u.at, u.event_seq as eventSeq
          from farm_input_uses u join batches b on b.id = u.batch_id where u.stock_id = ${stockId} order by u.at, u.id`),
      })),
    };
  });
}

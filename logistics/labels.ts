/**
 * Parcel labels (面单): what the producer prints and sticks on each box — the parcel code the
 * operator scans or types at arrival, where it goes (point, slot, route), whose it is (buyer's
 * name and masked phone), and per item its lot (GTIN + lot code) so the box stays traceable.
 * Plain module, no Remix. Only the parcel's producer's members and platform admins may read it:
 * the label names the buyer.
 */
import { shanghaiDate } from "../core/clock";
import QRCode from "qrcode";
import type { Db } from "../db/client";
import type { DeliveryPointKind, ParcelStatus, SlotSize } from "../db/schema";
import { canManageProducer, hasRole, type Actor } from "../core/permissions";
import { ForbiddenError, NotFoundError } from "../core/errors";
import { maskPhone } from "./sms";

export type ParcelLabelItem = { title: string; quantity: number; gtin: string | null; lotCode: string };

export type ParcelLabel = {
  parcelId: number;
  code: string;
  status: ParcelStatus;
  size: SlotSize;
  chilled: boolean;
  fresh: boolean;
  point: { id: number; name: string; address: string; kind: DeliveryPointKind; openingHours: string };
  /** Allocated at dispatch; null while awaiting dispatch (or no slot fitted). */
  slotCode: string | null;
  routeName: string | null;
  buyer: { displayName: string; maskedPhone: string };
  producer: { id: number; nameZh: string; nameEn: string };
  orderId: number;
  subOrderId: number;
  items: ParcelLabelItem[];
  /** YYYY-MM-DD in China time; null before dispatch. */
  dispatchedDate: string | null;
};

type LabelRow = {
  parcelId: number;
  code: string;
  status: ParcelStatus;
  size: SlotSize;
  chilled: number;
  fresh: number;
  pointId: number;
  pointName: string;
  pointAddress: string;
  pointKind: DeliveryPointKind;
  openingHours: string;
  slotCode: string | null;
  routeName: string | null;
  buyerName: string;
  phone: string;
  producerId: number;
  producerNameZh: string;
  producerNameEn: string;
  orderId: number;
  subOrderId: number;
  dispatchedAt: number | null;
};

const LABEL_SELECT = `
  select x.id as parcelId, x.code, x.status, x.size, x.chilled, x.fresh,
         dp.id as pointId, dp.name as pointName, dp.address as pointAddress, dp.kind as pointKind, dp.opening_hours as openingHours,
         s.code as slotCode, r.name as routeName,
         u.display_name as buyerName, o.contact_phone as phone,
         p.id as producerId, p.name_zh as producerNameZh, p.name_en as producerNameEn,
         x.order_id as orderId, x.sub_order_id as subOrderId, x.dispatched_at as dispatchedAt
  from parcels x
  join delivery_points dp on dp.id = x.delivery_point_id
  left join storage_slots s on s.id = x.slot_id
  left join courier_routes r on r.id = dp.courier_route_id
  join orders o on o.id = x.order_id
  join users u on u.id = o.buyer_id
  join producers p on p.id = x.producer_id`;

function mayPrint(actor: Actor, producerId: number): boolean {
  return canManageProducer(actor, producerId) || hasRole(actor, "platform_admin");
}

function toLabel(db: Db, r: LabelRow): ParcelLabel {
  const items = db.$client
    .prepare(
      `select l.title, pi.quantity, b.gtin, b.lot_code as lotCode
       from parcel_items pi
       join order_lines ol on ol.id = pi.order_line_id
       join listings l on l.id = ol.listing_id
       join batches b on b.id = ol.batch_id
       where pi.parcel_id = ? order by ol.id`,
    )
    .all(r.parcelId) as ParcelLabelItem[];
  return {
    parcelId: r.parcelId,
    code: r.code,
    status: r.status,
    size: r.size,
    chilled: r.chilled === 1,
    fresh: r.fresh === 1,
    point: { id: r.pointId, name: r.pointName, address: r.pointAddress, kind: r.pointKind, openingHours: r.openingHours },
    slotCode: r.slotCode,
    routeName: r.routeName,
    buyer: { displayName: r.buyerName, maskedPhone: maskPhone(r.phone) },
    producer: { id: r.producerId, nameZh: r.producerNameZh, nameEn: r.producerNameEn },
    orderId: r.orderId,
    subOrderId: r.subOrderId,
    items,
    dispatchedDate: r.dispatchedAt === null ? null : shanghaiDate(r.dispatchedAt),
  };
}

/** One parcel's label. NotFoundError for an unknown id; ForbiddenError unless the actor may print it. */
export function parcelLabel(db: Db, actor: Actor, parcelId: number): ParcelLabel {
  const row = db.$client.prepare(`${LABEL_SELECT} where x.id = ?`).get(parcelId) as LabelRow | undefined;
  if (!row) throw new NotFoundError();
  if (!mayPrint(actor, row.producerId)) throw new ForbiddenError();
  return toLabel(db, row);
}

/** Every label of a sub-order (one page prints them all), in parcel order. */
export function subOrderLabels(db: Db, actor: Actor, subOrderId: number): ParcelLabel[] {
  const producerId = db.$client.prepare(`select producer_id from sub_orders where id = ?`).pluck().get(subOrderId) as number | undefined;
  if (producerId === undefined) throw new NotFoundError();
  if (!mayPrint(actor, producerId)) throw new ForbiddenError();
  const rows = db.$client.prepare(`${LABEL_SELECT} where x.sub_order_id = ? order by x.id`).all(subOrderId) as LabelRow[];
  return rows.map((r) => toLabel(db, r));
}

/**
 * The label with its QR as inline SVG. The QR holds exactly the parcel code (what /station's scan
 * box takes), level M with a 1-module margin: a short code stays big enough for a phone camera.
 */
export async function withQr(label: ParcelLabel): Promise<ParcelLabel & { qrSvg: string }> {
  return { ...label, qrSvg: await QRCode.toString(label.code, { type: "svg", errorCorrectionLevel: "M", margin: 1 }) };
}

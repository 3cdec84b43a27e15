/**
 * The operator's counter (菜鸟驿站 habits) and the smart locker's screen. Plain module, no Remix.
 *
 * One box takes whatever the buyer shows or says:
 *   - a parcel label code        → a parcel on its way is checked in (arrival); one waiting shows its buyer's parcels
 *   - the buyer's QR             → that buyer's waiting parcels, hand-out with the code the QR carries
 *   - the 6-digit pickup code    → the waiting parcel whose derived code matches (compared with every
 *                                  waiting parcel of the point, constant time); a miss counts against the
 *                                  point's lockout exactly like a wrong code at hand-out
 *   - the last 4 digits of a phone → the buyers whose phone ends so, with their waiting parcels. A phone
 *                                  tail only FINDS parcels (the operator fetches them from their slots): as at
 *                                  菜鸟, handing out still needs the pickup code or the QR, because a tail is
 *                                  shared by many people and is no proof of who is at the counter.
 *
 * One code, all the buyer's parcels: a buyer with several parcels at the point (several producers, several
 * orders) gets one code per parcel, but any ONE valid code hands out every parcel of that buyer waiting at
 * that point, shown grouped first with one confirm. The code proves the same thing for all of them (the
 * buyer's phone received it), and a 菜鸟 counter works the same way; parcels that must stay (recall hold,
 * cancelled order, weight not yet recorded) are listed as kept back, never handed out.
 */
import crypto from "node:crypto";
import type Database from "better-sqlite3";
import type { Db } from "../db/client";
import { hasRole, type Actor } from "../core/permissions";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../core/errors";
import { issueOrderInvoices } from "../market/invoices/invoices";
import { getEnv } from "../core/env";
import { isOperatorOf } from "./holding";
import { normaliseParcelCode } from "./order-parcels";
import {
  assertNotHeldOrCancelled,
  assertPayable,
  MAX_POINT_FAILURES,
  PARCEL_SELECT,
  PickupRefusedError,
  POINT_WINDOW_MS,
  pointFailures,
  releaseParcel,
  type HandOutResult,
  type ParcelAtPoint,
} from "./parcels";
import { normalisePickupCode, parsePickupQrPayload, pickupCode } from "./pickup-code";
import { maskPhone } from "./sms";

type Sqlite = Database.Database;

export type CounterParcel = { id: number; code: string; slotCode: string | null; status: string; recallHold: boolean; orderId: number };
export type CounterGroup = {
  buyerName: string;
  maskedPhone: string;
  parcels: CounterParcel[];
  /** 到站付款 still to collect across the buyer's orders here (each order's total once). */
  payDueFen: number;
};

export type CounterLookup =
  | { kind: "arrive"; parcelCode: string }
  | { kind: "code"; pickupCode: string; group: CounterGroup }
  | { kind: "parcel"; group: CounterGroup }
  | { kind: "tail"; tail: string; groups: CounterGroup[] };

const WAITING = `('arrived', 'return_flagged')`;

type WaitingRow = {
  id: number;
  code: string;
  nonce: string;
  buyerId: number;
  slotCode: string | null;
  status: string;
  orderId: number;
  phone: string;
  buyerName: string;
  recallHold: number;
  payDueFen: number | null;
};

function waitingAt(sqlite: Sqlite, pointId: number, where = "", ...args: unknown[]): WaitingRow[] {
  return sqlite
    .prepare(
      `select x.id, x.code, x.pickup_code_nonce as nonce, o.buyer_id as buyerId, s.code as slotCode, x.status, x.order_id as orderId,
              o.contact_phone as phone, u.display_name as buyerName,
              exists (select 1 from parcel_items pi join order_lines ol on ol.id = pi.order_line_id where pi.parcel_id = x.id and ol.hold_reason is not null) as recallHold,
              case when o.pay_at_pickup = 1 and o.status = 'pending_payment' then o.total_fen else null end as payDueFen
       from parcels x join orders o on o.id = x.order_id join users u on u.id = o.buyer_id left join storage_slots s on s.id = x.slot_id
       where x.delivery_point_id = ? and x.status in ${WAITING} and x.pickup_code_nonce is not null ${where}
       order by o.buyer_id, x.id`,
    )
    .all(pointId, ...args) as WaitingRow[];
}

function groupOf(rows: WaitingRow[]): CounterGroup {
  const dues = new Map<number, number>();
  for (const r of rows) if (r.payDueFen !== null) dues.set(r.orderId, r.payDueFen);
  return {
    buyerName: rows[0].buyerName,
    maskedPhone: maskPhone(rows[0].phone),
    parcels: rows.map((r) => ({ id: r.id, code: r.code, slotCode: r.slotCode, status: r.status, recallHold: r.recallHold === 1, orderId: r.orderId })),
    payDueFen: [...dues.values()].reduce((a, b) => a + b, 0),
  };
}

/**
 * The waiting parcel at the point whose code is `typed`: every waiting parcel is compared (no early
 * exit), each comparison constant time, so the time taken says nothing about which one matched.
 */
function matchCode(rows: WaitingRow[], typed: string): WaitingRow | null {
  const want = Buffer.from(typed);
  let found: WaitingRow | null = null;
  for (const r of rows) {
    if (crypto.timingSafeEqual(Buffer.from(pickupCode(r.id, r.nonce)), want) && found === null) found = r;
  }
  return found;
}

function assertOperator(sqlite: Sqlite, actor: Actor, pointId: number) {
  if (!hasRole(actor, "delivery_operator") || !isOperatorOf(sqlite, actor, pointId)) throw new ForbiddenError();
}

/** A code that matched nothing: recorded against the point (its 20-in-15-minutes lockout), then refused. */
function countMiss(sqlite: Sqlite, pointId: number, operatorUserId: number | null, now: number): PickupRefusedError {
  sqlite
    .prepare(`insert into pickup_attempts (delivery_point_id, parcel_id, operator_user_id, success, at) values (?, null, ?, 0, ?)`)
    .run(pointId, operatorUserId, now);
  return new PickupRefusedError("parcels.error.noParcelForCode", { left: Math.max(0, MAX_POINT_FAILURES - pointFailures(sqlite, pointId, now)) });
}

function assertPointOpen(sqlite: Sqlite, pointId: number, now: number) {
  if (pointFailures(sqlite, pointId, now) >= MAX_POINT_FAILURES)
    throw new PickupRefusedError("parcels.error.pointLocked", { minutes: POINT_WINDOW_MS / 60_000 });
}

/** Reads what was typed or scanned in the counter box at one of the operator's points. Nothing is handed out here. */
export function counterLookup(db: Db, actor: Actor, pointId: number, text: string, now = Date.now()): CounterLookup {
  const sqlite = db.$client;
  assertOperator(sqlite, actor, pointId);
  const input = text.trim();
  const digits = input.replace(/[\s-]/g, "").replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));

  const qr = parsePickupQrPayload(input);
  if (qr) {
    const rows = waitingAt(sqlite, pointId);
    const parcel = rows.find((r) => r.code === qr.parcelCode);
    if (!parcel) throw new NotFoundError("parcel");
    return { kind: "code", pickupCode: qr.code, group: groupOf(rows.filter((r) => r.buyerId === parcel.buyerId)) };
  }
  if (/^\d{4}$/.test(digits)) {
    const rows = waitingAt(sqlite, pointId).filter((r) => r.phone.replace(/\D/g, "").endsWith(digits));
    const byBuyer = new Map<number, WaitingRow[]>();
    for (const r of rows) byBuyer.set(r.buyerId, [...(byBuyer.get(r.buyerId) ?? []), r]);
    return { kind: "tail", tail: digits, groups: [...byBuyer.values()].map(groupOf) };
  }
  if (/^\d{6}$/.test(digits)) {
    // A miss is written and must survive the refusal: the transaction returns, then we throw.
    const r = sqlite
      .transaction((): CounterLookup | PickupRefusedError => {
        assertPointOpen(sqlite, pointId, now);
        const rows = waitingAt(sqlite, pointId);
        const hit = matchCode(rows, digits);
        if (!hit) return countMiss(sqlite, pointId, actor.id, now);
        return { kind: "code", pickupCode: digits, group: groupOf(rows.filter((x) => x.buyerId === hit.buyerId)) };
      })
      .immediate();
    if (r instanceof PickupRefusedError) throw r;
    return r;
  }
  const code = normaliseParcelCode(input);
  if (!code) throw new DomainRuleError("parcels.error.badCounterInput");
  const p = sqlite.prepare(`select status, delivery_point_id as pointId from parcels where code = ?`).get(code) as
    { status: string; pointId: number } | undefined;
  // Another point's parcel does not exist for this operator.
  if (!p || p.pointId !== pointId) throw new NotFoundError("parcel");
  if (p.status === "dispatched") return { kind: "arrive", parcelCode: code };
  const rows = waitingAt(sqlite, pointId);
  const parcel = rows.find((r) => r.code === code);
  if (!parcel) throw new DomainRuleError("parcels.error.notAtPoint");
  return { kind: "parcel", group: groupOf(rows.filter((r) => r.buyerId === parcel.buyerId)) };
}

export type GroupHandOutResult = {
  handedOut: HandOutResult[];
  /** Parcels of the buyer that stay at the point, with the reason (message key). */
  keptBack: { code: string; reason: string }[];
  slots: string[];
};

/**
 * Hands out every parcel of one buyer waiting at the point against any one of their codes. The code
 * is matched as at the counter (a miss counts against the point's lockout); 到站付款 due on any of
 * the orders must be confirmed. operatorUserId null: a locker (the pickup event names no operator).
 */
function handOutGroup(
  db: Db,
  operatorUserId: number | null,
  pointId: number,
  typedCode: string,
  confirmPayment: boolean,
  now: number,
  shownParcelId?: number,
): GroupHandOutResult {
  const sqlite = db.$client;
  const typed = normalisePickupCode(typedCode);
  if (!typed) throw new DomainRuleError("parcels.error.badPickupCode");
  const paidOrders: number[] = [];
  const r = sqlite
    .transaction((): GroupHandOutResult | PickupRefusedError => {
      assertPointOpen(sqlite, pointId, now);
      const rows = waitingAt(sqlite, pointId);
      const hit = matchCode(rows, typed);
      // The code must be the buyer's whose parcels the operator was shown (a phone tail lists several buyers).
      const shownBuyer = shownParcelId === undefined ? undefined : rows.find((x) => x.id === shownParcelId)?.buyerId;
      if (!hit || (shownParcelId !== undefined && hit.buyerId !== shownBuyer)) return countMiss(sqlite, pointId, operatorUserId, now);
      sqlite
        .prepare(`insert into pickup_attempts (delivery_point_id, parcel_id, operator_user_id, success, at) values (?, ?, ?, 1, ?)`)
        .run(pointId, hit.id, operatorUserId, now);
      const mine = rows.filter((x) => x.buyerId === hit.buyerId);
      const out: GroupHandOutResult = { handedOut: [], keptBack: [], slots: [] };
      for (const row of mine) {
        // Re-read each time: an earlier parcel of the same order may have just paid it.
        const p = sqlite.prepare(`${PARCEL_SELECT} where x.id = ?`).get(row.id) as ParcelAtPoint;
        try {
          assertNotHeldOrCancelled(sqlite, p.id);
          const mustPay = assertPayable(sqlite, p, confirmPayment);
          const done = releaseParcel(db, operatorUserId, p, mustPay, now);
          if (done.paidAtPickup) paidOrders.push(done.orderId);
          out.handedOut.push(done);
          if (p.slotCode) out.slots.push(p.slotCode);
        } catch (err) {
          // 到站付款 not confirmed stops everything at a counter (take the money first); a locker keeps that parcel shut.
          if (err instanceof DomainRuleError && err.messageKey === "parcels.error.confirmPayment" && operatorUserId !== null) throw err;
          if (err instanceof DomainRuleError) out.keptBack.push({ code: p.code, reason: err.messageKey });
          else throw err;
        }
      }
      return out;
    })
    .immediate();
  if (r instanceof PickupRefusedError) throw r;
  for (const orderId of paidOrders) issueOrderInvoices(db, orderId, now);
  return r;
}

/** The operator's one confirm at the counter: every waiting parcel of the code's buyer at this point. */
export function handOutBuyerParcels(
  db: Db,
  actor: Actor,
  input: { pointId: number; pickupCode: string; confirmPayment?: boolean; /** a parcel of the group shown: the code must be that buyer's */ parcelId?: number },
  now = Date.now(),
): GroupHandOutResult {
  assertOperator(db.$client, actor, input.pointId);
  return handOutGroup(db, actor.id, input.pointId, input.pickupCode, input.confirmPayment === true, now, input.parcelId);
}

// ─── the locker's screen ─────────────────────────────────────────────────────

/**
 * The locker device's token: derived, not stored — HMAC(PICKUP_CODE_SECRET, "locker-device:<id>"),
 * 128 bits, base64url. The admin reads it on the point's page and configures the screen's URL with
 * it once; only a locker point has one. Rotating the secret rotates every token (and every code).
 */
export function lockerDeviceToken(pointId: number, secret: string = getEnv().PICKUP_CODE_SECRET): string {
  return crypto.createHmac("sha256", secret).update(`locker-device:${pointId}`).digest().subarray(0, 16).toString("base64url");
}

export type LockerScreen = { pointId: number; name: string; openingHours: string };

/** The locker point behind a screen request, or not found (a wrong token, a point that is no locker). */
export function lockerForDevice(db: Db, pointId: number, token: string): LockerScreen {
  const point = db.$client.prepare(`select id, name, kind, active, opening_hours as openingHours from delivery_points where id = ?`).get(pointId) as
    { id: number; name: string; kind: string; active: number; openingHours: string } | undefined;
  const expected = Buffer.from(lockerDeviceToken(pointId));
  const given = Buffer.from(token.padEnd(expected.length, "\0").slice(0, 64));
  const ok = given.length === expected.length && crypto.timingSafeEqual(given, expected);
  if (!point || point.kind !== "locker" || !ok) throw new NotFoundError("locker");
  return { pointId: point.id, name: point.name, openingHours: point.openingHours };
}

/**
 * The buyer types their code on the locker: the compartments of all their parcels there open (the
 * slots are returned for the screen) and the pickup is recorded exactly as at a counter, with the
 * same lockout. No 到站付款 at a locker: such a parcel stays shut and is listed as kept back.
 */
export function lockerPickup(db: Db, pointId: number, token: string, typedCode: string, now = Date.now()): GroupHandOutResult {
  lockerForDevice(db, pointId, token);
  return handOutGroup(db, null, pointId, typedCode, false, now);
}

// ─── notices that carry the code ─────────────────────────────────────────────

type NoticeLike = { kind: string; messageKey: string; params: Record<string, string | number> };

const NOTICES_WITH_CODE: Record<string, string> = {
  "parcels.notice.arrived": "parcels.notice.arrivedWithCode",
  "parcels.notice.reminder": "parcels.notice.reminderWithCode",
};

/**
 * The README's promise holds: a pickup code is never stored, not even in a notice. An arrival or
 * reminder notice stores the parcel's id; when the buyer reads it while the parcel still waits, the
 * code is derived now (as on the order page) and the notice is shown with it. A parcel already
 * collected or returned shows the notice without a code.
 */
export function withPickupCodes<N extends NoticeLike>(db: Db, userId: number, notices: N[]): N[] {
  const parcel = db.$client.prepare(
    `select x.id, x.pickup_code_nonce as nonce from parcels x join orders o on o.id = x.order_id
     where x.id = ? and o.buyer_id = ? and x.status in ${WAITING} and x.pickup_code_nonce is not null`,
  );
  return notices.map((n) => {
    const withCode = NOTICES_WITH_CODE[n.messageKey];
    const parcelId = Number(n.params.parcelId);
    if (!withCode || !Number.isInteger(parcelId)) return n;
    const p = parcel.get(parcelId, userId) as { id: number; nonce: string } | undefined;
    return p ? { ...n, messageKey: withCode, params: { ...n.params, code: pickupCode(p.id, p.nonce) } } : n;
  });
}

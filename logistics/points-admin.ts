/**
 * Platform admins manage the delivery network (/admin/logistics/points/…): create and edit points,
 * add standard-size slots, take slots in and out of service, and assign operators. Every function
 * takes the acting user and refuses anyone but a platform admin; every write is one transaction and
 * ends by dropping checkout's cached network (invalidateNetwork), so the next checkout sees it.
 * Plain module, no Remix.
 *
 * Rules kept here rather than in the forms (the forms check formats too, with the same keys):
 * - a point's county is a county in `regions`; its village (if any) lies in that county, and so
 *   does its courier route;
 * - staffed points have a parcel capacity > 0; lockers have none (their compartments are the capacity);
 * - a slot a parcel occupies (dispatched / arrived / return_flagged) stays in service; a slot that
 *   ever held a parcel is never deleted (its parcels keep pointing at it) — out of service instead;
 * - deactivating a point is allowed: checkout refuses inactive points, parcels already there stay.
 */
import type { Db } from "../db/client";
import { DELIVERY_POINT_KINDS, SLOT_SIZES, type DeliveryPointKind, type SlotSize } from "../db/schema";
import { hasRole, type Actor } from "../core/permissions";
import { maskPhone, normalisePhone } from "../core/phone";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../core/errors";
import { once } from "../core/once";
import { invalidateNetwork } from "./network";
import { insertDeliveryPoint, insertStandardSlots, MAX_LOCKER_AMBIENT_SLOTS } from "./point-store";
import {
  ADDRESS_MAX,
  HOLDING_DAYS,
  isStaffedKind,
  latInChina,
  lngInChina,
  MAX_PARCEL_CAPACITY,
  NAME_MAX,
  SLOTS_PER_CALL,
  TOWNSHIP_MAX,
  validOpeningHours,
} from "./point-rules";
import { sizeRank } from "./sizes";
import { IN_SLOT_SQL, parcelsHeldAt } from "./occupancy";

export { isStaffedKind, validOpeningHours };

export type PointInput = {
  kind: DeliveryPointKind;
  name: string;
  address: string;
  countyId: number;
  township: string | null;
  villageId: number | null;
  lat: number;
  lng: number;
  /** Staffed kinds: required, > 0. Lockers: must be null. */
  parcelCapacity: number | null;
  /** "HH:MM-HH:MM" (start before end, Asia/Shanghai) or "24h". */
  openingHours: string;
  holdingDaysFresh: number;
  holdingDaysOther: number;
  courierRouteId: number | null;
  active: boolean;
};

function requireAdmin(actor: Actor): void {
  if (!hasRole(actor, "platform_admin")) throw new ForbiddenError();
}

/** Runs `fn` in one IMMEDIATE transaction, then drops checkout's cached network. */
function write<T>(db: Db, fn: () => T): T {
  const result = db.$client.transaction(fn).immediate();
  invalidateNetwork();
  return result;
}

type ExistingPoint = { id: number; kind: DeliveryPointKind };

function loadPoint(db: Db, pointId: number): ExistingPoint {
  const p = db.$client.prepare(`select id, kind from delivery_points where id = ?`).get(pointId) as ExistingPoint | undefined;
  if (!p) throw new NotFoundError("delivery point");
  return p;
}

/** Checks the input against the rules and the database; returns it tidied (trimmed, nulls). */
function checkPointInput(db: Db, input: PointInput): PointInput {
  const sqlite = db.$client;
  const name = input.name.trim();
  const address = input.address.trim();
  const township = input.township?.trim() || null;
  if (!(DELIVERY_POINT_KINDS as readonly string[]).includes(input.kind)) throw new DomainRuleError("pointsAdmin.error.kind");
  if (!name || name.length > NAME_MAX) throw new DomainRuleError("pointsAdmin.error.name");
  if (!address || address.length > ADDRESS_MAX) throw new DomainRuleError("pointsAdmin.error.address");
  if (township && township.length > TOWNSHIP_MAX) throw new DomainRuleError("pointsAdmin.error.township");
  const county = sqlite.prepare(`select id from regions where id = ? and level = 'county'`).get(input.countyId);
  if (!county) throw new DomainRuleError("pointsAdmin.error.county");
  if (input.villageId !== null) {
    const v = sqlite.prepare(`select county_id as countyId from villages where id = ?`).get(input.villageId) as { countyId: number } | undefined;
    if (!v || v.countyId !== input.countyId) throw new DomainRuleError("pointsAdmin.error.villageCounty");
  }
  if (!latInChina(input.lat)) throw new DomainRuleError("pointsAdmin.error.lat");
  if (!lngInChina(input.lng)) throw new DomainRuleError("pointsAdmin.error.lng");
  if (isStaffedKind(input.kind)) {
    if (input.parcelCapacity === null || !Number.isInteger(input.parcelCapacity) || input.parcelCapacity <= 0 || input.parcelCapacity > MAX_PARCEL_CAPACITY) {
      throw new DomainRuleError("pointsAdmin.error.capacity");
    }
  } else if (input.parcelCapacity !== null) {
    throw new DomainRuleError("pointsAdmin.error.lockerCapacity");
  }
  if (!validOpeningHours(input.openingHours)) throw new DomainRuleError("pointsAdmin.error.hours");
  for (const d of [input.holdingDaysFresh, input.holdingDaysOther]) {
    if (!Number.isInteger(d) || d < HOLDING_DAYS.min || d > HOLDING_DAYS.max) throw new DomainRuleError("pointsAdmin.error.holdingDays");
  }
  if (input.courierRouteId !== null) {
    const r = sqlite.prepare(`select county_id as countyId from courier_routes where id = ?`).get(input.courierRouteId) as { countyId: number } | undefined;
    if (!r || r.countyId !== input.countyId) throw new DomainRuleError("pointsAdmin.error.route");
  }
  return { ...input, name, address, township };
}

/** A new point, without slots (add them with addSlots) or operators. Returns its id. */
export function createPoint(db: Db, actor: Actor, input: PointInput, formToken?: string): number {
  requireAdmin(actor);
  return write(db, () =>
    once(db, { actorId: actor.id, token: formToken, kind: "delivery_point" }, () => {
      const p = checkPointInput(db, input);
      return insertDeliveryPoint(db, { ...p, parcelCapacity: isStaffedKind(p.kind) ? p.parcelCapacity : null });
    }),
  );
}

/**
 * Edits every field of a point. A locker cannot become a staffed point (or back) while it has
 * slots: compartments and shelves are different things with differently printed codes.
 */
export function updatePoint(db: Db, actor: Actor, pointId: number, input: PointInput): void {
  requireAdmin(actor);
  write(db, () => {
    const existing = loadPoint(db, pointId);
    const p = checkPointInput(db, input);
    if (isStaffedKind(existing.kind) !== isStaffedKind(p.kind)) {
      const slots = db.$client.prepare(`select count(*) from storage_slots where delivery_point_id = ?`).pluck().get(pointId) as number;
      if (slots > 0) throw new DomainRuleError("pointsAdmin.error.kindChange");
    }
    db.$client
      .prepare(
        `update delivery_points set kind = ?, name = ?, address = ?, county_id = ?, township = ?, village_id = ?, lat = ?, lng = ?,
                parcel_capacity = ?, opening_hours = ?, holding_days_fresh = ?, holding_days_other = ?, courier_route_id = ?, active = ?
         where id = ?`,
      )
      .run(
        p.kind,
        p.name,
        p.address,
        p.countyId,
        p.township,
        p.villageId,
        p.lat,
        p.lng,
        isStaffedKind(p.kind) ? p.parcelCapacity : null,
        p.openingHours,
        p.holdingDaysFresh,
        p.holdingDaysOther,
        p.courierRouteId,
        p.active ? 1 : 0,
        pointId,
      );
  });
}

/** Adds `count` slots of a standard size; their codes continue the point's numbering. Returns the codes. */
export function addSlots(db: Db, actor: Actor, pointId: number, spec: { size: SlotSize; chilled: boolean; count: number }, formToken?: string): string[] {
  requireAdmin(actor);
  if (!(SLOT_SIZES as readonly string[]).includes(spec.size)) throw new DomainRuleError("pointsAdmin.error.slotSize");
  if (!Number.isInteger(spec.count) || spec.count < SLOTS_PER_CALL.min || spec.count > SLOTS_PER_CALL.max) {
    throw new DomainRuleError("pointsAdmin.error.slotCount");
  }
  return write(db, () =>
    once(db, { actorId: actor.id, token: formToken, kind: "slots" }, () => {
      const point = loadPoint(db, pointId);
      if (point.kind === "locker" && !spec.chilled) {
        const ambient = db.$client.prepare(`select count(*) from storage_slots where delivery_point_id = ? and chilled = 0`).pluck().get(pointId) as number;
        if (ambient + spec.count > MAX_LOCKER_AMBIENT_SLOTS) throw new DomainRuleError("pointsAdmin.error.lockerFull");
      }
      return insertStandardSlots(db, pointId, point.kind, [spec]);
    }),
  );
}

/** Takes a slot out of service (refused while a parcel occupies it) or back into service. */
export function setSlotInService(db: Db, actor: Actor, slotId: number, inService: boolean): void {
  requireAdmin(actor);
  write(db, () => {
    const slot = db.$client.prepare(`select id from storage_slots where id = ?`).get(slotId);
    if (!slot) throw new NotFoundError("slot");
    if (!inService) {
      const held = db.$client.prepare(`select 1 from parcels where slot_id = ? and status in ${IN_SLOT_SQL} limit 1`).get(slotId);
      if (held) throw new DomainRuleError("pointsAdmin.error.slotOccupied");
    }
    db.$client.prepare(`update storage_slots set out_of_service = ? where id = ?`).run(inService ? 0 : 1, slotId);
  });
}

/** Deletes a slot that never held a parcel (a mistake when adding); any other slot goes out of service instead. */
export function deleteSlot(db: Db, actor: Actor, slotId: number): void {
  requireAdmin(actor);
  write(db, () => {
    const slot = db.$client.prepare(`select id from storage_slots where id = ?`).get(slotId);
    if (!slot) throw new NotFoundError("slot");
    const used = db.$client.prepare(`select 1 from parcels where slot_id = ? limit 1`).get(slotId);
    if (used) throw new DomainRuleError("pointsAdmin.error.slotUsed");
    db.$client.prepare(`delete from storage_slots where id = ?`).run(slotId);
  });
}

/** Makes the user with this phone number an operator of the point; they must have the delivery_operator role. Returns their id. */
export function addOperator(db: Db, actor: Actor, pointId: number, phone: string, formToken?: string): number {
  requireAdmin(actor);
  const normalised = normalisePhone(phone);
  if (!normalised) throw new DomainRuleError("pointsAdmin.error.phone");
  return write(db, () =>
    once(db, { actorId: actor.id, token: formToken, kind: "point_operator" }, () => {
      loadPoint(db, pointId);
      const sqlite = db.$client;
      const userId = sqlite.prepare(`select id from users where phone = ?`).pluck().get(normalised) as number | undefined;
      if (userId === undefined) throw new DomainRuleError("pointsAdmin.error.unknownUser");
      const isOperator = sqlite.prepare(`select 1 from user_roles where user_id = ? and role = 'delivery_operator'`).get(userId);
      if (!isOperator) throw new DomainRuleError("pointsAdmin.error.notOperator");
      const already = sqlite.prepare(`select 1 from delivery_point_operators where delivery_point_id = ? and user_id = ?`).get(pointId, userId);
      if (already) throw new DomainRuleError("pointsAdmin.error.alreadyOperator");
      sqlite.prepare(`insert into delivery_point_operators (delivery_point_id, user_id) values (?, ?)`).run(pointId, userId);
      return userId;
    }),
  );
}

/** The user stops operating the point (their role stays; parcels at the point stay). */
export function removeOperator(db: Db, actor: Actor, pointId: number, userId: number): void {
  requireAdmin(actor);
  write(db, () => {
    loadPoint(db, pointId);
    const r = db.$client.prepare(`delete from delivery_point_operators where delivery_point_id = ? and user_id = ?`).run(pointId, userId);
    if (r.changes === 0) throw new NotFoundError("operator");
  });
}

// ─── read side for the admin forms ───────────────────────────────────────────

export type PlaceOptions = {
  counties: { id: number; nameZh: string; nameEn: string; province: string }[];
  villages: { id: number; countyId: number; nameZh: string; nameEn: string }[];
  routes: { id: number; countyId: number; name: string; depotName: string }[];
};

/** Counties, villages and courier routes to choose from (grouped by county in the forms). */
export function placeOptions(db: Db, actor: Actor): PlaceOptions {
  requireAdmin(actor);
  const sqlite = db.$client;
  // A county's province is two levels up (county → prefecture → province) or one (municipality districts).
  const counties = sqlite
    .prepare(
      `select c.id, c.name_zh as nameZh, c.name_en as nameEn,
              coalesce(case when p1.level = 'province' then p1.name_zh end, p2.name_zh, '') as province
       from regions c left join regions p1 on p1.id = c.parent_id left join regions p2 on p2.id = p1.parent_id
       where c.level = 'county' order by c.code`,
    )
    .all() as PlaceOptions["counties"];
  const villages = sqlite
    .prepare(`select id, county_id as countyId, name_zh as nameZh, name_en as nameEn from villages order by county_id, name_zh`)
    .all() as PlaceOptions["villages"];
  const routes = sqlite
    .prepare(`select id, county_id as countyId, name, depot_name as depotName from courier_routes order by county_id, name`)
    .all() as PlaceOptions["routes"];
  return { counties, villages, routes };
}

export type SlotRow = { id: number; code: string; outOfService: boolean; occupiedBy: string | null; everUsed: boolean };
export type SlotGroup = {
  size: SlotSize;
  chilled: boolean;
  total: number;
  free: number;
  occupied: number;
  outOfService: number;
  slots: SlotRow[];
};

export type PointForAdmin = {
  /** countyId may be null for points made before counties were required (seeds, tests). */
  point: Omit<PointInput, "countyId"> & { id: number; countyId: number | null };
  slotGroups: SlotGroup[];
  operators: { id: number; displayName: string; phoneMasked: string }[];
  parcelsHeld: number;
};

/** A point with its slots grouped by chilled and size (ambient first, small to large) and its operators. */
export function pointForAdmin(db: Db, actor: Actor, pointId: number): PointForAdmin {
  requireAdmin(actor);
  const sqlite = db.$client;
  const row = sqlite
    .prepare(
      `select id, kind, name, address, county_id as countyId, township, village_id as villageId, lat, lng, parcel_capacity as parcelCapacity,
              opening_hours as openingHours, holding_days_fresh as holdingDaysFresh, holding_days_other as holdingDaysOther,
              courier_route_id as courierRouteId, active
       from delivery_points where id = ?`,
    )
    .get(pointId) as (Omit<PointInput, "active" | "countyId"> & { id: number; countyId: number | null; active: number }) | undefined;
  if (!row) throw new NotFoundError("delivery point");
  const slots = sqlite
    .prepare(
      `select s.id, s.code, s.size, s.chilled, s.out_of_service as outOfService,
              (select x.code from parcels x where x.slot_id = s.id and x.status in ${IN_SLOT_SQL} limit 1) as occupiedBy,
              exists (select 1 from parcels x where x.slot_id = s.id) as everUsed
       from storage_slots s where s.delivery_point_id = ? order by s.id`,
    )
    .all(pointId) as { id: number; code: string; size: SlotSize; chilled: number; outOfService: number; occupiedBy: string | null; everUsed: number }[];
  const groups = new Map<string, SlotGroup>();
  for (const s of slots) {
    const key = `${s.chilled}-${s.size}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { size: s.size, chilled: s.chilled === 1, total: 0, free: 0, occupied: 0, outOfService: 0, slots: [] }));
    g.total++;
    if (s.occupiedBy) g.occupied++;
    if (s.outOfService) g.outOfService++;
    else if (!s.occupiedBy) g.free++;
    g.slots.push({ id: s.id, code: s.code, outOfService: s.outOfService === 1, occupiedBy: s.occupiedBy, everUsed: s.everUsed === 1 });
  }
  const slotGroups = [...groups.values()].sort((a, b) => Number(a.chilled) - Number(b.chilled) || sizeRank(a.size) - sizeRank(b.size));
  const operators = (
    sqlite
      .prepare(
        `select u.id, u.display_name as displayName, u.phone from delivery_point_operators o join users u on u.id = o.user_id
         where o.delivery_point_id = ? order by u.display_name`,
      )
      .all(pointId) as { id: number; displayName: string; phone: string }[]
  ).map((o) => ({ id: o.id, displayName: o.displayName, phoneMasked: maskPhone(o.phone) }));
  const parcelsHeld = parcelsHeldAt(sqlite, pointId);
  return { point: { ...row, active: row.active === 1 }, slotGroups, operators, parcelsHeld };
}

/** The point a slot belongs to (routes check a posted slot id against the page's point). */
export function slotPointId(db: Db, slotId: number): number | null {
  return (db.$client.prepare(`select delivery_point_id from storage_slots where id = ?`).pluck().get(slotId) as number | undefined) ?? null;
}

/**
 * The platform's view of the delivery network (/admin/logistics): every point with its county,
 * route, operators and load, and the parcels overdue for pickup. Read-only; platform admins and
 * inspectors may read it. Plain module, no Remix.
 *
 * Load of a point: parcels waiting (arrived + return_flagged: on the shelf or in a compartment),
 * expected (dispatched: on the way, slot already allocated), free slots by size and chilled (in
 * service and not held by a waiting or expected parcel), and capacity use = (waiting + expected) /
 * capacity, where capacity is the parcel capacity of a staffed point, or a locker's compartments.
 * Parcels holding a recalled lot are counted apart (recallHeld: on the way, on the shelf or in
 * quarantine), never as ordinary waiting or expected parcels nor as overdue.
 */
import type { Db } from "../db/client";
import { DELIVERY_POINT_KINDS, type DeliveryPointKind, type SlotSize } from "../db/schema";
import { hasRole, type Actor } from "../core/permissions";
import { maskPhone } from "../core/phone";
import { ForbiddenError } from "../core/errors";
import { IN_SLOT_SQL, recallHeldSql } from "./occupancy";
import { OVERLOAD_PCT, loadLevel, type LoadLevel } from "./load-levels";

export { BUSY_PCT, OVERLOAD_PCT, loadLevel, type LoadLevel } from "./load-levels";

const DAY = 86_400_000;

/** Ambient slots by size, and chilled slots (all sizes). */
export type SlotTally = { small: number; medium: number; large: number; chilled: number };

export type NetworkFilters = { countyId?: number; kind?: DeliveryPointKind; overloaded?: boolean };

export type NetworkPointRow = {
  id: number;
  kind: DeliveryPointKind;
  name: string;
  address: string;
  township: string | null;
  lat: number;
  lng: number;
  active: boolean;
  openingHours: string;
  county: { id: number; nameZh: string; nameEn: string } | null;
  route: { id: number; name: string; depotName: string } | null;
  operators: { id: number; displayName: string }[];
  parcelCapacity: number | null;
  /** arrived + return_flagged */
  waiting: number;
  /** of which return_flagged */
  flagged: number;
  /** dispatched */
  expected: number;
  /** Parcels holding a recalled lot (on the way, on the shelf, in quarantine): not for pickup. */
  recallHeld: number;
  free: SlotTally;
  total: SlotTally;
  /** Parcels the point can hold at once (parcel capacity, or compartments in service). */
  capacity: number;
  /** (waiting + expected) / capacity, in whole per cent. */
  usePct: number;
  level: LoadLevel;
  overloaded: boolean;
};

export type OverdueParcel = {
  parcelId: number;
  code: string;
  orderId: number;
  pointId: number;
  pointName: string;
  status: "arrived" | "return_flagged";
  holdUntil: number;
  /** Whole days since the holding period ended, at least 1. */
  daysOverdue: number;
  buyerPhoneMasked: string;
};

export type NetworkOverview = {
  points: NetworkPointRow[];
  overdue: OverdueParcel[];
  /** Counties that have points, for the filter. */
  counties: { id: number; nameZh: string; nameEn: string; points: number }[];
  totals: { points: number; waiting: number; expected: number; overdue: number; overloaded: number; recallHeld: number };
};

export function canReadNetwork(actor: Actor | null | undefined): boolean {
  return hasRole(actor, "platform_admin", "inspector");
}

const emptyTally = (): SlotTally => ({ small: 0, medium: 0, large: 0, chilled: 0 });

/** The network with each point's load and the overdue parcels, filtered by county and kind (and overload). */
export function networkOverview(db: Db, actor: Actor, filters: NetworkFilters = {}, now: number = Date.now()): NetworkOverview {
  if (!canReadNetwork(actor)) throw new ForbiddenError();
  const sqlite = db.$client;
  const where: string[] = [];
  const params: (number | string)[] = [];
  if (filters.countyId !== undefined) {
    where.push("p.county_id = ?");
    params.push(filters.countyId);
  }
  if (filters.kind !== undefined && (DELIVERY_POINT_KINDS as readonly string[]).includes(filters.kind)) {
    where.push("p.kind = ?");
    params.push(filters.kind);
  }
  const whereSql = where.length ? `where ${where.join(" and ")}` : "";

  const rows = sqlite
    .prepare(
      `select p.id, p.kind, p.name, p.address, p.township, p.lat, p.lng, p.active, p.opening_hours as openingHours,
              p.parcel_capacity as parcelCapacity,
              c.id as countyId, c.name_zh as countyZh, c.name_en as countyEn,
              r.id as routeId, r.name as routeName, r.depot_name as depotName
       from delivery_points p
       left join regions c on c.id = p.county_id
       left join courier_routes r on r.id = p.courier_route_id
       ${whereSql}
       order by c.code, p.kind, p.name, p.id`,
    )
    .all(...params) as {
    id: number;
    kind: DeliveryPointKind;
    name: string;
    address: string;
    township: string | null;
    lat: number;
    lng: number;
    active: number;
    openingHours: string;
    parcelCapacity: number | null;
    countyId: number | null;
    countyZh: string | null;
    countyEn: string | null;
    routeId: number | null;
    routeName: string | null;
    depotName: string | null;
  }[];

  // Three grouped queries for the whole network rather than a few per point.
  const parcelCounts = new Map<number, { waiting: number; flagged: number; expected: number; recallHeld: number }>();
  for (const r of sqlite
    .prepare(
      `select delivery_point_id as pointId,
              sum(not held and status in ('arrived', 'return_flagged')) as waiting,
              sum(not held and status = 'return_flagged') as flagged,
              sum(not held and status = 'dispatched') as expected,
              sum(held or status = 'quarantined') as recallHeld
       from (select x.delivery_point_id, x.status, ${recallHeldSql("x")} as held from parcels x
             where x.status in ${IN_SLOT_SQL} or x.status = 'quarantined')
       group by delivery_point_id`,
    )
    .all() as { pointId: number; waiting: number; flagged: number; expected: number; recallHeld: number }[]) {
    parcelCounts.set(r.pointId, r);
  }
  const slotTallies = new Map<number, { free: SlotTally; total: SlotTally }>();
  for (const r of sqlite
    .prepare(
      `select s.delivery_point_id as pointId, s.size, s.chilled, count(*) as total,
              sum(not exists (select 1 from parcels x where x.slot_id = s.id and x.status in ${IN_SLOT_SQL})) as free
       from storage_slots s where s.out_of_service = 0 group by s.delivery_point_id, s.size, s.chilled`,
    )
    .all() as { pointId: number; size: SlotSize; chilled: number; total: number; free: number }[]) {
    let t = slotTallies.get(r.pointId);
    if (!t) slotTallies.set(r.pointId, (t = { free: emptyTally(), total: emptyTally() }));
    const key = r.chilled ? "chilled" : r.size;
    t.total[key] += r.total;
    t.free[key] += r.free;
  }
  const operators = new Map<number, { id: number; displayName: string }[]>();
  for (const r of sqlite
    .prepare(
      `select o.delivery_point_id as pointId, u.id, u.display_name as displayName
       from delivery_point_operators o join users u on u.id = o.user_id order by u.display_name, u.id`,
    )
    .all() as { pointId: number; id: number; displayName: string }[]) {
    const list = operators.get(r.pointId) ?? [];
    list.push({ id: r.id, displayName: r.displayName });
    operators.set(r.pointId, list);
  }

  const sumTally = (t: SlotTally) => t.small + t.medium + t.large + t.chilled;
  let points: NetworkPointRow[] = rows.map((r) => {
    const counts = parcelCounts.get(r.id) ?? { waiting: 0, flagged: 0, expected: 0, recallHeld: 0 };
    const slots = slotTallies.get(r.id) ?? { free: emptyTally(), total: emptyTally() };
    const capacity = r.kind === "locker" || r.parcelCapacity === null ? sumTally(slots.total) : r.parcelCapacity;
    // Recalled parcels still take room (a slot or the quarantine shelf) until they leave.
    const load = counts.waiting + counts.expected + counts.recallHeld;
    const usePct = capacity > 0 ? Math.round((100 * load) / capacity) : load > 0 ? 100 : 0;
    return {
      id: r.id,
      kind: r.kind,
      name: r.name,
      address: r.address,
      township: r.township,
      lat: r.lat,
      lng: r.lng,
      active: r.active === 1,
      openingHours: r.openingHours,
      county: r.countyId === null ? null : { id: r.countyId, nameZh: r.countyZh ?? "", nameEn: r.countyEn ?? "" },
      route: r.routeId === null ? null : { id: r.routeId, name: r.routeName ?? "", depotName: r.depotName ?? "" },
      operators: operators.get(r.id) ?? [],
      parcelCapacity: r.parcelCapacity,
      waiting: counts.waiting,
      flagged: counts.flagged,
      expected: counts.expected,
      recallHeld: counts.recallHeld,
      free: slots.free,
      total: slots.total,
      capacity,
      usePct,
      level: loadLevel(usePct),
      overloaded: usePct >= OVERLOAD_PCT,
    };
  });
  if (filters.overloaded) points = points.filter((p) => p.overloaded);

  // Overdue: flagged for return, or past the holding period and not yet swept.
  const overdue = (
    sqlite
      .prepare(
        `select x.id as parcelId, x.code, x.order_id as orderId, x.delivery_point_id as pointId, p.name as pointName, x.status,
                x.hold_until as holdUntil, o.contact_phone as phone
         from parcels x join delivery_points p on p.id = x.delivery_point_id join orders o on o.id = x.order_id
         where (x.status = 'return_flagged' or (x.status = 'arrived' and x.hold_until < ?)) and not ${recallHeldSql("x")}
           ${where.length ? `and ${where.join(" and ")}` : ""}
         order by x.hold_until, x.id`,
      )
      .all(now, ...params) as {
      parcelId: number;
      code: string;
      orderId: number;
      pointId: number;
      pointName: string;
      status: "arrived" | "return_flagged";
      holdUntil: number | null;
      phone: string;
    }[]
  ).map((r): OverdueParcel => ({
    parcelId: r.parcelId,
    code: r.code,
    orderId: r.orderId,
    pointId: r.pointId,
    pointName: r.pointName,
    status: r.status,
    holdUntil: r.holdUntil ?? now,
    daysOverdue: Math.max(1, Math.ceil((now - (r.holdUntil ?? now)) / DAY)),
    buyerPhoneMasked: maskPhone(r.phone),
  }));

  const counties = sqlite
    .prepare(
      `select c.id, c.name_zh as nameZh, c.name_en as nameEn, count(*) as points
       from delivery_points p join regions c on c.id = p.county_id group by c.id order by c.code`,
    )
    .all() as NetworkOverview["counties"];

  return {
    points,
    overdue,
    counties,
    totals: {
      points: points.length,
      waiting: points.reduce((n, p) => n + p.waiting, 0),
      expected: points.reduce((n, p) => n + p.expected, 0),
      overdue: overdue.length,
      overloaded: points.filter((p) => p.overloaded).length,
      recallHeld: points.reduce((n, p) => n + p.recallHeld, 0),
    },
  };
}

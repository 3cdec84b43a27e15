/**
 * The delivery network as checkout sees it: the active points in a spatial index (cached per
 * database; invalidateNetwork() after a point is added, moved or (de)activated), each point's load,
 * and whether a point can take a new order's parcels. Plain module, no Remix.
 *
 * A point can take new parcels when it is active and its free slots hold the new parcels PLUS the
 * parcels already promised to it (awaiting_dispatch: they will need slots when they are dispatched),
 * and — at staffed points with a parcel capacity — when held + promised + new ≤ capacity.
 */
import type { Db } from "../db/client";
import type { DeliveryPointKind } from "../db/schema";
import { countNeeds, fits, takeNeedCounts, type ParcelNeed, type SlotCounts, type SlotLike } from "./capacity";
import { IN_SLOT_SQL, parcelsHeldAt } from "./occupancy";
import { sizeRank } from "./sizes";
import type { LatLng } from "./geo";
import { PointIndex } from "./spatial";

export type NetworkPoint = {
  id: number;
  kind: DeliveryPointKind;
  name: string;
  address: string;
  lat: number;
  lng: number;
  countyId: number | null;
  villageId: number | null;
  township: string | null;
  openingHours: string;
  parcelCapacity: number | null;
  /** Has at least one operator (delivery_point_operators). */
  staffed: boolean;
};

export type Network = { points: NetworkPoint[]; index: PointIndex<NetworkPoint> };

/** One cache per database handle (tests open many); a WeakMap lets closed handles go. */
let cache = new WeakMap<Db, Network>();

/** The active points and their spatial index, loaded once per database until invalidateNetwork(). */
export function loadNetwork(db: Db): Network {
  const hit = cache.get(db);
  if (hit) return hit;
  const rows = db.$client
    .prepare(
      `select p.id, p.kind, p.name, p.address, p.lat, p.lng, p.county_id as countyId, p.village_id as villageId, p.township,
              p.opening_hours as openingHours, p.parcel_capacity as parcelCapacity,
              exists (select 1 from delivery_point_operators o where o.delivery_point_id = p.id) as staffed
       from delivery_points p where p.active = 1 order by p.id`,
    )
    .all() as (Omit<NetworkPoint, "staffed"> & { staffed: number })[];
  const points: NetworkPoint[] = rows.map((r) => ({ ...r, staffed: r.staffed === 1 }));
  const network = { points, index: new PointIndex(points) };
  cache.set(db, network);
  return network;
}

/** Forget every cached network (after a point was created, moved, (de)activated or staffed). */
export function invalidateNetwork(): void {
  cache = new WeakMap();
}

export type PointLoad = {
  pointId: number;
  freeSlots: SlotCounts;
  /** awaiting_dispatch parcels promised to the point, not yet in a slot. */
  committed: ParcelNeed[];
  /** Parcels in a slot there: dispatched | arrived | return_flagged. */
  parcelsHeld: number;
  parcelCapacity: number | null;
};

type SlotClassRow = { chilled: number; size: SlotLike["size"]; n: number };

/** Slots in service by class, and those of them a parcel occupies: two grouped index scans, no per-slot work. */
function freeSlotCounts(db: Db, pointId: number): SlotCounts {
  const sqlite = db.$client;
  const total = sqlite
    .prepare(`select chilled, size, count(*) as n from storage_slots where delivery_point_id = ? and out_of_service = 0 group by chilled, size`)
    .all(pointId) as SlotClassRow[];
  const occupied = sqlite
    .prepare(
      `select s.chilled, s.size, count(*) as n from parcels x join storage_slots s on s.id = x.slot_id
       where x.delivery_point_id = ? and x.status in ${IN_SLOT_SQL} and s.out_of_service = 0 group by s.chilled, s.size`,
    )
    .all(pointId) as SlotClassRow[];
  const c: SlotCounts = [
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (const r of total) c[r.chilled ? 1 : 0][sizeRank(r.size)] += r.n;
  for (const r of occupied) c[r.chilled ? 1 : 0][sizeRank(r.size)] -= r.n;
  return c;
}

function loadFrom(db: Db, pointId: number, capacity: number | null): PointLoad {
  const sqlite = db.$client;
  // A cancelled or refunded order's parcels go nowhere, whatever their own status says.
  const committed: ParcelNeed[] = [];
  const rows = sqlite
    .prepare(
      `select x.size, x.chilled, count(*) as n from parcels x join orders o on o.id = x.order_id
       where x.delivery_point_id = ? and x.status = 'awaiting_dispatch' and x.slot_id is null
         and o.status not in ('cancelled', 'refunded')
       group by x.chilled, x.size order by x.chilled desc, x.size`,
    )
    .all(pointId) as SlotClassRow[];
  for (const r of rows) for (let k = 0; k < r.n; k++) committed.push({ size: r.size, chilled: r.chilled === 1 });
  const parcelsHeld = parcelsHeldAt(sqlite, pointId);
  return { pointId, freeSlots: freeSlotCounts(db, pointId), committed, parcelsHeld, parcelCapacity: capacity };
}

type PointRow = { active: number; parcelCapacity: number | null };
const pointRow = (db: Db, pointId: number) =>
  db.$client.prepare(`select active, parcel_capacity as parcelCapacity from delivery_points where id = ?`).get(pointId) as PointRow | undefined;

/** What the point holds, what is promised to it, and what is free. */
export function pointLoad(db: Db, pointId: number): PointLoad {
  const p = pointRow(db, pointId);
  return loadFrom(db, pointId, p?.parcelCapacity ?? null);
}

export type Feasibility = { ok: true } | { ok: false; reason: "full" | "no_chilled" | "too_big" | "inactive" };

/**
 * Can the point take these new parcels on top of what it already holds and has been promised?
 * Reasons, most permanent first: inactive; no_chilled (a chilled parcel and no chilled slot at
 * all); too_big (a parcel no slot of the point could ever hold); full (otherwise — including slots
 * that exist but are out of service for now).
 */
export function canTakeParcels(db: Db, pointId: number, needs: ParcelNeed[]): Feasibility {
  const p = pointRow(db, pointId);
  if (!p || !p.active) return { ok: false, reason: "inactive" };
  // The slot classes the point has at all (in service or not), for the permanent reasons.
  const classes = (
    db.$client.prepare(`select distinct chilled, size from storage_slots where delivery_point_id = ?`).all(pointId) as Omit<SlotClassRow, "n">[]
  ).map((r, i) => ({ id: i, size: r.size, chilled: r.chilled === 1 }));
  if (needs.some((n) => n.chilled) && !classes.some((s) => s.chilled)) return { ok: false, reason: "no_chilled" };
  if (needs.some((n) => !classes.some((s) => fits(s, n)))) return { ok: false, reason: "too_big" };
  const load = loadFrom(db, pointId, p.parcelCapacity);
  if (load.parcelCapacity !== null && load.parcelsHeld + load.committed.length + needs.length > load.parcelCapacity) return { ok: false, reason: "full" };
  // One set: takeFromCounts orders promised and new needs together (chilled, then largest first), which is exact.
  if (!takeNeedCounts(load.freeSlots, countNeeds([...load.committed, ...needs]))) return { ok: false, reason: "full" };
  return { ok: true };
}

/** Feasible points nearest first (spatial index; feasibility checked lazily, nearest first). */
export function findFeasiblePoints(
  db: Db,
  origin: LatLng,
  needs: ParcelNeed[],
  opts: { limit?: number; excludePointId?: number; maxKm?: number } = {},
): { point: NetworkPoint; km: number }[] {
  const { index } = loadNetwork(db);
  return index.nearest(origin.lat, origin.lng, {
    limit: opts.limit ?? 5,
    maxKm: opts.maxKm,
    accept: (p) => p.id !== opts.excludePointId && canTakeParcels(db, p.id, needs).ok,
  });
}

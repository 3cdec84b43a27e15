/**
 * 共同配送 (joint delivery): one manifest per courier route per service day. Every producer's
 * dispatched parcels for the route's points ride together on one run from the county depot; the
 * stops are ordered by logistics/routing.ts planRoute.
 *
 * Which parcels go on day D's manifest of route R (the point's current courier_route_id is R):
 *   - parcels with status `dispatched`, dispatched before the end of D (Asia/Shanghai), that are
 *     on no manifest yet — so a parcel dispatched on a day nobody built the manifests is carried
 *     on the next day's run instead of being stranded; and
 *   - parcels already on D's manifest of R that have moved on since (arrived, picked up, flagged,
 *     returned): the run happened, the manifest keeps them. Cancelled parcels drop off.
 *   - never a parcel holding a recalled lot that has not reached its point: it is no stop (a
 *     manifest printed before the recall lists it apart, 召回 不得配送; see getManifest).
 * Parcels on an EARLIER day's manifest stay there. Building a day again rebuilds its manifests
 * from that selection (newly dispatched parcels join; a route left with none loses its manifest),
 * so the call is idempotent.
 *
 * "Separately" (the baseline the issue asks for): for each producer with parcels on the run, the
 * tour it would drive alone from the same depot over only the points its own parcels go to,
 * planned the same way (planRoute: constructions + 2-opt/Or-opt, shortest kept); the baseline is
 * the sum of those tours. The joint tour is never longer than that sum: one of its candidate
 * starts is the producers' tours driven one after another with repeated points skipped, which by
 * the triangle inequality is no longer than the sum, and local search only shortens it
 * (routing.ts planJointDelivery).
 */
import { shanghaiDate, shanghaiDayRange } from "../core/clock";
import type { Db } from "../db/client";
import type { DeliveryPointKind, ParcelStatus, SlotSize } from "../db/schema";
import { hasRole, type Actor } from "../core/permissions";
import { maskPhone } from "../core/phone";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../core/errors";
import type { LatLng } from "./geo";
import { planJointDelivery } from "./routing";
import { recallHeldSql } from "./occupancy";

export type ManifestSummary = {
  id: number;
  courierRouteId: number;
  routeName: string;
  depotName: string;
  serviceDate: string;
  stopCount: number;
  parcelCount: number;
  producerCount: number;
  /** Metres: nearest-neighbour construction, the improved joint route, producers separately. */
  constructionLengthM: number;
  lengthM: number;
  separateLengthM: number;
  /** 1 − joint / separate, in percent (0 when there is nothing to compare). */
  savingPercent: number;
};

const savingPercent = (joint: number, separate: number) => (separate > 0 ? Math.round((1 - joint / separate) * 1000) / 10 : 0);
const metres = (km: number) => Math.round(km * 1000);

function requireAdmin(actor: Actor): void {
  if (!hasRole(actor, "platform_admin")) throw new ForbiddenError();
}

type CandidateRow = {
  parcelId: number;
  producerId: number;
  pointId: number;
  lat: number;
  lng: number;
  routeId: number;
};

/**
 * Builds (or rebuilds) every route's manifest for the service day; see the top of this file for
 * which parcels are included. `now` stamps the manifests (created_at = when last built).
 * Access control is the caller's (routes check platform_admin; a timer may call this too).
 */
export function buildDailyManifests(db: Db, serviceDate: string, now: number = Date.now()): ManifestSummary[] {
  const day = shanghaiDayRange(serviceDate);
  if (!day) throw new DomainRuleError("logisticsRoutes.error.date");
  const sqlite = db.$client;

  sqlite
    .transaction(() => {
      const existing = sqlite.prepare(`select id, courier_route_id as routeId from route_manifests where service_date = ?`).all(serviceDate) as {
        id: number;
        routeId: number;
      }[];
      const existingIds = existing.map((m) => m.id);

      const rows = sqlite
        .prepare(
          `select p.id as parcelId, p.producer_id as producerId, p.delivery_point_id as pointId,
                  dp.lat, dp.lng, dp.courier_route_id as routeId
           from parcels p join delivery_points dp on dp.id = p.delivery_point_id
           where dp.courier_route_id is not null
             and ((p.manifest_id is null and p.status = 'dispatched' and coalesce(p.dispatched_at, 0) < ?)
                  or (p.manifest_id in (select value from json_each(?))
                      and p.status not in ('cancelled', 'awaiting_dispatch')))
             and not (p.status = 'dispatched' and ${recallHeldSql("p")})
           order by p.id`,
        )
        .all(day.end, JSON.stringify(existingIds)) as CandidateRow[];

      const byRoute = new Map<number, CandidateRow[]>();
      for (const r of rows) {
        const list = byRoute.get(r.routeId) ?? [];
        list.push(r);
        byRoute.set(r.routeId, list);
      }

      // Everything on this day's manifests is reassigned below; parcels no longer selected drop off.
      if (existingIds.length) {
        sqlite.prepare(`update parcels set manifest_id = null where manifest_id in (select value from json_each(?))`).run(JSON.stringify(existingIds));
      }

      const routeRow = sqlite.prepare(`select depot_lat as lat, depot_lng as lng from courier_routes where id = ?`);
      const upsert = sqlite.prepare(
        `insert into route_manifests (courier_route_id, service_date, stops, construction_length_m, length_m, separate_length_m, created_at)
         values (?, ?, ?, ?, ?, ?, ?)
         on conflict (courier_route_id, service_date) do update set
           stops = excluded.stops, construction_length_m = excluded.construction_length_m, length_m = excluded.length_m,
           separate_length_m = excluded.separate_length_m, created_at = excluded.created_at
         returning id`,
      );
      const assign = sqlite.prepare(`update parcels set manifest_id = ? where id in (select value from json_each(?))`);

      for (const [routeId, list] of [...byRoute.entries()].sort((a, b) => a[0] - b[0])) {
        const depot = routeRow.get(routeId) as LatLng;
        const joint = planJointDelivery(
          depot,
          list.map((r) => ({ producerId: r.producerId, stop: { id: r.pointId, lat: r.lat, lng: r.lng } })),
        );
        const { id } = upsert.get(
          routeId,
          serviceDate,
          JSON.stringify(joint.stops.map((s) => s.id)),
          metres(joint.constructionKm),
          metres(joint.km),
          metres(joint.separateKm),
          now,
        ) as { id: number };
        assign.run(id, JSON.stringify(list.map((r) => r.parcelId)));
      }

      // A route whose parcels all went away keeps no empty manifest.
      for (const m of existing) {
        if (!byRoute.has(m.routeId)) sqlite.prepare(`delete from route_manifests where id = ?`).run(m.id);
      }
    })
    .immediate();

  return summaries(db, serviceDate);
}

/** buildDailyManifests on behalf of a user (the admin page's button): platform admins only. */
export function buildManifestsAs(db: Db, actor: Actor, serviceDate: string, now: number = Date.now()): ManifestSummary[] {
  requireAdmin(actor);
  return buildDailyManifests(db, serviceDate, now);
}

function summaries(db: Db, serviceDate: string): ManifestSummary[] {
  const rows = db.$client
    .prepare(
      `select m.id, m.courier_route_id as courierRouteId, r.name as routeName, r.depot_name as depotName, m.service_date as serviceDate,
              m.stops, m.construction_length_m as constructionLengthM, m.length_m as lengthM, m.separate_length_m as separateLengthM,
              (select count(*) from parcels p where p.manifest_id = m.id) as parcelCount,
              (select count(distinct p.producer_id) from parcels p where p.manifest_id = m.id) as producerCount
       from route_manifests m join courier_routes r on r.id = m.courier_route_id
       where m.service_date = ?
       order by r.name, m.id`,
    )
    .all(serviceDate) as (Omit<ManifestSummary, "stopCount" | "savingPercent"> & { stops: string })[];
  return rows.map(({ stops, ...m }) => ({
    ...m,
    stopCount: (JSON.parse(stops) as number[]).length,
    savingPercent: savingPercent(m.lengthM, m.separateLengthM),
  }));
}

export type ManifestList = {
  date: string;
  manifests: ManifestSummary[];
  totals: { manifests: number; parcels: number; stops: number; lengthM: number; separateLengthM: number; constructionLengthM: number; savingPercent: number };
};

/** The day's manifests with totals (joint km against separate km). Platform admins only. */
export function listManifests(db: Db, actor: Actor, opts: { date: string }): ManifestList {
  requireAdmin(actor);
  if (!shanghaiDayRange(opts.date)) throw new DomainRuleError("logisticsRoutes.error.date");
  const manifests = summaries(db, opts.date);
  const sum = (f: (m: ManifestSummary) => number) => manifests.reduce((n, m) => n + f(m), 0);
  const lengthM = sum((m) => m.lengthM);
  const separateLengthM = sum((m) => m.separateLengthM);
  return {
    date: opts.date,
    manifests,
    totals: {
      manifests: manifests.length,
      parcels: sum((m) => m.parcelCount),
      stops: sum((m) => m.stopCount),
      lengthM,
      separateLengthM,
      constructionLengthM: sum((m) => m.constructionLengthM),
      savingPercent: savingPercent(lengthM, separateLengthM),
    },
  };
}

export type ManifestParcel = {
  id: number;
  code: string;
  size: SlotSize;
  chilled: boolean;
  fresh: boolean;
  status: ParcelStatus;
  producerName: string;
  /** The order's contact phone, masked (138****0001): enough to match a caller, not to harvest. */
  buyerContact: string;
  slotCode: string | null;
};

export type ManifestStop = {
  seq: number;
  pointId: number;
  name: string;
  address: string;
  kind: DeliveryPointKind;
  township: string | null;
  openingHours: string;
  parcels: ManifestParcel[];
};

export type ManifestDetail = {
  id: number;
  serviceDate: string;
  routeName: string;
  depotName: string;
  depotLat: number;
  depotLng: number;
  builtAt: number;
  constructionLengthM: number;
  lengthM: number;
  separateLengthM: number;
  savingPercent: number;
  parcelCount: number;
  /** False when an operator sees only their own points' stops. */
  complete: boolean;
  stops: ManifestStop[];
  /** Parcels holding a recalled lot: 召回 不得配送, never part of a stop. */
  recalled: (ManifestParcel & { pointId: number; pointName: string })[];
};

/**
 * The printable manifest: stops in driving order with their parcels. Platform admins see it all;
 * a delivery operator whose point is a stop sees only the stops at their own points (they check
 * what the courier hands over); anyone else is refused.
 */
export function getManifest(db: Db, actor: Actor, manifestId: number): ManifestDetail {
  const sqlite = db.$client;
  const m = sqlite
    .prepare(
      `select m.id, m.service_date as serviceDate, r.name as routeName, r.depot_name as depotName, r.depot_lat as depotLat, r.depot_lng as depotLng,
              m.created_at as builtAt, m.stops, m.construction_length_m as constructionLengthM, m.length_m as lengthM, m.separate_length_m as separateLengthM
       from route_manifests m join courier_routes r on r.id = m.courier_route_id where m.id = ?`,
    )
    .get(manifestId) as (Omit<ManifestDetail, "stops" | "savingPercent" | "parcelCount" | "complete" | "recalled"> & { stops: string }) | undefined;
  const isAdmin = hasRole(actor, "platform_admin");
  if (!isAdmin && !hasRole(actor, "delivery_operator")) throw new ForbiddenError();
  if (!m) throw new NotFoundError();
  const order = JSON.parse(m.stops) as number[];
  let visible = order;
  if (!isAdmin) {
    const mine = new Set(sqlite.prepare(`select delivery_point_id from delivery_point_operators where user_id = ?`).pluck().all(actor.id) as number[]);
    visible = order.filter((id) => mine.has(id));
    if (visible.length === 0) throw new ForbiddenError();
  }

  const pointRows = sqlite
    .prepare(`select id, name, address, kind, township, opening_hours as openingHours from delivery_points where id in (select value from json_each(?))`)
    .all(JSON.stringify(visible)) as (Omit<ManifestStop, "seq" | "pointId" | "parcels"> & { id: number })[];
  const pointById = new Map(pointRows.map((p) => [p.id, p]));

  const parcelRows = sqlite
    .prepare(
      `select p.id, p.code, p.size, p.chilled, p.fresh, p.status, p.delivery_point_id as pointId,
              pr.name_zh as producerName, o.contact_phone as phone, s.code as slotCode, ${recallHeldSql("p")} as held
       from parcels p
       join producers pr on pr.id = p.producer_id
       join orders o on o.id = p.order_id
       left join storage_slots s on s.id = p.slot_id
       where p.manifest_id = ? and p.delivery_point_id in (select value from json_each(?))
       order by pr.name_zh, p.code`,
    )
    .all(m.id, JSON.stringify(visible)) as (Omit<ManifestParcel, "buyerContact" | "chilled" | "fresh"> & {
    pointId: number;
    phone: string;
    chilled: number;
    fresh: number;
    held: number;
  })[];
  const parcelsByPoint = new Map<number, ManifestParcel[]>();
  const recalled: ManifestDetail["recalled"] = [];
  for (const { pointId, phone, chilled, fresh, held, ...p } of parcelRows) {
    const parcel = { ...p, chilled: chilled === 1, fresh: fresh === 1, buyerContact: maskPhone(phone) };
    if (held === 1) {
      recalled.push({ ...parcel, pointId, pointName: pointById.get(pointId)?.name ?? "" });
      continue;
    }
    const list = parcelsByPoint.get(pointId) ?? [];
    list.push(parcel);
    parcelsByPoint.set(pointId, list);
  }

  const stops: ManifestStop[] = [];
  order.forEach((pointId, i) => {
    const point = pointById.get(pointId);
    // A point whose only parcels are recalled is no stop.
    if (!point || (!parcelsByPoint.has(pointId) && recalled.some((r) => r.pointId === pointId))) return;
    const { id: _id, ...rest } = point;
    stops.push({ seq: i + 1, pointId, ...rest, parcels: parcelsByPoint.get(pointId) ?? [] });
  });
  const { stops: _raw, ...head } = m;
  return {
    ...head,
    savingPercent: savingPercent(m.lengthM, m.separateLengthM),
    parcelCount: parcelRows.length - recalled.length,
    complete: isAdmin,
    stops,
    recalled,
  };
}

/**
 * The day's manifests, built once by the clock: after `cutoff` (HH:MM, Asia/Shanghai) the first
 * sweep of the day builds them when no manifest exists for the day yet. Parcels dispatched later
 * ride the next day's run, so a printed manifest does not change under the courier; an admin can
 * still rebuild by hand. Returns the day built, or null.
 */
export function buildDueManifests(db: Db, cutoff: string, now: number = Date.now()): string | null {
  const m = /^(\d{2}):(\d{2})$/.exec(cutoff);
  if (!m) throw new Error(`manifest cut-off must be HH:MM, got ${cutoff}`);
  const today = shanghaiDate(now);
  const { start } = shanghaiDayRange(today)!;
  if (now < start + (Number(m[1]) * 60 + Number(m[2])) * 60_000) return null;
  const built = db.$client.prepare(`select 1 from route_manifests where service_date = ? limit 1`).get(today);
  if (built) return null;
  buildDailyManifests(db, today, now);
  return today;
}

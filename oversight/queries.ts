/**
 * The statistics read side (issue 12 §1): figures for a date range and a region, grouped by day,
 * week or month, by region, category and producer kind, read from the daily roll-ups only (never
 * the raw orders). Who may see what is decided here: platform admins and inspectors see
 * everything; a county official sees its own county and is refused any other.
 */
import { ForbiddenError } from "../core/errors";
import type { Actor } from "../core/permissions";
import { hasRole } from "../core/permissions";
import { dayOfIsoDate, isoDay } from "../core/clock";
import type { Db } from "../core/db";

export const GRANULARITIES = ["day", "week", "month"] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export type StatsFilter = {
  from: string;
  to: string;
  granularity: Granularity;
  provinceId?: number | null;
  countyId?: number | null;
  villageId?: number | null;
};

/** The filter as the queries apply it: day numbers, and the region the viewer may see. */
export type StatsScope = {
  fromDay: number;
  toDay: number;
  granularity: Granularity;
  provinceId: number | null;
  countyId: number | null;
  villageId: number | null;
  /** Set for a county official: the county every figure is limited to. */
  lockedCountyId: number | null;
};

export function canViewStatistics(actor: Actor | null | undefined): boolean {
  return hasRole(actor, "platform_admin", "inspector", "county_official");
}

export function officialCounty(db: Db, userId: number): number | null {
  return (db.$client.prepare(`select county_id from county_officials where user_id = ?`).pluck().get(userId) as number | undefined) ?? null;
}

/**
 * The scope a viewer may query. A county official's figures are always limited to its county: asking
 * for another county, or a village or province outside it, is refused (ForbiddenError), not widened.
 */
export function statsScope(db: Db, actor: Actor, filter: StatsFilter): StatsScope {
  if (!canViewStatistics(actor)) throw new ForbiddenError();
  let fromDay = dayOfIsoDate(filter.from);
  let toDay = dayOfIsoDate(filter.to);
  if (fromDay > toDay) [fromDay, toDay] = [toDay, fromDay];
  const scope: StatsScope = {
    fromDay,
    toDay,
    granularity: filter.granularity,
    provinceId: filter.provinceId ?? null,
    countyId: filter.countyId ?? null,
    villageId: filter.villageId ?? null,
    lockedCountyId: null,
  };
  if (hasRole(actor, "platform_admin", "inspector")) return scope;
  const county = officialCounty(db, actor.id);
  if (county === null) throw new ForbiddenError();
  if (scope.countyId !== null && scope.countyId !== county) throw new ForbiddenError("county official: another county");
  if (scope.provinceId !== null && db.$client.prepare(`select province_id from villages where county_id = ? limit 1`).pluck().get(county) !== scope.provinceId)
    throw new ForbiddenError("county official: another province");
  if (scope.villageId !== null && db.$client.prepare(`select county_id from villages where id = ?`).pluck().get(scope.villageId) !== county)
    throw new ForbiddenError("county official: a village of another county");
  return { ...scope, countyId: county, lockedCountyId: county };
}

/** The first day (day number) of the period a day belongs to. */
export function periodStart(day: number, granularity: Granularity): number {
  if (granularity === "day") return day;
  // Day 0 (1970-01-01) was a Thursday: weeks start on Monday.
  if (granularity === "week") return day - ((day + 3) % 7);
  return dayOfIsoDate(`${isoDay(day).slice(0, 7)}-01`);
}

/**
 * SQL for the start of the period of `d.day`: integer arithmetic for days and weeks; for months a
 * CASE over the month starts inside the range (no date functions per row: they dominated the time).
 */
function periodOf(scope: StatsScope, day = "d.day"): string {
  if (scope.granularity === "day") return day;
  if (scope.granularity === "week") return `(${day} - ((${day} + 3) % 7))`;
  const starts: number[] = [];
  for (let m = periodStart(scope.fromDay, "month"); m <= scope.toDay; m = dayOfIsoDate(nextMonth(isoDay(m)))) starts.push(m);
  if (starts.length === 1) return String(starts[0]);
  return `(case ${starts
    .slice(1)
    .map((next, i) => `when ${day} < ${next} then ${starts[i]}`)
    .join(" ")} else ${starts[starts.length - 1]} end)`;
}

function nextMonth(iso: string): string {
  const y = Number(iso.slice(0, 4));
  const mo = Number(iso.slice(5, 7));
  return mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, "0")}-01`;
}

/** Joins producers only when a region narrows the figures (the join costs more than the sums). */
const byRegionJoin = (scope: StatsScope): string =>
  scope.provinceId !== null || scope.countyId !== null || scope.villageId !== null ? "join producers p on p.id = d.producer_id" : "";

function where(scope: StatsScope, d = "d"): { sql: string; params: number[] } {
  const parts = [`${d}.day between ? and ?`];
  const params = [scope.fromDay, scope.toDay];
  if (scope.provinceId !== null) {
    parts.push("p.province_id = ?");
    params.push(scope.provinceId);
  }
  if (scope.countyId !== null) {
    parts.push("p.county_id = ?");
    params.push(scope.countyId);
  }
  if (scope.villageId !== null) {
    parts.push("p.village_id = ?");
    params.push(scope.villageId);
  }
  return { sql: parts.join(" and "), params };
}

/**
 * Distinct buyers, from stats_buyer_days alone (its rows carry the producer's region and the week
 * and month starts). Each count walks one index in (group, buyer) order, so grouping needs no
 * temporary B-tree: `group` is the grouping column, or null for one total (key 0).
 */
function distinctBuyers(db: Db, scope: StatsScope, group: "day" | "week" | "month" | "province_id" | "county_id" | "village_id" | null): Map<number, number> {
  const conds = ["d.day between ? and ?"];
  const params: number[] = [scope.fromDay, scope.toDay];
  // The narrowest region the filter names.
  let lead: "province_id" | "county_id" | "village_id" | null = null;
  for (const [col, value] of [
    ["province_id", scope.provinceId],
    ["county_id", scope.countyId],
    ["village_id", scope.villageId],
  ] as const) {
    if (value !== null) {
      conds.push(`d.${col} = ?`);
      params.push(value);
      lead = col;
    }
  }
  if (group === "week" || group === "month") {
    // Bounds the period column too, so the (week|month, buyer, day) index applies.
    conds.push(`d.${group} between ? and ?`);
    params.push(periodStart(scope.fromDay, group), scope.toDay);
  }
  const indexOf = (col: string) => `stats_buyer_days_${col.replace("_id", "")}_buyer_idx`;
  // A region filter: that region's index (it covers every grouping inside the region). Otherwise the
  // group's index, or the buyer-first one for a single total.
  const forced = `indexed by ${lead ? indexOf(lead) : group === null ? "stats_buyer_days_buyer_idx" : indexOf(group)}`;
  // count(distinct) over an index in (group, buyer) order counts each group's buyers as they stream
  // by (measured: less than half the time of grouping (group, buyer) first and counting the groups).
  const sql =
    group === null
      ? `select 0 as g, count(distinct d.buyer_id) as n from stats_buyer_days d ${forced} where ${conds.join(" and ")}`
      : `select d.${group} as g, count(distinct d.buyer_id) as n from stats_buyer_days d ${forced} where ${conds.join(" and ")} group by 1`;
  const rows = db.$client.prepare(sql).all(...params) as { g: number; n: number }[];
  return new Map(rows.map((r) => [r.g, r.n]));
}

/** The narrowest region a scope names, as stats_buyer_counts keys it. */
function regionKey(scope: StatsScope): { level: "all" | "province" | "county" | "village"; id: number } {
  if (scope.villageId !== null) return { level: "village", id: scope.villageId };
  if (scope.countyId !== null) return { level: "county", id: scope.countyId };
  if (scope.provinceId !== null) return { level: "province", id: scope.provinceId };
  return { level: "all", id: 0 };
}

/** The first day of the period after the one starting on `start`. */
function nextPeriod(start: number, granularity: Granularity): number {
  if (granularity === "day") return start + 1;
  if (granularity === "week") return start + 7;
  return dayOfIsoDate(nextMonth(isoDay(start)));
}

/**
 * Distinct buyers per period: whole periods inside the range read their counter row from
 * stats_buyer_counts (exact, kept by triggers); a period the range cuts (a month or week it starts
 * or ends inside) is counted from stats_buyer_days over the days the range holds of it.
 */
function buyersPerPeriod(db: Db, scope: StatsScope): Map<number, number> {
  const g = scope.granularity;
  const out = new Map<number, number>();
  let wholeFrom = periodStart(scope.fromDay, g);
  const edges: [number, number][] = [];
  if (wholeFrom < scope.fromDay) {
    wholeFrom = nextPeriod(wholeFrom, g);
    edges.push([scope.fromDay, Math.min(wholeFrom - 1, scope.toDay)]);
  }
  let wholeTo = periodStart(scope.toDay, g); // the start of the last whole period
  if (nextPeriod(wholeTo, g) - 1 > scope.toDay) {
    if (wholeTo >= wholeFrom) edges.push([wholeTo, scope.toDay]);
    wholeTo = wholeTo - 1; // excludes the cut period
  }
  const region = regionKey(scope);
  if (wholeFrom <= wholeTo) {
    const rows = db.$client
      .prepare(`select period, buyers from stats_buyer_counts where grain = ? and region_level = ? and region_id = ? and period between ? and ?`)
      .all(g, region.level, region.id, wholeFrom, wholeTo) as { period: number; buyers: number }[];
    for (const r of rows) out.set(r.period, r.buyers);
  }
  for (const [a, b] of edges) for (const [k, v] of distinctBuyers(db, { ...scope, fromDay: a, toDay: b }, g)) out.set(k, v);
  return out;
}

/**
 * Distinct buyers over the whole range, overall and per region of `level` (the regions in `ids`).
 * Inside a region filter, one walk of that region's index in buyer order: each buyer counts once
 * overall and once in each sub-region it bought in (the index is not in sub-region order, so a
 * count per sub-region would sort).
 */
export function buyerReach(
  db: Db,
  scope: StatsScope,
  level: "province_id" | "county_id" | "village_id",
  ids: readonly number[],
): { total: number; byRegion: Map<number, number> } {
  // Without a region filter, the buyer index and the province index each stream their count
  // (measured faster than one walk carrying a column per province); many regions likewise.
  const filtered = scope.provinceId !== null || scope.countyId !== null || scope.villageId !== null;
  if (!filtered || ids.length > 64) return { total: distinctBuyers(db, scope, null).get(0) ?? 0, byRegion: distinctBuyers(db, scope, level) };
  const conds = ["d.day between ? and ?"];
  const params: number[] = [scope.fromDay, scope.toDay];
  let lead: string | null = null;
  for (const [col, value] of [
    ["province_id", scope.provinceId],
    ["county_id", scope.countyId],
    ["village_id", scope.villageId],
  ] as const) {
    if (value !== null) {
      conds.push(`d.${col} = ?`);
      params.push(value);
      lead = col;
    }
  }
  // The filter's region index: (region, buyer, …) covers the levels below it.
  const index = `stats_buyer_days_${lead!.replace("_id", "")}_buyer_idx`;
  const cols = ids.map((id, i) => `max(d.${level} = ${Number(id)}) as r${i}`);
  const row = db.$client
    .prepare(
      `select count(*) as total${ids.map((_, i) => `, coalesce(sum(r${i}), 0) as r${i}`).join("")}
         from (select d.buyer_id${cols.map((c) => `, ${c}`).join("")} from stats_buyer_days d indexed by ${index} where ${conds.join(" and ")} group by d.buyer_id)`,
    )
    .get(...params) as Record<string, number>;
  return { total: row.total ?? 0, byRegion: new Map(ids.map((id, i) => [id, row[`r${i}`] ?? 0])) };
}

const pct = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);

/** The daily sums of stats_producer_daily per period: one pass feeds the totals and the sales, delivery and quality series. */
type PeriodSums = {
  period: number;
  salesFen: number;
  refundFen: number;
  orders: number;
  units: number;
  payoutFen: number;
  arrived: number;
  pickedUp: number;
  returned: number;
  overdue: number;
  unitsVerified: number;
  inspectionsPassed: number;
  inspectionsFailed: number;
  recalls: number;
};

export function periodSums(db: Db, scope: StatsScope): PeriodSums[] {
  const w = where(scope);
  // Grouped by day in SQL and folded into weeks or months here: a period expression per row (a CASE
  // over the month starts) cost as much as the sums themselves.
  const days = db.$client
    .prepare(
      `select d.day as period, sum(d.sales_fen) as salesFen, sum(d.refund_fen) as refundFen, sum(d.orders) as orders, sum(d.units) as units,
              sum(d.payout_fen) as payoutFen, sum(d.parcels_arrived) as arrived, sum(d.parcels_picked_up) as pickedUp, sum(d.parcels_returned) as returned,
              sum(d.parcels_overdue) as overdue, sum(d.units_verified) as unitsVerified, sum(d.inspections_passed) as inspectionsPassed,
              sum(d.inspections_failed) as inspectionsFailed, sum(d.recalls) as recalls
         from stats_producer_daily d ${byRegionJoin(scope)} where ${w.sql} group by 1 order by 1`,
    )
    .all(...w.params) as PeriodSums[];
  if (scope.granularity === "day") return days;
  const out: PeriodSums[] = [];
  for (const day of days) {
    const period = periodStart(day.period, scope.granularity);
    const last = out[out.length - 1];
    if (last?.period !== period) out.push({ ...day, period });
    else for (const k of Object.keys(day) as (keyof PeriodSums)[]) if (k !== "period") last[k] += day[k];
  }
  return out;
}

export type SalesPoint = { period: string; salesFen: number; refundFen: number; netFen: number; orders: number; units: number; buyers: number };

export function salesSeries(db: Db, scope: StatsScope, sums = periodSums(db, scope)): SalesPoint[] {
  const rows = sums;
  const buyers = buyersPerPeriod(db, scope);
  return rows
    .filter((r) => r.salesFen || r.refundFen || r.orders)
    .map((r) => ({
      period: isoDay(r.period),
      salesFen: r.salesFen,
      refundFen: r.refundFen,
      netFen: r.salesFen - r.refundFen,
      orders: r.orders,
      units: r.units,
      buyers: buyers.get(r.period) ?? 0,
    }));
}

export type Totals = { salesFen: number; refundFen: number; netFen: number; orders: number; units: number; buyers: number; payoutFen: number };

/** `buyers`: the distinct buyers over the range when already counted (statisticsPage counts them with the regions'). */
export function totals(db: Db, scope: StatsScope, buyers?: number, sums = periodSums(db, scope)): Totals {
  const sum = (k: "salesFen" | "refundFen" | "orders" | "units" | "payoutFen") => sums.reduce((t, r) => t + r[k], 0);
  const salesFen = sum("salesFen");
  const refundFen = sum("refundFen");
  return {
    salesFen,
    refundFen,
    netFen: salesFen - refundFen,
    orders: sum("orders"),
    units: sum("units"),
    buyers: buyers ?? distinctBuyers(db, scope, null).get(0) ?? 0,
    payoutFen: sum("payoutFen"),
  };
}

export type RegionRow = {
  regionId: number;
  level: "province" | "county" | "village";
  nameZh: string;
  nameEn: string;
  salesFen: number;
  orders: number;
  buyers: number;
};

export type RegionSums = {
  level: RegionRow["level"];
  col: "province_id" | "county_id" | "village_id";
  rows: { regionId: number; salesFen: number; orders: number }[];
};

export function regionSums(db: Db, scope: StatsScope): RegionSums {
  const w = where(scope);
  const level = scope.villageId !== null || scope.countyId !== null ? "village" : scope.provinceId !== null ? "county" : "province";
  const col = level === "village" ? "village_id" : level === "county" ? "county_id" : "province_id";
  const rows = db.$client
    .prepare(
      `select p.${col} as regionId, sum(d.sales_fen) as salesFen, sum(d.orders) as orders
         from stats_producer_daily d join producers p on p.id = d.producer_id where ${w.sql} and p.${col} is not null group by 1`,
    )
    .all(...w.params) as RegionSums["rows"];
  return { level, col, rows: rows.filter((r) => r.salesFen || r.orders) };
}

/** By province; within a province by county; within a county by village. `buyers`: per region, when already counted. */
export function byRegion(db: Db, scope: StatsScope, sums = regionSums(db, scope), buyers?: Map<number, number>): RegionRow[] {
  const perRegion = buyers ?? distinctBuyers(db, scope, sums.col);
  const nameOf = db.$client.prepare(`select name_zh as nameZh, name_en as nameEn from ${sums.level === "village" ? "villages" : "regions"} where id = ?`);
  return sums.rows
    .map((r) => {
      const n = nameOf.get(r.regionId) as { nameZh: string; nameEn: string };
      return { regionId: r.regionId, level: sums.level, ...n, salesFen: r.salesFen, orders: r.orders, buyers: perRegion.get(r.regionId) ?? 0 } as RegionRow;
    })
    .sort((a, b) => b.salesFen - a.salesFen);
}

export type CategoryRow = { slug: string; nameZh: string; nameEn: string; salesFen: number; units: number };

export function byCategory(db: Db, scope: StatsScope): CategoryRow[] {
  const w = where(scope);
  return db.$client
    .prepare(
      `select c.slug, c.name_zh as nameZh, c.name_en as nameEn, sum(d.sales_fen) as salesFen, sum(d.units) as units
         from stats_category_daily d ${byRegionJoin(scope)} join categories c on c.id = d.category_id
        where ${w.sql} group by c.id having sum(d.sales_fen) != 0 or sum(d.units) != 0 order by salesFen desc`,
    )
    .all(...w.params) as CategoryRow[];
}

export type KindRow = { kind: string; salesFen: number; orders: number; producers: number };

export function byProducerKind(db: Db, scope: StatsScope): KindRow[] {
  const w = where(scope);
  return db.$client
    .prepare(
      `select p.kind, sum(d.sales_fen) as salesFen, sum(d.orders) as orders, count(distinct case when d.orders != 0 then p.id end) as producers
         from stats_producer_daily d join producers p on p.id = d.producer_id where ${w.sql} group by p.kind having sum(d.sales_fen) != 0 or sum(d.orders) != 0 order by salesFen desc`,
    )
    .all(...w.params) as KindRow[];
}

export type DeliveryPoint = {
  period: string;
  arrived: number;
  pickedUp: number;
  pickedUpPct: number | null;
  returned: number;
  overdue: number;
  /** Median whole hours from arrival to pickup of the parcels picked up in the period (168 = a week or more). */
  medianHours: number | null;
};

/** The median of a histogram of whole hours. */
export function histogramMedian(buckets: readonly { hours: number; parcels: number }[]): number | null {
  const total = buckets.reduce((s, b) => s + b.parcels, 0);
  if (total <= 0) return null;
  const sorted = [...buckets].sort((a, b) => a.hours - b.hours);
  let seen = 0;
  for (const b of sorted) {
    seen += b.parcels;
    if (seen * 2 >= total) return b.hours;
  }
  return sorted[sorted.length - 1]!.hours;
}

export function deliverySeries(db: Db, scope: StatsScope, sums = periodSums(db, scope)): { series: DeliveryPoint[]; total: DeliveryPoint } {
  const w = where(scope);
  const period = periodOf(scope);
  const rows = sums;
  // Every region: the small all-regions histogram. A region: its producers' rows, through the (producer, day) index.
  const hist = (
    byRegionJoin(scope)
      ? db.$client
          .prepare(
            `select ${period} as period, d.hours, sum(d.parcels) as parcels from stats_pickup_hours d
              where d.producer_id in (select p.id from producers p where ${w.sql.replace(/^d\.day between \? and \?( and )?/, "") || "1"}) and d.day between ? and ? group by 1, 2`,
          )
          .all(...w.params.slice(2), scope.fromDay, scope.toDay)
      : db.$client
          .prepare(`select ${period} as period, d.hours, sum(d.parcels) as parcels from stats_pickup_hours_all d where d.day between ? and ? group by 1, 2`)
          .all(scope.fromDay, scope.toDay)
  ) as { period: number; hours: number; parcels: number }[];
  const byPeriod = new Map<number, { hours: number; parcels: number }[]>();
  for (const h of hist) {
    const list = byPeriod.get(h.period);
    if (list) list.push(h);
    else byPeriod.set(h.period, [h]);
  }
  const series = rows
    .filter((r) => r.arrived || r.pickedUp || r.returned || r.overdue)
    .map((r) => ({
      period: isoDay(r.period),
      arrived: r.arrived,
      pickedUp: r.pickedUp,
      pickedUpPct: pct(r.pickedUp, r.arrived),
      returned: r.returned,
      overdue: r.overdue,
      medianHours: histogramMedian(byPeriod.get(r.period) ?? []),
    }));
  const sum = (k: "arrived" | "pickedUp" | "returned" | "overdue") => series.reduce((s, r) => s + r[k], 0);
  const allHours = new Map<number, number>();
  for (const h of hist) allHours.set(h.hours, (allHours.get(h.hours) ?? 0) + h.parcels);
  const total: DeliveryPoint = {
    period: "",
    arrived: sum("arrived"),
    pickedUp: sum("pickedUp"),
    pickedUpPct: pct(sum("pickedUp"), sum("arrived")),
    returned: sum("returned"),
    overdue: sum("overdue"),
    medianHours: histogramMedian([...allHours].map(([hours, parcels]) => ({ hours, parcels }))),
  };
  return { series, total };
}

export type QualityPoint = {
  period: string;
  units: number;
  unitsVerified: number;
  coveragePct: number | null;
  inspectionsPassed: number;
  inspectionsFailed: number;
  passRatePct: number | null;
  recalls: number;
};

export function qualitySeries(db: Db, scope: StatsScope, sums = periodSums(db, scope)): { series: QualityPoint[]; total: QualityPoint } {
  const rows = sums.map((r) => ({
    period: r.period,
    units: r.units,
    unitsVerified: r.unitsVerified,
    inspectionsPassed: r.inspectionsPassed,
    inspectionsFailed: r.inspectionsFailed,
    recalls: r.recalls,
  }));
  const point = (period: string, r: Omit<(typeof rows)[number], "period">): QualityPoint => ({
    period,
    ...r,
    coveragePct: pct(r.unitsVerified, r.units),
    passRatePct: pct(r.inspectionsPassed, r.inspectionsPassed + r.inspectionsFailed),
  });
  const series = rows.filter((r) => r.units || r.inspectionsPassed || r.inspectionsFailed || r.recalls).map((r) => point(isoDay(r.period), r));
  const sum = (k: "units" | "unitsVerified" | "inspectionsPassed" | "inspectionsFailed" | "recalls") => rows.reduce((s, r) => s + r[k], 0);
  return {
    series,
    total: point("", {
      units: sum("units"),
      unitsVerified: sum("unitsVerified"),
      inspectionsPassed: sum("inspectionsPassed"),
      inspectionsFailed: sum("inspectionsFailed"),
      recalls: sum("recalls"),
    }),
  };
}

export type ProducerReportRow = {
  producerId: number;
  nameZh: string;
  kind: string;
  countyZh: string;
  salesFen: number;
  orders: number;
  refundFen: number;
  refunds: number;
  payoutFen: number;
  payouts: number;
  arrived: number;
  pickedUp: number;
  returned: number;
  overdue: number;
};

/** Payouts, refunds and delivery per producer (the reports page). */
export function producerReport(db: Db, scope: StatsScope): ProducerReportRow[] {
  const w = where(scope);
  return db.$client
    .prepare(
      `select p.id as producerId, p.name_zh as nameZh, p.kind, r.name_zh as countyZh, sum(d.sales_fen) as salesFen, sum(d.orders) as orders,
              sum(d.refund_fen) as refundFen, sum(d.refunds) as refunds, sum(d.payout_fen) as payoutFen, sum(d.payouts) as payouts,
              sum(d.parcels_arrived) as arrived, sum(d.parcels_picked_up) as pickedUp, sum(d.parcels_returned) as returned, sum(d.parcels_overdue) as overdue
         from stats_producer_daily d join producers p on p.id = d.producer_id join regions r on r.id = p.county_id
        where ${w.sql} group by p.id order by salesFen desc, p.id`,
    )
    .all(...w.params) as ProducerReportRow[];
}

export type RegionOption = { id: number; nameZh: string; nameEn: string; parentId: number | null };

/** The provinces, counties and villages that have producers (for the filter's choices), limited to a county official's county. */
export function regionOptions(
  db: Db,
  scope: Pick<StatsScope, "lockedCountyId">,
): { provinces: RegionOption[]; counties: RegionOption[]; villages: RegionOption[] } {
  const lock = scope.lockedCountyId;
  const cond = lock !== null ? `where p.county_id = ${Number(lock)}` : "";
  const sqlite = db.$client;
  return {
    provinces: sqlite
      .prepare(
        `select distinct r.id, r.name_zh as nameZh, r.name_en as nameEn, null as parentId from producers p join regions r on r.id = p.province_id ${cond} order by r.code`,
      )
      .all() as RegionOption[],
    counties: sqlite
      .prepare(
        `select distinct r.id, r.name_zh as nameZh, r.name_en as nameEn, p.province_id as parentId from producers p join regions r on r.id = p.county_id ${cond} order by r.code`,
      )
      .all() as RegionOption[],
    villages: sqlite
      .prepare(
        `select distinct v.id, v.name_zh as nameZh, v.name_en as nameEn, v.county_id as parentId from producers p join villages v on v.id = p.village_id ${cond} order by v.id`,
      )
      .all() as RegionOption[],
  };
}

/** Everything the statistics page shows, in one call (what the bench times). */
export function statisticsPage(db: Db, scope: StatsScope) {
  const sums = regionSums(db, scope);
  // The distinct buyers overall and per region shown, in one walk.
  const reach = buyerReach(
    db,
    scope,
    sums.col,
    sums.rows.map((r) => r.regionId),
  );
  // One pass over the daily sums by period feeds the totals and three series.
  const periods = periodSums(db, scope);
  return {
    totals: totals(db, scope, reach.total, periods),
    sales: salesSeries(db, scope, periods),
    regions: byRegion(db, scope, sums, reach.byRegion),
    categories: byCategory(db, scope),
    kinds: byProducerKind(db, scope),
    delivery: deliverySeries(db, scope, periods),
    quality: qualitySeries(db, scope, periods),
  };
}

/** The name of a county official's county (for the page), or null for anyone else. */
export function officialCountyName(db: Db, userId: number): { id: number; nameZh: string; nameEn: string } | null {
  return (
    (db.$client
      .prepare(`select r.id, r.name_zh as nameZh, r.name_en as nameEn from county_officials c join regions r on r.id = c.county_id where c.user_id = ?`)
      .get(userId) as { id: number; nameZh: string; nameEn: string } | undefined) ?? null
  );
}

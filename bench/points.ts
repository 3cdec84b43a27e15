/**
 * Delivery-point benchmark (issue 5): the spatial index (logistics/spatial.ts: kdbush + geokdbush)
 * against the BASELINE of a linear scan over every point (nearestLinear), same run, same data.
 * Deterministic: seeded PRNG, no database.
 *
 *   a. nearest FEASIBLE point among 10,000 points clustered around 400 county seats in China-like
 *      coordinates; a quarter of the points are full and half of the rest have no chilled slot, so
 *      the feasibility test (the parcel's size/chilled need against the point's free slot counts)
 *      matters. 5,000 queries from buyers around the county seats, three ways:
 *        index + filter   the test runs inside the kd-tree search (geokdbush's predicate)
 *        index + accept   the test is called lazily, nearest first (how network.ts checks a point
 *                         against the database)
 *        linear           every point (baseline)
 *      All three must return the same point for every query. Target: index ≥ 20× faster.
 *   b. assigning 10,000 parcels to 2,000 points with slot counts and parcel capacities
 *      (logistics/assign.ts; buyers sent at most 50 km): time with the index and with the linear
 *      scan (same answer required), total and mean buyer distance, fallbacks, unassigned, and the
 *      ratio to every assigned parcel at its nearest point with room ignored (the lower bound).
 *
 *   npx tsx bench/points.ts       (BENCH_POINTS, BENCH_QUERIES, BENCH_PARCELS, BENCH_ROUNDS)
 */
import os from "node:os";
import type { SlotSize } from "../db/schema";
import { assignParcelsToPoints, countsFit, type ParcelToPlace, type PointToFill } from "../logistics/assign";
import type { ParcelNeed, SlotCounts } from "../logistics/capacity";
import { nearestLinear, PointIndex } from "../logistics/spatial";
import { setting } from "./lib/settings";
import { formatTable, ms, ratio } from "./lib/table";
import { mulberry32 as rng } from "../seeds/random";
import { runIfMain } from "./lib/main";

const SETTINGS = {
  points: setting("BENCH_POINTS", 10_000, 1_000_000),
  queries: setting("BENCH_QUERIES", 5_000, 1_000_000),
  rounds: setting("BENCH_ROUNDS", 5, 100),
  counties: 400,
  assignPoints: 2_000,
  assignParcels: setting("BENCH_PARCELS", 10_000, 1_000_000),
  assignCounties: 200,
  assignMaxKm: 50,
  targetSpeedup: 20,
  seed: 20260305,
};

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const gauss = (r: Rand) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

type LatLng = { lat: number; lng: number };
/** County seats, denser in the east (lat 21–45, lng 98–123). */
function counties(r: Rand, n: number): LatLng[] {
  return Array.from({ length: n }, () => ({ lat: 21 + r() * 24, lng: 98 + 25 * Math.sqrt(r()) }));
}
/** Somewhere in a county: about 12 km spread around the seat. */
function around(r: Rand, c: LatLng, spreadDeg = 0.11): LatLng {
  return { lat: c.lat + gauss(r) * spreadDeg, lng: c.lng + gauss(r) * spreadDeg * 1.15 };
}
function randomNeed(r: Rand): ParcelNeed {
  const x = r();
  const size: SlotSize = x < 0.5 ? "small" : x < 0.85 ? "medium" : "large";
  return { size, chilled: r() < 0.3 };
}

/** (a) points with free slot counts: 25 % full, half of the rest without chilled slots. */
function networkPoints(r: Rand, seats: LatLng[], n: number): PointToFill[] {
  return Array.from({ length: n }, (_, i) => {
    const full = r() < 0.25;
    const chilled = !full && r() < 0.5;
    const free: SlotCounts = full
      ? [
          [0, 0, 0],
          [0, 0, 0],
        ]
      : [[int(r, 0, 6), int(r, 0, 4), int(r, 0, 2)], chilled ? [int(r, 0, 3), int(r, 0, 2), int(r, 0, 1)] : [0, 0, 0]];
    return { id: i + 1, ...around(r, pick(r, seats)), free, capacity: null };
  });
}

type Sample = { wallMs: number; cpuMs: number };
/** Wall-clock and CPU time of one call. CPU time is the figure to trust on a busy machine (the work is single-threaded). */
function measure(fn: () => void): Sample {
  const cpu0 = process.cpuUsage();
  const t = process.hrtime.bigint();
  fn();
  const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Median wall and CPU time over samples, divided by `per`. */
const summarise = (samples: Sample[], per = 1) => ({ wallMs: median(samples.map((x) => x.wallMs)) / per, cpuMs: median(samples.map((x) => x.cpuMs)) / per });

const us = (msValue: number) => `${(msValue * 1000).toFixed(1)} µs`;

function nearestFeasible() {
  const r = rng(SETTINGS.seed);
  const seats = counties(r, SETTINGS.counties);
  const points = networkPoints(r, seats, SETTINGS.points);
  const queries = Array.from({ length: SETTINGS.queries }, () => ({ ...around(r, pick(r, seats), 0.15), need: randomNeed(r) }));

  const t0 = process.hrtime.bigint();
  const index = new PointIndex(points);
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;

  const n = queries.length;
  const viaFilter = new Int32Array(n);
  const viaAccept = new Int32Array(n);
  const viaScan = new Int32Array(n);
  let filterCalls = 0;
  let acceptCalls = 0;
  let scanCalls = 0;
  const run = (out: Int32Array, one: (q: (typeof queries)[number], test: (p: PointToFill) => boolean) => { point: PointToFill }[], count: () => void) => () => {
    for (let i = 0; i < n; i++) {
      const q = queries[i];
      const hit = one(q, (p) => {
        count();
        return countsFit(p.free, q.need);
      })[0];
      out[i] = hit ? hit.point.id : 0;
    }
  };
  const filterRun = run(
    viaFilter,
    (q, test) => index.nearest(q.lat, q.lng, { limit: 1, filter: test }),
    () => filterCalls++,
  );
  const acceptRun = run(
    viaAccept,
    (q, test) => index.nearest(q.lat, q.lng, { limit: 1, accept: test }),
    () => acceptCalls++,
  );
  const scanRun = run(
    viaScan,
    (q, test) => nearestLinear(points, q.lat, q.lng, { limit: 1, filter: test }),
    () => scanCalls++,
  );

  // Warm-up, then interleaved rounds, so a busy moment on the machine hurts all three alike.
  filterRun();
  acceptRun();
  scanRun();
  filterCalls = acceptCalls = scanCalls = 0;
  const samples = { filter: [] as Sample[], accept: [] as Sample[], scan: [] as Sample[] };
  for (let i = 0; i < SETTINGS.rounds; i++) {
    samples.filter.push(measure(filterRun));
    samples.accept.push(measure(acceptRun));
    samples.scan.push(measure(scanRun));
  }

  let mismatches = 0;
  let none = 0;
  for (let i = 0; i < n; i++) {
    if (viaFilter[i] !== viaScan[i] || viaAccept[i] !== viaScan[i]) mismatches++;
    if (viaScan[i] === 0) none++;
  }
  const perRound = SETTINGS.rounds * n;
  const full = points.filter((p) => !countsFit(p.free, { size: "small", chilled: false })).length;
  const noChilled = points.filter((p) => !countsFit(p.free, { size: "small", chilled: true })).length;
  return {
    points: points.length,
    queries: n,
    fullPoints: full,
    pointsWithoutChilled: noChilled,
    buildMs,
    perQuery: { indexFilter: summarise(samples.filter, n), indexAccept: summarise(samples.accept, n), linear: summarise(samples.scan, n) },
    testsPerQuery: { indexFilter: filterCalls / perRound, indexAccept: acceptCalls / perRound, linear: scanCalls / perRound },
    mismatches,
    queriesWithoutFeasiblePoint: none,
  };
}

function assignment() {
  const r = rng(SETTINGS.seed + 1);
  const seats = counties(r, SETTINGS.assignCounties);
  const points: PointToFill[] = Array.from({ length: SETTINGS.assignPoints }, (_, i) => {
    const staffed = r() < 0.4; // village stations: shelves, a parcel capacity; lockers: compartments only
    const chilled = r() < 0.5;
    const free: SlotCounts = staffed
      ? [[int(r, 4, 12), int(r, 2, 8), int(r, 1, 4)], chilled ? [int(r, 1, 3), int(r, 0, 2), int(r, 0, 1)] : [0, 0, 0]]
      : [[int(r, 0, 5), int(r, 0, 3), int(r, 0, 2)], chilled ? [int(r, 0, 2), int(r, 0, 2), int(r, 0, 1)] : [0, 0, 0]];
    return { id: i + 1, ...around(r, pick(r, seats)), free, capacity: staffed ? int(r, 6, 20) : null };
  });
  // Demand is uneven: some counties order far more than others.
  const weights = seats.map(() => 0.25 + r() ** 2);
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  const busySeat = () => {
    let x = r() * totalWeight;
    for (let i = 0; i < seats.length; i++) if ((x -= weights[i]) <= 0) return seats[i];
    return seats[seats.length - 1];
  };
  const parcels: ParcelToPlace[] = Array.from({ length: SETTINGS.assignParcels }, (_, i) => ({
    id: i + 1,
    ...around(r, busySeat(), 0.15),
    need: randomNeed(r),
  }));

  const t0 = process.hrtime.bigint();
  const index = new PointIndex(points);
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const opts = { maxKm: SETTINGS.assignMaxKm };
  const a = assignParcelsToPoints(points, parcels, { ...opts, index }); // warm-up and the figures
  const b = assignParcelsToPoints(points, parcels, { ...opts, method: "linear" });
  const samples = { indexed: [] as Sample[], linear: [] as Sample[] };
  for (let i = 0; i < 3; i++) {
    samples.indexed.push(measure(() => assignParcelsToPoints(points, parcels, { ...opts, index })));
    samples.linear.push(measure(() => assignParcelsToPoints(points, parcels, { ...opts, method: "linear" })));
  }
  let mismatches = 0;
  for (let i = 0; i < parcels.length; i++) if (a.assignments[i].pointId !== b.assignments[i].pointId) mismatches++;
  const slotCount = points.reduce((s, p) => s + p.free[0].reduce((x, y) => x + y, 0) + p.free[1].reduce((x, y) => x + y, 0), 0);
  return {
    points: points.length,
    parcels: parcels.length,
    freeSlots: slotCount,
    chilledParcels: parcels.filter((p) => p.need.chilled).length,
    buildMs,
    indexed: summarise(samples.indexed),
    linear: summarise(samples.linear),
    mismatches,
    assigned: a.assigned,
    unassigned: a.unassigned,
    unassignedChilled: a.assignments.filter((x, i) => x.pointId === null && parcels[i].need.chilled).length,
    fallbacks: a.fallbacks,
    totalKm: a.totalKm,
    meanKm: a.meanKm,
    nearestTotalKm: a.nearestTotalKm,
    nearestMeanKm: a.assigned ? a.nearestTotalKm / a.assigned : 0,
    distanceRatio: a.nearestTotalKm ? a.totalKm / a.nearestTotalKm : 1,
  };
}

export function run() {
  const a = nearestFeasible();
  const b = assignment();
  const q = a.perQuery;
  // Ratios from CPU time (the machine may be shared); wall-clock shown alongside.
  const speedFilter = q.linear.cpuMs / q.indexFilter.cpuMs;
  const speedAccept = q.linear.cpuMs / q.indexAccept.cpuMs;
  const speedAssign = b.linear.cpuMs / b.indexed.cpuMs;
  const met = speedFilter >= SETTINGS.targetSpeedup && a.mismatches === 0;

  console.log(
    `\na. Nearest feasible point: ${a.points} points (${a.fullPoints} full, ${a.pointsWithoutChilled} without a free chilled slot), ` +
      `${a.queries} queries × ${SETTINGS.rounds} rounds (medians); index built in ${ms(a.buildMs)}\n`,
  );
  const row = (label: string, t: Sample, tests: number, speed: string) => [label, us(t.cpuMs), us(t.wallMs), tests.toFixed(1), speed];
  console.log(
    formatTable(
      ["method", "CPU/query", "wall/query", "tests/query", "vs linear (CPU)"],
      [
        row("index + filter (geokdbush predicate)", q.indexFilter, a.testsPerQuery.indexFilter, `${ratio(speedFilter)} faster`),
        row("index + accept (lazy, nearest first)", q.indexAccept, a.testsPerQuery.indexAccept, `${ratio(speedAccept)} faster`),
        row("linear scan (baseline)", q.linear, a.testsPerQuery.linear, "1.00×"),
      ],
    ),
  );
  console.log(
    `\nsame point for every query: ${a.mismatches === 0 ? "yes" : `NO (${a.mismatches} differ)`}` +
      ` (${a.queriesWithoutFeasiblePoint} queries have no feasible point); target ≥ ${SETTINGS.targetSpeedup}×: ${met ? "met" : "NOT met"}`,
  );

  console.log(
    `\nb. Assignment: ${b.parcels} parcels (${b.chilledParcels} chilled) → ${b.points} points (${b.freeSlots} free slots), buyers at most ${SETTINGS.assignMaxKm} km; ` +
      `3 rounds (medians); index built in ${ms(b.buildMs)}\n`,
  );
  console.log(
    formatTable(
      ["figure", "value"],
      [
        ["time, index (CPU / wall)", `${ms(b.indexed.cpuMs)} / ${ms(b.indexed.wallMs)}`],
        ["time, linear scan, baseline (CPU / wall)", `${ms(b.linear.cpuMs)} / ${ms(b.linear.wallMs)}`],
        ["speed-up (CPU)", ratio(speedAssign)],
        ["same assignment", b.mismatches === 0 ? "yes" : `NO (${b.mismatches} differ)`],
        ["assigned / unassigned", `${b.assigned} / ${b.unassigned} (${b.unassignedChilled} of them chilled)`],
        ["sent beyond their nearest point", `${b.fallbacks} (${((100 * b.fallbacks) / Math.max(1, b.assigned)).toFixed(1)} %)`],
        ["total buyer distance", `${b.totalKm.toFixed(0)} km`],
        ["mean buyer distance", `${b.meanKm.toFixed(2)} km`],
        ["lower bound (nearest, room ignored)", `${b.nearestTotalKm.toFixed(0)} km, mean ${b.nearestMeanKm.toFixed(2)} km`],
        ["distance / lower bound", ratio(b.distanceRatio)],
      ],
    ),
  );

  const summary = {
    header: ["benchmark", "result", "baseline", "ratio", "target"],
    rows: [
      [
        `points: nearest feasible of ${a.points}`,
        `${us(q.indexFilter.cpuMs)}/query`,
        `linear ${us(q.linear.cpuMs)}`,
        `${ratio(speedFilter)} faster`,
        `≥ ${SETTINGS.targetSpeedup}× ${met ? "met" : "NOT met"}`,
      ],
      [
        `points: same, lazy accept`,
        `${us(q.indexAccept.cpuMs)}/query`,
        `linear ${us(q.linear.cpuMs)}`,
        `${ratio(speedAccept)} faster`,
        a.mismatches === 0 ? "same answers" : "MISMATCH",
      ],
      [
        `points: assign ${b.parcels} → ${b.points}`,
        ms(b.indexed.cpuMs),
        `linear ${ms(b.linear.cpuMs)}`,
        `${ratio(speedAssign)} faster`,
        b.mismatches === 0 ? "same answers" : "MISMATCH",
      ],
      [
        `points: assign mean distance`,
        `${b.meanKm.toFixed(2)} km`,
        `nearest ${b.nearestMeanKm.toFixed(2)} km`,
        `${ratio(b.distanceRatio)} of bound`,
        `${b.fallbacks} fallbacks, ${b.unassigned} unassigned`,
      ],
    ],
  };
  return {
    name: "points",
    at: new Date().toISOString(),
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadavg: os.loadavg() },
    settings: SETTINGS,
    nearestFeasible: a,
    assignment: b,
    met: met && b.mismatches === 0,
    summary,
  };
}

// Disagreeing with the baseline is a bug, not a slow run.
runIfMain(import.meta.url, "points", run, (result) => Boolean(result.nearestFeasible.mismatches || result.assignment.mismatches));

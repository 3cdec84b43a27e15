/**
 * Ordering the stops of one courier run (issue 5, 共同配送). A tour leaves the depot, visits
 * every stop once and returns. Construction heuristics (nearest neighbour, cheapest and farthest
 * insertion) build a tour; local search (2-opt plus Or-opt: moving a run of 1–3 stops elsewhere,
 * either way round) improves it until no improving move remains. planRoute improves every
 * construction and keeps the shortest, so its answer is never longer than the improved
 * nearest-neighbour tour, which is never longer than the nearest-neighbour tour itself.
 *
 * Pure and deterministic: the same input gives the same tour (ties go to the lower index).
 * Distances are great-circle km (logistics/geo.ts); a matrix is computed once per call.
 * Stops are handled by position, so duplicate ids and co-located stops are fine.
 */
import { distanceKm, type LatLng } from "./geo";

export type Stop = { id: number; lat: number; lng: number };

export type Construction = "nearest_neighbour" | "cheapest_insertion" | "farthest_insertion";
export const CONSTRUCTIONS: readonly Construction[] = ["nearest_neighbour", "cheapest_insertion", "farthest_insertion"];

export type ImproveOptions = {
  /** Reverse a stretch of the tour (default on). */
  twoOpt?: boolean;
  /** Move a run of 1–3 stops to another place in the tour, forwards or reversed (default on). */
  orOpt?: boolean;
  /** Safety cap on improving moves (default 100 × stops²; never reached in practice). */
  maxMoves?: number;
};

/** Largest run for which planRoute also tries the O(n³) insertion constructions. */
export const MAX_INSERTION_STOPS = 400;

/** Moves must gain more than this (km) to count: stops float rounding from looping forever. */
const EPS = 1e-9;

/** Node 0 is the depot, node i (1..n) is stops[i-1]. */
function matrix(depot: LatLng, stops: readonly Stop[]): { d: Float64Array; size: number } {
  const nodes: LatLng[] = [depot, ...stops];
  const size = nodes.length;
  const d = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = i + 1; j < size; j++) {
      const km = distanceKm(nodes[i].lat, nodes[i].lng, nodes[j].lat, nodes[j].lng);
      d[i * size + j] = km;
      d[j * size + i] = km;
    }
  }
  return { d, size };
}

/** Length of depot → order[0] → … → order[last] → depot, order being node numbers (1..n). */
function lengthOf(d: Float64Array, size: number, order: ArrayLike<number>): number {
  let km = 0;
  let prev = 0;
  for (let k = 0; k < order.length; k++) {
    km += d[prev * size + order[k]];
    prev = order[k];
  }
  return km + d[prev * size];
}

/** depot → stops in the given order → depot, in km. */
export function tourLengthKm(depot: LatLng, stops: readonly Stop[]): number {
  let km = 0;
  let prev: LatLng = depot;
  for (const s of stops) {
    km += distanceKm(prev.lat, prev.lng, s.lat, s.lng);
    prev = s;
  }
  return km + distanceKm(prev.lat, prev.lng, depot.lat, depot.lng);
}

function nnOrder(d: Float64Array, size: number): number[] {
  const n = size - 1;
  const used = new Uint8Array(size);
  const order: number[] = [];
  let at = 0;
  for (let step = 0; step < n; step++) {
    let best = -1;
    let bestKm = Infinity;
    for (let j = 1; j < size; j++) {
      if (!used[j] && d[at * size + j] < bestKm) {
        bestKm = d[at * size + j];
        best = j;
      }
    }
    used[best] = 1;
    order.push(best);
    at = best;
  }
  return order;
}

/**
 * Insertion heuristics on the cycle depot → … → depot. Cheapest: insert the stop whose best
 * insertion costs least. Farthest: insert the stop farthest from the tour, at its cheapest place.
 */
function insertionOrder(d: Float64Array, size: number, rule: "cheapest" | "farthest"): number[] {
  const n = size - 1;
  const inTour = new Uint8Array(size);
  const tour: number[] = []; // without the depot at either end
  // Cheapest insertion cost per stop and where (index in tour to insert before), kept up to date.
  const cost = new Float64Array(size);
  const pos = new Int32Array(size);
  // Farthest: distance from the stop to its nearest tour node (the depot at first).
  const near = new Float64Array(size);
  for (let j = 1; j < size; j++) {
    cost[j] = 2 * d[j]; // depot → j → depot
    pos[j] = 0;
    near[j] = d[j];
  }
  const recompute = (j: number) => {
    let best = Infinity;
    let where = 0;
    let prev = 0;
    for (let k = 0; k <= tour.length; k++) {
      const next = k < tour.length ? tour[k] : 0;
      const c = d[prev * size + j] + d[j * size + next] - d[prev * size + next];
      if (c < best - EPS) {
        best = c;
        where = k;
      }
      prev = next;
    }
    cost[j] = best;
    pos[j] = where;
  };
  for (let step = 0; step < n; step++) {
    let pick = -1;
    let key = rule === "cheapest" ? Infinity : -Infinity;
    for (let j = 1; j < size; j++) {
      if (inTour[j]) continue;
      const v = rule === "cheapest" ? cost[j] : near[j];
      if (rule === "cheapest" ? v < key : v > key) {
        key = v;
        pick = j;
      }
    }
    inTour[pick] = 1;
    tour.splice(pos[pick], 0, pick);
    // Insertion changes the cheapest place of every other stop; n ≤ a few hundred, so recompute.
    for (let j = 1; j < size; j++) {
      if (inTour[j]) continue;
      near[j] = Math.min(near[j], d[pick * size + j]);
      recompute(j);
    }
  }
  return tour;
}

function constructOrder(d: Float64Array, size: number, how: Construction): number[] {
  if (how === "nearest_neighbour") return nnOrder(d, size);
  return insertionOrder(d, size, how === "cheapest_insertion" ? "cheapest" : "farthest");
}

/**
 * Local search on a = [0, …order…, 0] until neither move improves (first improvement, scanned
 * in a fixed order, so deterministic). Works in place on a copy; returns the node order.
 */
function localSearch(d: Float64Array, size: number, order: readonly number[], opts: ImproveOptions): number[] {
  const n = order.length;
  const twoOpt = opts.twoOpt ?? true;
  const orOpt = opts.orOpt ?? true;
  const a = [0, ...order, 0];
  if (n < 3) return order.slice();
  const D = (i: number, j: number) => d[i * size + j];
  let movesLeft = opts.maxMoves ?? 100 * Math.max(1, n * n);

  const reverse = (from: number, to: number) => {
    for (let i = from, j = to; i < j; i++, j--) {
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  };

  // 2-opt: replace edges (a[i],a[i+1]) and (a[j],a[j+1]) by (a[i],a[j]) and (a[i+1],a[j+1]).
  const twoOptPass = (): boolean => {
    let improved = false;
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 2; j <= n; j++) {
        const delta = D(a[i], a[j]) + D(a[i + 1], a[j + 1]) - D(a[i], a[i + 1]) - D(a[j], a[j + 1]);
        if (delta < -EPS) {
          reverse(i + 1, j);
          improved = true;
          if (--movesLeft <= 0) return true;
        }
      }
    }
    return improved;
  };

  // Or-opt: cut a[s..e] (1–3 stops) out and put it between a[k] and a[k+1], as is or reversed.
  const orOptPass = (): boolean => {
    let improved = false;
    for (let len = 1; len <= 3; len++) {
      for (let s = 1; s + len - 1 <= n; s++) {
        const e = s + len - 1;
        const p = a[s - 1];
        const q = a[e + 1];
        const removeGain = D(p, a[s]) + D(a[e], q) - D(p, q);
        if (removeGain <= EPS) continue;
        let bestDelta = -EPS;
        let bestK = -1;
        let bestRev = false;
        for (let k = 0; k <= n; k++) {
          if (k >= s - 1 && k <= e) continue; // the gap the segment came from, or inside it
          const u = a[k];
          const v = a[k + 1];
          const base = D(u, v);
          const fwd = D(u, a[s]) + D(a[e], v) - base - removeGain;
          const rev = D(u, a[e]) + D(a[s], v) - base - removeGain;
          if (fwd < bestDelta) {
            bestDelta = fwd;
            bestK = k;
            bestRev = false;
          }
          if (rev < bestDelta) {
            bestDelta = rev;
            bestK = k;
            bestRev = true;
          }
        }
        if (bestK < 0) continue;
        const seg = a.slice(s, e + 1);
        if (bestRev) seg.reverse();
        a.splice(s, len);
        const at = bestK < s ? bestK + 1 : bestK + 1 - len;
        a.splice(at, 0, ...seg);
        improved = true;
        if (--movesLeft <= 0) return true;
      }
    }
    return improved;
  };

  // After Or-opt changes the tour 2-opt may find new moves: stop when a whole round finds nothing.
  for (;;) {
    let changed = false;
    if (twoOpt) while (movesLeft > 0 && twoOptPass()) changed = true;
    if (orOpt && movesLeft > 0 && orOptPass()) changed = true;
    if (!changed || movesLeft <= 0) break;
  }
  return a.slice(1, n + 1);
}

/** Greedy construction: from the depot, always drive to the nearest stop not yet visited. */
export function nearestNeighbourTour(depot: LatLng, stops: readonly Stop[]): Stop[] {
  const { d, size } = matrix(depot, stops);
  return nnOrder(d, size).map((i) => stops[i - 1]);
}

/** A tour built by the named construction heuristic. */
export function constructTour(depot: LatLng, stops: readonly Stop[], how: Construction): Stop[] {
  const { d, size } = matrix(depot, stops);
  return constructOrder(d, size, how).map((i) => stops[i - 1]);
}

/**
 * 2-opt and Or-opt on the given tour until no improving move is left. Never longer than the
 * input: a final comparison returns the input order unchanged if the search did not beat it.
 */
export function improveTour(depot: LatLng, tour: readonly Stop[], opts: ImproveOptions = {}): Stop[] {
  const { d, size } = matrix(depot, tour);
  const start = Array.from({ length: tour.length }, (_, i) => i + 1);
  const order = localSearch(d, size, start, opts);
  return lengthOf(d, size, order) < lengthOf(d, size, start) ? order.map((i) => tour[i - 1]) : tour.slice();
}

export type PlannedRoute = {
  /** Nearest neighbour from the depot: the baseline. */
  construction: Stop[];
  /** The shortest of every construction after local search; never longer than `construction`. */
  improved: Stop[];
  constructionKm: number;
  improvedKm: number;
  /** Which construction the improved tour came from. */
  method: Construction;
};

/**
 * The route for a day: nearest neighbour (reported as the construction), then each construction
 * improved by 2-opt + Or-opt; the shortest wins (ties: the earlier construction in CONSTRUCTIONS).
 */
export function planRoute(
  depot: LatLng,
  stops: readonly Stop[],
  opts: { constructions?: readonly Construction[]; improve?: ImproveOptions } = {},
): PlannedRoute {
  const { d, size } = matrix(depot, stops);
  const nn = nnOrder(d, size);
  const nnKm = lengthOf(d, size, nn);
  let best = nn;
  let bestKm = nnKm;
  let method: Construction = "nearest_neighbour";
  for (const how of opts.constructions ?? CONSTRUCTIONS) {
    // Insertion as written here is O(n³): beyond a few hundred stops (no county run is that long) only NN is improved.
    if (how !== "nearest_neighbour" && size - 1 > MAX_INSERTION_STOPS) continue;
    const start = how === "nearest_neighbour" ? nn : constructOrder(d, size, how);
    const order = localSearch(d, size, start, opts.improve ?? {});
    const km = lengthOf(d, size, order);
    if (km < bestKm - EPS) {
      best = order;
      bestKm = km;
      method = how;
    }
  }
  const toStops = (o: number[]) => o.map((i) => stops[i - 1]);
  return { construction: toStops(nn), improved: toStops(best), constructionKm: nnKm, improvedKm: bestKm, method };
}

export type JointPlan = {
  /** Distinct stops in driving order for the one joint run. */
  stops: Stop[];
  km: number;
  /** Nearest neighbour over the same stops (before improvement). */
  constructionKm: number;
  /** Sum over producers of each one's own planned tour over only its own stops, same depot. */
  separateKm: number;
  perProducerKm: Map<number, number>;
};

/**
 * 共同配送 against every producer driving alone. `deliveries` lists (producer, stop) pairs; a stop
 * (by id) served for several producers or several parcels is visited once. The joint tour is
 * never longer than the separate sum: besides planRoute's constructions, it also improves the
 * producers' own tours driven one after another with repeated stops skipped, which the triangle
 * inequality keeps no longer than their sum.
 */
export function planJointDelivery(depot: LatLng, deliveries: readonly { producerId: number; stop: Stop }[]): JointPlan {
  const all = new Map<number, Stop>();
  const perProducer = new Map<number, Map<number, Stop>>();
  for (const { producerId, stop } of deliveries) {
    if (!all.has(stop.id)) all.set(stop.id, stop);
    const mine = perProducer.get(producerId) ?? new Map<number, Stop>();
    if (!mine.has(stop.id)) mine.set(stop.id, stop);
    perProducer.set(producerId, mine);
  }
  const perProducerKm = new Map<number, number>();
  const chained: Stop[] = [];
  const seen = new Set<number>();
  let separateKm = 0;
  for (const producerId of [...perProducer.keys()].sort((a, b) => a - b)) {
    const plan = planRoute(depot, [...perProducer.get(producerId)!.values()]);
    perProducerKm.set(producerId, plan.improvedKm);
    separateKm += plan.improvedKm;
    for (const s of plan.improved) {
      if (!seen.has(s.id)) {
        seen.add(s.id);
        chained.push(all.get(s.id)!);
      }
    }
  }
  const joint = planRoute(depot, [...all.values()]);
  const fromChained = improveTour(depot, chained);
  const chainedKm = tourLengthKm(depot, fromChained);
  const useChained = chainedKm < joint.improvedKm;
  return {
    stops: useChained ? fromChained : joint.improved,
    km: useChained ? chainedKm : joint.improvedKm,
    constructionKm: joint.constructionKm,
    separateKm,
    perProducerKm,
  };
}

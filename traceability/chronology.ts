/**
 * The order of a lot's life: planting before inputs before harvest; the test after harvest;
 * packing after the test. Dates are compared as calendar days in Asia/Shanghai (the farmer's forms
 * take days), so events on the same day are in order. Pure: the store calls it before appending an
 * event or a correction that moves one.
 */
import type { EffectiveEvent } from "./chain";
import { isoDay, shanghaiDay } from "../core/clock";
import type { TraceEventType } from "./types";

export interface ChronologyProblem {
  messageKey:
    | "trace.error.beforePlanting"
    | "trace.error.inputAfterHarvest"
    | "trace.error.harvestBeforeInput"
    | "trace.error.inspectBeforeHarvest"
    | "trace.error.inspectionBeforeHarvestDate"
    | "trace.error.packBeforeHarvest"
    | "trace.error.packBeforeInspection"
    | "trace.error.packingBeforeInspectionDate";
  params: Record<string, string | number>;
}

/**
 * Checks one event (new, or an existing one at a corrected time) against the rest of the chain
 * (`others`: the effective events without it). Returns the first problem, or null.
 */
export function chronologyProblem(others: readonly EffectiveEvent[], event: { type: TraceEventType; occurredAt: number }): ChronologyProblem | null {
  const day = shanghaiDay(event.occurredAt);
  const date = isoDay(day);
  const daysOf = (type: TraceEventType) => others.filter((e) => e.type === type).map((e) => ({ day: shanghaiDay(e.occurredAt), seq: e.seq }));
  const planting = daysOf("planting")[0];
  const harvests = daysOf("harvest");
  const inspections = daysOf("inspection");
  const inputs = daysOf("input_application");
  const firstHarvest = harvests.length ? Math.min(...harvests.map((h) => h.day)) : null;
  const lastHarvest = harvests.length ? Math.max(...harvests.map((h) => h.day)) : null;

  if (event.type !== "planting" && planting && day < planting.day && event.type !== "correction") {
    return { messageKey: "trace.error.beforePlanting", params: { date, plantedOn: isoDay(planting.day) } };
  }
  switch (event.type) {
    case "planting": {
      const earlier = others
        .filter((e) => e.type !== "planting" && e.type !== "correction" && shanghaiDay(e.occurredAt) < day)
        .sort((a, b) => a.occurredAt - b.occurredAt)[0];
      if (earlier) return { messageKey: "trace.error.beforePlanting", params: { date: isoDay(shanghaiDay(earlier.occurredAt)), plantedOn: date } };
      return null;
    }
    case "input_application":
      if (firstHarvest !== null && day > firstHarvest)
        return { messageKey: "trace.error.inputAfterHarvest", params: { date, harvestOn: isoDay(firstHarvest) } };
      return null;
    case "harvest": {
      const later = inputs.filter((i) => i.day > day).sort((a, b) => b.day - a.day)[0];
      if (later) return { messageKey: "trace.error.harvestBeforeInput", params: { date, seq: later.seq, appliedOn: isoDay(later.day) } };
      return null;
    }
    case "inspection":
      if (lastHarvest === null) return { messageKey: "trace.error.inspectBeforeHarvest", params: {} };
      if (day < lastHarvest) return { messageKey: "trace.error.inspectionBeforeHarvestDate", params: { date, harvestOn: isoDay(lastHarvest) } };
      return null;
    case "packing": {
      if (lastHarvest === null) return { messageKey: "trace.error.packBeforeHarvest", params: {} };
      if (inspections.length === 0) return { messageKey: "trace.error.packBeforeInspection", params: {} };
      const lastInspection = Math.max(...inspections.map((i) => i.day));
      if (day < lastInspection) return { messageKey: "trace.error.packingBeforeInspectionDate", params: { date, inspectedOn: isoDay(lastInspection) } };
      return null;
    }
    default:
      return null;
  }
}

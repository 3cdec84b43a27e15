/**
 * Slot occupancy, one definition for every query: a parcel holds its slot from dispatch until it
 * leaves the point (PARCEL_STATUSES_IN_SLOT). Plain module.
 */
import type Database from "better-sqlite3";
import { PARCEL_STATUSES_IN_SLOT } from "../db/schema";

/** `('dispatched', 'arrived', 'return_flagged')`, for `status in …` in SQL. */
export const IN_SLOT_SQL = `(${PARCEL_STATUSES_IN_SLOT.map((s) => `'${s}'`).join(", ")})`;

/** Parcels held at (or on their way to) the point: what its parcel capacity counts. */
export function parcelsHeldAt(sqlite: Database.Database, pointId: number): number {
  return sqlite.prepare(`select count(*) from parcels where delivery_point_id = ? and status in ${IN_SLOT_SQL}`).pluck().get(pointId) as number;
}

/**
 * SQL test that parcel `alias` holds a line of a recalled lot (order_lines.hold_reason set by
 * traceability/recall.ts openRecall). Such a parcel is never dispatched, never a manifest stop,
 * never given a pickup code: it is quarantined at the point and returned or destroyed.
 */
export function recallHeldSql(alias: string): string {
  return `exists (select 1 from parcel_items rpi join order_lines rol on rol.id = rpi.order_line_id where rpi.parcel_id = ${alias}.id and rol.hold_reason is not null)`;
}

/**
 * Catalogue changes as the market sees them (issue 12 §4). Retiring an entry, or an edit that
 * makes it banned (its name or active ingredient now names a banned substance), pauses every
 * published listing selling one of its input lots in the same transaction, so nothing of it is
 * sold from then on. Reinstating does not publish them again: each seller decides (publishing
 * re-checks the entry).
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { storefrontChanged } from "../../core/events";
import type { Actor } from "../../core/permissions";
import { editAgriInput, setAgriInputRetired, type AgriInputEdit } from "../../traceability/catalogue-db";
import { listAgriInputs } from "../../traceability/store";

/** Pauses the published listings that sell input lots of the entry; returns how many. */
function pauseListingsOf(db: Db, inputId: number, now: number): number {
  const ids = db
    .all<{ id: number }>(
      sql`select distinct l.id from listings l join listing_batches lb on lb.listing_id = l.id join input_lots il on il.batch_id = lb.batch_id
          where il.agri_input_id = ${inputId} and l.status = 'published'`,
    )
    .map((r) => r.id);
  for (const id of ids) db.run(sql`update listings set status = 'paused', updated_at = ${now} where id = ${id}`);
  if (ids.length) storefrontChanged(db, { kind: "listing", listingIds: ids, what: "status" });
  return ids.length;
}

export function retireCatalogueEntry(db: Db, actor: Actor, inputId: number, retired: boolean, now = Date.now()): { paused: number } {
  return db.transaction(() => {
    setAgriInputRetired(db, actor, inputId, retired, now);
    if (!retired) return { paused: 0 };
    return { paused: pauseListingsOf(db, inputId, now) };
  });
}

/** Edits an entry (catalogue rules and history in traceability); banned after the edit → its listings are paused. */
export function editCatalogueEntry(db: Db, actor: Actor, inputId: number, edit: AgriInputEdit, now = Date.now()): { paused: number } {
  return db.transaction(() => {
    editAgriInput(db, actor, inputId, edit, now);
    const banned = listAgriInputs(db).find((i) => i.id === inputId)?.banned ?? false;
    return { paused: banned ? pauseListingsOf(db, inputId, now) : 0 };
  });
}

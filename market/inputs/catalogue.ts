/**
 * Retiring a catalogue entry as the market sees it (issue 12 §4): the entry is retired in the
 * catalogue (traceability) and, in the same transaction, every published listing that sells one
 * of its input lots is paused, so nothing is sold of it from then on. Reinstating does not publish
 * them again: each seller decides (publishing re-checks the entry).
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { storefrontChanged } from "../../core/events";
import type { Actor } from "../../core/permissions";
import { setAgriInputRetired } from "../../traceability/catalogue-db";

export function retireCatalogueEntry(db: Db, actor: Actor, inputId: number, retired: boolean, now = Date.now()): { paused: number } {
  return db.transaction(() => {
    setAgriInputRetired(db, actor, inputId, retired, now);
    if (!retired) return { paused: 0 };
    const ids = db
      .all<{ id: number }>(
        sql`select distinct l.id from listings l join listing_batches lb on lb.listing_id = l.id join input_lots il on il.batch_id = lb.batch_id
            where il.agri_input_id = ${inputId} and l.status = 'published'`,
      )
      .map((r) => r.id);
    for (const id of ids) db.run(sql`update listings set status = 'paused', updated_at = ${now} where id = ${id}`);
    if (ids.length) storefrontChanged(db, { kind: "listing", listingIds: ids, what: "status" });
    return { paused: ids.length };
  });
}

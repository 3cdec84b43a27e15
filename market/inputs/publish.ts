/**
 * The catalogue check an input listing passes at listing time and again at publish (a separate
 * module so that market/listings can call it without importing the input-listing writer).
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { DomainRuleError, NotFoundError } from "../../core/errors";
import { listAgriInputs } from "../../traceability/store";
import { checkListingRegistration } from "./registration";

/** Why a catalogue entry cannot be listed (or null): used at listing time and again at publish. */
export function inputListingProblem(db: Db, agriInputId: number, registrationNo: string | null, at = Date.now()) {
  const entry = listAgriInputs(db).find((i) => i.id === agriInputId);
  if (!entry) throw new NotFoundError("agri_input");
  const check = checkListingRegistration(entry, registrationNo, at);
  return { entry, check };
}

/** Publishing an input listing re-checks its catalogue entry: retired or banned since listing → refused. */
export function assertInputListingPublishable(db: Db, listingId: number): void {
  const lots = db.all<{ agriInputId: number; registrationNo: string | null }>(sql`
    select il.agri_input_id as agriInputId, il.registration_no as registrationNo
    from listing_batches lb join input_lots il on il.batch_id = lb.batch_id where lb.listing_id = ${listingId}`);
  for (const lot of lots) {
    const { check } = inputListingProblem(db, lot.agriInputId, lot.registrationNo);
    if (!check.ok) throw new DomainRuleError(check.problem);
  }
  const category = db.get<{ slug: string }>(sql`select c.slug from listings l join categories c on c.id = l.category_id where l.id = ${listingId}`);
  if (category?.slug === "agri_inputs" && lots.length === 0) throw new DomainRuleError("inputsMarket.error.needsCatalogueEntry");
}

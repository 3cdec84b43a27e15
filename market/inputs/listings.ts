/**
 * Input sellers (农资经营者) list registered inputs (issue 12 §4). A listing in the agri_inputs
 * category is tied to one catalogue entry and sells from an input lot: the maker's batch number,
 * production and expiry date. The lot is also a `batches` row of the seller, so order lines, the
 * storefront and recalls treat it like any lot; input_lots carries what is particular to inputs.
 */
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { batches, inputLots, listingBatches, listings, producers, type Unit } from "../../db/schema";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { once } from "../../core/once";
import { isRealIsoDate, shanghaiToday } from "../../core/clock";
import { isVerifiedProducer } from "../../core/credit-code";
import { canManageProducer, type Actor } from "../../core/permissions";
import { listAgriInputs, platformGtinFor } from "../../traceability/store";
import { createListing } from "../listings/listings";
import { inputListingProblem } from "./publish";

export type InputListingInput = {
  producerId: number;
  agriInputId: number;
  /** As printed on the package: checked against the catalogue entry. */
  registrationNo: string;
  makerLotNo: string;
  /** YYYY-MM-DD. */
  producedOn: string;
  expiresOn: string;
  title?: string;
  description?: string;
  unit: Unit;
  priceFen: number;
  stock: number;
};

/** GS1 AI (10): up to 20 characters; the maker's batch numbers we meet are letters, digits and hyphens. */
const MAKER_LOT = /^[A-Za-z0-9-]{1,20}$/;

/**
 * Creates a draft listing of a catalogue input with its input lot. The seller must be a verified
 * input seller (credit code valid or approved by an admin); the registration number must match
 * the catalogue; banned and retired entries are refused. Publishing is the usual step (photo, gate).
 */
export function createInputListing(
  db: Db,
  actor: Actor,
  input: InputListingInput,
  photos: Parameters<typeof createListing>[3] = [],
  formToken?: string,
  now = Date.now(),
): number {
  if (!canManageProducer(actor, input.producerId)) throw new ForbiddenError();
  return once(db, { actorId: actor.id, token: formToken, kind: "input_listing" }, () =>
    db.transaction(() => {
      const producer = db.select().from(producers).where(eq(producers.id, input.producerId)).get();
      if (!producer) throw new NotFoundError("producer");
      if (producer.kind !== "input_seller") throw new DomainRuleError("inputsMarket.error.notInputSeller");
      if (!isVerifiedProducer(producer.creditCodeStatus)) throw new DomainRuleError("inputsMarket.error.sellerNotVerified");
      const { entry, check } = inputListingProblem(db, input.agriInputId, input.registrationNo);
      if (!check.ok) throw new DomainRuleError(check.problem);
      const makerLotNo = input.makerLotNo.trim().toUpperCase();
      if (!MAKER_LOT.test(makerLotNo)) throw new DomainRuleError("inputsMarket.error.makerLot");
      if (!isRealIsoDate(input.producedOn) || !isRealIsoDate(input.expiresOn) || input.expiresOn <= input.producedOn) {
        throw new DomainRuleError("inputsMarket.error.dates");
      }
      // An expired product (过期农资) may not be sold.
      if (input.expiresOn < shanghaiToday(now)) throw new DomainRuleError("inputsMarket.error.lotExpired", { date: input.expiresOn });
      const category = db.get<{ id: number }>(sql`select id from categories where slug = 'agri_inputs'`);
      if (!category) throw new DomainRuleError("farm.unknownCategory");
      const listingId = createListing(
        db,
        actor,
        {
          producerId: input.producerId,
          categoryId: category.id,
          productName: entry.nameZh,
          title: input.title?.trim() || entry.nameZh,
          description: input.description ?? "",
          unit: input.unit,
          priceFen: input.priceFen,
          stock: input.stock,
          certifications: [],
        },
        photos,
      );
      const productId = db.select({ productId: listings.productId }).from(listings).where(eq(listings.id, listingId)).get()!.productId;
      const lotTaken = db.get<{ id: number }>(sql`select id from batches where producer_id = ${input.producerId} and lot_code = ${makerLotNo}`);
      if (lotTaken) throw new DomainRuleError("inputsMarket.error.makerLotTaken", { lot: makerLotNo });
      const batch = db
        .insert(batches)
        .values({
          producerId: input.producerId,
          productId,
          lotCode: makerLotNo,
          gtin: platformGtinFor(productId),
          status: "packed",
          unit: input.unit,
          quantity: input.stock,
        })
        .returning({ id: batches.id })
        .get();
      db.insert(listingBatches).values({ listingId, batchId: batch.id }).run();
      db.insert(inputLots)
        .values({
          batchId: batch.id,
          agriInputId: entry.id,
          registrationNo: check.registrationNo,
          makerLotNo,
          producedOn: input.producedOn,
          expiresOn: input.expiresOn,
          createdBy: actor.id,
        })
        .run();
      return listingId;
    }),
  );
}

/** The seller's input listings with their lot and catalogue entry (/farm/inputs). */
export function listSellerInputListings(db: Db, actor: Actor) {
  if (!actor.producerIds.length) return [];
  const ids = sql.join(
    actor.producerIds.map((id) => sql`${id}`),
    sql`, `,
  );
  return db.all<{
    listingId: number;
    title: string;
    status: string;
    stock: number;
    unit: string;
    priceFen: number;
    nameZh: string;
    nameEn: string;
    kind: string;
    registrationNo: string | null;
    makerLotNo: string;
    expiresOn: string;
  }>(sql`
    select l.id as listingId, l.title, l.status, l.stock, l.unit, l.price_fen as priceFen, a.name_zh as nameZh, a.name_en as nameEn,
           a.kind, il.registration_no as registrationNo, il.maker_lot_no as makerLotNo, il.expires_on as expiresOn
    from listings l join listing_batches lb on lb.listing_id = l.id join input_lots il on il.batch_id = lb.batch_id
    join agri_inputs a on a.id = il.agri_input_id
    where l.producer_id in (${ids}) order by l.updated_at desc, l.id desc`);
}

/** Catalogue entries an input seller may list now (not banned, not retired). */
export function listableCatalogue(db: Db) {
  return listAgriInputs(db)
    .filter((i) => !i.banned && i.retiredAt === null)
    .map((i) => ({ id: i.id, kind: i.kind, nameZh: i.nameZh, nameEn: i.nameEn, registrationNo: i.registrationNo }));
}

/** What a buyer reads on an input listing's page: the catalogue product, its registration and the input lot (null for other listings). */
export function inputLotOfListing(db: Db, listingId: number) {
  const row = db.get<{
    nameZh: string;
    nameEn: string;
    kind: string;
    registrationNo: string | null;
    activeIngredient: string | null;
    maker: string | null;
    makerLotNo: string;
    producedOn: string;
    expiresOn: string;
    agriInputId: number;
  }>(sql`
    select a.name_zh as nameZh, a.name_en as nameEn, a.kind, coalesce(il.registration_no, a.registration_no) as registrationNo,
           a.active_ingredient as activeIngredient, a.maker, il.maker_lot_no as makerLotNo, il.produced_on as producedOn,
           il.expires_on as expiresOn, a.id as agriInputId
    from listing_batches lb join input_lots il on il.batch_id = lb.batch_id join agri_inputs a on a.id = il.agri_input_id
    where lb.listing_id = ${listingId} order by il.id desc limit 1`);
  if (!row) return null;
  const uses = listAgriInputs(db).find((i) => i.id === row.agriInputId)?.intervals ?? [];
  return { ...row, uses: uses.map((u) => ({ target: u.target, intervalDays: u.intervalDays, prohibited: u.prohibited })) };
}

/** The input sellers among the actor's producers, with their credit-code status (the listing form's choice). */
export function inputSellersOf(db: Db, actor: Actor): { id: number; nameZh: string; nameEn: string; status: string }[] {
  if (!actor.producerIds.length) return [];
  const ids = sql.join(
    actor.producerIds.map((id) => sql`${id}`),
    sql`, `,
  );
  return db.all(sql`select id, name_zh as nameZh, name_en as nameEn, credit_code_status as status from producers
                    where kind = 'input_seller' and id in (${ids}) order by id`);
}

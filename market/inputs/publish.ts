/**
 * The catalogue check an input listing passes at listing time and again at publish (a separate
 * module so that market/listings can call it without importing the input-listing writer).
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { DomainRuleError, NotFoundError } from "../../core/errors";
import { shanghaiToday } from "../../core/clock";
import { listAgriInputs, loadCatalogue } from "../../traceability/store";
import { inputContains, listedNames, normaliseInputName } from "../../traceability/inputs";
import { checkListingRegistration } from "./registration";

/** Why a catalogue entry cannot be listed (or null): used at listing time and again at publish. */
export function inputListingProblem(db: Db, agriInputId: number, registrationNo: string | null, at = Date.now()) {
  const entry = listAgriInputs(db).find((i) => i.id === agriInputId);
  if (!entry) throw new NotFoundError("agri_input");
  const check = checkListingRegistration(entry, registrationNo, at);
  return { entry, check };
}

/**
 * A listing selling input lots keeps its catalogue product and category (the lot says what it is):
 * the edit form may only keep the product name or set it to the catalogue entry's current name.
 * No-op for other listings. Called by updateListing before it writes.
 */
export function assertInputListingIdentityKept(db: Db, listingId: number, next: { productName: string; categoryId: number }): void {
  const current = db.get<{ categoryId: number; productName: string; catalogueName: string }>(sql`
    select l.category_id as categoryId, p.name_zh as productName, a.name_zh as catalogueName
    from listings l join products p on p.id = l.product_id join listing_batches lb on lb.listing_id = l.id
    join input_lots il on il.batch_id = lb.batch_id join agri_inputs a on a.id = il.agri_input_id
    where l.id = ${listingId} limit 1`);
  if (!current) return;
  if (next.categoryId !== current.categoryId) throw new DomainRuleError("inputsMarket.error.categoryFixed");
  const name = next.productName.trim();
  if (name !== current.productName && name !== current.catalogueName) {
    throw new DomainRuleError("inputsMarket.error.productFixed", { name: current.catalogueName });
  }
}

/** Publishing an input listing re-checks its catalogue entry: retired or banned since listing → refused. */
export function assertInputListingPublishable(db: Db, listingId: number, now = Date.now()): void {
  const lots = db.all<{ agriInputId: number; registrationNo: string | null; productName: string; slug: string; expiresOn: string }>(sql`
    select il.agri_input_id as agriInputId, il.registration_no as registrationNo, p.name_zh as productName, c.slug, il.expires_on as expiresOn
    from listing_batches lb join input_lots il on il.batch_id = lb.batch_id join listings l on l.id = lb.listing_id
    join products p on p.id = l.product_id join categories c on c.id = l.category_id where lb.listing_id = ${listingId}`);
  for (const lot of lots) {
    const { entry, check } = inputListingProblem(db, lot.agriInputId, lot.registrationNo);
    if (!check.ok) throw new DomainRuleError(check.problem);
    if (lot.expiresOn < shanghaiToday(now)) throw new DomainRuleError("inputsMarket.error.lotExpired", { date: lot.expiresOn });
    // What the listing says it sells must still be the catalogue entry its lot is.
    if (lot.slug !== "agri_inputs") throw new DomainRuleError("inputsMarket.error.categoryFixed");
    if (lot.productName !== entry.nameZh) throw new DomainRuleError("inputsMarket.error.productFixed", { name: entry.nameZh });
  }
  if (lots.length > 0) return;
  const listing = db.get<{ slug: string; kind: string; title: string; product: string }>(sql`
    select c.slug, pr.kind, l.title, p.name_zh as product
    from listings l join categories c on c.id = l.category_id join producers pr on pr.id = l.producer_id join products p on p.id = l.product_id
    where l.id = ${listingId}`);
  if (listing?.slug !== "agri_inputs") return;
  // An input seller sells registered inputs only through a catalogue entry and an input lot.
  if (listing.kind === "input_seller") throw new DomainRuleError("inputsMarket.error.needsCatalogueEntry");
  // A farm's own supplies (fruit bags, its compost) are no catalogue product; a banned substance named in them still stops them.
  const catalogue = loadCatalogue(db);
  const names = listedNames(catalogue);
  for (const text of [listing.title, listing.product]) {
    if (catalogue.banned.some((b) => inputContains({ productName: text }, b, names))) throw new DomainRuleError("inputsMarket.regno.banned");
  }
  // Pesticides and veterinary drugs are sold under a licence (农药经营许可 / 兽药经营许可): only by
  // verified input sellers, from the catalogue. A farm's listing naming one is refused.
  if (namesPesticideOrVetDrug(db, [listing.title, listing.product])) throw new DomainRuleError("inputsMarket.error.licensedInputs");
}

/**
 * Words that only name pesticides or veterinary drugs (their kinds and formulations: 乳油 and
 * 可湿性粉剂 are pesticide formulations only). Chosen to be unambiguous: 生物菌剂, 有机肥, 果袋 do not match.
 */
const LICENSED_INPUT_WORDS = ["农药", "兽药", "兽用", "杀虫剂", "杀菌剂", "除草剂", "杀螨剂", "杀鼠剂", "灭鼠", "乳油", "可湿性粉剂", "水分散粒剂"];

/** Does any text name a pesticide or veterinary drug: a licensed-input word, or a catalogue entry's name or active ingredient? */
function namesPesticideOrVetDrug(db: Db, texts: string[]): boolean {
  const normalised = texts.map(normaliseInputName);
  if (normalised.some((t) => LICENSED_INPUT_WORDS.some((w) => t.includes(w)))) return true;
  const licensed = listAgriInputs(db).filter((i) => i.kind === "pesticide" || i.kind === "veterinary_drug");
  const needles = licensed.flatMap((i) => [i.nameZh, i.activeIngredient ?? ""]).map(normaliseInputName);
  // Two characters at least: a one-character name would match ordinary words.
  return needles.some((n) => n.length >= 2 && normalised.some((t) => t.includes(n)));
}

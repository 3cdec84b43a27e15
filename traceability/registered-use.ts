/**
 * The registered use an application relies on (农药管理条例 第三十四条): a pesticide may be used only
 * on the crops its registration label names, and must stop its label's pre-harvest interval before
 * harvest. Pure; shared by the compliance gate (compliance.ts) and the public trace page.
 *
 * Where the figures come from:
 * - the farmer's declaration in the application (registeredCrop, labelIntervalDays, read off the
 *   label: intervalSource "declared", shown as declared, never as verified), or a catalogue use the
 *   form copied into it (intervalSource "catalogue");
 * - the catalogue's registered uses (input_intervals) for this product, and reference intervals for
 *   the same active ingredient (GB/T 8321 and other lists).
 * Where they disagree, the longest interval and the smallest maximum of applications win.
 * A missing catalogue row proves nothing: without a declared or catalogued use for the lot's crop,
 * the use is not established and the lot is blocked.
 */
import { labelCovers } from "./crops";
import { normaliseInputName, type InputsCatalogue, type PreHarvestInterval } from "./inputs";
import type { PayloadOf } from "./types";

type Application = PayloadOf<"input_application">;

export type UseStatus =
  /** The lot's crop is on the label (declared, or the catalogue's registration of this product). */
  | "registered"
  /** The declared label crop is not the lot's crop: 超范围使用. */
  | "off_label"
  /** Neither a declaration nor a catalogue registration of this product for this crop: not established. */
  | "unknown";

export interface RegisteredUse {
  status: UseStatus;
  /** The crop the declaration names (as typed or picked), when declared. */
  declaredCrop: string | null;
  /** True when the catalogue knows this product (by its exact name) but has no use on this crop. */
  catalogueKnowsProduct: boolean;
  /** The interval the gate applies (longest of the declared and catalogue figures); null if none. */
  intervalDays: number | null;
  /** Which figure is the longest: the farmer's declaration or the catalogue. */
  intervalSource: "declared" | "catalogue" | null;
  maxApplications: number | null;
  /** The grouping key for counting applications and the last one before harvest. */
  ingredientKey: string;
}

/** Chinese name without strength and formulation: "1.8%阿维菌素乳油" → "阿维菌素". */
export function ingredientOfProduct(productZh: string): string {
  return productZh
    .replace(/\s*\(.*\)\s*$/, "")
    .replace(/^[\d.]+%/, "")
    .replace(/(可湿性粉剂|水分散粒剂|可溶性粉剂|可溶粉剂|悬浮剂|微乳剂|乳油|水剂|颗粒剂|粉剂|烟剂)$/, "")
    .trim();
}

/** Does this catalogue row concern the applied product (same product, or the same active ingredient)? */
function rowMatches(app: Application, rule: PreHarvestInterval): { exact: boolean; ingredient: boolean } {
  const product = normaliseInputName(app.productName);
  const ai = app.activeIngredient ? normaliseInputName(app.activeIngredient) : null;
  const exact = product === normaliseInputName(rule.productZh);
  const zhAi = normaliseInputName(ingredientOfProduct(rule.productZh));
  const ingredient = exact || ai === rule.activeIngredient || ai === zhAi || (zhAi.length >= 2 && product.includes(zhAi));
  return { exact, ingredient };
}

export function registeredUseOf(app: Application, lotTerms: Set<string>, cat: InputsCatalogue): RegisteredUse {
  let catalogueKnowsProduct = false;
  let catalogueRegistered = false;
  let catalogueDays: number | null = null;
  let catalogueMax: number | null = null;
  let ingredientKey = normaliseInputName(app.activeIngredient ?? ingredientOfProduct(app.productName));
  for (const rule of cat.intervals) {
    const m = rowMatches(app, rule);
    if (!m.ingredient) continue;
    ingredientKey = rule.activeIngredient;
    if (m.exact) catalogueKnowsProduct = true;
    if (!lotTerms.has(rule.crop)) continue;
    if (m.exact) catalogueRegistered = true;
    // Reference intervals of the same active ingredient on this crop count too: longer is safer.
    catalogueDays = Math.max(catalogueDays ?? 0, rule.intervalDays);
    if (rule.maxApplications !== null) catalogueMax = catalogueMax === null ? rule.maxApplications : Math.min(catalogueMax, rule.maxApplications);
  }

  const declaredCrop = app.registeredCrop ?? null;
  const declaredDays = app.labelIntervalDays ?? null;
  let status: UseStatus;
  if (declaredCrop !== null) status = labelCovers(declaredCrop, lotTerms) ? "registered" : "off_label";
  else status = catalogueRegistered ? "registered" : "unknown";

  let intervalDays: number | null = null;
  let intervalSource: RegisteredUse["intervalSource"] = null;
  // A figure copied from the catalogue is the catalogue's, not the farmer's.
  const declaredIsCatalogue = app.intervalSource === "catalogue";
  if (declaredDays !== null) {
    intervalDays = declaredDays;
    intervalSource = declaredIsCatalogue ? "catalogue" : "declared";
  }
  if (catalogueDays !== null && (intervalDays === null || catalogueDays > intervalDays)) {
    intervalDays = catalogueDays;
    intervalSource = "catalogue";
  }
  const maxes = [app.labelMaxApplications ?? null, catalogueMax].filter((x): x is number => x !== null);
  return {
    status,
    declaredCrop,
    catalogueKnowsProduct,
    intervalDays,
    intervalSource,
    maxApplications: maxes.length ? Math.min(...maxes) : null,
    ingredientKey,
  };
}

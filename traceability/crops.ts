/**
 * A small crop and animal taxonomy so that the reference lists, which name crops at different
 * levels ("apple", "fruit", "crucifers", "leaf vegetables", "greenhouse tomato"), can be
 * matched against the crop a planting event names. A crop matches a list term if the term is
 * the crop itself or one of its groups. Unknown crops fall back to the listing category's
 * group (fruit, vegetables, tea), so that group-level restrictions still apply.
 *
 * Deliberately conservative: "greenhouse tomato" intervals are applied to all tomatoes
 * (applying a longer interval is safe; silently skipping one is not).
 */
import type { CategorySlugLike } from "./inputs";

export interface CropInfo {
  zh: string;
  en: string;
  /** The crop key and every group term it matches, lower case. */
  terms: string[];
}

const crop = (zh: string, en: string, ...groups: string[]): CropInfo => ({ zh, en, terms: [en, ...groups] });

export const CROPS: Record<string, CropInfo> = {
  apple: crop("苹果", "apple", "fruit"),
  pear: crop("梨", "pear", "fruit"),
  kiwifruit: crop("猕猴桃", "kiwifruit", "fruit"),
  citrus: crop("柑橘", "citrus", "fruit"),
  orange: crop("橙", "orange", "citrus", "fruit"),
  grape: crop("葡萄", "grape", "fruit"),
  peach: crop("桃", "peach", "fruit"),
  strawberry: crop("草莓", "strawberry", "fruit"),
  cucumber: crop("黄瓜", "cucumber", "vegetables"),
  tomato: crop("番茄", "tomato", "greenhouse tomato", "vegetables"),
  cowpea: crop("豇豆", "cowpea", "vegetables"),
  cabbage: crop("甘蓝", "cabbage", "crucifers", "leaf vegetables", "vegetables"),
  chinese_cabbage: crop("大白菜", "chinese cabbage", "crucifers", "leaf vegetables", "vegetables"),
  bok_choy: crop("小白菜", "bok choy", "crucifers", "leaf vegetables", "vegetables"),
  radish: crop("萝卜", "radish", "crucifers", "vegetables"),
  spinach: crop("菠菜", "spinach", "leaf vegetables", "vegetables"),
  lettuce: crop("生菜", "lettuce", "leaf vegetables", "vegetables"),
  mushroom: crop("食用菌", "mushroom", "edible fungi", "vegetables"),
  lotus_root: crop("莲藕", "lotus root", "aquatic plants", "vegetables"),
  tea: crop("茶叶", "tea"),
  rice: crop("水稻", "rice", "grain"),
  wheat: crop("小麦", "wheat", "grain"),
  maize: crop("玉米", "maize", "grain"),
  peanut: crop("花生", "peanut"),
  ginseng: crop("人参", "ginseng", "chinese herbs"),
  goji: crop("枸杞", "goji", "chinese herbs", "fruit"),
  // animals and animal products (withdrawal periods)
  pigs: crop("生猪", "pigs", "meat animals"),
  cattle: crop("牛", "cattle", "meat animals"),
  sheep: crop("羊", "sheep", "meat animals"),
  chickens: crop("鸡", "chickens", "poultry", "meat animals"),
  ducks: crop("鸭", "ducks", "poultry", "meat animals"),
  geese: crop("鹅", "geese", "poultry", "meat animals"),
  eggs: crop("鸡蛋", "eggs"),
  milk: crop("牛奶", "milk"),
  fish: crop("鱼", "fish", "aquatic animals"),
  shrimp: crop("虾", "shrimp", "aquatic animals"),
};

/** Crop groups as labels and the reference lists name them (key = term in CROPS), with their Chinese label wording. */
export const CROP_GROUPS: Record<string, { zh: string[]; en: string }> = {
  fruit: { zh: ["果树", "水果", "瓜果"], en: "fruit" },
  vegetables: { zh: ["蔬菜"], en: "vegetables" },
  "leaf vegetables": { zh: ["叶菜", "叶菜类蔬菜"], en: "leaf vegetables" },
  crucifers: { zh: ["十字花科蔬菜", "十字花科"], en: "crucifers" },
  grain: { zh: ["粮食作物", "谷物"], en: "grain" },
  "edible fungi": { zh: ["菌类", "食用菌类"], en: "edible fungi" },
  "chinese herbs": { zh: ["中草药材", "中药材"], en: "Chinese herbs" },
  "aquatic plants": { zh: ["水生植物"], en: "aquatic plants" },
};

/**
 * Groups on which 剧毒/高毒 pesticides may never be used (农药管理条例 第三十四条 第四款: 蔬菜、瓜果、
 * 茶叶、菌类、中草药材, 水生植物).
 */
export const HIGH_TOXICITY_FORBIDDEN_GROUPS = ["vegetables", "fruit", "tea", "edible fungi", "chinese herbs", "aquatic plants"] as const;

/** The term a label's crop wording stands for: a crop key, a group term, or the lower-cased text itself. */
export function labelCropTerm(label: string): string {
  const t = label.trim();
  const found = findCrop(t);
  if (found) return found.info.en;
  const lower = t.toLowerCase();
  for (const [term, g] of Object.entries(CROP_GROUPS)) if (term === lower || g.zh.includes(t) || g.en.toLowerCase() === lower) return term;
  return lower;
}

/** Is the lot (its crop terms) covered by a label that names this crop or group? */
export function labelCovers(labelCrop: string, lotTerms: Set<string>): boolean {
  return lotTerms.has(labelCropTerm(labelCrop));
}

/** Chinese / English display name of a crop key or group term. */
export function cropDisplay(term: string): { zh: string; en: string } {
  const found = findCrop(term);
  if (found) return { zh: found.info.zh, en: found.info.en };
  const g = CROP_GROUPS[term];
  if (g) return { zh: g.zh[0], en: g.en };
  return { zh: term, en: term };
}

/** Lots of living crops take pesticides and fertilisers; livestock, poultry and aquatic lots take veterinary drugs and feed. */
export type LotKind = "crop" | "animal";
export function lotKindOf(category: CategorySlugLike): LotKind {
  return category === "livestock_poultry" || category === "aquatic" ? "animal" : "crop";
}
export const INPUT_KINDS_FOR_LOT: Record<LotKind, readonly ("pesticide" | "fertilizer" | "veterinary_drug" | "feed" | "other")[]> = {
  crop: ["pesticide", "fertilizer", "other"],
  animal: ["veterinary_drug", "feed", "other"],
};

const CATEGORY_GROUP: Partial<Record<CategorySlugLike, string>> = {
  fruit: "fruit",
  vegetables: "vegetables",
  tea: "tea",
  grain: "grain",
  livestock_poultry: "meat animals",
  aquatic: "aquatic animals",
};

const norm = (s: string) => s.trim().toLowerCase();

/** Finds a crop by key, English or Chinese name. */
export function findCrop(nameOrKey: string): { key: string; info: CropInfo } | null {
  const n = norm(nameOrKey);
  for (const [key, info] of Object.entries(CROPS)) {
    if (key === n || info.en === n || info.zh === nameOrKey.trim()) return { key, info };
  }
  return null;
}

/** Every term (crop and groups) that the crop of a lot in a category matches. */
export function cropTerms(cropName: string | null | undefined, category: CategorySlugLike): Set<string> {
  const terms = new Set<string>();
  const found = cropName ? findCrop(cropName) : null;
  if (found) for (const t of found.info.terms) terms.add(t);
  else if (cropName) terms.add(norm(cropName));
  const group = CATEGORY_GROUP[category];
  if (group) terms.add(group);
  return terms;
}

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
  mushroom: crop("食用菌", "mushroom", "vegetables"),
  tea: crop("茶叶", "tea"),
  rice: crop("水稻", "rice", "grain"),
  wheat: crop("小麦", "wheat", "grain"),
  maize: crop("玉米", "maize", "grain"),
  peanut: crop("花生", "peanut"),
  ginseng: crop("人参", "ginseng", "chinese herbs"),
  // animals and animal products (withdrawal periods)
  pigs: crop("生猪", "pigs", "meat animals"),
  cattle: crop("牛", "cattle", "meat animals"),
  sheep: crop("羊", "sheep", "meat animals"),
  chickens: crop("鸡", "chickens", "poultry", "meat animals"),
  ducks: crop("鸭", "ducks", "poultry", "meat animals"),
  geese: crop("鹅", "geese", "poultry", "meat animals"),
  eggs: crop("鸡蛋", "eggs"),
  milk: crop("牛奶", "milk"),
};

const CATEGORY_GROUP: Partial<Record<CategorySlugLike, string>> = {
  fruit: "fruit",
  vegetables: "vegetables",
  tea: "tea",
  grain: "grain",
  livestock_poultry: "meat animals",
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

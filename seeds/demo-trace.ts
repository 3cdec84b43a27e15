/**
 * Trace chains for the demo listings: what was grown where, which inputs went on it and when,
 * the harvest, a residue test and the packing with its 承诺达标合格证. Every pesticide names its
 * registered use (农药管理条例 第三十四条): the catalogue's use for the crop where it has one (as the
 * farmer's form copies it), else the crop and interval the farmer read off the label (declared).
 * Pesticides and veterinary drugs are applied outside their pre-harvest intervals / withdrawal
 * periods, so every published demo lot passes the gate. Fertilisers carry 肥料登记证号 of the
 * 农肥(20xx)准字 / 微生物肥(20xx)准字 forms (demo numbers, not real registrations).
 * Two extra lots of the Luochuan co-op show the gate at work: one sprayed inside the interval,
 * one with a banned pesticide.
 */
import type { Db } from "../db/client";
import { agriInputs, type CategorySlug, type Unit } from "../db/schema";
import { validateFertilizerRegistrationNo } from "../traceability/inputs";
import type { PayloadOf } from "../traceability/types";
import { createLotWithChain, type LotInputSpec } from "./factories";

const DAY = 86_400_000;

type Inspection = PayloadOf<"inspection">;

export type TraceProfile = {
  crop: string;
  variety?: string;
  plot: string;
  areaMu: number;
  /** Days from the start of the season (planting, stocking) to harvest. */
  seasonDays: number;
  inputs: LotInputSpec[];
  inspection: Omit<Inspection, "reportNo">;
};

const manure = (days: number, name = "腐熟农家肥", dose = "3000公斤/亩"): LotInputSpec => ({
  productName: name,
  inputKind: "fertilizer",
  dose,
  method: "soil",
  daysBeforeHarvest: days,
});
/** A registered use: from the catalogue (the form fills it in) or declared by the farmer from the label. */
type Use = { crop: string; days: number; max?: number; declared?: boolean };
const spray = (productName: string, activeIngredient: string, dose: string, days: number, use: Use): LotInputSpec => ({
  productName,
  activeIngredient,
  inputKind: "pesticide",
  dose,
  method: "spray",
  daysBeforeHarvest: days,
  registeredCrop: use.crop,
  labelIntervalDays: use.days,
  ...(use.max ? { labelMaxApplications: use.max } : {}),
  intervalSource: use.declared ? "declared" : "catalogue",
});
/** Demo fertilisers with registration numbers (the 农肥 and 微生物肥 forms; demo numbers). */
const registeredFertilizer = (days: number, name: string, registrationNo: string, dose: string): LotInputSpec => ({
  productName: name,
  inputKind: "fertilizer",
  registrationNo,
  dose,
  method: "soil",
  daysBeforeHarvest: days,
});
const feed = (days: number, name = "玉米豆粕配合饲料"): LotInputSpec => ({
  productName: name,
  inputKind: "feed",
  dose: "按日定量饲喂",
  method: "oral",
  daysBeforeHarvest: days,
});
const drug = (productName: string, activeIngredient: string, dose: string, days: number, method: "oral" | "injection" = "oral"): LotInputSpec => ({
  productName,
  activeIngredient,
  inputKind: "veterinary_drug",
  dose,
  method,
  daysBeforeHarvest: days,
});
const rapid = (inspector: string): Omit<Inspection, "reportNo"> => ({
  result: "pass",
  kind: "rapid_test",
  inspector,
  notes: "农药残留快速检测（酶抑制法）：阴性",
});
const lab = (inspector: string, notes: string): Omit<Inspection, "reportNo"> => ({ result: "pass", kind: "lab_test", inspector, notes });
const selfCheck = (notes: string): Omit<Inspection, "reportNo"> => ({ result: "pass", kind: "self_check", inspector: "企业质检室", notes });

// Catalogue uses these rely on: abamectin citrus 14 / cucumber 2 / cowpea 5 days; acetamiprid EC
// citrus 14 / cucumber 2; bifenthrin EC tea 7 / greenhouse tomato 4; buprofezin WP rice 14 / citrus
// 35; azocyclotin SC citrus 30. Declared (demo label figures): abamectin and acetamiprid on apple
// 14 days, abamectin on kiwifruit 14, goji 7 and sweet pepper 7, acetamiprid on broccoli 7.
// Withdrawal: oxytetracycline tablets pigs 7 / poultry 5; maduramicin premix chickens 5.
const apple = (variety: string): TraceProfile => ({
  crop: "apple",
  variety,
  plot: "谷咀村二组果园",
  areaMu: 15,
  seasonDays: 200,
  inputs: [
    manure(190),
    registeredFertilizer(150, "生物有机肥", "微生物肥(2021)准字(8801)号", "300公斤/亩"),
    spray("20%啶虫脒乳油", "acetamiprid", "8000倍液", 120, { crop: "apple", days: 14, max: 2, declared: true }),
    spray("1.8%阿维菌素乳油", "abamectin", "4000倍液", 60, { crop: "apple", days: 14, max: 2, declared: true }),
    registeredFertilizer(45, "大量元素水溶肥料", "农肥(2020)准字6612号", "10公斤/亩"),
    manure(45, "硫酸钾型复合肥", "50公斤/亩"),
  ],
  inspection: rapid("洛川县农产品质量安全检测站"),
});
const kiwi = (variety: string): TraceProfile => ({
  crop: "kiwifruit",
  variety,
  plot: "明月村猕猴桃园",
  areaMu: 8,
  seasonDays: 180,
  inputs: [
    manure(170, "腐熟有机肥", "2000公斤/亩"),
    spray("1.8%阿维菌素乳油", "abamectin", "3000倍液", 50, { crop: "kiwifruit", days: 14, max: 2, declared: true }),
  ],
  inspection: rapid("蒲江县农产品质量安全监测站"),
});
const tea = (variety: string, organic: boolean): TraceProfile => ({
  crop: "tea",
  variety,
  plot: "龙井村狮峰山茶园",
  areaMu: 6,
  seasonDays: 120,
  inputs: organic
    ? [manure(100, "菜籽饼肥", "150公斤/亩"), { productName: "粘虫黄板", inputKind: "other", dose: "25张/亩", method: "other", daysBeforeHarvest: 30 }]
    : [manure(100, "菜籽饼肥", "150公斤/亩"), spray("10%联苯菊酯乳油", "bifenthrin", "3000倍液", 25, { crop: "tea", days: 7, max: 1 })],
  inspection: lab("杭州市农产品质量安全检测中心", "农药残留检测：所检项目均未检出或低于限量"),
});
const orange = (crop: string, variety: string): TraceProfile => ({
  crop,
  variety,
  plot: "周田村脐橙园",
  areaMu: 30,
  seasonDays: 210,
  inputs:
    crop === "orange"
      ? [
          manure(200, "腐熟有机肥", "2000公斤/亩"),
          spray("20%三唑锡悬浮剂", "azocyclotin", "2000倍液", 75, { crop: "citrus", days: 30, max: 2 }),
          spray("25%噻嗪酮可湿性粉剂", "buprofezin", "1500倍液", 60, { crop: "citrus", days: 35, max: 2 }),
          spray("1.8%阿维菌素乳油", "abamectin", "4000倍液", 40, { crop: "citrus", days: 14, max: 2 }),
          spray("20%啶虫脒乳油", "acetamiprid", "10000倍液", 35, { crop: "citrus", days: 14, max: 1 }),
        ]
      : [manure(200, "腐熟有机肥", "2000公斤/亩"), spray("1.8%阿维菌素乳油", "abamectin", "4000倍液", 40, { crop: "citrus", days: 14, max: 2 })],
  inspection: rapid("寻乌县农产品质量安全检测站"),
});
const rice = (variety: string | undefined, plot: string, organic: boolean): TraceProfile => ({
  crop: "rice",
  variety,
  plot,
  areaMu: 50,
  seasonDays: 150,
  inputs: organic
    ? [manure(140, "腐熟有机肥", "1500公斤/亩")]
    : [manure(140, "腐熟有机肥", "1500公斤/亩"), spray("25%噻嗪酮可湿性粉剂", "buprofezin", "1500倍液", 45, { crop: "rice", days: 14, max: 2 })],
  inspection: lab("五常市农产品质量检测中心", "农药残留和重金属检测：合格"),
});
const goji: TraceProfile = {
  crop: "枸杞",
  variety: "宁杞7号",
  plot: "舟塔村枸杞园",
  areaMu: 40,
  seasonDays: 150,
  inputs: [manure(140, "腐熟羊粪", "2000公斤/亩"), spray("1.8%阿维菌素乳油", "abamectin", "4000倍液", 40, { crop: "枸杞", days: 7, declared: true })],
  inspection: lab("宁夏农产品质量标准与检测技术研究所", "农药残留检测：合格"),
};
const poultry = (crop: string, drugs: LotInputSpec[]): TraceProfile => ({
  crop,
  plot: "西江苗寨林下养殖场",
  areaMu: 20,
  seasonDays: 150,
  inputs: [feed(140), ...drugs],
  inspection: lab("雷山县动物疫病预防控制中心", "兽药残留检测：合格"),
});
const aquatic = (crop: string, feedName: string): TraceProfile => ({
  crop,
  plot: "王家垸虾稻田",
  areaMu: 60,
  seasonDays: 120,
  inputs: [feed(100, feedName)],
  inspection: lab("潜江市农产品质量安全检测中心", "孔雀石绿、氯霉素等检测：未检出"),
});
const greenhouse = (crop: string, variety: string | undefined, sprays: LotInputSpec[]): TraceProfile => ({
  crop,
  variety,
  plot: "三元朱村5号冬暖大棚",
  areaMu: 1.5,
  seasonDays: 110,
  inputs: [manure(100, "腐熟鸡粪", "2000公斤/亩"), ...sprays],
  inspection: rapid("寿光市农产品质量安全检测中心"),
});
const workshop = (crop: string, inputs: LotInputSpec[], notes: string): TraceProfile => ({
  crop,
  plot: "沃土公司发酵车间",
  areaMu: 10,
  seasonDays: 45,
  inputs,
  inspection: selfCheck(notes),
});

/** The chain profile of each demo product (by its Chinese name). */
export function traceProfile(product: string, organic: boolean): TraceProfile {
  switch (product) {
    case "红富士苹果":
    case "苹果干":
      return apple("红富士");
    case "嘎啦苹果":
      return apple("嘎啦");
    case "红心猕猴桃":
      return kiwi("红阳");
    case "黄心猕猴桃":
      return kiwi("金艳");
    case "耙耙柑":
      return {
        ...kiwi("不知火"),
        crop: "citrus",
        inputs: [manure(170, "腐熟有机肥", "2000公斤/亩"), spray("1.8%阿维菌素乳油", "abamectin", "3000倍液", 50, { crop: "citrus", days: 14, max: 2 })],
      };
    case "西湖龙井":
      return tea("龙井43", organic);
    case "九曲红梅":
      return tea("鸠坑种", organic);
    case "赣南脐橙":
      return orange("orange", "纽荷尔");
    case "红心柚":
      return orange("citrus", "红肉蜜柚");
    case "稻花香大米":
      return rice("五优稻4号", "红光村稻田", organic);
    case "长粒香大米":
      return rice(undefined, "红光村稻田", organic);
    case "有机大米":
      return rice("五优稻4号", "红光村有机稻田", true);
    case "虾稻米":
      return { ...rice(undefined, "王家垸虾稻田", true), inspection: lab("潜江市农产品质量安全检测中心", "农药残留和重金属检测：合格") };
    case "大豆油":
      return { ...rice(undefined, "红光村大豆田", true), crop: "大豆", variety: "黑农48" };
    case "中宁枸杞":
    case "黑枸杞":
    case "枸杞原浆":
      return goji;
    case "长白山人参":
      return {
        crop: "ginseng",
        plot: "万良镇参园",
        areaMu: 5,
        seasonDays: 200,
        inputs: [manure(180, "腐熟落叶土", "覆盖")],
        inspection: lab("吉林省农产品质量安全检测中心", "农药残留和重金属检测：合格"),
      };
    case "林下参":
      return {
        crop: "ginseng",
        variety: "林下山参",
        plot: "万良镇林下参园",
        areaMu: 30,
        seasonDays: 200,
        inputs: [],
        inspection: lab("吉林省农产品质量安全检测中心", "农药残留和重金属检测：合格"),
      };
    case "黑木耳":
      return {
        crop: "黑木耳",
        plot: "万良镇木耳基地",
        areaMu: 10,
        seasonDays: 120,
        inputs: [{ productName: "阔叶木屑菌棒", inputKind: "other", dose: "每亩1万棒", method: "other", daysBeforeHarvest: 110 }],
        inspection: lab("吉林省农产品质量安全检测中心", "重金属和二氧化硫检测：合格"),
      };
    case "椴树蜜":
      return {
        crop: "椴树蜜",
        plot: "万良镇椴树林蜂场",
        areaMu: 100,
        seasonDays: 60,
        inputs: [],
        inspection: lab("吉林省农产品质量安全检测中心", "兽药残留检测：未检出"),
      };
    case "散养土鸡":
      return poultry("chickens", [drug("马杜霉素预混剂", "maduramicin", "每吨饲料5克", 20)]);
    case "土鸡蛋":
      return poultry("eggs", []);
    case "黑毛土猪肉":
      return { ...poultry("pigs", [drug("土霉素片", "oxytetracycline", "每千克体重10毫克", 30)]), seasonDays: 300, plot: "西江苗寨生态猪场" };
    case "稻田鸭":
      return poultry("ducks", [drug("土霉素片", "oxytetracycline", "每千克体重20毫克", 20)]);
    case "潜江小龙虾":
    case "麻辣小龙虾":
    case "油焖大虾":
      return aquatic("小龙虾", "小龙虾专用配合饲料");
    case "稻田鲫鱼":
      return aquatic("鲫鱼", "鱼用配合饲料");
    case "圣女果":
      return greenhouse("tomato", "千禧", [spray("10%联苯菊酯乳油", "bifenthrin", "3000倍液", 10, { crop: "tomato", days: 4, max: 3 })]);
    case "水果黄瓜":
      return greenhouse("cucumber", "旱黄瓜", [
        spray("20%啶虫脒乳油", "acetamiprid", "8000倍液", 6, { crop: "cucumber", days: 2, max: 3 }),
        spray("1.8%阿维菌素乳油", "abamectin", "3000倍液", 4, { crop: "cucumber", days: 2, max: 3 }),
      ]);
    case "彩椒":
      return greenhouse("甜椒", undefined, [spray("1.8%阿维菌素乳油", "abamectin", "3000倍液", 10, { crop: "甜椒", days: 7, declared: true })]);
    case "西兰花":
      return greenhouse("西兰花", undefined, [spray("20%啶虫脒乳油", "acetamiprid", "8000倍液", 14, { crop: "西兰花", days: 7, declared: true })]);
    case "生物有机肥":
      return workshop(
        "生物有机肥",
        [{ productName: "枯草芽孢杆菌菌剂", inputKind: "other", dose: "每吨2公斤", method: "other", daysBeforeHarvest: 30 }],
        "有效活菌数、有机质含量自检：合格",
      );
    case "羊粪有机肥":
      return workshop(
        "羊粪有机肥",
        [{ productName: "发酵腐熟剂", inputKind: "other", dose: "每吨1公斤", method: "other", daysBeforeHarvest: 40 }],
        "有机质含量、含水率自检：合格",
      );
    case "苹果套袋":
      return workshop("果袋纸", [], "透气性、耐水性自检：合格");
    default:
      return { crop: product, plot: "基地", areaMu: 10, seasonDays: 120, inputs: [], inspection: selfCheck("自检合格") };
  }
}

/** The two lots the gate blocks, on draft listings of the Luochuan co-op. */
export const BLOCKED_TRACE: Record<"interval" | "banned", { extra: LotInputSpec[]; profile: TraceProfile }> = {
  // Abamectin on cowpea: 5-day pre-harvest interval, sprayed 3 days before picking.
  interval: {
    profile: greenhouse("cowpea", "之豇28-2", []),
    extra: [spray("1.8%阿维菌素乳油", "abamectin", "3000倍液", 3, { crop: "cowpea", days: 5, max: 3 })],
  },
  // Methamidophos: banned outright (MOA Notice 274); leftover stock sprayed against aphids.
  banned: {
    profile: apple("红富士"),
    extra: [spray("50%甲胺磷乳油", "甲胺磷", "1500倍液", 50, { crop: "apple", days: 30, declared: true })],
  },
};

/**
 * Fertilisers in the demo catalogue. Registered products carry a 肥料登记证号 (demo numbers of the
 * 农肥(20xx)准字 / 临字 and 微生物肥(20xx)准字 forms, not real registrations); urea, potassium
 * sulphate and farm manure are the kinds farmers use without one.
 */
export const DEMO_FERTILIZERS: { nameZh: string; nameEn: string; registrationNo: string | null; maker: string | null }[] = [
  { nameZh: "生物有机肥", nameEn: "bio-organic fertiliser", registrationNo: "微生物肥(2021)准字(8801)号", maker: "演示生物肥业有限公司" },
  { nameZh: "大量元素水溶肥料", nameEn: "water-soluble NPK fertiliser", registrationNo: "农肥(2020)准字6612号", maker: "演示肥业有限公司" },
  { nameZh: "含腐植酸水溶肥料", nameEn: "humic-acid water-soluble fertiliser", registrationNo: "农肥(2019)临字3305号", maker: "演示肥业有限公司" },
  { nameZh: "硫酸钾型复合肥", nameEn: "compound fertiliser (potassium sulphate based)", registrationNo: null, maker: null },
  { nameZh: "尿素", nameEn: "urea", registrationNo: null, maker: null },
  { nameZh: "腐熟有机肥", nameEn: "composted organic manure", registrationNo: null, maker: null },
];

export function seedDemoFertilizers(db: Db): void {
  for (const f of DEMO_FERTILIZERS) {
    let registrationNo = f.registrationNo;
    if (registrationNo) {
      const check = validateFertilizerRegistrationNo(registrationNo);
      if (!check.ok) throw new Error(`demo fertiliser ${f.nameZh}: bad registration number ${registrationNo}`);
      registrationNo = check.normalised;
    }
    db.insert(agriInputs).values({ kind: "fertilizer", nameZh: f.nameZh, nameEn: f.nameEn, registrationNo, maker: f.maker }).onConflictDoNothing().run();
  }
}

let reportCounter = 0;

/**
 * A demo lot on a listing. `date` is the harvest day (YYYY-MM-DD, 08:00 Shanghai); null is a lot
 * still growing (presale). Blocked lots stop after the test, with the certificate on the harvest
 * record, so the only finding is the one they demonstrate.
 */
export function seedDemoLot(
  db: Db,
  opts: {
    producerId: number;
    productId: number;
    actorUserId: number;
    listingId: number;
    product: string;
    category: CategorySlug;
    organic: boolean;
    lotCode: string;
    date: string | null;
    quantity: number;
    unit: Unit;
    plotLat?: number | null;
    plotLng?: number | null;
    blocked?: "interval" | "banned";
  },
): { batchId: number; gtin: string; lotCode: string } {
  const now = Date.now();
  const blocked = opts.blocked ? BLOCKED_TRACE[opts.blocked] : null;
  const profile = blocked ? blocked.profile : traceProfile(opts.product, opts.organic);
  const harvestAt = opts.date ? Math.min(Date.parse(`${opts.date}T08:00:00+08:00`), now - DAY) : now;
  const n = ++reportCounter;
  const lot = createLotWithChain(db, {
    producerId: opts.producerId,
    productId: opts.productId,
    actorUserId: opts.actorUserId,
    crop: profile.crop,
    variety: profile.variety,
    plot: { name: profile.plot, areaMu: profile.areaMu, ...(opts.plotLat != null && opts.plotLng != null ? { lat: opts.plotLat, lng: opts.plotLng } : {}) },
    plantedAt: harvestAt - profile.seasonDays * DAY,
    harvestAt,
    lotCode: opts.lotCode,
    quantity: opts.quantity,
    unit: opts.unit,
    inputs: [...profile.inputs, ...(blocked?.extra ?? [])],
    harvest: opts.date !== null,
    inspection: { ...profile.inspection, reportNo: `JC2026${String(1000 + n)}` },
    pack: !blocked,
    certificateOnHarvest: Boolean(blocked),
    listingId: opts.listingId,
  });
  return { batchId: lot.batchId, gtin: lot.gtin, lotCode: lot.lotCode };
}

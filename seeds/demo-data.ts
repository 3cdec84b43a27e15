/**
 * The demo data set: real villages known for one product (一村一品), their producers of all
 * four kinds, and listings in every category, each sold from a batch (lot).
 * `small` keeps the demo accounts and the two demo farms but only a dozen listings (CI).
 *
 * Photos are drawn first (async); all rows are then written in one transaction, so a
 * failed seed leaves the database as it was.
 */
import { shanghaiDate } from "../core/clock";
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import {
  listingCertifications,
  listings,
  products,
  type CategorySlug,
  type CertificationKind,
  type ListingStatus,
  type ProducerKind,
  type Role,
  type Unit,
} from "../db/schema";
import { createListing as createListingRecord, setListingStatus, type PhotoRecord } from "../market/listings/listings";
import { storeListingPhoto } from "../market/photos/photos";
import { makeCreditCode } from "../core/credit-code";
import {
  actorFor,
  addProducerMember,
  cachedPasswordHash,
  CREDIT_CODE_PREFIX,
  createProducer,
  createVillage,
  ensureRegion,
  insertUserWithHash,
  seedCategories,
  withWrongCheckCharacter,
} from "./factories";
import { renderListingArt, type ArtSpec } from "./images";
import { seedDemoFertilizers, seedDemoLot } from "./demo-trace";
import { seedInputsCatalogue } from "../traceability/store";
import { seedDeliveryNetwork } from "./logistics";
import { seedDemoCredit } from "./credit";
import { seedDemoOrders } from "./orders";
import { seedDemoInputs } from "./demo-inputs";
import { buildDailyManifests } from "../logistics/manifests";
import { seedDemoCoopMembers } from "./demo-coop";

export const DEMO_PASSWORD = "cunpin123";

export const DEMO_ACCOUNTS: { phone: string; displayName: string; roles: Role[] }[] = [
  { phone: "13800000001", displayName: "王小美", roles: ["buyer"] },
  { phone: "13800000002", displayName: "李建国", roles: ["farmer"] },
  { phone: "13800000003", displayName: "张秀英", roles: ["farmer"] },
  { phone: "13800000004", displayName: "陈志强", roles: ["coop_admin"] },
  { phone: "13800000005", displayName: "赵师傅", roles: ["delivery_operator"] },
  { phone: "13800000006", displayName: "刘检", roles: ["inspector"] },
  { phone: "13800000007", displayName: "平台管理员", roles: ["platform_admin"] },
  // The second operator of the demo network (seeds/logistics.ts): every point 赵师傅 does not run.
  { phone: "13800000008", displayName: "钱师傅", roles: ["delivery_operator"] },
  // Member households of the demo cooperative (seeds/demo-coop.ts): a member farmer and a record keeper.
  { phone: "13800000030", displayName: "王建国", roles: ["buyer"] },
  { phone: "13800000031", displayName: "刘秀兰", roles: ["buyer"] },
  // Issue 12 §1: a county official (县级监管) who sees the statistics of 洛川县 only.
  { phone: "13800000009", displayName: "洛川县商务局", roles: ["county_official"] },
];

/** The county each demo county official's statistics are limited to (GB/T 2260 code). */
const DEMO_COUNTY_OFFICIALS: Record<string, string> = { "13800000009": "610629" };

type Named = [code: string, zh: string, en: string];

type VillageSpec = {
  key: string;
  province: Named;
  prefecture: Named | null; // null: a county-level city directly under the province (潜江)
  county: Named;
  township: Named;
  nameZh: string;
  nameEn: string;
  signatureZh: string;
  signatureEn: string;
  category: CategorySlug;
  descriptionZh: string;
  descriptionEn: string;
  lat: number;
  lng: number;
  small?: boolean;
};

const VILLAGES: VillageSpec[] = [
  {
    key: "luochuan",
    province: ["610000", "陕西省", "Shaanxi"],
    prefecture: ["610600", "延安市", "Yan'an"],
    county: ["610629", "洛川县", "Luochuan County"],
    township: ["610629001", "凤栖街道", "Fengqi Subdistrict"],
    nameZh: "谷咀村",
    nameEn: "Guju Village",
    signatureZh: "红富士苹果",
    signatureEn: "Red Fuji apples",
    category: "fruit",
    descriptionZh: "地处黄土高原塬面，海拔一千一百米，昼夜温差大、光照足，家家户户种苹果，洛川苹果是国家地理标志产品。",
    descriptionEn:
      "On the Loess Plateau at 1,100 m, with wide day–night temperature swings and long sunshine; nearly every household grows apples. Luochuan apples are a national geographical-indication product.",
    lat: 35.7786,
    lng: 109.4512,
    small: true,
  },
  {
    key: "pujiang",
    province: ["510000", "四川省", "Sichuan"],
    prefecture: ["510100", "成都市", "Chengdu"],
    county: ["510131", "蒲江县", "Pujiang County"],
    township: ["510131104", "甘溪镇", "Ganxi Town"],
    nameZh: "明月村",
    nameEn: "Mingyue Village",
    signatureZh: "红心猕猴桃",
    signatureEn: "Red-heart kiwifruit",
    category: "fruit",
    descriptionZh: "成都平原西南的浅丘茶园与果园之间，酸性紫色土适宜猕猴桃生长，红心猕猴桃果肉细嫩、糖度高。",
    descriptionEn:
      "Among the low hills south-west of the Chengdu plain; the acidic purple soil suits kiwifruit, and the red-heart variety is tender and very sweet.",
    lat: 30.1389,
    lng: 103.4317,
    small: true,
  },
  {
    key: "longjing",
    province: ["330000", "浙江省", "Zhejiang"],
    prefecture: ["330100", "杭州市", "Hangzhou"],
    county: ["330106", "西湖区", "Xihu District"],
    township: ["330106012", "西湖街道", "Xihu Subdistrict"],
    nameZh: "龙井村",
    nameEn: "Longjing Village",
    signatureZh: "西湖龙井",
    signatureEn: "West Lake Longjing tea",
    category: "tea",
    descriptionZh: "西湖西南群山环抱，云雾缭绕，是西湖龙井的核心产区，清明前后手工炒制，色绿、香郁、味甘、形美。",
    descriptionEn:
      "In the misty hills south-west of West Lake, the heart of Longjing production; picked around Qingming and pan-fired by hand — green, fragrant, sweet and flat.",
    lat: 30.2237,
    lng: 120.1237,
    small: true,
  },
  {
    key: "xunwu",
    province: ["360000", "江西省", "Jiangxi"],
    prefecture: ["360700", "赣州市", "Ganzhou"],
    county: ["360734", "寻乌县", "Xunwu County"],
    township: ["360734101", "澄江镇", "Chengjiang Town"],
    nameZh: "周田村",
    nameEn: "Zhoutian Village",
    signatureZh: "赣南脐橙",
    signatureEn: "Gannan navel oranges",
    category: "fruit",
    descriptionZh: "赣粤闽三省交界的丘陵山地，红壤富含稀土元素，脐橙果皮薄、汁多、酸甜适口。",
    descriptionEn: "Hill country where Jiangxi, Guangdong and Fujian meet; the rare-earth-rich red soil gives thin-skinned, juicy, sweet-tart navel oranges.",
    lat: 24.8721,
    lng: 115.6998,
  },
  {
    key: "wuchang",
    province: ["230000", "黑龙江省", "Heilongjiang"],
    prefecture: ["230100", "哈尔滨市", "Harbin"],
    county: ["230184", "五常市", "Wuchang City"],
    township: ["230184210", "民乐朝鲜族乡", "Minle Korean Ethnic Township"],
    nameZh: "红光村",
    nameEn: "Hongguang Village",
    signatureZh: "五常大米",
    signatureEn: "Wuchang rice",
    category: "grain",
    descriptionZh: "拉林河畔黑土地，一年一季稻，生长期长，稻花香2号米粒饱满、米香浓郁，是朝鲜族村民世代种稻的地方。",
    descriptionEn:
      "Black soil by the Lalin River with one long rice season a year; Daohuaxiang No. 2 rice is plump and fragrant, grown here by Korean-Chinese villagers for generations.",
    lat: 44.9512,
    lng: 127.0468,
  },
  {
    key: "zhongning",
    province: ["640000", "宁夏回族自治区", "Ningxia Hui Autonomous Region"],
    prefecture: ["640500", "中卫市", "Zhongwei"],
    county: ["640521", "中宁县", "Zhongning County"],
    township: ["640521201", "舟塔乡", "Zhouta Township"],
    nameZh: "舟塔村",
    nameEn: "Zhouta Village",
    signatureZh: "中宁枸杞",
    signatureEn: "Zhongning goji berries",
    category: "forest",
    descriptionZh: "黄河冲积平原，引黄灌溉，日照长、干燥少雨，中宁枸杞颗粒大、肉厚、糖分高，素有“中宁枸杞甲天下”之称。",
    descriptionEn:
      "Yellow River flood plain, irrigated from the river, dry and sunny: Zhongning goji berries are large, fleshy and sweet — reputedly the best in China.",
    lat: 37.4986,
    lng: 105.7226,
  },
  {
    key: "leishan",
    province: ["520000", "贵州省", "Guizhou"],
    prefecture: ["522600", "黔东南苗族侗族自治州", "Qiandongnan Miao and Dong Autonomous Prefecture"],
    county: ["522634", "雷山县", "Leishan County"],
    township: ["522634102", "西江镇", "Xijiang Town"],
    nameZh: "西江村",
    nameEn: "Xijiang Village",
    signatureZh: "苗寨散养土鸡",
    signatureEn: "Miao free-range chicken",
    category: "livestock_poultry",
    descriptionZh: "千户苗寨依山而建，土鸡在林下和稻田边散养，吃虫草和玉米长大，肉质紧实鲜香。",
    descriptionEn: "A hillside Miao village of a thousand households; chickens range under the trees and along the rice terraces, fed on insects and maize.",
    lat: 26.4986,
    lng: 108.1725,
  },
  {
    key: "qianjiang",
    province: ["420000", "湖北省", "Hubei"],
    prefecture: null,
    county: ["429005", "潜江市", "Qianjiang City"],
    township: ["429005104", "熊口镇", "Xiongkou Town"],
    nameZh: "赵脑村",
    nameEn: "Zhaonao Village",
    signatureZh: "潜江小龙虾",
    signatureEn: "Qianjiang crayfish",
    category: "aquatic",
    descriptionZh: "江汉平原腹地，“虾稻共作”的发源地之一：稻田里养小龙虾，虾粪肥田，稻谷不打农药。",
    descriptionEn:
      "In the heart of the Jianghan plain, one of the birthplaces of rice–crayfish co-culture: crayfish live in the paddies, their waste feeds the rice, and the rice needs no pesticide.",
    lat: 30.3589,
    lng: 112.7812,
  },
  {
    key: "fusong",
    province: ["220000", "吉林省", "Jilin"],
    prefecture: ["220600", "白山市", "Baishan"],
    county: ["220621", "抚松县", "Fusong County"],
    township: ["220621104", "万良镇", "Wanliang Town"],
    nameZh: "万良村",
    nameEn: "Wanliang Village",
    signatureZh: "长白山人参",
    signatureEn: "Changbai Mountain ginseng",
    category: "forest",
    descriptionZh: "长白山西麓的“人参之乡”，林下参在原始林下自然生长十年以上，也出产秋木耳和椴树蜜。",
    descriptionEn:
      "The 'home of ginseng' on the western slopes of Changbai Mountain: forest ginseng grows wild under old trees for ten years or more; also autumn wood ear and linden honey.",
    lat: 42.4463,
    lng: 127.3016,
  },
  {
    key: "shouguang",
    province: ["370000", "山东省", "Shandong"],
    prefecture: ["370700", "潍坊市", "Weifang"],
    county: ["370783", "寿光市", "Shouguang City"],
    township: ["370783004", "孙家集街道", "Sunjiaji Subdistrict"],
    nameZh: "三元朱村",
    nameEn: "Sanyuanzhu Village",
    signatureZh: "寿光大棚蔬菜",
    signatureEn: "Shouguang greenhouse vegetables",
    category: "vegetables",
    descriptionZh: "冬暖式蔬菜大棚的发源地，一年四季供应新鲜蔬菜，全程可追溯。",
    descriptionEn: "Birthplace of China's winter-warm vegetable greenhouse; fresh vegetables all year round, traceable from field to table.",
    lat: 36.8023,
    lng: 118.6874,
  },
];

type Lot = { date: string | null; quantity: number; seq?: number };

type ListingSpec = {
  title: string;
  product: string;
  productEn: string;
  category: CategorySlug;
  unit: Unit;
  priceFen: number;
  stock: number;
  certs?: CertificationKind[];
  status?: ListingStatus;
  description: string;
  lot: Lot;
  art?: ArtSpec;
  small?: boolean;
  /** A second picture (another drawing of the same product). */
  twoPhotos?: boolean;
  /** Created by this member instead of the owner (phone). */
  by?: string;
  /** A lot the traceability gate blocks (seeds/demo-trace.ts): shows the gate on a draft. */
  trace?: "interval" | "banned";
  /** Kept at 0–4 °C all the way to the pickup point (chilled parcels, chilled slots). */
  storage?: "chilled";
};

type ProducerSpec = {
  key: string;
  kind: ProducerKind;
  nameZh: string;
  nameEn: string;
  village: string;
  /** Producers not based in a village (agribusiness) give their county only. */
  inVillage?: boolean;
  /** Positions 9–17 of the credit code: the organisation code. */
  orgCode: string;
  wrongCheck?: boolean;
  owner: { phone: string; displayName?: string };
  managers?: string[];
  address: string;
  lat: number;
  lng: number;
  descriptionZh: string;
  descriptionEn: string;
  vatRateBp?: number;
  lotPrefix: string;
  small?: boolean;
  listings: ListingSpec[];
};

const APPLE: ArtSpec = { shape: "fruit", color: "#d32f2f" };
const KIWI: ArtSpec = { shape: "kiwi", color: "#c62828" };
const ORANGE: ArtSpec = { shape: "fruit", color: "#fb8c00" };
const TEA: ArtSpec = { shape: "leaves", color: "#2e7d32" };
const RICE: ArtSpec = { shape: "bowl" };
const GOJI: ArtSpec = { shape: "berries", color: "#d32f2f" };

const PRODUCERS: ProducerSpec[] = [
  {
    key: "luochuan-coop",
    kind: "cooperative",
    nameZh: "洛川县苹果专业合作社",
    nameEn: "Luochuan Apple Growers' Cooperative",
    village: "luochuan",
    inVillage: true,
    orgCode: "MA6YL7K3X",
    owner: { phone: "13800000002" },
    managers: ["13800000004"],
    address: "陕西省延安市洛川县凤栖街道谷咀村二组",
    lat: 35.7791,
    lng: 109.4526,
    descriptionZh: "由谷咀村126户果农组成，统一技术标准、统一套袋、统一分级，带动全村户均年增收两万余元。",
    descriptionEn: "126 apple-growing households of Guju Village sharing one growing standard, bagging and grading.",
    lotPrefix: "LC",
    small: true,
    listings: [
      {
        title: "洛川红富士苹果 80mm 5斤装",
        product: "红富士苹果",
        productEn: "Red Fuji apple",
        category: "fruit",
        unit: "box",
        priceFen: 3980,
        stock: 500,
        certs: ["geographical_indication", "green_food"],
        description: "黄土高原海拔1100米塬面种植，全程套袋，果面光洁、脆甜多汁。单果果径80mm以上，净重5斤，产地冷库直发，坏果包赔。",
        lot: { date: "2026-10-15", quantity: 800 },
        art: APPLE,
        small: true,
        twoPhotos: true,
      },
      {
        title: "洛川红富士苹果 85mm 10斤礼盒",
        product: "红富士苹果",
        productEn: "Red Fuji apple",
        category: "fruit",
        unit: "box",
        priceFen: 8800,
        stock: 200,
        certs: ["geographical_indication", "green_food"],
        description: "精选果径85mm以上大果，一果一网套，礼盒包装，适合走亲访友。糖度14%以上。",
        lot: { date: "2026-10-20", quantity: 300 },
        art: { ...APPLE, color: "#c62828" },
        small: true,
        by: "13800000004",
      },
      {
        title: "洛川红富士苹果 家庭装 按斤称",
        product: "红富士苹果",
        productEn: "Red Fuji apple",
        category: "fruit",
        unit: "jin",
        priceFen: 450,
        stock: 5000,
        certs: ["pollution_free"],
        description: "果径70-75mm统货，外观略有果锈不影响口感，自家吃实惠之选，10斤起发。",
        lot: { date: "2026-10-25", quantity: 8000 },
        art: { ...APPLE, color: "#e53935" },
        small: true,
      },
      {
        title: "洛川红富士苹果 精品冰糖心 8斤装",
        product: "红富士苹果",
        productEn: "Red Fuji apple",
        category: "fruit",
        unit: "box",
        priceFen: 6800,
        stock: 150,
        certs: ["geographical_indication"],
        description: "晚采摘的冰糖心苹果，果心糖分积累呈半透明状，甜度更高，数量有限。",
        lot: { date: "2026-11-05", quantity: 200 },
        art: { ...APPLE, color: "#b71c1c" },
        small: true,
      },
      {
        title: "洛川嘎啦苹果 早熟脆甜 5斤装",
        product: "嘎啦苹果",
        productEn: "Gala apple",
        category: "fruit",
        unit: "box",
        priceFen: 3280,
        stock: 0,
        status: "paused",
        description: "八月上市的早熟品种，果皮红黄相间，清脆爽口。今年已售罄，明年八月恢复供应。",
        lot: { date: "2026-08-10", quantity: 400 },
        art: { ...APPLE, color: "#ef6c00" },
      },
      {
        title: "洛川苹果干 原味无添加 250g",
        product: "苹果干",
        productEn: "Dried apple",
        category: "fruit",
        unit: "bag",
        priceFen: 2580,
        stock: 300,
        status: "draft",
        description: "红富士苹果低温烘干，不加糖、不加防腐剂，酥脆可口。包装设计中，即将上架。",
        lot: { date: "2026-11-12", quantity: 400 },
        art: { ...APPLE, color: "#f9a825" },
      },
      // Two drafts whose lots the traceability gate blocks, so that /farm shows it at work.
      {
        title: "谷咀村大棚豇豆 5斤装",
        product: "大棚豇豆",
        productEn: "Greenhouse yardlong beans",
        category: "vegetables",
        unit: "box",
        priceFen: 2980,
        stock: 60,
        status: "draft",
        description: "合作社冬暖大棚种植的豇豆，鲜嫩少筋。（演示批次：采收前3天喷施了阿维菌素，而它在豇豆上的安全间隔期是5天，所以平台不允许上架。）",
        lot: { date: "2026-11-20", quantity: 300 },
        small: true,
        trace: "interval",
      },
      {
        title: "洛川红富士苹果 统货 20斤装",
        product: "红富士苹果",
        productEn: "Red Fuji apple",
        category: "fruit",
        unit: "box",
        priceFen: 5600,
        stock: 80,
        status: "draft",
        description: "果径65-70mm统货，适合榨汁和家庭食用。（演示批次：用药记录里有国家禁用农药甲胺磷，所以平台不允许上架。）",
        lot: { date: "2026-11-08", quantity: 1000 },
        art: { ...APPLE, color: "#a1887f" },
        small: true,
        trace: "banned",
      },
    ],
  },
  {
    key: "zhang-farm",
    kind: "family_farm",
    nameZh: "蒲江县张家猕猴桃家庭农场",
    nameEn: "Zhang Family Kiwifruit Farm, Pujiang",
    village: "pujiang",
    inVillage: true,
    orgCode: "MA62PJ8Q4",
    owner: { phone: "13800000003" },
    address: "四川省成都市蒲江县甘溪镇明月村七组",
    lat: 30.1402,
    lng: 103.4296,
    descriptionZh: "张秀英一家经营的38亩猕猴桃园，坚持使用农家肥和人工除草，果子自然成熟再采摘。",
    descriptionEn: "Zhang Xiuying's family runs 38 mu of kiwifruit, fertilised with manure and weeded by hand; fruit is picked only when ripe.",
    lotPrefix: "PJ",
    small: true,
    listings: [
      {
        title: "蒲江红心猕猴桃 12枚礼盒",
        product: "红心猕猴桃",
        productEn: "Red-heart kiwifruit",
        category: "fruit",
        unit: "box",
        priceFen: 6980,
        stock: 300,
        certs: ["geographical_indication", "green_food"],
        description: "红阳品种，单果100-120g，切开可见放射状红心，软熟后香甜多汁。12枚礼盒装，附催熟说明。",
        lot: { date: "2026-09-05", quantity: 500 },
        art: KIWI,
        small: true,
        twoPhotos: true,
      },
      {
        title: "蒲江红心猕猴桃 单果90-110g 5斤装",
        product: "红心猕猴桃",
        productEn: "Red-heart kiwifruit",
        category: "fruit",
        unit: "box",
        priceFen: 5990,
        stock: 260,
        certs: ["geographical_indication", "green_food"],
        description: "果园现摘现发，硬果发货，收到后常温放置3-5天即可软熟食用。",
        lot: { date: "2026-09-08", quantity: 400 },
        art: { ...KIWI, seed: 7 },
        small: true,
      },
      {
        title: "蒲江红心猕猴桃 家庭装 按斤称",
        product: "红心猕猴桃",
        productEn: "Red-heart kiwifruit",
        category: "fruit",
        unit: "jin",
        priceFen: 1280,
        stock: 1200,
        certs: ["green_food"],
        description: "个头略小的红心猕猴桃，口感一样香甜，自家吃更划算，5斤起发。",
        lot: { date: "2026-09-12", quantity: 2000 },
        art: { ...KIWI, seed: 11 },
        small: true,
      },
      {
        title: "蒲江黄心猕猴桃 金艳 5斤装",
        product: "黄心猕猴桃",
        productEn: "Golden kiwifruit",
        category: "fruit",
        unit: "box",
        priceFen: 4990,
        stock: 180,
        certs: ["green_food"],
        description: "金艳品种，果肉金黄，酸甜适中，耐储存，冷藏可存放两个月。",
        lot: { date: "2026-09-25", quantity: 300 },
        art: { shape: "kiwi", color: "#fbc02d" },
        small: true,
      },
      {
        title: "蒲江耙耙柑 不知火 5斤装（预售）",
        product: "耙耙柑",
        productEn: "Dekopon mandarin",
        category: "fruit",
        unit: "box",
        priceFen: 5500,
        stock: 100,
        status: "draft",
        description: "明年二月成熟的耙耙柑，皮薄易剥、无籽化渣。预售信息整理中，暂未上架。",
        lot: { date: null, quantity: 200 },
        art: { shape: "fruit", color: "#ff9800" },
        small: true,
      },
    ],
  },
  {
    key: "longjing-coop",
    kind: "cooperative",
    nameZh: "杭州西湖区龙井村茶叶专业合作社",
    nameEn: "Longjing Village Tea Cooperative, West Lake",
    village: "longjing",
    inVillage: true,
    orgCode: "MA2CLJ5T1",
    owner: { phone: "13800000010", displayName: "翁建明" },
    address: "浙江省杭州市西湖区西湖街道龙井村",
    lat: 30.2241,
    lng: 120.1229,
    descriptionZh: "龙井村茶农联合成立，坚持手工炒制，每一罐茶都能查到采摘茶园和炒茶师傅。",
    descriptionEn: "Founded by Longjing Village tea farmers; all tea is pan-fired by hand and every tin names its garden and tea master.",
    lotPrefix: "LJ",
    small: true,
    listings: [
      {
        title: "西湖龙井 明前特级 250g 罐装",
        product: "西湖龙井",
        productEn: "West Lake Longjing tea",
        category: "tea",
        unit: "box",
        priceFen: 128000,
        stock: 50,
        certs: ["geographical_indication", "organic"],
        description: "清明前采摘的一芽一叶初展，龙井43号与群体种，铁锅手工炒制，扁平光滑、豆香清雅。250克铁罐装。",
        lot: { date: "2026-03-28", quantity: 80 },
        art: TEA,
        small: true,
        twoPhotos: true,
      },
      {
        title: "西湖龙井 雨前一级 250g 纸包",
        product: "西湖龙井",
        productEn: "West Lake Longjing tea",
        category: "tea",
        unit: "bag",
        priceFen: 45800,
        stock: 120,
        certs: ["geographical_indication"],
        description: "谷雨前采摘，滋味比明前茶更浓醇，性价比高，传统牛皮纸包装。",
        lot: { date: "2026-04-12", quantity: 200 },
        art: { ...TEA, color: "#558b2f", seed: 5 },
        small: true,
      },
      {
        title: "西湖龙井 口粮茶 500g",
        product: "西湖龙井",
        productEn: "West Lake Longjing tea",
        category: "tea",
        unit: "bag",
        priceFen: 36000,
        stock: 200,
        certs: ["geographical_indication"],
        description: "四月下旬采摘的二级龙井，耐泡、茶汤清亮，适合日常办公饮用。",
        lot: { date: "2026-04-25", quantity: 300 },
        art: { ...TEA, color: "#689f38", seed: 9 },
      },
      {
        title: "九曲红梅 红茶 100g",
        product: "九曲红梅",
        productEn: "Jiuqu Hongmei black tea",
        category: "tea",
        unit: "bag",
        priceFen: 16800,
        stock: 80,
        certs: ["pollution_free"],
        description: "杭州传统红茶，条索细紧弯曲如鱼钩，汤色红艳，带兰花香。",
        lot: { date: "2026-05-10", quantity: 120 },
        art: { shape: "leaves", color: "#6d4c41", seed: 13 },
      },
    ],
  },
  {
    key: "wotu-fertiliser",
    kind: "agribusiness",
    nameZh: "陕西洛川沃土生物肥业有限公司",
    nameEn: "Luochuan Wotu Bio-Fertiliser Co., Ltd.",
    village: "luochuan",
    orgCode: "MA6YW2T8R",
    owner: { phone: "13800000011", displayName: "孙立新" },
    address: "陕西省延安市洛川县凤栖街道工业园区8号",
    lat: 35.7603,
    lng: 109.4338,
    descriptionZh: "以苹果枝条和牛羊粪为原料生产生物有机肥，服务周边果园，提供测土配方施肥。",
    descriptionEn: "Makes bio-organic fertiliser from apple prunings and livestock manure for local orchards; soil testing and fertiliser plans.",
    vatRateBp: 900,
    lotPrefix: "WT",
    small: true,
    listings: [
      {
        title: "沃土牌 生物有机肥 40kg/袋 果树专用",
        product: "生物有机肥",
        productEn: "Bio-organic fertiliser",
        category: "agri_inputs",
        unit: "bag",
        priceFen: 8500,
        stock: 2000,
        description: "有机质≥45%，有效活菌数≥0.2亿/克，改良板结土壤、提高果实着色。每亩果园建议施用200-300公斤。",
        lot: { date: "2026-09-01", quantity: 3000 },
        art: { shape: "sack", color: "#8d6e63" },
        small: true,
      },
      {
        title: "苹果专用 双层纸套袋 1000只",
        product: "苹果套袋",
        productEn: "Apple fruit bags",
        category: "agri_inputs",
        unit: "box",
        priceFen: 12000,
        stock: 500,
        description: "外袋灰褐色、内袋红色蜡纸，防虫防病、减少果锈，套袋后果面光洁着色均匀。",
        lot: { date: "2026-04-20", quantity: 800 },
        art: { shape: "sack", color: "#a1887f", seed: 3 },
      },
      {
        title: "羊粪发酵有机肥 颗粒 25kg",
        product: "羊粪有机肥",
        productEn: "Fermented sheep-manure fertiliser",
        category: "agri_inputs",
        unit: "bag",
        priceFen: 4200,
        stock: 1500,
        description: "陕北羊粪高温发酵腐熟，无臭味不烧根，适用于果树、蔬菜、花卉。",
        lot: { date: "2026-08-15", quantity: 2000 },
        art: { shape: "sack", color: "#6d4c41", seed: 4 },
      },
    ],
  },
  {
    key: "xunwu-grower",
    kind: "large_grower",
    nameZh: "寻乌县刘春生脐橙种植基地",
    nameEn: "Liu Chunsheng Navel Orange Plantation, Xunwu",
    village: "xunwu",
    inVillage: true,
    orgCode: "MA35XW4N6",
    owner: { phone: "13800000012", displayName: "刘春生" },
    address: "江西省赣州市寻乌县澄江镇周田村上屋组",
    lat: 24.8735,
    lng: 115.7012,
    descriptionZh: "种植脐橙420亩，山地果园滴灌，果园养鸡除草，不使用膨大剂。",
    descriptionEn: "420 mu of hillside navel oranges with drip irrigation; chickens weed the orchard; no growth regulators.",
    lotPrefix: "XW",
    listings: [
      {
        title: "赣南脐橙 纽荷尔 10斤装 果径75-80mm",
        product: "赣南脐橙",
        productEn: "Gannan navel orange",
        category: "fruit",
        unit: "box",
        priceFen: 5980,
        stock: 600,
        certs: ["geographical_indication", "green_food"],
        description: "树上自然挂果到十一月中旬才采摘，橙皮薄、果肉脆嫩化渣，酸甜比恰到好处。",
        lot: { date: "2026-11-10", quantity: 1000 },
        art: ORANGE,
        twoPhotos: true,
      },
      {
        title: "赣南脐橙 特大果 85mm+ 5斤礼盒",
        product: "赣南脐橙",
        productEn: "Gannan navel orange",
        category: "fruit",
        unit: "box",
        priceFen: 4580,
        stock: 240,
        certs: ["geographical_indication"],
        description: "每箱约8-9个特大果，一果一纸包装，送礼体面。",
        lot: { date: "2026-11-15", quantity: 400 },
        art: { ...ORANGE, color: "#f57c00", seed: 21 },
      },
      {
        title: "寻乌红心蜜柚 2个装",
        product: "红心柚",
        productEn: "Red pomelo",
        category: "fruit",
        unit: "box",
        priceFen: 3680,
        stock: 150,
        description: "单个约2.5斤，果肉粉红、汁多味甜，常温可存放一个月。",
        lot: { date: "2026-10-20", quantity: 300 },
        art: { shape: "fruit", color: "#cddc39", seed: 22 },
      },
      {
        title: "赣南脐橙 产地直发 按斤称",
        product: "赣南脐橙",
        productEn: "Gannan navel orange",
        category: "fruit",
        unit: "jin",
        priceFen: 580,
        stock: 8000,
        certs: ["pollution_free"],
        description: "混装统货，果径65-75mm，适合榨汁和家庭食用，20斤起发。",
        lot: { date: "2026-11-18", quantity: 12000 },
        art: { ...ORANGE, seed: 23 },
      },
    ],
  },
  {
    key: "wuchang-coop",
    kind: "cooperative",
    nameZh: "五常市红光稻作专业合作社",
    nameEn: "Hongguang Rice Cooperative, Wuchang",
    village: "wuchang",
    inVillage: true,
    orgCode: "MA1BWC9D2",
    owner: { phone: "13800000013", displayName: "朴成浩" },
    address: "黑龙江省哈尔滨市五常市民乐朝鲜族乡红光村",
    lat: 44.9521,
    lng: 127.0455,
    descriptionZh: "朝鲜族村民合作种植稻花香2号水稻3600亩，自有烘干和碾米设备，当季新米现碾现发。",
    descriptionEn: "Korean-Chinese villagers growing 3,600 mu of Daohuaxiang No. 2 rice; own drying and milling, so rice is milled to order.",
    lotPrefix: "WC",
    listings: [
      {
        title: "五常大米 稻花香2号 10kg 真空包装",
        product: "稻花香大米",
        productEn: "Daohuaxiang rice",
        category: "grain",
        unit: "bag",
        priceFen: 15800,
        stock: 800,
        certs: ["geographical_indication", "green_food"],
        description: "2026年新米，拉林河水灌溉，米粒细长油亮，蒸饭满屋飘香。2.5kg×4真空小包装，防潮防虫。",
        lot: { date: "2026-10-01", quantity: 1200 },
        art: RICE,
        twoPhotos: true,
      },
      {
        title: "五常大米 稻花香 5kg 当季新米",
        product: "稻花香大米",
        productEn: "Daohuaxiang rice",
        category: "grain",
        unit: "bag",
        priceFen: 8980,
        stock: 1000,
        certs: ["geographical_indication"],
        description: "下单后现碾现发，保留米香，建议开袋后一个月内吃完。",
        lot: { date: "2026-10-03", quantity: 1500 },
        art: { ...RICE, seed: 31 },
      },
      {
        title: "五常有机大米 2.5kg 礼盒",
        product: "有机大米",
        productEn: "Organic rice",
        category: "grain",
        unit: "box",
        priceFen: 9800,
        stock: 300,
        certs: ["organic", "geographical_indication"],
        description: "有机转换期满的稻田种植，鸭稻共养，不施化肥农药。",
        lot: { date: "2026-10-05", quantity: 400 },
        art: { ...RICE, seed: 32 },
      },
      {
        title: "五常长粒香大米 家庭装 25kg",
        product: "长粒香大米",
        productEn: "Long-grain fragrant rice",
        category: "grain",
        unit: "bag",
        priceFen: 26800,
        stock: 40,
        status: "paused",
        description: "大袋家庭装，口感软糯。仓库盘点中，暂停销售。",
        lot: { date: "2026-09-28", quantity: 100 },
        art: { ...RICE, seed: 33 },
      },
      {
        title: "东北非转基因冷榨大豆油 5L",
        product: "大豆油",
        productEn: "Soybean oil",
        category: "grain",
        unit: "bottle",
        priceFen: 8800,
        stock: 200,
        description: "合作社轮作田种植的非转基因大豆，物理冷榨，豆香浓郁。",
        lot: { date: "2026-10-20", quantity: 300 },
        art: { shape: "bottle", color: "#fbc02d" },
      },
    ],
  },
  {
    key: "zhongning-goji",
    kind: "agribusiness",
    nameZh: "宁夏中宁杞乡红枸杞产业有限公司",
    nameEn: "Ningxia Zhongning Qixiang Goji Co., Ltd.",
    village: "zhongning",
    orgCode: "MA76CN3H8",
    owner: { phone: "13800000014", displayName: "马玉兰" },
    address: "宁夏回族自治区中卫市中宁县舟塔乡枸杞产业园3号",
    lat: 37.5021,
    lng: 105.7189,
    descriptionZh: "自有枸杞基地2000亩并收购周边农户鲜果，制干、分级、包装一体化，每批次农残检测。",
    descriptionEn: "2,000 mu of own goji fields plus berries bought from local farmers; drying, grading and packing in house, every lot residue-tested.",
    vatRateBp: 900,
    lotPrefix: "ZN",
    listings: [
      {
        title: "中宁枸杞 特级头茬 500g",
        product: "中宁枸杞",
        productEn: "Zhongning goji berries",
        category: "forest",
        unit: "bag",
        priceFen: 6800,
        stock: 600,
        certs: ["geographical_indication"],
        description: "六月采摘的头茬果，每50克约280粒，颗粒饱满、肉厚籽少，可直接嚼食或泡水。",
        lot: { date: "2026-06-20", quantity: 1000 },
        art: GOJI,
        twoPhotos: true,
      },
      {
        title: "中宁枸杞 免洗即食 250g×2袋",
        product: "中宁枸杞",
        productEn: "Zhongning goji berries",
        category: "forest",
        unit: "bag",
        priceFen: 5600,
        stock: 400,
        certs: ["geographical_indication", "green_food"],
        description: "清洗后低温制干，开袋即食，独立小袋装方便携带。",
        lot: { date: "2026-07-10", quantity: 600 },
        art: { ...GOJI, seed: 41 },
      },
      {
        title: "宁夏黑枸杞 100g 瓶装",
        product: "黑枸杞",
        productEn: "Black goji berries",
        category: "forest",
        unit: "bottle",
        priceFen: 7900,
        stock: 150,
        description: "泡水呈蓝紫色，富含花青素。玻璃瓶密封装。",
        lot: { date: "2026-08-15", quantity: 200 },
        art: { shape: "berries", color: "#4a148c", seed: 42 },
      },
      {
        title: "枸杞原浆 30ml×10袋",
        product: "枸杞原浆",
        productEn: "Goji juice",
        category: "forest",
        unit: "box",
        priceFen: 12800,
        stock: 100,
        status: "draft",
        description: "鲜果冷压榨汁，不加水不加糖。食品生产许可证变更中，暂未上架。",
        lot: { date: null, quantity: 200 },
        art: { shape: "bottle", color: "#e65100", seed: 43 },
      },
    ],
  },
  {
    key: "leishan-farm",
    kind: "family_farm",
    nameZh: "雷山县西江苗家土鸡家庭农场",
    nameEn: "Xijiang Miao Free-Range Chicken Farm, Leishan",
    village: "leishan",
    inVillage: true,
    orgCode: "MA6DL52E5",
    owner: { phone: "13800000015", displayName: "杨秀梅" },
    address: "贵州省黔东南苗族侗族自治州雷山县西江镇西江村羊排组",
    lat: 26.4998,
    lng: 108.1741,
    descriptionZh: "在寨子后山林地散养土鸡两千羽，喂玉米和稻谷，生长期一年以上。",
    descriptionEn: "2,000 chickens free-ranging in the woods behind the village, fed maize and rice, raised for over a year.",
    lotPrefix: "LS",
    listings: [
      {
        title: "苗寨散养土鸡 约2.5斤/只",
        storage: "chilled",
        product: "散养土鸡",
        productEn: "Free-range chicken",
        category: "livestock_poultry",
        unit: "each",
        priceFen: 12800,
        stock: 120,
        certs: ["pollution_free"],
        description: "林下散养一年以上的土鸡，现杀冷鲜真空包装，顺丰冷链发货，炖汤金黄鲜香。",
        lot: { date: "2026-11-20", quantity: 150 },
        art: { shape: "bird", color: "#8d5a2b" },
        twoPhotos: true,
      },
      {
        title: "苗寨土鸡蛋 30枚装",
        product: "土鸡蛋",
        productEn: "Free-range eggs",
        category: "livestock_poultry",
        unit: "box",
        priceFen: 4500,
        stock: 200,
        description: "散养土鸡所产，蛋黄橙红，每枚约45克，珍珠棉防震包装。",
        lot: { date: "2026-11-24", quantity: 300 },
        art: { shape: "eggs", color: "#f5deb3" },
      },
      {
        title: "雷山黑毛土猪肉 五花 按斤称",
        storage: "chilled",
        product: "黑毛土猪肉",
        productEn: "Black-pig pork belly",
        category: "livestock_poultry",
        unit: "jin",
        priceFen: 3800,
        stock: 300,
        description: "农户家养黑毛猪，喂红薯、玉米和猪草，养足十个月，肥瘦相间。",
        lot: { date: "2026-11-22", quantity: 400 },
        art: { shape: "eggs", color: "#ffccbc", seed: 51 },
      },
      {
        title: "西江苗寨 稻田鸭 约3斤/只",
        storage: "chilled",
        product: "稻田鸭",
        productEn: "Paddy-field duck",
        category: "livestock_poultry",
        unit: "each",
        priceFen: 11800,
        stock: 80,
        description: "稻田里放养的麻鸭，吃虫吃草，肉质紧实不腥。",
        lot: { date: "2026-11-18", quantity: 100 },
        art: { shape: "bird", color: "#6d4c41", seed: 52 },
      },
    ],
  },
  {
    key: "qianjiang-grower",
    kind: "large_grower",
    nameZh: "潜江市王志刚虾稻种养大户",
    nameEn: "Wang Zhigang Rice-Crayfish Farm, Qianjiang",
    village: "qianjiang",
    inVillage: true,
    orgCode: "MA49QJ7F3",
    owner: { phone: "13800000016", displayName: "王志刚" },
    address: "湖北省潜江市熊口镇赵脑村三组",
    lat: 30.3601,
    lng: 112.7796,
    descriptionZh: "虾稻共作860亩，春夏出虾、秋季收稻，稻田不打农药。",
    descriptionEn: "860 mu of rice–crayfish co-culture: crayfish in spring and summer, rice in autumn, no pesticide in the paddies.",
    lotPrefix: "QJ",
    listings: [
      {
        title: "潜江小龙虾 鲜活 4-6钱 按斤称",
        storage: "chilled",
        product: "潜江小龙虾",
        productEn: "Qianjiang crayfish",
        category: "aquatic",
        unit: "jin",
        priceFen: 3800,
        stock: 0,
        certs: ["geographical_indication"],
        status: "paused",
        description: "虾稻田现捕，青壳白腹、个大肉满，泡沫箱加冰袋发货。鲜活虾季节已过，明年四月恢复。",
        lot: { date: "2026-09-20", quantity: 2000 },
        art: { shape: "fish", color: "#d84315" },
      },
      {
        title: "潜江麻辣小龙虾 熟冻 1.5kg 盒装",
        storage: "chilled",
        product: "麻辣小龙虾",
        productEn: "Spicy cooked crayfish",
        category: "aquatic",
        unit: "box",
        priceFen: 8900,
        stock: 400,
        certs: ["geographical_indication"],
        description: "鲜虾当天烹制速冻，约55-65只，解冻加热五分钟即可食用。",
        lot: { date: "2026-08-15", quantity: 600 },
        art: { shape: "fish", color: "#bf360c", seed: 61 },
        twoPhotos: true,
      },
      {
        title: "潜江虾稻米 5kg",
        product: "虾稻米",
        productEn: "Crayfish-paddy rice",
        category: "grain",
        unit: "bag",
        priceFen: 7980,
        stock: 500,
        certs: ["green_food"],
        description: "虾稻田种出的一季稻，不打农药，米粒晶莹、口感软糯。",
        lot: { date: "2026-10-08", quantity: 800 },
        art: { shape: "bowl", seed: 62 },
      },
      {
        title: "潜江油焖大虾 即食 750g",
        storage: "chilled",
        product: "油焖大虾",
        productEn: "Braised crayfish",
        category: "aquatic",
        unit: "box",
        priceFen: 6900,
        stock: 300,
        description: "潜江本地做法，啤酒油焖，甜辣入味，冷冻保存三个月。",
        lot: { date: "2026-08-20", quantity: 500 },
        art: { shape: "fish", color: "#e64a19", seed: 63 },
      },
      {
        title: "稻田鲫鱼 鲜活 按斤称",
        storage: "chilled",
        product: "稻田鲫鱼",
        productEn: "Paddy crucian carp",
        category: "aquatic",
        unit: "jin",
        priceFen: 1800,
        stock: 500,
        description: "秋季放水捕捞的稻田鲫鱼，每条三四两，熬汤奶白鲜甜。",
        lot: { date: "2026-11-15", quantity: 800 },
        art: { shape: "fish", color: "#90a4ae", seed: 64 },
      },
    ],
  },
  {
    key: "fusong-coop",
    kind: "cooperative",
    nameZh: "抚松县万良人参专业合作社",
    nameEn: "Wanliang Ginseng Cooperative, Fusong",
    village: "fusong",
    inVillage: true,
    orgCode: "MA17F55G9",
    owner: { phone: "13800000017", displayName: "金永哲" },
    address: "吉林省白山市抚松县万良镇万良村",
    lat: 42.4478,
    lng: 127.2994,
    descriptionZh: "参农合作社，统一种苗、统一检测，园参与林下参分开种植、分开标识。",
    descriptionEn: "A ginseng growers' cooperative with shared seedlings and testing; field and forest ginseng are grown and labelled separately.",
    lotPrefix: "FS",
    listings: [
      {
        title: "长白山人参 5年生园参 鲜参 500g",
        product: "长白山人参",
        productEn: "Changbai Mountain ginseng",
        category: "forest",
        unit: "box",
        priceFen: 19800,
        stock: 100,
        certs: ["geographical_indication"],
        description: "五年生园参，每斤8-10支，芦头完整、须根齐全，可炖汤、泡酒、切片。",
        lot: { date: "2026-09-15", quantity: 150 },
        art: { shape: "mushroom", color: "#d7ccc8" },
        twoPhotos: true,
      },
      {
        title: "长白山林下参 15年 单支礼盒",
        product: "林下参",
        productEn: "Forest ginseng",
        category: "forest",
        unit: "box",
        priceFen: 68000,
        stock: 20,
        certs: ["geographical_indication", "organic"],
        description: "原始林下自然生长15年，附生长年限鉴定证书，单支锦盒装。",
        lot: { date: "2026-09-10", quantity: 30 },
        art: { shape: "mushroom", color: "#efebe9", seed: 71 },
      },
      {
        title: "长白山黑木耳 秋耳 250g",
        product: "黑木耳",
        productEn: "Wood ear mushroom",
        category: "forest",
        unit: "bag",
        priceFen: 3980,
        stock: 500,
        certs: ["green_food"],
        description: "椴木段栽培的秋耳，朵小肉厚、泡发率高，凉拌清炒都适宜。",
        lot: { date: "2026-09-28", quantity: 800 },
        art: { shape: "mushroom", color: "#3e2723", seed: 72 },
      },
      {
        title: "长白山椴树蜜 1kg 瓶装",
        product: "椴树蜜",
        productEn: "Linden honey",
        category: "forest",
        unit: "bottle",
        priceFen: 8800,
        stock: 150,
        certs: ["pollution_free"],
        description: "七月椴树花期采集的成熟蜜，天然结晶洁白细腻。",
        lot: { date: "2026-07-25", quantity: 200 },
        art: { shape: "bottle", color: "#ffb300", seed: 73 },
      },
    ],
  },
  {
    key: "shouguang-coop",
    kind: "cooperative",
    nameZh: "寿光市三元朱绿色蔬菜专业合作社",
    nameEn: "Sanyuanzhu Green Vegetable Cooperative, Shouguang",
    village: "shouguang",
    inVillage: true,
    orgCode: "MA3CXG6K7",
    owner: { phone: "13800000018", displayName: "孙宝山" },
    address: "山东省潍坊市寿光市孙家集街道三元朱村",
    lat: 36.8031,
    lng: 118.6861,
    descriptionZh: "全村冬暖式大棚统一种苗、统一用药记录，蔬菜出棚前农残快检。",
    descriptionEn: "Village greenhouses with shared seedlings and spray records; every harvest is residue-tested before it leaves.",
    lotPrefix: "SG",
    listings: [
      {
        title: "寿光圣女果 樱桃番茄 5斤装",
        product: "圣女果",
        productEn: "Cherry tomatoes",
        category: "vegetables",
        unit: "box",
        priceFen: 3990,
        stock: 300,
        certs: ["green_food"],
        description: "大棚种植的千禧圣女果，自然转色后采摘，皮薄多汁、酸甜可口。",
        lot: { date: "2026-11-20", quantity: 500 },
        art: { shape: "veg", color: "#e53935" },
        twoPhotos: true,
      },
      {
        title: "寿光水果黄瓜 旱黄瓜 5斤装",
        product: "水果黄瓜",
        productEn: "Snacking cucumbers",
        category: "vegetables",
        unit: "box",
        priceFen: 2990,
        stock: 250,
        certs: ["pollution_free"],
        description: "顶花带刺，清脆无渣，可直接生吃。",
        lot: { date: "2026-11-22", quantity: 400 },
        art: { shape: "veg", color: "#7cb342", seed: 81 },
      },
      {
        title: "寿光彩椒 红黄混装 3斤",
        product: "彩椒",
        productEn: "Bell peppers",
        category: "vegetables",
        unit: "box",
        priceFen: 2580,
        stock: 200,
        certs: ["green_food"],
        description: "红、黄彩椒混装，果肉厚实、微甜，适合凉拌和快炒。",
        lot: { date: "2026-11-21", quantity: 300 },
        art: { shape: "veg", color: "#fdd835", seed: 82 },
      },
      {
        title: "寿光西兰花 按斤称",
        product: "西兰花",
        productEn: "Broccoli",
        category: "vegetables",
        unit: "jin",
        priceFen: 480,
        stock: 1000,
        description: "花球紧实、颜色深绿，当天采收当天发货。",
        lot: { date: "2026-11-23", quantity: 1500 },
        art: { shape: "veg", color: "#2e7d32", seed: 83 },
      },
    ],
  },
  {
    // Its credit code fails the check character: it waits in the admin review queue.
    key: "zhongning-pending",
    kind: "family_farm",
    nameZh: "中宁县老马枸杞家庭农场",
    nameEn: "Lao Ma Goji Family Farm, Zhongning",
    village: "zhongning",
    inVillage: true,
    orgCode: "MA76CN9P2",
    wrongCheck: true,
    owner: { phone: "13800000019", displayName: "马德福" },
    address: "宁夏回族自治区中卫市中宁县舟塔乡舟塔村五组",
    lat: 37.4979,
    lng: 105.7241,
    descriptionZh: "马家三代种枸杞，40亩枸杞园，刚刚入驻平台。",
    descriptionEn: "Three generations of the Ma family growing goji on 40 mu; new on the platform.",
    lotPrefix: "LM",
    small: true,
    listings: [],
  },
];

const CERT_PREFIX: Record<CertificationKind, string> = {
  green_food: "LB-18-26",
  organic: "227OP26",
  geographical_indication: "AGI0",
  pollution_free: "WGH-26-",
};

function certificateNo(kind: CertificationKind, n: number): string {
  const digits = kind === "green_food" ? String(1100000 + n * 379).padStart(8, "0") + "A" : String(1000 + n * 37).padStart(4, "0");
  return CERT_PREFIX[kind] + digits;
}

function lotCode(prefix: string, date: string | null, seq: number, year = 2026): string {
  const d = date ? date.slice(0, 4) + "-" + date.slice(5, 7) + date.slice(8, 10) : `${year}-PLAN`;
  return `${prefix}${d}-${String(seq).padStart(2, "0")}`;
}

export type DemoSeedResult = {
  users: number;
  villages: number;
  producers: number;
  listings: number;
  photos: number;
  ms: number;
};

/** Seeds the demo data set into a migrated database (categories are added if missing). */
export async function seedDemoData(db: Db, options: { small?: boolean; uploadDir: string; now?: number }): Promise<DemoSeedResult> {
  const started = Date.now();
  const small = options.small ?? false;
  const now = options.now ?? Date.now();
  const producerSpecs = PRODUCERS.filter((p) => !small || p.small);
  const villageSpecs = VILLAGES.filter((v) => !small || v.small || producerSpecs.some((p) => p.village === v.key));
  const listingSpecs = producerSpecs.flatMap((p) => p.listings.filter((l) => !small || l.small).map((l) => ({ producer: p, listing: l })));

  // 1. Pictures (async, in parallel): drawn, then stored as WebP by content hash.
  const passwordHash = cachedPasswordHash(DEMO_PASSWORD);
  const photos: PhotoRecord[][] = await Promise.all(
    listingSpecs.map(async ({ listing }, i) => {
      const base = listing.art ?? undefined;
      const seed = base?.seed ?? 100 + i;
      const specs = [{ ...(base ?? { shape: "fruit" as const }), seed }];
      if (listing.twoPhotos) specs.push({ ...specs[0], seed: seed + 1000 });
      return Promise.all(specs.map(async (spec) => storeListingPhoto(await renderListingArt(listing.category, base ? spec : undefined), options.uploadDir)));
    }),
  );
  const hash = await passwordHash;

  // 2. Rows, in one transaction.
  let listingCount = 0;
  let userCount = 0;
  db.$client.transaction(() => {
    const categoryIds = seedCategories(db);
    seedInputsCatalogue(db);
    seedDemoFertilizers(db);

    const userIds = new Map<string, number>();
    for (const a of DEMO_ACCOUNTS) {
      userIds.set(a.phone, insertUserWithHash(db, { phone: a.phone, displayName: a.displayName, passwordHash: hash, roles: a.roles }));
    }
    for (const p of producerSpecs) {
      if (userIds.has(p.owner.phone)) continue;
      userIds.set(
        p.owner.phone,
        insertUserWithHash(db, { phone: p.owner.phone, displayName: p.owner.displayName ?? p.owner.phone, passwordHash: hash, roles: ["farmer"] }),
      );
    }

    userCount = userIds.size;

    const villageIds = new Map<string, { id: number; provinceId: number; countyId: number; townshipId: number; countyCode: string }>();
    for (const v of villageSpecs) {
      const provinceId = ensureRegion(db, { code: v.province[0], level: "province", nameZh: v.province[1], nameEn: v.province[2] });
      const prefectureId = v.prefecture
        ? ensureRegion(db, { code: v.prefecture[0], level: "prefecture", nameZh: v.prefecture[1], nameEn: v.prefecture[2], parentId: provinceId })
        : provinceId;
      const countyId = ensureRegion(db, { code: v.county[0], level: "county", nameZh: v.county[1], nameEn: v.county[2], parentId: prefectureId });
      const townshipId = ensureRegion(db, { code: v.township[0], level: "township", nameZh: v.township[1], nameEn: v.township[2], parentId: countyId });
      const id = createVillage(db, {
        provinceId,
        countyId,
        townshipId,
        nameZh: v.nameZh,
        nameEn: v.nameEn,
        signatureProductZh: v.signatureZh,
        signatureProductEn: v.signatureEn,
        signatureCategoryId: categoryIds[v.category],
        descriptionZh: v.descriptionZh,
        descriptionEn: v.descriptionEn,
        lat: v.lat,
        lng: v.lng,
      });
      villageIds.set(v.key, { id, provinceId, countyId, townshipId, countyCode: v.county[0] });
    }

    const producerIds = new Map<string, number>();
    for (const p of producerSpecs) {
      const v = villageIds.get(p.village)!;
      const valid = makeCreditCode(CREDIT_CODE_PREFIX[p.kind] + v.countyCode + p.orgCode);
      const ownerId = userIds.get(p.owner.phone)!;
      const id = createProducer(db, {
        kind: p.kind,
        nameZh: p.nameZh,
        nameEn: p.nameEn,
        ownerUserId: ownerId,
        provinceId: v.provinceId,
        countyId: v.countyId,
        townshipId: v.townshipId,
        villageId: p.inVillage ? v.id : null,
        creditCode: p.wrongCheck ? withWrongCheckCharacter(valid) : valid,
        address: p.address,
        lat: p.lat,
        lng: p.lng,
        contactPhone: p.owner.phone,
        descriptionZh: p.descriptionZh,
        descriptionEn: p.descriptionEn,
        vatRateBp: p.vatRateBp ?? null,
      });
      for (const phone of p.managers ?? []) addProducerMember(db, id, userIds.get(phone)!, "manager");
      producerIds.set(p.key, id);
    }

    // Listings: the first in the file is the newest, so the home page opens with the apples.
    listingSpecs.forEach(({ producer, listing }, i) => {
      const producerId = producerIds.get(producer.key)!;
      const actor = actorFor(db, userIds.get(listing.by ?? producer.owner.phone)!);
      // The product row first, with its English name, which the search index includes.
      db.insert(products)
        .values({ producerId, categoryId: categoryIds[listing.category], nameZh: listing.product, nameEn: listing.productEn })
        .onConflictDoNothing()
        .run();
      const id = createListingRecord(
        db,
        actor,
        {
          producerId,
          categoryId: categoryIds[listing.category],
          productName: listing.product,
          title: listing.title,
          description: listing.description,
          unit: listing.unit,
          priceFen: listing.priceFen,
          stock: listing.stock,
          certifications: listing.certs ?? [],
        },
        photos[i],
      );
      const productId = db.select({ productId: listings.productId }).from(listings).where(eq(listings.id, id)).get()!.productId;
      // The lot it sells from, with its whole trace chain (the publish gate checks it).
      seedDemoLot(db, {
        producerId,
        productId,
        actorUserId: actor.id,
        listingId: id,
        product: listing.product,
        category: listing.category,
        organic: (listing.certs ?? []).includes("organic"),
        lotCode: lotCode(producer.lotPrefix, listing.lot.date, producer.listings.indexOf(listing) + 1),
        date: listing.lot.date,
        quantity: listing.lot.quantity,
        unit: listing.unit,
        plotLat: producer.lat,
        plotLng: producer.lng,
        blocked: listing.trace,
      });
      if (listing.storage) db.update(listings).set({ storage: listing.storage }).where(eq(listings.id, id)).run();
      const status = listing.status ?? "published";
      if (status !== "draft") setListingStatus(db, actor, id, status);
      const at = now - (i + 1) * 2 * 60 * 60 * 1000;
      db.update(listings)
        .set({ createdAt: at - 60 * 60 * 1000, updatedAt: at, publishedAt: status === "draft" ? null : at })
        .where(eq(listings.id, id))
        .run();
      for (const kind of listing.certs ?? []) {
        db.update(listingCertifications)
          .set({ certificateNo: certificateNo(kind, id) })
          .where(and(eq(listingCertifications.listingId, id), eq(listingCertifications.kind, kind)))
          .run();
      }
      listingCount++;
    });
    const coop = producerIds.get("luochuan-coop");
    if (coop !== undefined) seedDemoCoopMembers(db, { producerId: coop, adminUserId: userIds.get("13800000004")!, userIds, now });
  })();
  seedDeliveryNetwork(db, { small }); // points, slots, routes and operators around the seeded villages
  seedDemoOrders(db, { now }); // demo orders at those points (order lines name their lots; parcels in realistic states)
  buildDailyManifests(db, shanghaiDate(now), now); // today's joint-delivery manifests for the dispatched parcels
  await seedDemoInputs(db, { uploadDir: options.uploadDir, now }); // issue 12 §4: an input seller, input listings, the demo farmer's input stock
  for (const [phone, countyCode] of Object.entries(DEMO_COUNTY_OFFICIALS))
    db.$client
      .prepare(`insert or ignore into county_officials (user_id, county_id) select u.id, r.id from users u, regions r where u.phone = ? and r.code = ?`)
      .run(phone, countyCode);
  await seedDemoCredit(db, { uploadDir: options.uploadDir, now }); // licences, ratings with comments, 帮扶, credit scores (issue 12 §2)

  return {
    users: userCount,
    villages: villageSpecs.length,
    producers: producerSpecs.length,
    listings: listingCount,
    photos: photos.reduce((n, p) => n + p.length, 0),
    ms: Date.now() - started,
  };
}

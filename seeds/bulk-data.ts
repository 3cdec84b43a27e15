/**
 * A large generated data set for benchmarks (`npm run seed -- --listings 100000`).
 *
 * Names are built from combinatorial Chinese parts (place + product + modifier + pack size),
 * so that searching 苹果 or 有机 大米 finds realistic fractions of the data. Rows go in with
 * prepared statements, one transaction per chunk; the search rows are written with the same
 * tokenizer as indexListing (and spot-checked against it at the end). Photos come from a
 * small pool of generated pictures shared by all listings.
 */
import type { Db } from "../db/client";
import { CERTIFICATION_KINDS, type CategorySlug, type CertificationKind, type ProducerKind, type Unit } from "../db/schema";
import { indexListing, type PhotoRecord } from "../market/listings/listings";
import { storeListingPhoto } from "../market/photos/photos";
import { tokenizeForIndex } from "../market/search/tokenize";
import { cachedPasswordHash, ensureRegion, seedCategories, uniqueCreditCode } from "./factories";
import { renderListingArt, type ArtSpec } from "./images";
import { mulberry32 } from "./random";

/** The same seed generates the same data set. */
function makeRng(seed: number) {
  const next = mulberry32(seed);
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}
type Rng = ReturnType<typeof makeRng>;

const PROVINCES: [code: string, zh: string, short: string, en: string][] = [
  ["130000", "河北省", "河北", "Hebei"],
  ["140000", "山西省", "山西", "Shanxi"],
  ["150000", "内蒙古自治区", "内蒙古", "Inner Mongolia"],
  ["210000", "辽宁省", "辽宁", "Liaoning"],
  ["220000", "吉林省", "吉林", "Jilin"],
  ["230000", "黑龙江省", "黑龙江", "Heilongjiang"],
  ["320000", "江苏省", "江苏", "Jiangsu"],
  ["330000", "浙江省", "浙江", "Zhejiang"],
  ["340000", "安徽省", "安徽", "Anhui"],
  ["350000", "福建省", "福建", "Fujian"],
  ["360000", "江西省", "江西", "Jiangxi"],
  ["370000", "山东省", "山东", "Shandong"],
  ["410000", "河南省", "河南", "Henan"],
  ["420000", "湖北省", "湖北", "Hubei"],
  ["430000", "湖南省", "湖南", "Hunan"],
  ["440000", "广东省", "广东", "Guangdong"],
  ["450000", "广西壮族自治区", "广西", "Guangxi"],
  ["460000", "海南省", "海南", "Hainan"],
  ["500000", "重庆市", "重庆", "Chongqing"],
  ["510000", "四川省", "四川", "Sichuan"],
  ["520000", "贵州省", "贵州", "Guizhou"],
  ["530000", "云南省", "云南", "Yunnan"],
  ["610000", "陕西省", "陕西", "Shaanxi"],
  ["620000", "甘肃省", "甘肃", "Gansu"],
  ["630000", "青海省", "青海", "Qinghai"],
  ["640000", "宁夏回族自治区", "宁夏", "Ningxia"],
  ["650000", "新疆维吾尔自治区", "新疆", "Xinjiang"],
];

// Syllables for generated place names, with pinyin for the English names.
const FIRST: [string, string][] = [
  ["青", "Qing"],
  ["白", "Bai"],
  ["红", "Hong"],
  ["金", "Jin"],
  ["石", "Shi"],
  ["清", "Qing"],
  ["平", "Ping"],
  ["安", "An"],
  ["永", "Yong"],
  ["长", "Chang"],
  ["新", "Xin"],
  ["丰", "Feng"],
  ["富", "Fu"],
  ["兴", "Xing"],
  ["和", "He"],
  ["东", "Dong"],
  ["西", "Xi"],
  ["南", "Nan"],
  ["北", "Bei"],
  ["上", "Shang"],
  ["下", "Xia"],
  ["大", "Da"],
  ["小", "Xiao"],
  ["高", "Gao"],
  ["桃", "Tao"],
  ["柳", "Liu"],
  ["杏", "Xing"],
  ["枫", "Feng"],
  ["松", "Song"],
  ["梅", "Mei"],
  ["龙", "Long"],
  ["凤", "Feng"],
  ["云", "Yun"],
  ["泉", "Quan"],
  ["黄", "Huang"],
];
const SECOND: [string, string][] = [
  ["山", "shan"],
  ["河", "he"],
  ["川", "chuan"],
  ["阳", "yang"],
  ["江", "jiang"],
  ["水", "shui"],
  ["田", "tian"],
  ["源", "yuan"],
  ["溪", "xi"],
  ["林", "lin"],
  ["坪", "ping"],
  ["岭", "ling"],
  ["湾", "wan"],
  ["塘", "tang"],
  ["沟", "gou"],
  ["坡", "po"],
  ["庄", "zhuang"],
  ["口", "kou"],
  ["桥", "qiao"],
  ["堡", "bao"],
  ["寨", "zhai"],
  ["峪", "yu"],
  ["泽", "ze"],
  ["丘", "qiu"],
  ["原", "yuan"],
];

const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
const GIVEN = [
  "建国",
  "秀英",
  "志强",
  "桂兰",
  "春生",
  "玉兰",
  "德福",
  "明华",
  "海燕",
  "国庆",
  "红梅",
  "长青",
  "永福",
  "丽娟",
  "军",
  "伟",
  "芳",
  "勇",
  "静",
  "磊",
];

type ProductBase = { zh: string; en: string; units: Unit[]; price: [number, number]; art: ArtSpec };

const PRODUCTS: Record<CategorySlug, ProductBase[]> = {
  fruit: [
    { zh: "苹果", en: "apple", units: ["box", "jin"], price: [300, 9800], art: { shape: "fruit", color: "#d32f2f" } },
    { zh: "红富士苹果", en: "Fuji apple", units: ["box", "jin"], price: [350, 9800], art: { shape: "fruit", color: "#c62828" } },
    { zh: "猕猴桃", en: "kiwifruit", units: ["box", "jin"], price: [800, 8800], art: { shape: "kiwi", color: "#7cb342" } },
    { zh: "红心猕猴桃", en: "red-heart kiwifruit", units: ["box"], price: [3900, 9800], art: { shape: "kiwi", color: "#c62828" } },
    { zh: "脐橙", en: "navel orange", units: ["box", "jin"], price: [400, 7800], art: { shape: "fruit", color: "#fb8c00" } },
    { zh: "砂糖橘", en: "sugar mandarin", units: ["box", "jin"], price: [350, 5800], art: { shape: "fruit", color: "#ff9800" } },
    { zh: "沃柑", en: "Orah mandarin", units: ["box"], price: [2900, 6800], art: { shape: "fruit", color: "#f57c00" } },
    { zh: "葡萄", en: "grapes", units: ["box", "jin"], price: [800, 9800], art: { shape: "berries", color: "#6a1b9a" } },
    { zh: "酥梨", en: "pear", units: ["box", "jin"], price: [300, 5800], art: { shape: "fruit", color: "#cddc39" } },
    { zh: "水蜜桃", en: "juicy peach", units: ["box"], price: [3900, 8800], art: { shape: "fruit", color: "#f48fb1" } },
    { zh: "樱桃", en: "cherries", units: ["box", "jin"], price: [2500, 19800], art: { shape: "berries", color: "#b71c1c" } },
    { zh: "草莓", en: "strawberries", units: ["box"], price: [3900, 12800], art: { shape: "berries", color: "#e53935" } },
    { zh: "芒果", en: "mango", units: ["box", "jin"], price: [600, 8800], art: { shape: "fruit", color: "#fbc02d" } },
    { zh: "荔枝", en: "lychee", units: ["box", "jin"], price: [1200, 9800], art: { shape: "fruit", color: "#e91e63" } },
    { zh: "蓝莓", en: "blueberries", units: ["box"], price: [3900, 12800], art: { shape: "berries", color: "#283593" } },
    { zh: "冬枣", en: "winter jujube", units: ["box", "jin"], price: [800, 6800], art: { shape: "fruit", color: "#8bc34a" } },
    { zh: "石榴", en: "pomegranate", units: ["box"], price: [3900, 8800], art: { shape: "fruit", color: "#c2185b" } },
    { zh: "哈密瓜", en: "Hami melon", units: ["each", "box"], price: [1500, 6800], art: { shape: "fruit", color: "#ffd54f" } },
  ],
  vegetables: [
    { zh: "西红柿", en: "tomatoes", units: ["box", "jin"], price: [300, 4800], art: { shape: "veg", color: "#e53935" } },
    { zh: "黄瓜", en: "cucumbers", units: ["box", "jin"], price: [250, 3800], art: { shape: "veg", color: "#7cb342" } },
    { zh: "土豆", en: "potatoes", units: ["bag", "jin"], price: [150, 4800], art: { shape: "veg", color: "#d7ccc8" } },
    { zh: "红薯", en: "sweet potatoes", units: ["box", "jin"], price: [250, 5800], art: { shape: "veg", color: "#ad1457" } },
    { zh: "胡萝卜", en: "carrots", units: ["box", "jin"], price: [200, 3800], art: { shape: "veg", color: "#ff7043" } },
    { zh: "大白菜", en: "Chinese cabbage", units: ["jin", "each"], price: [100, 1500], art: { shape: "veg", color: "#c5e1a5" } },
    { zh: "辣椒", en: "chillies", units: ["jin", "bag"], price: [400, 3800], art: { shape: "veg", color: "#d50000" } },
    { zh: "大蒜", en: "garlic", units: ["jin", "bag"], price: [400, 4800], art: { shape: "veg", color: "#f5f5f5" } },
    { zh: "生姜", en: "ginger", units: ["jin", "box"], price: [500, 4800], art: { shape: "veg", color: "#e6c47a" } },
    { zh: "山药", en: "Chinese yam", units: ["box", "jin"], price: [600, 8800], art: { shape: "veg", color: "#bcaaa4" } },
    { zh: "莲藕", en: "lotus root", units: ["box", "jin"], price: [500, 6800], art: { shape: "veg", color: "#d7ccc8" } },
    { zh: "芦笋", en: "asparagus", units: ["box", "jin"], price: [1500, 8800], art: { shape: "veg", color: "#558b2f" } },
    { zh: "南瓜", en: "pumpkin", units: ["each", "box"], price: [800, 4800], art: { shape: "veg", color: "#ef6c00" } },
    { zh: "甜玉米", en: "sweetcorn", units: ["box", "each"], price: [200, 5800], art: { shape: "veg", color: "#fdd835" } },
  ],
  grain: [
    { zh: "大米", en: "rice", units: ["bag"], price: [3900, 19800], art: { shape: "bowl" } },
    { zh: "香米", en: "fragrant rice", units: ["bag"], price: [4900, 19800], art: { shape: "bowl" } },
    { zh: "小米", en: "millet", units: ["bag"], price: [1900, 8800], art: { shape: "bowl" } },
    { zh: "糯米", en: "glutinous rice", units: ["bag"], price: [1900, 6800], art: { shape: "bowl" } },
    { zh: "黑米", en: "black rice", units: ["bag"], price: [2500, 6800], art: { shape: "bowl" } },
    { zh: "燕麦米", en: "oat groats", units: ["bag"], price: [1900, 5800], art: { shape: "bowl" } },
    { zh: "荞麦", en: "buckwheat", units: ["bag"], price: [1900, 5800], art: { shape: "bowl" } },
    { zh: "绿豆", en: "mung beans", units: ["bag"], price: [1500, 4800], art: { shape: "bowl" } },
    { zh: "石磨面粉", en: "stone-ground flour", units: ["bag"], price: [2900, 9800], art: { shape: "bowl" } },
    { zh: "花生油", en: "peanut oil", units: ["bottle"], price: [5900, 16800], art: { shape: "bottle", color: "#fbc02d" } },
    { zh: "菜籽油", en: "rapeseed oil", units: ["bottle"], price: [4900, 12800], art: { shape: "bottle", color: "#f9a825" } },
    { zh: "大豆油", en: "soybean oil", units: ["bottle"], price: [4900, 9800], art: { shape: "bottle", color: "#ffd54f" } },
  ],
  tea: [
    { zh: "绿茶", en: "green tea", units: ["bag", "box"], price: [5800, 98000], art: { shape: "leaves", color: "#2e7d32" } },
    { zh: "红茶", en: "black tea", units: ["bag", "box"], price: [5800, 68000], art: { shape: "leaves", color: "#6d4c41" } },
    { zh: "白茶", en: "white tea", units: ["box"], price: [9800, 88000], art: { shape: "leaves", color: "#9e9d24" } },
    { zh: "乌龙茶", en: "oolong tea", units: ["bag", "box"], price: [6800, 68000], art: { shape: "leaves", color: "#558b2f" } },
    { zh: "普洱茶", en: "Pu'er tea", units: ["box"], price: [9800, 128000], art: { shape: "leaves", color: "#4e342e" } },
    { zh: "铁观音", en: "Tieguanyin", units: ["bag", "box"], price: [6800, 58000], art: { shape: "leaves", color: "#33691e" } },
    { zh: "毛尖", en: "Maojian", units: ["bag", "box"], price: [5800, 48000], art: { shape: "leaves", color: "#43a047" } },
    { zh: "茉莉花茶", en: "jasmine tea", units: ["bag"], price: [3800, 28000], art: { shape: "leaves", color: "#66bb6a" } },
    { zh: "黑茶", en: "dark tea", units: ["box"], price: [6800, 48000], art: { shape: "leaves", color: "#3e2723" } },
  ],
  livestock_poultry: [
    { zh: "土鸡", en: "free-range chicken", units: ["each"], price: [6800, 19800], art: { shape: "bird", color: "#8d5a2b" } },
    { zh: "乌鸡", en: "silkie chicken", units: ["each"], price: [7800, 16800], art: { shape: "bird", color: "#424242" } },
    { zh: "土鸡蛋", en: "free-range eggs", units: ["box", "dozen"], price: [1800, 6800], art: { shape: "eggs", color: "#f5deb3" } },
    { zh: "咸鸭蛋", en: "salted duck eggs", units: ["box", "dozen"], price: [2500, 5800], art: { shape: "eggs", color: "#b2dfdb" } },
    { zh: "黑猪肉", en: "black pork", units: ["jin", "box"], price: [2800, 19800], art: { shape: "eggs", color: "#ffccbc" } },
    { zh: "黄牛肉", en: "beef", units: ["jin", "box"], price: [4800, 29800], art: { shape: "eggs", color: "#ef9a9a" } },
    { zh: "羊肉", en: "mutton", units: ["jin", "box"], price: [4200, 29800], art: { shape: "eggs", color: "#ffab91" } },
    { zh: "腊肉", en: "cured pork", units: ["jin", "box"], price: [4800, 19800], art: { shape: "eggs", color: "#a1887f" } },
    { zh: "大白鹅", en: "goose", units: ["each"], price: [12800, 29800], art: { shape: "bird", color: "#eeeeee" } },
    { zh: "麻鸭", en: "duck", units: ["each"], price: [6800, 15800], art: { shape: "bird", color: "#6d4c41" } },
  ],
  aquatic: [
    { zh: "小龙虾", en: "crayfish", units: ["jin", "box"], price: [2500, 12800], art: { shape: "fish", color: "#d84315" } },
    { zh: "大闸蟹", en: "hairy crab", units: ["box", "each"], price: [3800, 59800], art: { shape: "fish", color: "#5d4037" } },
    { zh: "鲈鱼", en: "sea bass", units: ["jin", "each"], price: [1800, 8800], art: { shape: "fish", color: "#90a4ae" } },
    { zh: "草鱼", en: "grass carp", units: ["jin", "each"], price: [900, 6800], art: { shape: "fish", color: "#78909c" } },
    { zh: "鳜鱼", en: "mandarin fish", units: ["jin", "each"], price: [4800, 16800], art: { shape: "fish", color: "#8d6e63" } },
    { zh: "鲫鱼", en: "crucian carp", units: ["jin"], price: [1200, 3800], art: { shape: "fish", color: "#b0bec5" } },
    { zh: "带鱼", en: "hairtail", units: ["box", "jin"], price: [2800, 16800], art: { shape: "fish", color: "#cfd8dc" } },
    { zh: "海带", en: "kelp", units: ["bag"], price: [1200, 4800], art: { shape: "fish", color: "#33691e" } },
    { zh: "紫菜", en: "laver", units: ["bag"], price: [1500, 5800], art: { shape: "fish", color: "#4a148c" } },
    { zh: "虾仁", en: "shelled shrimp", units: ["bag", "box"], price: [3800, 12800], art: { shape: "fish", color: "#ffab91" } },
  ],
  forest: [
    { zh: "黑木耳", en: "wood ear", units: ["bag"], price: [1900, 8800], art: { shape: "mushroom", color: "#3e2723" } },
    { zh: "香菇", en: "shiitake", units: ["bag", "jin"], price: [1200, 8800], art: { shape: "mushroom", color: "#8d6e63" } },
    { zh: "核桃", en: "walnuts", units: ["bag", "jin"], price: [1800, 8800], art: { shape: "mushroom", color: "#a1887f" } },
    { zh: "板栗", en: "chestnuts", units: ["bag", "jin"], price: [1200, 6800], art: { shape: "mushroom", color: "#6d4c41" } },
    { zh: "蜂蜜", en: "honey", units: ["bottle"], price: [3800, 16800], art: { shape: "bottle", color: "#ffb300" } },
    { zh: "枸杞", en: "goji berries", units: ["bag", "bottle"], price: [2800, 12800], art: { shape: "berries", color: "#d32f2f" } },
    { zh: "红枣", en: "red dates", units: ["bag", "box"], price: [1900, 8800], art: { shape: "berries", color: "#b71c1c" } },
    { zh: "松子", en: "pine nuts", units: ["bag", "bottle"], price: [4800, 16800], art: { shape: "berries", color: "#d7ccc8" } },
    { zh: "竹笋", en: "bamboo shoots", units: ["bag", "jin"], price: [1200, 6800], art: { shape: "mushroom", color: "#c5e1a5" } },
    { zh: "人参", en: "ginseng", units: ["box"], price: [9800, 98000], art: { shape: "mushroom", color: "#efebe9" } },
    { zh: "银耳", en: "white fungus", units: ["bag"], price: [2800, 8800], art: { shape: "mushroom", color: "#fff8e1" } },
    { zh: "山茶油", en: "camellia oil", units: ["bottle"], price: [9800, 29800], art: { shape: "bottle", color: "#cddc39" } },
  ],
  agri_inputs: [
    { zh: "有机肥", en: "organic fertiliser", units: ["bag"], price: [2800, 12800], art: { shape: "sack", color: "#8d6e63" } },
    { zh: "复合肥", en: "compound fertiliser", units: ["bag"], price: [9800, 26800], art: { shape: "sack", color: "#1565c0" } },
    { zh: "水稻种子", en: "rice seed", units: ["bag"], price: [2800, 9800], art: { shape: "sack", color: "#f9a825" } },
    { zh: "玉米种子", en: "maize seed", units: ["bag"], price: [3800, 12800], art: { shape: "sack", color: "#fbc02d" } },
    { zh: "地膜", en: "mulch film", units: ["box", "each"], price: [4800, 19800], art: { shape: "sack", color: "#90a4ae" } },
    { zh: "果袋", en: "fruit bags", units: ["box"], price: [5800, 16800], art: { shape: "sack", color: "#a1887f" } },
    { zh: "滴灌带", en: "drip tape", units: ["each"], price: [9800, 39800], art: { shape: "sack", color: "#424242" } },
    { zh: "生物菌剂", en: "microbial inoculant", units: ["bag", "bottle"], price: [2800, 9800], art: { shape: "sack", color: "#558b2f" } },
    { zh: "叶面肥", en: "foliar fertiliser", units: ["bottle"], price: [1800, 6800], art: { shape: "sack", color: "#43a047" } },
  ],
};

const MODIFIERS: Record<CategorySlug, string[]> = {
  fruit: ["现摘", "高山", "新鲜", "精选", "当季", "产地直发", "果园直供", "特级", "大果", "礼品级"],
  vegetables: ["新鲜", "大棚", "露天", "农家", "有机", "当天采摘", "沙地", "高山"],
  grain: ["新米", "当季", "有机", "农家", "石磨", "古法压榨", "非转基因", "头道"],
  tea: ["明前", "雨前", "特级", "一级", "高山", "手工", "古树", "春茶", "秋茶"],
  livestock_poultry: ["散养", "农家", "现杀", "冷鲜", "谷饲", "放养", "山林", "土法"],
  aquatic: ["鲜活", "野生", "冷冻", "即食", "湖区", "生态", "深海", "稻田"],
  forest: ["野生", "特级", "农家", "林下", "深山", "头茬", "原生态", "古法"],
  agri_inputs: ["高效", "果树专用", "蔬菜专用", "通用型", "缓释", "生物", "抗病", "高产"],
};

const PACKS: Record<Unit, string[]> = {
  jin: ["按斤称", "5斤起发", "10斤起发", "散装"],
  kg: ["按公斤", "1kg起发"],
  box: ["5斤装", "10斤装", "礼盒", "家庭装", "整箱", "3斤装", "8斤装"],
  bag: ["500g", "250g", "2.5kg", "5kg", "10kg", "25kg", "40kg"],
  each: ["单只", "约2斤", "约3斤", "整只"],
  bottle: ["500ml", "1L", "2.5L", "5L", "1kg"],
  dozen: ["12枚", "一打", "24枚"],
};

/** Pack sizes that make sense for a category, where the unit's generic ones do not. */
const CATEGORY_PACKS: Partial<Record<CategorySlug, Partial<Record<Unit, string[]>>>> = {
  tea: { bag: ["100g", "250g", "500g"], box: ["250g礼盒", "500g礼盒", "250g罐装"] },
  grain: { bag: ["2.5kg", "5kg", "10kg", "25kg"], bottle: ["1.8L", "5L"] },
  forest: { bag: ["250g", "500g", "1kg"], bottle: ["500g", "1kg"], box: ["礼盒", "500g礼盒"] },
  agri_inputs: { bag: ["25kg", "40kg", "50kg", "1kg"], bottle: ["500ml", "1L"], box: ["1000只", "整箱"], each: ["单卷", "整卷"] },
  aquatic: { bag: ["250g", "500g", "1kg"], box: ["1.5kg", "2kg礼盒", "整箱"] },
  livestock_poultry: { box: ["30枚", "20枚", "2斤装", "5斤装"], jin: ["按斤称", "2斤起发"] },
  vegetables: { bag: ["5斤", "10斤"] },
};

const FEATURES: Record<CategorySlug, string[]> = {
  fruit: ["昼夜温差大，果实糖分积累足，口感香甜", "自然成熟后采摘，不催熟不打蜡", "果园施用农家肥，果香浓郁", "单果精选分级，大小均匀", "皮薄汁多，酸甜适口"],
  vegetables: ["当天采摘当天发货，新鲜脆嫩", "大棚种植，全程记录用药", "沙质土壤种植，口感清甜", "不使用膨大剂，保持原有风味"],
  grain: ["一年一季，生长期长，米香浓郁", "现磨现发，保留营养", "传统工艺压榨，香味纯正", "轮作种植，土壤肥沃"],
  tea: ["高山云雾茶园，手工采摘", "传统工艺制作，香气高长", "茶汤清澈，回甘明显", "生态茶园，不施化肥"],
  livestock_poultry: ["山林散养，生长期一年以上", "喂食玉米谷物，不添加激素", "现杀冷鲜，冷链配送", "农户家养，肉质紧实"],
  aquatic: ["生态水域养殖，肉质鲜美", "现捕现发，充氧包装", "速冻锁鲜，口感如初", "水质清澈，无泥腥味"],
  forest: ["深山采集，自然生长", "低温烘干，保留原味", "颗粒饱满，品质上乘", "林下种植，生长年限长"],
  agri_inputs: ["改良土壤，提高产量", "适用于多种作物", "配方科学，肥效持久", "经检测合格，质量可靠"],
};

const SHIPPING = ["全国包邮（偏远地区除外）", "48小时内发货", "支持产地溯源查询", "统一质检后发货"];
const CATEGORY_SHIPPING: Partial<Record<CategorySlug, string[]>> = {
  fruit: ["坏果包赔", "产地冷库直发"],
  vegetables: ["坏单包赔"],
  livestock_poultry: ["顺丰冷链发货"],
  aquatic: ["顺丰冷链发货", "死一赔一"],
};

const KINDS: ProducerKind[] = ["cooperative", "cooperative", "family_farm", "family_farm", "large_grower", "agribusiness"];
const KIND_SUFFIX: Record<ProducerKind, string> = {
  cooperative: "专业合作社",
  family_farm: "家庭农场",
  large_grower: "种植基地",
  agribusiness: "农业发展有限公司",
  input_seller: "农资经营部",
};
const KIND_SUFFIX_EN: Record<ProducerKind, string> = {
  cooperative: "Cooperative",
  family_farm: "Family Farm",
  large_grower: "Plantation",
  agribusiness: "Agriculture Co., Ltd.",
  input_seller: "Farm Supplies",
};

const CATEGORY_WEIGHTS: [CategorySlug, number][] = [
  ["fruit", 30],
  ["vegetables", 15],
  ["grain", 12],
  ["tea", 10],
  ["livestock_poultry", 10],
  ["aquatic", 8],
  ["forest", 10],
  ["agri_inputs", 5],
];

function pickCategory(r: Rng): CategorySlug {
  let x = r.next() * 100;
  for (const [slug, w] of CATEGORY_WEIGHTS) {
    if ((x -= w) < 0) return slug;
  }
  return "fruit";
}

export type BulkOptions = {
  count: number;
  uploadDir: string;
  chunkSize?: number;
  seed?: number;
  onProgress?: (done: number) => void;
  now?: number;
};

export type BulkResult = { listings: number; producers: number; villages: number; users: number; photos: number; ms: number };

type Place = {
  provinceId: number;
  countyId: number;
  townshipId: number;
  villageId: number;
  villageZh: string;
  signatureZh: string;
  countyCode: string;
  /** Full address down to the village: 省 + 县 + 镇 + 村. */
  label: string;
  countyShort: string;
  lat: number;
  lng: number;
};

/** Adds `count` generated listings (and the producers, villages and users they need). */
export async function seedBulkData(db: Db, options: BulkOptions): Promise<BulkResult> {
  const started = Date.now();
  const r = makeRng(options.seed ?? 20261127);
  const now = options.now ?? Date.now();
  const chunkSize = options.chunkSize ?? 5000;
  const sqlite = db.$client;
  const categoryIds = seedCategories(db);
  const hash = await cachedPasswordHash();

  // 1. Photo pool: one picture per distinct drawing (~80), shared by all listings of those products.
  const pool = new Map<string, PhotoRecord[]>();
  const arts: [CategorySlug, ArtSpec][] = [];
  for (const [slug, bases] of Object.entries(PRODUCTS) as [CategorySlug, ProductBase[]][]) {
    for (const b of bases) arts.push([slug, b.art]);
  }
  const uniqueArts = new Map(arts.map(([slug, art]) => [`${slug}:${art.shape}:${art.color ?? ""}`, [slug, art] as const]));
  await Promise.all(
    [...uniqueArts].map(async ([key, [slug, art]]) => {
      const picture = await renderListingArt(slug, { ...art, seed: 7000 + key.length }, 640, 480);
      pool.set(key, [await storeListingPhoto(picture, options.uploadDir)]);
    }),
  );
  const photoFor = (slug: CategorySlug, art: ArtSpec) => pool.get(`${slug}:${art.shape}:${art.color ?? ""}`)!;

  // 2. Places: generated counties, townships and villages under real provinces.
  const producerCount = Math.max(10, Math.ceil(options.count / 50));
  const villageCount = Math.max(5, Math.ceil(producerCount / 4));
  const places: Place[] = [];
  const insertVillage = sqlite.prepare(
    `insert into villages (province_id, county_id, township_id, name_zh, name_en, signature_product_zh, signature_product_en,
       signature_category_id, description_zh, description_en, lat, lng)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (township_id, name_zh) do update set name_en = excluded.name_en
     returning id`,
  );
  sqlite.transaction(() => {
    for (let i = 0; i < villageCount; i++) {
      const [pcode, pzh, , pen] = PROVINCES[i % PROVINCES.length];
      const provinceId = ensureRegion(db, { code: pcode, level: "province", nameZh: pzh, nameEn: pen });
      const countyIndex = Math.floor(i / PROVINCES.length) % 60; // up to 60 counties per province, 3 per prefecture
      const prefCode = pcode.slice(0, 2) + String(51 + Math.floor(countyIndex / 3)).padStart(2, "0") + "00";
      const [f1, f1en] = FIRST[(i * 7 + 3) % FIRST.length];
      const [s1, s1en] = SECOND[(i * 11 + 5) % SECOND.length];
      const prefectureId = ensureRegion(db, {
        code: prefCode,
        level: "prefecture",
        nameZh: `${FIRST[(countyIndex * 5) % FIRST.length][0]}${SECOND[(countyIndex * 3) % SECOND.length][0]}市`,
        nameEn: `${FIRST[(countyIndex * 5) % FIRST.length][1]}${SECOND[(countyIndex * 3) % SECOND.length][1]}`,
        parentId: provinceId,
      });
      const countyCode = prefCode.slice(0, 4) + String(21 + (countyIndex % 3)).padStart(2, "0");
      const countyZh = `${FIRST[(countyIndex * 13 + pcode.charCodeAt(1)) % FIRST.length][0]}${SECOND[(countyIndex * 17 + 1) % SECOND.length][0]}`;
      const countyEn = `${FIRST[(countyIndex * 13 + pcode.charCodeAt(1)) % FIRST.length][1]}${SECOND[(countyIndex * 17 + 1) % SECOND.length][1]}`;
      const countyId = ensureRegion(db, { code: countyCode, level: "county", nameZh: `${countyZh}县`, nameEn: `${countyEn} County`, parentId: prefectureId });
      const townshipCode = countyCode + String(101 + (Math.floor(i / (PROVINCES.length * 60)) % 99)).padStart(3, "0");
      const townshipId = ensureRegion(db, {
        code: townshipCode,
        level: "township",
        nameZh: `${s1}${f1}镇`,
        nameEn: `${s1en[0].toUpperCase()}${s1en.slice(1)}${f1en.toLowerCase()} Town`,
        parentId: countyId,
      });
      const category = pickCategory(r);
      const signature = r.pick(PRODUCTS[category]);
      const nameZh = `${f1}${s1}村`;
      const lat = 22 + r.next() * 22;
      const lng = 100 + r.next() * 22;
      const { id } = insertVillage.get(
        provinceId,
        countyId,
        townshipId,
        nameZh,
        `${f1en}${s1en} Village`,
        `${countyZh}${signature.zh}`,
        `${countyEn} ${signature.en}`,
        categoryIds[category],
        `${countyZh}${signature.zh}远近闻名，${r.pick(FEATURES[category])}。`,
        `Known for its ${signature.en}.`,
        lat,
        lng,
      ) as { id: number };
      places.push({
        provinceId,
        countyId,
        townshipId,
        villageId: id,
        villageZh: nameZh,
        signatureZh: `${countyZh}${signature.zh}`,
        countyCode,
        label: `${pzh}${countyZh}县${s1}${f1}镇${nameZh}`,
        countyShort: countyZh,
        lat,
        lng,
      });
    }
  })();

  // 3. Producers with their owners (one precomputed password hash for all).
  const insertUser = sqlite.prepare("insert into users (phone, password_hash, display_name) values (?, ?, ?)");
  const insertRole = sqlite.prepare("insert or ignore into user_roles (user_id, role) values (?, ?)");
  const phoneTaken = sqlite.prepare("select 1 from users where phone = ?").pluck();
  const insertProducer = sqlite.prepare(
    `insert into producers (kind, name_zh, name_en, credit_code, credit_code_status, description_zh, description_en, contact_phone,
       address, province_id, county_id, township_id, village_id, lat, lng, vat_rate_bp, created_by)
     values (?, ?, ?, ?, 'valid', ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertMember = sqlite.prepare("insert into producer_members (producer_id, user_id, role) values (?, ?, 'owner')");
  type GenProducer = { id: number; ownerId: number; place: Place; inVillage: boolean; categories: CategorySlug[]; nameZh: string };
  const producersList: GenProducer[] = [];
  let phoneN = 0;
  sqlite.transaction(() => {
    for (let i = 0; i < producerCount; i++) {
      const place = places[i % places.length];
      const kind = r.pick(KINDS);
      const person = r.pick(SURNAMES) + r.pick(GIVEN);
      let phone: string;
      do phone = `137${String(++phoneN).padStart(8, "0")}`;
      while (phoneTaken.get(phone));
      const ownerId = Number(insertUser.run(phone, hash, person).lastInsertRowid);
      insertRole.run(ownerId, "buyer");
      insertRole.run(ownerId, "farmer");
      const main = pickCategory(r);
      const categories = r.next() < 0.3 ? [main, pickCategory(r)] : [main];
      const base = r.pick(PRODUCTS[main]);
      const nameZh =
        (kind === "family_farm" || kind === "large_grower"
          ? `${place.countyShort}县${person.slice(0, 1)}家${base.zh}${KIND_SUFFIX[kind]}`
          : `${place.countyShort}县${place.villageZh.slice(0, -1)}${base.zh}${KIND_SUFFIX[kind]}`) +
        (i >= places.length ? `（${Math.floor(i / places.length) + 1}）` : "");
      const inVillage = kind !== "agribusiness";
      const creditCode = uniqueCreditCode(db, kind, place.countyCode);
      const id = Number(
        insertProducer.run(
          kind,
          nameZh,
          `${place.countyShort} ${base.en} ${KIND_SUFFIX_EN[kind]} #${i + 1}`,
          creditCode,
          `${r.pick(FEATURES[main])}。`,
          phone,
          `${place.label}${r.int(1, 12)}组`,
          place.provinceId,
          place.countyId,
          place.townshipId,
          inVillage ? place.villageId : null,
          place.lat + (r.next() - 0.5) * 0.02,
          place.lng + (r.next() - 0.5) * 0.02,
          kind === "agribusiness" ? 900 : null,
          ownerId,
        ).lastInsertRowid,
      );
      insertMember.run(id, ownerId);
      producersList.push({ id, ownerId, place, inVillage, categories, nameZh });
    }
  })();

  // 4. Listings in chunks.
  const insertProduct = sqlite.prepare("insert into products (producer_id, category_id, name_zh, name_en, created_at) values (?, ?, ?, ?, ?)");
  const insertListing = sqlite.prepare(
    `insert into listings (product_id, producer_id, category_id, title, description, unit, price_fen, stock, status,
       created_by, created_at, updated_at, published_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertPhoto = sqlite.prepare(
    "insert into listing_photos (listing_id, file_key, width, height, bytes, position, created_at) values (?, ?, ?, ?, ?, ?, ?)",
  );
  const insertCert = sqlite.prepare("insert into listing_certifications (listing_id, kind, certificate_no) values (?, ?, ?)");
  const insertBatch = sqlite.prepare(
    "insert into batches (producer_id, product_id, lot_code, harvested_at, quantity, unit, created_at) values (?, ?, ?, ?, ?, ?, ?)",
  );
  const insertListingBatch = sqlite.prepare("insert into listing_batches (listing_id, batch_id) values (?, ?)");
  const insertSearch = sqlite.prepare("insert into listing_search (rowid, title_grams, body_grams, chars) values (?, ?, ?, ?)");

  const productIds = new Map<string, number>();
  const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
  let done = 0;
  let photosLinked = 0;
  const createdIds: number[] = [];
  while (done < options.count) {
    const n = Math.min(chunkSize, options.count - done);
    sqlite.transaction(() => {
      for (let k = 0; k < n; k++) {
        const idx = done + k;
        const producer = producersList[idx % producersList.length];
        const category = r.pick(producer.categories);
        const base = r.pick(PRODUCTS[category]);
        const unit = r.pick(base.units);
        const origin = r.next() < 0.75 ? producer.place.countyShort : producer.place.label.slice(0, 2);
        const productZh = `${origin}${base.zh}`;
        const productEn = base.en;
        const key = `${producer.id}|${productZh}`;
        let productId = productIds.get(key);
        const createdAt = now - Math.floor(r.next() * YEAR_MS);
        if (productId === undefined) {
          productId = Number(insertProduct.run(producer.id, categoryIds[category], productZh, productEn, createdAt).lastInsertRowid);
          productIds.set(key, productId);
        }
        const modifier = r.pick(MODIFIERS[category]);
        const pack = r.pick(CATEGORY_PACKS[category]?.[unit] ?? PACKS[unit]);
        const title = r.next() < 0.5 ? `${productZh} ${modifier} ${pack}` : `${modifier}${productZh} ${pack}`;
        const description = `${r.pick(FEATURES[category])}。产自${producer.place.label}，${r.pick([...SHIPPING, ...(CATEGORY_SHIPPING[category] ?? [])])}。`;
        const [lo, hi] = base.price;
        const priceFen = Math.round((lo + r.next() * (hi - lo)) / 10) * 10;
        const roll = r.next();
        const status = roll < 0.88 ? "published" : roll < 0.95 ? "paused" : "draft";
        const stock = status === "paused" && r.next() < 0.5 ? 0 : r.int(5, 5000);
        const publishedAt = status === "draft" ? null : createdAt + r.int(0, 48) * 3_600_000;
        const id = Number(
          insertListing.run(
            productId,
            producer.id,
            categoryIds[category],
            title,
            description,
            unit,
            priceFen,
            stock,
            status,
            producer.ownerId,
            createdAt,
            publishedAt ?? createdAt,
            publishedAt,
          ).lastInsertRowid,
        );
        const photos = photoFor(category, base.art);
        const photo = photos[idx % photos.length];
        insertPhoto.run(id, photo.fileKey, photo.width, photo.height, photo.bytes, 0, createdAt);
        photosLinked++;
        if (category !== "agri_inputs" && r.next() < 0.35) {
          const kinds = new Set<CertificationKind>([r.pick(CERTIFICATION_KINDS)]);
          if (r.next() < 0.25) kinds.add(r.pick(CERTIFICATION_KINDS));
          for (const kind of kinds) insertCert.run(id, kind, null);
        }
        const harvestedAt = createdAt - r.int(1, 20) * 86_400_000;
        const d = new Date(harvestedAt + 8 * 3_600_000); // China time for the lot code's date
        const lot = `G${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}-${id}`;
        const batchId = Number(insertBatch.run(producer.id, productId, lot.slice(0, 20), harvestedAt, stock + r.int(0, 500), unit, createdAt).lastInsertRowid);
        insertListingBatch.run(id, batchId);
        // Same composition as indexListing (title + product names; description + producer + village + signature).
        const village = producer.inVillage ? producer.place.villageZh : "";
        const signature = producer.inVillage ? producer.place.signatureZh : "";
        const t = tokenizeForIndex(`${title} ${productZh} ${productEn}`);
        const b = tokenizeForIndex(`${description} ${producer.nameZh} ${village} ${signature}`);
        insertSearch.run(id, t.grams, b.grams, `${t.chars} ${b.chars}`);
        if (createdIds.length < 50 || r.next() < 0.0005) createdIds.push(id);
      }
    })();
    done += n;
    options.onProgress?.(done);
  }

  // Guard against drift from indexListing: re-index a sample and compare.
  const readSearch = sqlite.prepare("select title_grams, body_grams, chars from listing_search where rowid = ?");
  let drift = 0;
  for (const id of createdIds.slice(0, 60)) {
    const before = JSON.stringify(readSearch.get(id));
    indexListing(db, id);
    if (JSON.stringify(readSearch.get(id)) !== before) drift++;
  }
  if (drift) console.warn(`warning: ${drift} sampled search rows differed from indexListing (they have been rewritten)`);

  return {
    listings: options.count,
    producers: producerCount,
    villages: villageCount,
    users: producerCount,
    photos: photosLinked,
    ms: Date.now() - started,
  };
}

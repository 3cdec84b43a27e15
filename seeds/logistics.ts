/**
 * The demo delivery network (issue 5): around every demo village a staffed 村级服务站 (shelf slots
 * and a small fridge), in several townships a smart locker (智能快递柜) with standard compartments,
 * the city points the demo orders use (a locker in Xi'an, a community point in Chengdu, a campus
 * point in Hangzhou) and an office mailroom; one courier route per county from its joint-delivery
 * depot (县级共配中心), every point on its county's route.
 *
 * Operators: 赵师傅 (13800000005) runs the Luochuan points (the village of 洛川县苹果专业合作社 and
 * its township locker) and the Xi'an locker; 钱师傅 (13800000008) runs all the others.
 *
 * Places are looked up by name, so the network follows whatever villages were seeded (the small
 * seed has four); seeding again skips points and routes that already exist (by name).
 * Coordinates are fixed offsets from the villages (a few hundred metres to a few km): deterministic.
 */
import type { Db } from "../db/client";
import type { DeliveryPointKind } from "../db/schema";
import { createCourierRoute, createDeliveryPoint, ensureRegion, type SlotSpec } from "./factories";

export const ZHAO_OPERATOR_PHONE = "13800000005";
export const QIAN_OPERATOR_PHONE = "13800000008";
/** Other code and tests refer to this locker by name: the demo buyer's orders wait there. */
export const XIAN_LOCKER_NAME = "曲江池小区智能快递柜";

type Operator = "zhao" | "qian";
type Region = [code: string, zh: string, en: string];

type PointSpec = {
  kind: DeliveryPointKind;
  name: string;
  address: string;
  township: string | null;
  lat: number;
  lng: number;
  operator: Operator;
  /** Staffed points: parcels held at once; shelf slots follow from it (see stationSlots). */
  capacity?: number;
  /** Chilled medium shelf slots (the station's fridge). */
  fridge?: number;
  openingHours?: string;
  holdingDaysFresh?: number;
  holdingDaysOther?: number;
  /** Lockers: their compartments. */
  slots?: SlotSpec[];
};

type DepotSpec = { routeName: string; depotName: string; lat: number; lng: number };

/** A demo village's points, found by the village's name and county code. */
type VillageNetwork = {
  village: string;
  countyCode: string;
  depot: DepotSpec;
  /** [Δlat, Δlng] of the station from the village centre (the village committee). */
  station: { offset: [number, number]; name: string; address: string; capacity: number; fridge: number; openingHours: string; operator: Operator };
  /** A smart locker in the township seat, a few km away. */
  locker?: { offset: [number, number]; name: string; address: string; township?: string; slots: SlotSpec[]; operator: Operator };
};

/** Shelf slots of a staffed point of this capacity: 40 % small, 35 % medium, the rest large, plus the fridge. */
export function stationSlots(capacity: number, fridge: number): SlotSpec[] {
  const small = Math.round(capacity * 0.4);
  const medium = Math.round(capacity * 0.35);
  return [
    { size: "small", count: small },
    { size: "medium", count: medium },
    { size: "large", count: capacity - small - medium },
    { size: "medium", chilled: true, count: fridge },
  ];
}

const locker = (small: number, medium: number, large: number, chilledMedium: number): SlotSpec[] => [
  { size: "small", count: small },
  { size: "medium", count: medium },
  { size: "large", count: large },
  { size: "medium", chilled: true, count: chilledMedium },
];

const VILLAGE_NETWORK: VillageNetwork[] = [
  {
    village: "谷咀村",
    countyCode: "610629",
    depot: { routeName: "洛川县农村共配线路", depotName: "洛川县县级寄递物流共配中心", lat: 35.7536, lng: 109.4228 },
    station: {
      offset: [0.0042, -0.0031],
      name: "谷咀村村级寄递物流服务站",
      address: "陕西省延安市洛川县凤栖街道谷咀村村委会一楼",
      capacity: 120,
      fridge: 6,
      openingHours: "08:00-20:00",
      operator: "zhao",
    },
    locker: {
      offset: [-0.0131, -0.0141],
      name: "洛川苹果批发市场智能快递柜",
      address: "陕西省延安市洛川县凤栖街道北环路洛川苹果批发市场东门",
      slots: locker(24, 16, 8, 4),
      operator: "zhao",
    },
  },
  {
    village: "明月村",
    countyCode: "510131",
    depot: { routeName: "蒲江县农村共配线路", depotName: "蒲江县县级快递物流共配中心", lat: 30.1931, lng: 103.5102 },
    station: {
      offset: [0.0036, 0.0048],
      name: "明月村村级寄递物流服务站",
      address: "四川省成都市蒲江县甘溪镇明月村村民活动中心旁",
      capacity: 100,
      fridge: 4,
      openingHours: "08:30-19:30",
      operator: "qian",
    },
    locker: {
      offset: [-0.0197, 0.0234],
      name: "甘溪镇便民服务中心智能快递柜",
      address: "四川省成都市蒲江县甘溪镇便民服务中心门口",
      slots: locker(20, 12, 6, 4),
      operator: "qian",
    },
  },
  {
    village: "龙井村",
    countyCode: "330106",
    depot: { routeName: "西湖区城乡共配线路", depotName: "西湖区快递物流共配中心", lat: 30.2872, lng: 120.0935 },
    station: {
      offset: [-0.0027, 0.0039],
      name: "龙井村村级寄递物流服务站",
      address: "浙江省杭州市西湖区西湖街道龙井村村委会东侧",
      capacity: 80,
      fridge: 4,
      openingHours: "08:00-21:00",
      operator: "qian",
    },
  },
  {
    village: "周田村",
    countyCode: "360734",
    depot: { routeName: "寻乌县农村共配线路", depotName: "寻乌县电商快递共配中心", lat: 24.958, lng: 115.651 },
    station: {
      offset: [0.0051, -0.0022],
      name: "周田村村级寄递物流服务站",
      address: "江西省赣州市寻乌县澄江镇周田村便民服务中心",
      capacity: 60,
      fridge: 4,
      openingHours: "08:00-19:00",
      operator: "qian",
    },
  },
  {
    village: "红光村",
    countyCode: "230184",
    depot: { routeName: "五常市农村共配线路", depotName: "五常市县级物流共配中心", lat: 44.9271, lng: 127.1648 },
    station: {
      offset: [-0.0038, -0.0057],
      name: "红光村村级寄递物流服务站",
      address: "黑龙江省哈尔滨市五常市民乐朝鲜族乡红光村村部",
      capacity: 70,
      fridge: 4,
      openingHours: "07:30-19:00",
      operator: "qian",
    },
  },
  {
    village: "舟塔村",
    countyCode: "640521",
    depot: { routeName: "中宁县农村共配线路", depotName: "中宁县电商快递共配中心", lat: 37.4893, lng: 105.6848 },
    station: {
      offset: [0.0033, 0.0029],
      name: "舟塔村村级寄递物流服务站",
      address: "宁夏回族自治区中卫市中宁县舟塔乡舟塔村村委会西侧",
      capacity: 90,
      fridge: 4,
      openingHours: "08:00-20:00",
      operator: "qian",
    },
    locker: {
      offset: [0.0139, -0.0141],
      name: "舟塔乡政府便民智能快递柜",
      address: "宁夏回族自治区中卫市中宁县舟塔乡人民政府大院门口",
      slots: locker(20, 12, 6, 4),
      operator: "qian",
    },
  },
  {
    village: "西江村",
    countyCode: "522634",
    depot: { routeName: "雷山县农村共配线路", depotName: "雷山县农村物流共配中心", lat: 26.3822, lng: 108.0771 },
    station: {
      offset: [0.0024, -0.0035],
      name: "西江村村级寄递物流服务站",
      address: "贵州省黔东南苗族侗族自治州雷山县西江镇西江村营上组",
      capacity: 150,
      fridge: 8,
      openingHours: "08:00-22:00",
      operator: "qian",
    },
    locker: {
      offset: [-0.0134, 0.0128],
      name: "西江镇游客服务中心智能快递柜",
      address: "贵州省黔东南苗族侗族自治州雷山县西江镇游客服务中心北侧",
      slots: locker(30, 20, 10, 6),
      operator: "qian",
    },
  },
  {
    village: "赵脑村",
    countyCode: "429005",
    depot: { routeName: "潜江市农村共配线路", depotName: "潜江市县级寄递物流共配中心", lat: 30.4021, lng: 112.899 },
    station: {
      offset: [-0.0041, 0.0026],
      name: "赵脑村村级寄递物流服务站",
      address: "湖北省潜江市熊口镇赵脑村党群服务中心一楼",
      capacity: 80,
      fridge: 8,
      openingHours: "07:30-20:00",
      operator: "qian",
    },
    locker: {
      offset: [-0.0228, -0.0172],
      name: "熊口镇农贸市场智能快递柜",
      address: "湖北省潜江市熊口镇农贸市场南门",
      slots: locker(20, 14, 6, 8),
      operator: "qian",
    },
  },
  {
    village: "万良村",
    countyCode: "220621",
    depot: { routeName: "抚松县农村共配线路", depotName: "抚松县快递物流共配中心", lat: 42.334, lng: 127.2807 },
    station: {
      offset: [0.0029, 0.0044],
      name: "万良村村级寄递物流服务站",
      address: "吉林省白山市抚松县万良镇万良村村部",
      capacity: 60,
      fridge: 4,
      openingHours: "08:00-18:00",
      operator: "qian",
    },
  },
  {
    village: "三元朱村",
    countyCode: "370783",
    depot: { routeName: "寿光市农村共配线路", depotName: "寿光市县级快递共配中心", lat: 36.8652, lng: 118.7662 },
    station: {
      offset: [0.0035, -0.0047],
      name: "三元朱村村级寄递物流服务站",
      address: "山东省潍坊市寿光市孙家集街道三元朱村村委会南侧",
      capacity: 140,
      fridge: 6,
      openingHours: "07:00-20:00",
      operator: "qian",
    },
    locker: {
      offset: [0.0114, 0.0224],
      name: "孙家集蔬菜交易市场智能快递柜",
      address: "山东省潍坊市寿光市孙家集街道蔬菜交易市场西门",
      slots: locker(24, 16, 8, 6),
      operator: "qian",
    },
  },
];

/** City points (not in a village): their county is created if missing. */
type CityNetwork = {
  province: Region;
  prefecture: Region;
  county: Region;
  depot: DepotSpec;
  /** Also in the small seed. */
  small?: boolean;
  point: PointSpec;
};

const CITY_NETWORK: CityNetwork[] = [
  {
    province: ["610000", "陕西省", "Shaanxi"],
    prefecture: ["610100", "西安市", "Xi'an"],
    county: ["610113", "雁塔区", "Yanta District"],
    depot: { routeName: "雁塔区城市共配线路", depotName: "雁塔区城市快递共配中心", lat: 34.2108, lng: 108.9561 },
    small: true,
    point: {
      kind: "locker",
      name: XIAN_LOCKER_NAME,
      address: "陕西省西安市雁塔区曲江池东路曲江池小区北门",
      township: "曲江街道",
      lat: 34.2036,
      lng: 108.9905,
      slots: locker(30, 20, 10, 6),
      operator: "zhao",
    },
  },
  {
    province: ["610000", "陕西省", "Shaanxi"],
    prefecture: ["610100", "西安市", "Xi'an"],
    county: ["610113", "雁塔区", "Yanta District"],
    depot: { routeName: "雁塔区城市共配线路", depotName: "雁塔区城市快递共配中心", lat: 34.2108, lng: 108.9561 },
    point: {
      kind: "office",
      name: "西安软件园研发大厦收发室",
      address: "陕西省西安市雁塔区科技二路68号西安软件园研发大厦一楼收发室",
      township: "丈八沟街道",
      lat: 34.223,
      lng: 108.8874,
      capacity: 60,
      fridge: 2,
      openingHours: "08:30-18:00",
      operator: "qian",
    },
  },
  {
    province: ["510000", "四川省", "Sichuan"],
    prefecture: ["510100", "成都市", "Chengdu"],
    county: ["510107", "武侯区", "Wuhou District"],
    depot: { routeName: "武侯区城市共配线路", depotName: "武侯区城市快递共配中心", lat: 30.6118, lng: 104.0252 },
    point: {
      kind: "community",
      name: "玉林社区邻里自提点",
      address: "四川省成都市武侯区玉林北路社区服务中心一楼",
      township: "玉林街道",
      lat: 30.6292,
      lng: 104.0617,
      capacity: 120,
      fridge: 4,
      openingHours: "09:00-21:00",
      operator: "qian",
    },
  },
  {
    province: ["330000", "浙江省", "Zhejiang"],
    prefecture: ["330100", "杭州市", "Hangzhou"],
    county: ["330106", "西湖区", "Xihu District"],
    depot: { routeName: "西湖区城乡共配线路", depotName: "西湖区快递物流共配中心", lat: 30.2872, lng: 120.0935 },
    point: {
      kind: "school",
      name: "紫金港校区快递服务站",
      address: "浙江省杭州市西湖区余杭塘路866号 生活区东门",
      township: "三墩镇",
      lat: 30.3061,
      lng: 120.0853,
      capacity: 150,
      fridge: 6,
      openingHours: "08:00-22:00",
      // Students are away for days at a time (fieldwork, holidays): the campus holds parcels longer.
      holdingDaysFresh: 5,
      holdingDaysOther: 10,
      operator: "qian",
    },
  },
];

export type NetworkSeedResult = {
  routes: number;
  points: number;
  byKind: Record<DeliveryPointKind, number>;
  slots: number;
};

/**
 * Seeds the network into a database that already has the demo villages (and, for operators, the
 * demo users). Runs in one transaction; points and routes that exist by name are left alone.
 */
export function seedDeliveryNetwork(db: Db, options: { small?: boolean } = {}): NetworkSeedResult {
  const sqlite = db.$client;
  return sqlite.transaction((): NetworkSeedResult => {
    const userId = (phone: string) => sqlite.prepare(`select id from users where phone = ?`).pluck().get(phone) as number | undefined;
    const operators: Record<Operator, number | undefined> = { zhao: userId(ZHAO_OPERATOR_PHONE), qian: userId(QIAN_OPERATOR_PHONE) };
    const pointExists = sqlite.prepare(`select id from delivery_points where name = ?`).pluck();
    const findRoute = sqlite.prepare(`select id from courier_routes where county_id = ? and name = ?`).pluck();
    const result: NetworkSeedResult = { routes: 0, points: 0, byKind: { locker: 0, village_station: 0, community: 0, school: 0, office: 0 }, slots: 0 };

    const routeFor = (countyId: number, depot: DepotSpec): number => {
      const existing = findRoute.get(countyId, depot.routeName) as number | undefined;
      if (existing) return existing;
      result.routes++;
      return createCourierRoute(db, { countyId, name: depot.routeName, depotName: depot.depotName, depotLat: depot.lat, depotLng: depot.lng });
    };
    const addPoint = (p: PointSpec, countyId: number, villageId: number | null, routeId: number) => {
      if (pointExists.get(p.name)) return;
      const slots = p.slots ?? stationSlots(p.capacity ?? 60, p.fridge ?? 0);
      const op = operators[p.operator];
      createDeliveryPoint(db, {
        kind: p.kind,
        name: p.name,
        address: p.address,
        countyId,
        township: p.township,
        villageId,
        lat: p.lat,
        lng: p.lng,
        parcelCapacity: p.kind === "locker" ? null : (p.capacity ?? null),
        openingHours: p.openingHours ?? (p.kind === "locker" ? "24h" : "08:00-20:00"),
        holdingDaysFresh: p.holdingDaysFresh ?? 3,
        holdingDaysOther: p.holdingDaysOther ?? 7,
        courierRouteId: routeId,
        operatorUserIds: op === undefined ? [] : [op],
        slots,
      });
      result.points++;
      result.byKind[p.kind]++;
      result.slots += slots.reduce((n, s) => n + s.count, 0);
    };

    const findVillage = sqlite.prepare(
      `select v.id, v.lat, v.lng, v.county_id as countyId, t.name_zh as township
       from villages v join regions c on c.id = v.county_id join regions t on t.id = v.township_id
       where v.name_zh = ? and c.code = ?`,
    );
    for (const n of VILLAGE_NETWORK) {
      const v = findVillage.get(n.village, n.countyCode) as { id: number; lat: number; lng: number; countyId: number; township: string } | undefined;
      if (!v) continue; // not seeded (the small seed has four villages)
      const routeId = routeFor(v.countyId, n.depot);
      const round = (x: number) => Math.round(x * 1e6) / 1e6;
      addPoint(
        {
          kind: "village_station",
          name: n.station.name,
          address: n.station.address,
          township: v.township,
          lat: round(v.lat + n.station.offset[0]),
          lng: round(v.lng + n.station.offset[1]),
          capacity: n.station.capacity,
          fridge: n.station.fridge,
          openingHours: n.station.openingHours,
          operator: n.station.operator,
        },
        v.countyId,
        v.id,
        routeId,
      );
      if (n.locker) {
        addPoint(
          {
            kind: "locker",
            name: n.locker.name,
            address: n.locker.address,
            township: n.locker.township ?? v.township,
            lat: round(v.lat + n.locker.offset[0]),
            lng: round(v.lng + n.locker.offset[1]),
            slots: n.locker.slots,
            operator: n.locker.operator,
          },
          v.countyId,
          null,
          routeId,
        );
      }
    }
    for (const c of CITY_NETWORK) {
      if (options.small && !c.small) continue;
      const provinceId = ensureRegion(db, { code: c.province[0], level: "province", nameZh: c.province[1], nameEn: c.province[2] });
      const prefectureId = ensureRegion(db, {
        code: c.prefecture[0],
        level: "prefecture",
        nameZh: c.prefecture[1],
        nameEn: c.prefecture[2],
        parentId: provinceId,
      });
      const countyId = ensureRegion(db, { code: c.county[0], level: "county", nameZh: c.county[1], nameEn: c.county[2], parentId: prefectureId });
      addPoint(c.point, countyId, null, routeFor(countyId, c.depot));
    }
    return result;
  })();
}

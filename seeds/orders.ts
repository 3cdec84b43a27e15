/**
 * Demo orders and delivery points, so that a recall has real rows to find: a pickup station in
 * every demo village, three city pickup points (a locker, a community station, a campus station),
 * and about twenty orders by the demo buyer 王小美 (13800000001) and five generated buyers. Each
 * order line names the listing and the lot (listing_batches) it was sold from; some parcels are
 * picked up, the rest wait at their delivery point. Runs after the listings and lots exist
 * (seedDemoData calls it last), in one transaction; deterministic for a given `now`.
 */
import type { Db } from "../db/client";
import { splitOrder } from "../app/orders/split";
import { ensureRegion } from "./factories";

/** The platform commission the demo orders were placed under (the default of PLATFORM_COMMISSION_BP). */
const DEMO_COMMISSION_BP = 500;

const DAY = 86_400_000;
const HOUR = 3_600_000;

export const DEMO_BUYER_PHONE = "13800000001";
const OPERATOR_PHONE = "13800000005";

const GENERATED_BUYERS: { phone: string; displayName: string }[] = [
  { phone: "13700000101", displayName: "周晓敏" },
  { phone: "13700000102", displayName: "吴建华" },
  { phone: "13700000103", displayName: "郑丽娟" },
  { phone: "13700000104", displayName: "孙浩" },
  { phone: "13700000105", displayName: "马婷婷" },
];

type Region = [code: string, zh: string, en: string];
const CITY_POINTS: {
  kind: "locker" | "community" | "school";
  name: string;
  address: string;
  lat: number;
  lng: number;
  province: Region;
  prefecture: Region;
  county: Region;
}[] = [
  {
    kind: "locker",
    name: "曲江池小区智能快递柜",
    address: "陕西省西安市雁塔区曲江池东路曲江池小区北门",
    lat: 34.2036,
    lng: 108.9905,
    province: ["610000", "陕西省", "Shaanxi"],
    prefecture: ["610100", "西安市", "Xi'an"],
    county: ["610113", "雁塔区", "Yanta District"],
  },
  {
    kind: "community",
    name: "玉林社区邻里自提点",
    address: "四川省成都市武侯区玉林北路社区服务中心一楼",
    lat: 30.6292,
    lng: 104.0617,
    province: ["510000", "四川省", "Sichuan"],
    prefecture: ["510100", "成都市", "Chengdu"],
    county: ["510107", "武侯区", "Wuhou District"],
  },
  {
    kind: "school",
    name: "紫金港校区快递服务站",
    address: "浙江省杭州市西湖区余杭塘路866号 生活区东门",
    lat: 30.3061,
    lng: 120.0853,
    province: ["330000", "浙江省", "Zhejiang"],
    prefecture: ["330100", "杭州市", "Hangzhou"],
    county: ["330106", "西湖区", "Xihu District"],
  },
];

export type DemoOrdersResult = { deliveryPoints: number; buyers: number; orders: number; lines: number };

export function seedDemoOrders(db: Db, options: { now?: number } = {}): DemoOrdersResult {
  const now = options.now ?? Date.now();
  const sqlite = db.$client;
  return sqlite.transaction((): DemoOrdersResult => {
    const userId = (phone: string) => sqlite.prepare(`select id from users where phone = ?`).pluck().get(phone) as number | undefined;
    const demoBuyer = userId(DEMO_BUYER_PHONE);
    if (!demoBuyer) return { deliveryPoints: 0, buyers: 0, orders: 0, lines: 0 };
    const operator = userId(OPERATOR_PHONE) ?? null;

    // Generated buyers share the demo buyer's password hash (cunpin123) — no scrypt here.
    const hash = sqlite.prepare(`select password_hash from users where id = ?`).pluck().get(demoBuyer) as string;
    const buyers: { id: number; phone: string }[] = [{ id: demoBuyer, phone: DEMO_BUYER_PHONE }];
    for (const b of GENERATED_BUYERS) {
      let id = userId(b.phone);
      if (!id) {
        id = Number(sqlite.prepare(`insert into users (phone, password_hash, display_name) values (?, ?, ?)`).run(b.phone, hash, b.displayName).lastInsertRowid);
        sqlite.prepare(`insert or ignore into user_roles (user_id, role) values (?, 'buyer')`).run(id);
      }
      buyers.push({ id, phone: b.phone });
    }

    // Delivery points: one station per demo village, then the city points.
    const insertPoint = sqlite.prepare(
      `insert into delivery_points (kind, name, address, county_id, village_id, lat, lng) values (?, ?, ?, ?, ?, ?, ?)`,
    );
    const addOperator = sqlite.prepare(`insert into delivery_point_operators (delivery_point_id, user_id) values (?, ?)`);
    const villages = sqlite
      .prepare(
        `select v.id, v.name_zh as name, v.county_id as countyId, v.lat, v.lng, pv.name_zh as province, co.name_zh as county
         from villages v join regions pv on pv.id = v.province_id join regions co on co.id = v.county_id order by v.id`,
      )
      .all() as { id: number; name: string; countyId: number; lat: number; lng: number; province: string; county: string }[];
    const points: number[] = [];
    for (const v of villages) {
      points.push(
        Number(
          insertPoint.run("village_station", `${v.name}村级服务站`, `${v.province}${v.county}${v.name}村委会旁`, v.countyId, v.id, v.lat + 0.0021, v.lng + 0.0017)
            .lastInsertRowid,
        ),
      );
    }
    const cityPoints: number[] = [];
    for (const c of CITY_POINTS) {
      const provinceId = ensureRegion(db, { code: c.province[0], level: "province", nameZh: c.province[1], nameEn: c.province[2] });
      const prefectureId = ensureRegion(db, { code: c.prefecture[0], level: "prefecture", nameZh: c.prefecture[1], nameEn: c.prefecture[2], parentId: provinceId });
      const countyId = ensureRegion(db, { code: c.county[0], level: "county", nameZh: c.county[1], nameEn: c.county[2], parentId: prefectureId });
      cityPoints.push(Number(insertPoint.run(c.kind, c.name, c.address, countyId, null, c.lat, c.lng).lastInsertRowid));
    }
    points.push(...cityPoints);
    if (operator !== null) for (const p of points) addOperator.run(p, operator);

    // What can be bought: published listings and the (first) lot each sells from.
    const stock = sqlite
      .prepare(
        `select l.id as listingId, l.producer_id as producerId, l.price_fen as priceFen, min(lb.batch_id) as batchId
         from listings l join listing_batches lb on lb.listing_id = l.id
         where l.status = 'published' group by l.id order by l.id`,
      )
      .all() as { listingId: number; producerId: number; priceFen: number; batchId: number }[];
    if (stock.length === 0) return { deliveryPoints: points.length, buyers: buyers.length, orders: 0, lines: 0 };

    const insertOrder = sqlite.prepare(
      `insert into orders (buyer_id, status, total_fen, contact_phone, delivery_point_id, commission_bp, paid_at, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertSubOrder = sqlite.prepare(
      `insert into sub_orders (order_id, producer_id, status, subtotal_fen, commission_fen, producer_share_fen) values (?, ?, ?, ?, ?, ?)`,
    );
    const insertLine = sqlite.prepare(
      `insert into order_lines (order_id, sub_order_id, producer_id, listing_id, batch_id, quantity, unit_price_fen, picked_up_at, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let orders = 0;
    let lines = 0;
    const place = (buyer: { id: number; phone: string }, items: { s: (typeof stock)[number]; qty: number }[], point: number, at: number, pickedUp: boolean) => {
      const pickedUpAt = pickedUp ? Math.min(at + 2 * DAY + 5 * HOUR, now - HOUR) : null;
      // The same per-producer split as checkout (app/orders/split.ts), so demo orders look like real ones.
      const split = splitOrder(items.map((i) => ({ producerId: i.s.producerId, quantity: i.qty, unitPriceFen: i.s.priceFen })), DEMO_COMMISSION_BP);
      const status = pickedUp ? "picked_up" : "ready_for_pickup";
      const orderId = Number(insertOrder.run(buyer.id, status, split.totalFen, buyer.phone, point, DEMO_COMMISSION_BP, at + HOUR / 6, at).lastInsertRowid);
      const subOrderIds = new Map<number, number>();
      for (const so of split.subOrders) {
        const id = insertSubOrder.run(orderId, so.producerId, status, so.subtotalFen, so.commissionFen, so.producerShareFen).lastInsertRowid;
        subOrderIds.set(so.producerId, Number(id));
      }
      for (const i of items) {
        insertLine.run(orderId, subOrderIds.get(i.s.producerId), i.s.producerId, i.s.listingId, i.s.batchId, i.qty, i.s.priceFen, pickedUpAt, at);
      }
      orders++;
      lines += items.length;
    };

    // The demo buyer: every listing once (two a order, at most eight orders), at the Xi'an locker;
    // every third order already picked up.
    const demoItems = stock.slice(0, 16);
    for (let k = 0; k * 2 < demoItems.length; k++) {
      const items = demoItems.slice(k * 2, k * 2 + 2).map((s, j) => ({ s, qty: 1 + ((k + j) % 3) }));
      place(buyers[0], items, cityPoints[0], now - (k + 1) * 30 * HOUR, k % 3 === 2);
    }
    // Generated buyers: twelve orders of one or two lines at the village and city points.
    for (let k = 0; k < 12; k++) {
      const buyer = buyers[1 + (k % GENERATED_BUYERS.length)];
      const first = stock[(k * 5 + 1) % stock.length];
      const second = stock[(k * 7 + 3) % stock.length];
      const items = [{ s: first, qty: 1 + (k % 4) }];
      if (k % 2 === 0 && second.listingId !== first.listingId) items.push({ s: second, qty: 1 + ((k + 1) % 3) });
      place(buyer, items, points[k % points.length], now - (k + 2) * 21 * HOUR, k % 2 === 1);
    }
    return { deliveryPoints: points.length, buyers: buyers.length, orders, lines };
  })();
}

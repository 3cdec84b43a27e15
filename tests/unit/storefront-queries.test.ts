/**
 * Storefront read side against a real SQLite file: Chinese search through the bigram FTS
 * index, ranking, visibility of drafts, filters, pagination and the page queries.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";
import { createLotWithChain } from "../../seeds/factories";
import { categories, producerMembers, producers, regions, users, villages, type CertificationKind, type ProducerKind } from "../../db/schema";
import type { Actor } from "../../core/permissions";
import { createListing, setListingStatus } from "../../market/listings/listings";
import { getFilterOptions, getHomePage, getListingPage, getProducerPage, getVillagePage, listVillages, searchListings } from "../../market/listings/queries";

let dir: string;
let db: Db;
const ids: Record<string, number> = {};
const place: Record<string, number> = {};
const actors: Record<string, Actor> = {};
let clock = 1_700_000_000_000;

function region(code: string, level: "province" | "prefecture" | "county" | "township", parentId: number | null, nameZh: string, nameEn: string) {
  return db.insert(regions).values({ code, level, parentId, nameZh, nameEn }).returning({ id: regions.id }).get().id;
}

function producer(
  key: string,
  kind: ProducerKind,
  nameZh: string,
  creditCode: string,
  at: { province: number; county: number; township: number; village: number },
) {
  const userId = db
    .insert(users)
    .values({ phone: `1390000${String(Object.keys(actors).length).padStart(4, "0")}`, passwordHash: "x", displayName: key })
    .returning({ id: users.id })
    .get().id;
  const id = db
    .insert(producers)
    .values({
      kind,
      nameZh,
      creditCode,
      creditCodeStatus: "valid",
      address: "村口",
      provinceId: at.province,
      countyId: at.county,
      townshipId: at.township,
      villageId: at.village,
    })
    .returning({ id: producers.id })
    .get().id;
  db.insert(producerMembers).values({ producerId: id, userId, role: "owner" }).run();
  actors[key] = { id: userId, roles: ["farmer"], producerIds: [id] };
  ids[key] = id;
}

function listing(
  key: string,
  who: string,
  category: string,
  productName: string,
  title: string,
  opts: { description?: string; certifications?: CertificationKind[]; status?: "published" | "draft" | "paused"; lotCode?: string } = {},
) {
  const id = createListing(
    db,
    actors[who],
    {
      producerId: ids[who],
      categoryId: ids[`cat:${category}`],
      productName,
      title,
      description: opts.description ?? "",
      unit: "jin",
      priceFen: 1250,
      stock: 100,
      certifications: opts.certifications ?? [],
    },
    [{ fileKey: `${key}.webp`, width: 800, height: 600, bytes: 1000 }],
  );
  const status = opts.status ?? "published";
  // The publish gate needs a lot with a complete, compliant trace chain.
  const productId = db.get<{ id: number }>(sql`select product_id as id from listings where id = ${id}`)!.id;
  createLotWithChain(db, { producerId: ids[who], productId, actor: actors[who], listingId: id, ...(opts.lotCode ? { lotCode: opts.lotCode } : {}) });
  if (status !== "draft") setListingStatus(db, actors[who], id, "published");
  if (status === "paused") setListingStatus(db, actors[who], id, "paused");
  // Deterministic publication order: each listing is one second newer than the last.
  clock += 1000;
  db.run(sql`update listings set published_at = ${clock} where id = ${id} and published_at is not null`);
  ids[key] = id;
  return id;
}

const titles = (r: { items: { title: string }[] }) => r.items.map((i) => i.title);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-storefront-"));
  db = openDatabase(path.join(dir, "db.sqlite"));
  migrateDatabase(db);

  [
    ["fruit", "水果", "Fruit"],
    ["tea", "茶叶", "Tea"],
    ["vegetables", "蔬菜", "Vegetables"],
  ].forEach(([slug, zh, en], position) => {
    ids[`cat:${slug}`] = db
      .insert(categories)
      .values({ slug: slug as "fruit", nameZh: zh, nameEn: en, position })
      .returning({ id: categories.id })
      .get().id;
  });

  place.shaanxi = region("610000", "province", null, "陕西省", "Shaanxi");
  const yanan = region("610600", "prefecture", place.shaanxi, "延安市", "Yan'an");
  place.luochuan = region("610629", "county", yanan, "洛川县", "Luochuan");
  const fengqi = region("610629100", "township", place.luochuan, "凤栖街道", "Fengqi");
  place.sichuan = region("510000", "province", null, "四川省", "Sichuan");
  const chengdu = region("510100", "prefecture", place.sichuan, "成都市", "Chengdu");
  place.pujiang = region("510131", "county", chengdu, "蒲江县", "Pujiang");
  const hexing = region("510131100", "township", place.pujiang, "鹤山街道", "Heshan");
  place.zhejiang = region("330000", "province", null, "浙江省", "Zhejiang");
  const hangzhou = region("330100", "prefecture", place.zhejiang, "杭州市", "Hangzhou");
  place.xihu = region("330106", "county", hangzhou, "西湖区", "Xihu");
  const xihuTown = region("330106100", "township", place.xihu, "西湖街道", "Xihu Subdistrict");

  const village = (nameZh: string, nameEn: string, sigZh: string, sigEn: string, province: number, county: number, township: number, cat: string) =>
    db
      .insert(villages)
      .values({
        provinceId: province,
        countyId: county,
        townshipId: township,
        nameZh,
        nameEn,
        signatureProductZh: sigZh,
        signatureProductEn: sigEn,
        signatureCategoryId: ids[`cat:${cat}`],
        lat: 35,
        lng: 109,
      })
      .returning({ id: villages.id })
      .get().id;
  place.apVillage = village("谷咀村", "Guju", "洛川苹果", "Luochuan apples", place.shaanxi, place.luochuan, fengqi, "fruit");
  place.kiwiVillage = village("明月村", "Mingyue", "红心猕猴桃", "Red-heart kiwi", place.sichuan, place.pujiang, hexing, "fruit");
  place.teaVillage = village("龙井村", "Longjing", "西湖龙井", "West Lake Longjing", place.zhejiang, place.xihu, xihuTown, "tea");

  producer("coop", "cooperative", "洛川县苹果专业合作社", "93610629MA6YXXXX1A", {
    province: place.shaanxi,
    county: place.luochuan,
    township: fengqi,
    village: place.apVillage,
  });
  producer("farm", "family_farm", "蒲江县张家猕猴桃家庭农场", "92510131MA6YXXXX2B", {
    province: place.sichuan,
    county: place.pujiang,
    township: hexing,
    village: place.kiwiVillage,
  });
  producer("biz", "agribusiness", "杭州龙井茶业有限公司", "91330106MA6YXXXX3C", {
    province: place.zhejiang,
    county: place.xihu,
    township: xihuTown,
    village: place.teaVillage,
  });

  listing("apple", "coop", "fruit", "红富士苹果", "洛川红富士苹果 脆甜多汁", {
    certifications: ["green_food", "geographical_indication"],
    lotCode: "LC2024-001",
  });
  listing("kiwi", "farm", "fruit", "红心猕猴桃", "蒲江红心猕猴桃 12个装", { certifications: ["organic"] });
  listing("tea", "biz", "tea", "西湖龙井", "西湖龙井茶 明前特级", { certifications: ["geographical_indication"] });
  listing("honey", "coop", "fruit", "洋槐蜂蜜", "洋槐蜂蜜 500克");
  // Newer than the honey, and mentions 蜂蜜 only in its description: must rank below it.
  listing("jujube", "coop", "fruit", "枣花茶", "陕北枣花茶", { description: "泡茶时可以加一勺蜂蜜" });
  listing("draftApple", "coop", "fruit", "红富士苹果", "草稿苹果 还没上架", { status: "draft" });
  listing("pausedApple", "coop", "fruit", "红富士苹果", "暂停的苹果", { status: "paused" });
  listing("cabbage", "farm", "vegetables", "大白菜", "有机大白菜", { certifications: ["organic"] });
});

afterAll(() => {
  db?.$client.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("searchListings: Chinese text search", () => {
  it("finds a product by a two-character word inside a longer name", () => {
    const found = titles(searchListings(db, { q: "苹果" }));
    // The title match first; the co-op's other listings match through its name (洛川县苹果专业合作社).
    expect(found[0]).toBe("洛川红富士苹果 脆甜多汁");
    expect(found.sort()).toEqual(["洋槐蜂蜜 500克", "洛川红富士苹果 脆甜多汁", "陕北枣花茶"].sort());
  });

  it("finds 红心猕猴桃 by 猕猴桃", () => {
    // 有机大白菜 matches through its producer, 蒲江县张家猕猴桃家庭农场, so ranks second.
    expect(titles(searchListings(db, { q: "猕猴桃" }))).toEqual(["蒲江红心猕猴桃 12个装", "有机大白菜"]);
  });

  it("finds 龙井茶 by the single character 茶", () => {
    const found = titles(searchListings(db, { q: "茶" }));
    expect(found).toContain("西湖龙井茶 明前特级");
    expect(found).toContain("陕北枣花茶");
    expect(found).not.toContain("洛川红富士苹果 脆甜多汁");
  });

  it("ranks a title match above a newer description-only match", () => {
    expect(titles(searchListings(db, { q: "蜂蜜" }))).toEqual(["洋槐蜂蜜 500克", "陕北枣花茶"]);
  });

  it("requires every term", () => {
    expect(titles(searchListings(db, { q: "有机 白菜" }))).toEqual(["有机大白菜"]);
    expect(titles(searchListings(db, { q: "12个装 猕猴桃" }))).toEqual(["蒲江红心猕猴桃 12个装"]);
    expect(searchListings(db, { q: "蒲江 苹果" }).total).toBe(0);
  });

  it("searches producer and village names through the body column", () => {
    expect(titles(searchListings(db, { q: "明月村" }))).toEqual(["有机大白菜", "蒲江红心猕猴桃 12个装"]);
  });

  it("treats a query of only punctuation as no query", () => {
    expect(searchListings(db, { q: "！？…" }).total).toBe(6);
  });

  it("never returns drafts or paused listings", () => {
    const all = titles(searchListings(db, { pageSize: 100 }));
    expect(all).not.toContain("草稿苹果 还没上架");
    expect(all).not.toContain("暂停的苹果");
    expect(titles(searchListings(db, { q: "草稿" }))).toEqual([]);
    expect(titles(searchListings(db, { q: "暂停" }))).toEqual([]);
  });
});

describe("searchListings: top results and an honest count at capped size (issue 14 §2)", () => {
  it("returns title matches first, newest first within a tier, and counts exactly below the cap", () => {
    const r = searchListings(db, { q: "苹果" });
    // The title match, then the co-op's other listings (its name has 苹果), newest first.
    expect(titles(r)).toEqual(["洛川红富士苹果 脆甜多汁", "陕北枣花茶", "洋槐蜂蜜 500克"]);
    expect(r).toMatchObject({ total: 3, totalCapped: false, pages: 1 });
  });

  it("above the cap says 'more than N', pages only through the N ranked results, in rank order", () => {
    const full = titles(searchListings(db, { q: "苹果" }));
    const capped = searchListings(db, { q: "苹果", resultCap: 2, pageSize: 1 });
    expect(capped).toMatchObject({ total: 2, totalCapped: true, pages: 2 });
    expect(titles(capped)).toEqual(full.slice(0, 1));
    expect(titles(searchListings(db, { q: "苹果", resultCap: 2, pageSize: 1, page: 2 }))).toEqual(full.slice(1, 2));
    expect(titles(searchListings(db, { q: "苹果", resultCap: 2, pageSize: 1, page: 3 }))).toEqual([]);
    // Exactly at the cap is not "more than".
    expect(searchListings(db, { q: "苹果", resultCap: 3 })).toMatchObject({ total: 3, totalCapped: false });
  });
});

describe("searchListings: browse, filters, pagination", () => {
  it("lists newest published first without a query", () => {
    const r = searchListings(db, {});
    expect(r.total).toBe(6);
    expect(r.items[0].title).toBe("有机大白菜");
    expect(r.items.at(-1)!.title).toBe("洛川红富士苹果 脆甜多汁");
  });

  it("fills the card: photo, producer, village, province, certifications", () => {
    const apple = searchListings(db, { q: "苹果" }).items[0];
    expect(apple).toMatchObject({
      priceFen: 1250,
      unit: "jin",
      photo: { fileKey: "apple.webp", width: 800, height: 600 },
      producer: { id: ids.coop, kind: "cooperative", name: { zh: "洛川县苹果专业合作社" } },
      village: { id: place.apVillage, name: { zh: "谷咀村", en: "Guju" } },
      province: { zh: "陕西省", en: "Shaanxi" },
    });
    expect(apple.certifications.sort()).toEqual(["geographical_indication", "green_food"]);
  });

  it("filters by category slug", () => {
    expect(titles(searchListings(db, { category: "tea" }))).toEqual(["西湖龙井茶 明前特级"]);
    expect(searchListings(db, { category: "fruit" }).total).toBe(4);
    expect(searchListings(db, { category: "fruit", q: "茶" }).items.map((i) => i.title)).toEqual(["陕北枣花茶"]);
    expect(searchListings(db, { category: "no-such-slug" }).total).toBe(0);
  });

  it("filters by producer kind", () => {
    expect(titles(searchListings(db, { kind: "family_farm" }))).toEqual(["有机大白菜", "蒲江红心猕猴桃 12个装"]);
    expect(titles(searchListings(db, { kind: "agribusiness", q: "茶" }))).toEqual(["西湖龙井茶 明前特级"]);
  });

  it("filters by certification", () => {
    expect(titles(searchListings(db, { cert: "organic" }))).toEqual(["有机大白菜", "蒲江红心猕猴桃 12个装"]);
    expect(titles(searchListings(db, { cert: "geographical_indication", q: "苹果" }))).toEqual(["洛川红富士苹果 脆甜多汁"]);
    expect(searchListings(db, { cert: "pollution_free" }).total).toBe(0);
  });

  it("filters by province, county and village", () => {
    expect(searchListings(db, { province: place.shaanxi }).total).toBe(3);
    expect(titles(searchListings(db, { province: place.zhejiang }))).toEqual(["西湖龙井茶 明前特级"]);
    expect(searchListings(db, { county: place.pujiang }).total).toBe(2);
    expect(titles(searchListings(db, { village: place.kiwiVillage, category: "fruit" }))).toEqual(["蒲江红心猕猴桃 12个装"]);
    expect(searchListings(db, { province: place.sichuan, q: "苹果" }).total).toBe(0);
  });

  it("paginates with consistent totals", () => {
    const p1 = searchListings(db, { page: 1, pageSize: 4 });
    const p2 = searchListings(db, { page: 2, pageSize: 4 });
    expect([p1.total, p1.pages, p1.items.length]).toEqual([6, 2, 4]);
    expect([p2.total, p2.pages, p2.page, p2.items.length]).toEqual([6, 2, 2, 2]);
    expect(new Set([...p1.items, ...p2.items].map((i) => i.id)).size).toBe(6);
    const beyond = searchListings(db, { page: 9, pageSize: 4 });
    expect([beyond.total, beyond.items.length]).toEqual([6, 0]);
    const q = searchListings(db, { q: "茶", page: 2, pageSize: 1 });
    expect([q.total, q.pages, q.items.length]).toEqual([2, 2, 1]);
  });

  it("uses the FTS index and never scans listings when a query is given", () => {
    const plan = db.$client
      .prepare(
        `explain query plan select l.id from listing_search s join listings l on l.id = s.rowid
         join producers p on p.id = l.producer_id
         where listing_search match ? and l.status = 'published' and p.province_id = ?
         order by bm25(listing_search, 10.0, 2.0, 1.0), l.published_at desc, l.id desc limit 24`,
      )
      .all('{title_grams body_grams} : "苹果"', place.shaanxi) as { detail: string }[];
    const details = plan.map((r) => r.detail).join("\n");
    expect(details).toMatch(/SCAN s VIRTUAL TABLE INDEX/);
    expect(details).not.toMatch(/SCAN (l|listings)\b(?! USING)/);
  });
});

describe("page queries", () => {
  it("shows a published listing with producer, batches and more from the producer", () => {
    const page = getListingPage(db, ids.apple)!;
    expect(page.listing.title).toBe("洛川红富士苹果 脆甜多汁");
    expect(page.product.name.zh).toBe("红富士苹果");
    expect(page.category.slug).toBe("fruit");
    expect(page.producer).toMatchObject({ kind: "cooperative", verified: true, creditCode: "93610629MA6YXXXX1A" });
    expect(page.producer.village?.name.zh).toBe("谷咀村");
    expect(page.photos).toHaveLength(1);
    expect(page.batches.map((b) => b.lotCode)).toEqual(["LC2024-001"]);
    expect(page.moreFromProducer.map((c) => c.title)).toEqual(["陕北枣花茶", "洋槐蜂蜜 500克"]);
  });

  it("hides drafts and paused listings from everyone but the producer's members", () => {
    expect(getListingPage(db, ids.draftApple)).toBeNull();
    expect(getListingPage(db, ids.pausedApple, actors.farm)).toBeNull();
    expect(getListingPage(db, ids.draftApple, actors.coop)?.listing.status).toBe("draft");
    expect(getListingPage(db, 999_999)).toBeNull();
  });

  it("builds producer, village, village list, home and filter options", () => {
    const producerPage = getProducerPage(db, ids.coop)!;
    expect(producerPage.listings.total).toBe(3);
    expect(getProducerPage(db, 999_999)).toBeNull();

    const village = getVillagePage(db, place.kiwiVillage)!;
    expect(village.village.signatureProduct.zh).toBe("红心猕猴桃");
    expect(village.village.signatureCategory?.slug).toBe("fruit");
    expect(village.producers.map((p) => [p.name.zh, p.listingCount])).toEqual([["蒲江县张家猕猴桃家庭农场", 2]]);
    expect(village.listings.total).toBe(2);
    expect(getVillagePage(db, 999_999)).toBeNull();

    const groups = listVillages(db);
    expect(groups.map((g) => g.province.name.zh)).toEqual(["浙江省", "四川省", "陕西省"]);
    expect(groups.flatMap((g) => g.villages).map((v) => v.producerCount)).toEqual([1, 1, 1]);

    const home = getHomePage(db);
    expect(home.categories.map((c) => [c.slug, c.count])).toEqual([
      ["fruit", 4],
      ["tea", 1],
      ["vegetables", 1],
    ]);
    expect(home.newestListings[0].title).toBe("有机大白菜");
    expect(home.featuredVillages).toHaveLength(3);

    const options = getFilterOptions(db);
    expect(options.categories).toHaveLength(3);
    const shaanxi = options.provinces.find((p) => p.id === place.shaanxi)!;
    expect(shaanxi.counties.map((c) => c.name.zh)).toEqual(["洛川县"]);
    expect(shaanxi.counties[0].villages.map((v) => v.name.zh)).toEqual(["谷咀村"]);
  });
});

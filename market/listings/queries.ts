/**
 * Listings: the read side for the public storefront (home, browse/search, listing,
 * producer and village pages). Plain module, no Remix; bilingual database fields are
 * returned as {zh, en} pairs and the page picks one with `pick(locale, …)`.
 *
 * Queries fetch a page of ids first, then the card details for just those ids (one query
 * each for rows, photos and certifications), so that a search over 100k listings never
 * joins or sorts more than it must.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { CategorySlug, CertificationKind, ProducerKind, Unit } from "../../db/schema";
import { canEditListing, type Actor } from "../../core/permissions";
import { photoUrl } from "../photos/photos";
import { isVerifiedProducer } from "../producers/producers";
import { buildMatchQuery, buildTitleMatchQuery } from "../search/tokenize";

export type Name = { zh: string; en: string };

export type PhotoRef = { fileKey: string; url: string; width: number; height: number };

export type ListingCard = {
  id: number;
  title: string;
  priceFen: number;
  unit: Unit;
  photo: PhotoRef | null;
  producer: { id: number; name: Name; kind: ProducerKind; creditScore: number | null; povertyAlleviation: boolean };
  village: { id: number; name: Name } | null;
  province: Name;
  certifications: CertificationKind[];
};

export type ListingFilters = {
  q?: string;
  category?: string;
  province?: number;
  county?: number;
  village?: number;
  kind?: ProducerKind;
  cert?: CertificationKind;
  /** Producers whose stored credit score is at least this (issue 12 §2). */
  minCredit?: number;
  /** Only poverty-alleviation (帮扶) producers. */
  poverty?: boolean;
  /** `credit`: best credit score first (browse without a text query); default newest first. */
  sort?: "newest" | "credit";
  /** Used by the producer page; not part of the public /listings URL contract. */
  producer?: number;
  page?: number;
  pageSize?: number;
  /** How many text matches to count and rank (default MAX_SEARCH_RESULTS); for tests. */
  resultCap?: number;
};

/**
 * `total` is exact unless `totalCapped`: a text search counts and ranks at most
 * MAX_SEARCH_RESULTS matches, and then says "more than `total`" (issue 14 §2).
 */
export type SearchResult = { items: ListingCard[]; total: number; totalCapped: boolean; page: number; pages: number };

/** How many matches a text search counts and pages through; nobody pages past 40 pages of 24. */
export const MAX_SEARCH_RESULTS = 1000;

export const DEFAULT_PAGE_SIZE = 24;
const MAX_PAGE_SIZE = 100;

const inList = (ids: readonly number[]) =>
  sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );

// ─── cards ───────────────────────────────────────────────────────────────────

type CardRow = {
  id: number;
  title: string;
  priceFen: number;
  unit: Unit;
  producerId: number;
  producerZh: string;
  producerEn: string;
  kind: ProducerKind;
  creditScore: number | null;
  poverty: number | null;
  villageId: number | null;
  villageZh: string | null;
  villageEn: string | null;
  provinceZh: string;
  provinceEn: string;
};

/** Card details for the given listing ids, returned in the same order as the ids. */
export function loadListingCards(db: Db, ids: readonly number[]): ListingCard[] {
  if (ids.length === 0) return [];
  const rows = db.all<CardRow>(sql`
    select l.id, l.title, l.price_fen as priceFen, l.unit,
           p.id as producerId, p.name_zh as producerZh, p.name_en as producerEn, p.kind,
           c.score as creditScore, pv.poverty_alleviation as poverty,
           v.id as villageId, v.name_zh as villageZh, v.name_en as villageEn,
           r.name_zh as provinceZh, r.name_en as provinceEn
    from listings l
    join producers p on p.id = l.producer_id
    join regions r on r.id = p.province_id
    left join villages v on v.id = p.village_id
    left join producer_credit c on c.producer_id = p.id
    left join producer_verification pv on pv.producer_id = p.id
    where l.id in (${inList(ids)})`);
  // First photo per listing: the index (listing_id, position) gives them in order.
  const photos = new Map<number, PhotoRef>();
  for (const ph of db.all<Omit<PhotoRef, "url"> & { listingId: number }>(sql`
    select listing_id as listingId, file_key as fileKey, width, height
    from listing_photos where listing_id in (${inList(ids)})
    order by listing_id, position, id`)) {
    if (!photos.has(ph.listingId)) {
      photos.set(ph.listingId, { fileKey: ph.fileKey, url: photoUrl(ph.fileKey), width: ph.width, height: ph.height });
    }
  }
  const certs = new Map<number, CertificationKind[]>();
  for (const c of db.all<{ listingId: number; kind: CertificationKind }>(sql`
    select listing_id as listingId, kind from listing_certifications
    where listing_id in (${inList(ids)}) order by kind`)) {
    const list = certs.get(c.listingId) ?? [];
    list.push(c.kind);
    certs.set(c.listingId, list);
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    return [
      {
        id: r.id,
        title: r.title,
        priceFen: r.priceFen,
        unit: r.unit,
        photo: photos.get(r.id) ?? null,
        producer: {
          id: r.producerId,
          name: { zh: r.producerZh, en: r.producerEn },
          kind: r.kind,
          creditScore: r.creditScore,
          povertyAlleviation: r.poverty === 1,
        },
        village: r.villageId != null ? { id: r.villageId, name: { zh: r.villageZh!, en: r.villageEn ?? "" } } : null,
        province: { zh: r.provinceZh, en: r.provinceEn },
        certifications: certs.get(r.id) ?? [],
      },
    ];
  });
}

// ─── search ──────────────────────────────────────────────────────────────────

/** The WHERE conditions shared by the page query and its count. `l` = listings, `p` = producers. */
function filterConditions(filters: ListingFilters): { where: SQL[]; needsProducer: boolean } {
  const where: SQL[] = [sql`l.status = 'published'`];
  let needsProducer = false;
  if (filters.category) {
    where.push(sql`l.category_id = (select id from categories where slug = ${filters.category})`);
  }
  if (filters.producer != null) where.push(sql`l.producer_id = ${filters.producer}`);
  if (filters.province != null) {
    where.push(sql`p.province_id = ${filters.province}`);
    needsProducer = true;
  }
  if (filters.county != null) {
    where.push(sql`p.county_id = ${filters.county}`);
    needsProducer = true;
  }
  if (filters.village != null) {
    where.push(sql`p.village_id = ${filters.village}`);
    needsProducer = true;
  }
  if (filters.kind) {
    where.push(sql`p.kind = ${filters.kind}`);
    needsProducer = true;
  }
  if (filters.cert) {
    where.push(sql`l.id in (select listing_id from listing_certifications where kind = ${filters.cert})`);
  }
  // Both through small indexed producer lists (producer_credit_score_idx, producer_verification_poverty_idx).
  if (filters.minCredit != null) {
    where.push(sql`l.producer_id in (select producer_id from producer_credit where score >= ${filters.minCredit})`);
  }
  if (filters.poverty) {
    where.push(sql`l.producer_id in (select producer_id from producer_verification where poverty_alleviation = 1)`);
  }
  return { where, needsProducer };
}

/**
 * Published listings matching the filters, a page at a time. Without a text query: newest
 * published first through the status/category indexes. With one, the FTS index drives and
 * results come in two tiers: listings with every term in the title, then those matching
 * through the description, producer or village; newest listed first within a tier (the FTS
 * rowid is the listing id, so the index yields that order without sorting). bm25 over every
 * match cost ≈ 25 ms for a two-character query matching 20,000 of 100,000 listings; streaming
 * the tiers stops after the page, and the count stops at MAX_SEARCH_RESULTS (`totalCapped`).
 */
export function searchListings(db: Db, filters: ListingFilters): SearchResult {
  const pageSize = Math.min(Math.max(Math.trunc(filters.pageSize ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
  const requestedPage = Math.max(Math.trunc(filters.page ?? 1), 1);
  const match = filters.q ? buildMatchQuery(filters.q) : null;
  const { where, needsProducer } = filterConditions(filters);
  const producerJoin = needsProducer ? sql`join producers p on p.id = l.producer_id` : sql``;
  const whereSql = sql.join(where, sql` and `);

  let total: number;
  let totalCapped = false;
  let ids: number[];
  const offset = (requestedPage - 1) * pageSize;
  if (match) {
    const titleMatch = buildTitleMatchQuery(filters.q!);
    const tiers = titleMatch ? [titleMatch, `(${match}) NOT (${titleMatch})`] : [match];
    const from = (tier: string) => sql`from listing_search s join listings l on l.id = s.rowid ${producerJoin}
                     where listing_search match ${tier} and ${whereSql}`;
    // Count each tier, stopping one past the cap: enough to know whether there are more.
    const counts: number[] = [];
    const cap = Math.max(1, Math.trunc(filters.resultCap ?? MAX_SEARCH_RESULTS));
    let room = cap + 1;
    for (const tier of tiers) {
      const n = room > 0 ? db.get<{ n: number }>(sql`select count(*) as n from (select 1 ${from(tier)} limit ${room})`)!.n : 0;
      counts.push(n);
      room -= n;
    }
    const matched = counts.reduce((a, b) => a + b, 0);
    totalCapped = matched > cap;
    total = Math.min(matched, cap);
    ids = [];
    let skip = offset;
    let want = Math.max(0, Math.min(pageSize, total - offset));
    tiers.forEach((tier, i) => {
      if (want <= 0) return;
      if (skip >= counts[i]) {
        skip -= counts[i];
        return;
      }
      const rows = db.all<{ id: number }>(sql`select l.id as id ${from(tier)} order by s.rowid desc limit ${want} offset ${skip}`);
      ids.push(...rows.map((r) => r.id));
      want -= rows.length;
      skip = 0;
    });
  } else {
    const from = sql`from listings l ${producerJoin} where ${whereSql}`;
    total = db.get<{ n: number }>(sql`select count(*) as n ${from}`)!.n;
    if (filters.sort === "credit") {
      ids = creditOrderedIds(db, producerJoin, whereSql, pageSize, offset);
    } else {
      ids = db.all<{ id: number }>(sql`select l.id as id ${from} order by l.published_at desc, l.id desc limit ${pageSize} offset ${offset}`).map((r) => r.id);
    }
  }
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return { items: loadListingCards(db, ids), total, totalCapped, page: requestedPage, pages };
}

/**
 * 信用优先 (issue 12 §2), in two tiers like the text search: listings of scored producers, walked
 * from producer_credit_score_idx best first and then through listings_producer_idx (newest first
 * within a producer: a small sort per producer), stopping after the page; then the listings of
 * producers without a score, newest first through the usual index. Sorting every listing by a
 * looked-up score instead cost ≈ 40× the newest-first page over 100,000 listings (bench/credit.ts).
 */
function creditOrderedIds(db: Db, producerJoin: SQL, whereSql: SQL, pageSize: number, offset: number): number[] {
  const scored = sql`from producer_credit c join listings l on l.producer_id = c.producer_id ${producerJoin}
                     where c.score is not null and ${whereSql}`;
  const ids = db
    .all<{ id: number }>(sql`select l.id as id ${scored} order by c.score desc, l.published_at desc, l.id desc limit ${pageSize} offset ${offset}`)
    .map((r) => r.id);
  if (ids.length === pageSize) return ids;
  // Past the scored listings: the rest, newest first.
  const scoredCount = db.get<{ n: number }>(sql`select count(*) as n ${scored}`)!.n;
  const rest = db
    .all<{ id: number }>(
      sql`select l.id as id from listings l ${producerJoin}
          where ${whereSql} and l.producer_id not in (select producer_id from producer_credit where score is not null)
          order by l.published_at desc, l.id desc limit ${pageSize - ids.length} offset ${Math.max(0, offset - scoredCount)}`,
    )
    .map((r) => r.id);
  return [...ids, ...rest];
}

// ─── listing page ────────────────────────────────────────────────────────────

export function getListingPage(db: Db, listingId: number, viewer?: Actor | null) {
  const row = db.get<{
    id: number;
    title: string;
    description: string;
    unit: Unit;
    priceFen: number;
    stock: number;
    status: "draft" | "published" | "paused";
    publishedAt: number | null;
    updatedAt: number;
    producerId: number;
    productId: number;
    productZh: string;
    productEn: string;
    categorySlug: CategorySlug;
    categoryZh: string;
    categoryEn: string;
  }>(sql`
    select l.id, l.title, l.description, l.unit, l.price_fen as priceFen, l.stock, l.status,
           l.published_at as publishedAt, l.updated_at as updatedAt, l.producer_id as producerId,
           pd.id as productId, pd.name_zh as productZh, pd.name_en as productEn,
           c.slug as categorySlug, c.name_zh as categoryZh, c.name_en as categoryEn
    from listings l
    join products pd on pd.id = l.product_id
    join categories c on c.id = l.category_id
    where l.id = ${listingId}`);
  if (!row) return null;
  const canEdit = canEditListing(viewer, { producerId: row.producerId });
  // Drafts and paused listings are for the producer's own members only.
  if (row.status !== "published" && !canEdit) return null;

  const producer = loadProducerSummary(db, row.producerId)!;
  const photos: (PhotoRef & { id: number })[] = db
    .all<Omit<PhotoRef, "url"> & { id: number }>(
      sql`
      select id, file_key as fileKey, width, height from listing_photos
      where listing_id = ${listingId} order by position, id`,
    )
    .map((ph) => ({ ...ph, url: photoUrl(ph.fileKey) }));
  const certifications = db.all<{ kind: CertificationKind; certificateNo: string | null }>(sql`
    select kind, certificate_no as certificateNo from listing_certifications
    where listing_id = ${listingId} order by kind`);
  const batches = db.all<{ id: number; lotCode: string; harvestedAt: number | null; quantity: number | null; unit: Unit | null }>(sql`
    select b.id, b.lot_code as lotCode, b.harvested_at as harvestedAt, b.quantity, b.unit
    from listing_batches lb join batches b on b.id = lb.batch_id
    where lb.listing_id = ${listingId}
    order by b.harvested_at desc, b.id desc`);
  const moreIds = db
    .all<{ id: number }>(
      sql`
      select id from listings
      where producer_id = ${row.producerId} and status = 'published' and id <> ${listingId}
      order by published_at desc, id desc limit 4`,
    )
    .map((r) => r.id);

  return {
    listing: {
      id: row.id,
      title: row.title,
      description: row.description,
      unit: row.unit,
      priceFen: row.priceFen,
      stock: row.stock,
      status: row.status,
      publishedAt: row.publishedAt,
      updatedAt: row.updatedAt,
    },
    product: { id: row.productId, name: { zh: row.productZh, en: row.productEn } },
    category: { slug: row.categorySlug, name: { zh: row.categoryZh, en: row.categoryEn } },
    producer,
    photos,
    certifications,
    batches,
    moreFromProducer: loadListingCards(db, moreIds),
    canEdit,
  };
}

// ─── producers ───────────────────────────────────────────────────────────────

function loadProducerSummary(db: Db, producerId: number) {
  const p = db.get<{
    id: number;
    kind: ProducerKind;
    nameZh: string;
    nameEn: string;
    creditCode: string;
    creditCodeStatus: string;
    descriptionZh: string;
    descriptionEn: string;
    contactPhone: string | null;
    address: string;
    createdAt: number;
    provinceZh: string;
    provinceEn: string;
    countyZh: string;
    countyEn: string;
    townshipZh: string | null;
    townshipEn: string | null;
    villageId: number | null;
    villageZh: string | null;
    villageEn: string | null;
    signatureZh: string | null;
    signatureEn: string | null;
    creditScore: number | null;
    poverty: number | null;
  }>(sql`
    select p.id, p.kind, p.name_zh as nameZh, p.name_en as nameEn, p.credit_code as creditCode,
           p.credit_code_status as creditCodeStatus, p.description_zh as descriptionZh,
           p.description_en as descriptionEn, p.contact_phone as contactPhone, p.address,
           p.created_at as createdAt,
           rp.name_zh as provinceZh, rp.name_en as provinceEn,
           rc.name_zh as countyZh, rc.name_en as countyEn,
           rt.name_zh as townshipZh, rt.name_en as townshipEn,
           v.id as villageId, v.name_zh as villageZh, v.name_en as villageEn,
           v.signature_product_zh as signatureZh, v.signature_product_en as signatureEn,
           (select score from producer_credit where producer_id = p.id) as creditScore,
           (select poverty_alleviation from producer_verification where producer_id = p.id) as poverty
    from producers p
    join regions rp on rp.id = p.province_id
    join regions rc on rc.id = p.county_id
    left join regions rt on rt.id = p.township_id
    left join villages v on v.id = p.village_id
    where p.id = ${producerId}`);
  if (!p) return null;
  return {
    id: p.id,
    kind: p.kind,
    name: { zh: p.nameZh, en: p.nameEn },
    // The unified social credit code is public registration data in China (国家企业信用信息公示系统).
    creditCode: p.creditCode,
    verified: isVerifiedProducer(p.creditCodeStatus),
    /** Stored credit score (null: not enough data) and the 帮扶 designation (issue 12 §2). */
    creditScore: p.creditScore,
    povertyAlleviation: p.poverty === 1,
    description: { zh: p.descriptionZh, en: p.descriptionEn },
    contactPhone: p.contactPhone,
    address: p.address,
    since: p.createdAt,
    province: { zh: p.provinceZh, en: p.provinceEn },
    county: { zh: p.countyZh, en: p.countyEn },
    township: p.townshipZh != null ? { zh: p.townshipZh, en: p.townshipEn ?? "" } : null,
    village:
      p.villageId != null
        ? {
            id: p.villageId,
            name: { zh: p.villageZh!, en: p.villageEn ?? "" },
            signatureProduct: { zh: p.signatureZh ?? "", en: p.signatureEn ?? "" },
          }
        : null,
  };
}

export type ProducerSummary = NonNullable<ReturnType<typeof loadProducerSummary>>;

/** A producer's public page: who they are and their published listings, a page at a time. */
export function getProducerPage(db: Db, producerId: number, page = 1) {
  const producer = loadProducerSummary(db, producerId);
  if (!producer) return null;
  return { producer, listings: searchListings(db, { producer: producerId, page }) };
}

// ─── villages ────────────────────────────────────────────────────────────────

type VillageRow = {
  id: number;
  nameZh: string;
  nameEn: string;
  signatureZh: string;
  signatureEn: string;
  provinceId: number;
  provinceZh: string;
  provinceEn: string;
  countyZh: string;
  countyEn: string;
  producerCount: number;
};

const villageSelect = sql`
  select v.id, v.name_zh as nameZh, v.name_en as nameEn,
         v.signature_product_zh as signatureZh, v.signature_product_en as signatureEn,
         v.province_id as provinceId, rp.name_zh as provinceZh, rp.name_en as provinceEn,
         rc.name_zh as countyZh, rc.name_en as countyEn,
         (select count(*) from producers p where p.village_id = v.id) as producerCount
  from villages v
  join regions rp on rp.id = v.province_id
  join regions rc on rc.id = v.county_id`;

function toVillageSummary(v: VillageRow) {
  return {
    id: v.id,
    name: { zh: v.nameZh, en: v.nameEn },
    signatureProduct: { zh: v.signatureZh, en: v.signatureEn },
    province: { zh: v.provinceZh, en: v.provinceEn },
    county: { zh: v.countyZh, en: v.countyEn },
    producerCount: v.producerCount,
  };
}

export type VillageSummary = ReturnType<typeof toVillageSummary>;

/** All villages, grouped by province (provinces by GB code, villages by county then name). */
export function listVillages(db: Db) {
  const rows = db.all<VillageRow>(sql`${villageSelect} order by rp.code, rc.code, v.name_zh`);
  const groups: { province: { id: number; name: Name }; villages: VillageSummary[] }[] = [];
  for (const r of rows) {
    let group = groups[groups.length - 1];
    if (!group || group.province.id !== r.provinceId) {
      group = { province: { id: r.provinceId, name: { zh: r.provinceZh, en: r.provinceEn } }, villages: [] };
      groups.push(group);
    }
    group.villages.push(toVillageSummary(r));
  }
  return groups;
}

/** A village: its 一村一品 signature product, its producers and their published listings. */
export function getVillagePage(db: Db, villageId: number, page = 1) {
  const v = db.get<
    VillageRow & {
      descriptionZh: string;
      descriptionEn: string;
      townshipZh: string;
      townshipEn: string;
      countyId: number;
      lat: number;
      lng: number;
      categorySlug: CategorySlug | null;
      categoryZh: string | null;
      categoryEn: string | null;
    }
  >(sql`
    select v.id, v.name_zh as nameZh, v.name_en as nameEn,
           v.signature_product_zh as signatureZh, v.signature_product_en as signatureEn,
           v.description_zh as descriptionZh, v.description_en as descriptionEn, v.lat, v.lng,
           v.province_id as provinceId, v.county_id as countyId,
           rp.name_zh as provinceZh, rp.name_en as provinceEn,
           rc.name_zh as countyZh, rc.name_en as countyEn,
           rt.name_zh as townshipZh, rt.name_en as townshipEn,
           c.slug as categorySlug, c.name_zh as categoryZh, c.name_en as categoryEn,
           0 as producerCount
    from villages v
    join regions rp on rp.id = v.province_id
    join regions rc on rc.id = v.county_id
    join regions rt on rt.id = v.township_id
    left join categories c on c.id = v.signature_category_id
    where v.id = ${villageId}`);
  if (!v) return null;
  const producerRows = db.all<{
    id: number;
    kind: ProducerKind;
    nameZh: string;
    nameEn: string;
    creditCodeStatus: string;
    listingCount: number;
  }>(sql`
    select p.id, p.kind, p.name_zh as nameZh, p.name_en as nameEn, p.credit_code_status as creditCodeStatus,
           (select count(*) from listings l where l.producer_id = p.id and l.status = 'published') as listingCount
    from producers p where p.village_id = ${villageId}
    order by listingCount desc, p.id`);
  return {
    village: {
      ...toVillageSummary({ ...v, producerCount: producerRows.length }),
      countyId: v.countyId,
      provinceId: v.provinceId,
      township: { zh: v.townshipZh, en: v.townshipEn },
      description: { zh: v.descriptionZh, en: v.descriptionEn },
      lat: v.lat,
      lng: v.lng,
      signatureCategory: v.categorySlug ? { slug: v.categorySlug, name: { zh: v.categoryZh!, en: v.categoryEn ?? "" } } : null,
    },
    producers: producerRows.map((p) => ({
      id: p.id,
      kind: p.kind,
      name: { zh: p.nameZh, en: p.nameEn },
      verified: isVerifiedProducer(p.creditCodeStatus),
      listingCount: p.listingCount,
    })),
    listings: searchListings(db, { village: villageId, page }),
  };
}

// ─── home and filter form ────────────────────────────────────────────────────

type CategoryRow = { id: number; slug: CategorySlug; nameZh: string; nameEn: string };

function loadCategories(db: Db) {
  return db
    .all<CategoryRow>(sql`select id, slug, name_zh as nameZh, name_en as nameEn from categories order by position, id`)
    .map((c) => ({ id: c.id, slug: c.slug, name: { zh: c.nameZh, en: c.nameEn } }));
}

export function getHomePage(db: Db) {
  // One count per category on listings_category_status_idx (covering: no table rows read). A
  // GROUP BY over listings let the planner take the status index and read every published row:
  // 315 ms at 100,000 listings against 2 ms (issue 14 §5).
  const counts = new Map(
    db
      .all<{ categoryId: number; n: number }>(
        sql`
        select c.id as categoryId,
               (select count(*) from listings l where l.category_id = c.id and l.status = 'published') as n
        from categories c`,
      )
      .map((r) => [r.categoryId, r.n]),
  );
  const categories = loadCategories(db).map((c) => ({ ...c, count: counts.get(c.id) ?? 0 }));
  // Featured 一村一品 villages: the ones with the most producers on the platform.
  const featuredVillages = db.all<VillageRow>(sql`${villageSelect} order by producerCount desc, v.id limit 6`).map(toVillageSummary);
  const newest = searchListings(db, { page: 1, pageSize: 8 });
  return { categories, featuredVillages, newestListings: newest.items, totalListings: newest.total };
}

/** Options for the browse filter form: categories, and the places that have producers. */
export function getFilterOptions(db: Db) {
  const categories = loadCategories(db);
  const provinces = db
    .all<{ id: number; nameZh: string; nameEn: string }>(
      sql`
      select r.id, r.name_zh as nameZh, r.name_en as nameEn from regions r
      where r.id in (select province_id from producers) order by r.code`,
    )
    .map((r) => ({ id: r.id, name: { zh: r.nameZh, en: r.nameEn } }));
  const counties = db
    .all<{ id: number; provinceId: number; nameZh: string; nameEn: string }>(
      sql`
      select r.id, min(p.province_id) as provinceId, r.name_zh as nameZh, r.name_en as nameEn
      from regions r join producers p on p.county_id = r.id
      group by r.id order by r.code`,
    )
    .map((r) => ({ id: r.id, provinceId: r.provinceId, name: { zh: r.nameZh, en: r.nameEn } }));
  const villages = db
    .all<{ id: number; countyId: number; nameZh: string; nameEn: string }>(
      sql`
      select v.id, v.county_id as countyId, v.name_zh as nameZh, v.name_en as nameEn
      from villages v where v.id in (select village_id from producers where village_id is not null)
      order by v.county_id, v.name_zh`,
    )
    .map((v) => ({ id: v.id, countyId: v.countyId, name: { zh: v.nameZh, en: v.nameEn } }));
  return {
    categories,
    provinces: provinces.map((p) => ({
      ...p,
      counties: counties
        .filter((c) => c.provinceId === p.id)
        .map((c) => ({ id: c.id, name: c.name, villages: villages.filter((v) => v.countyId === c.id).map(({ id, name }) => ({ id, name })) })),
    })),
  };
}

export type FilterOptions = ReturnType<typeof getFilterOptions>;

/**
 * The public trace page's read model (GET /01/<GTIN-14>/10/<lot>), the lot's EPCIS export from
 * the database, consumers' problem reports and the scan counter.
 * Plain module, no Remix: the route and server.js (through globalThis) call it.
 *
 * Scans are counted in memory and written to lot_scans in batches (every SCAN_FLUSH_MS or
 * SCAN_FLUSH_AT scans, and when the process exits), so that a page served from the cache
 * ahead of Remix costs no database write.
 */
import { isVerifiedProducer } from "../core/credit-code";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { CategorySlug, ProducerKind, Unit } from "../db/schema";
import { effectiveEvents, parseContent, type EffectiveEvent } from "./chain";
import { correctionViews, type CorrectionView } from "./corrections";
import { shanghaiDate, shanghaiDay } from "../core/clock";
import { takeRateLimit, type RateLimitRule } from "../core/rate-limit";
import { cropDisplay, cropTerms, findCrop, labelCropTerm } from "./crops";
import { buildEpcisDocument, type EpcisDocument } from "./epcis";
import { encodeDigitalLinkValue, validateGtin14, validateLot } from "./gtin";
import { inputContains, type InputsCatalogue } from "./inputs";
import { registeredUseOf } from "./registered-use";
import { getLotChain, loadCatalogue, lotCompliance, onLotChanged, verifyLot } from "./store";
import { householdChanges, householdOfBatch, type HouseholdChange } from "./households";
import { findingMessage, type Finding } from "./compliance";
import type { CommitmentCertificate, EventContent, PayloadOf, TraceEventType } from "./types";
import type { VerifyFailureReason } from "./verify";

export type Name = { zh: string; en: string };

// ─── finding a lot ───────────────────────────────────────────────────────────

export type LotRef = { batchId: number; gtin: string; lotCode: string };

/** The canonical GTIN-14 and lot for URL parameters, or null when either is malformed. */
export function parseLotParams(gtin: string, lot: string): { gtin: string; lotCode: string } | null {
  const g = validateGtin14(gtin);
  if (!g.ok) return null;
  if (!validateLot(lot).ok) return null;
  return { gtin: g.gtin14, lotCode: lot };
}

/** The batch behind a GS1 Digital Link; null for a malformed GTIN (check digit) or lot, or an unknown lot. */
export function findLot(db: Db, gtin: string, lot: string): LotRef | null {
  const parsed = parseLotParams(gtin, lot);
  if (!parsed) return null;
  const row = db.get<{ id: number }>(sql`select id from batches where gtin = ${parsed.gtin} and lot_code = ${parsed.lotCode}`);
  return row ? { batchId: row.id, gtin: parsed.gtin, lotCode: parsed.lotCode } : null;
}

/** Path of a lot's trace page (GS1 Digital Link without host). */
export function tracePath(gtin: string, lotCode: string): string {
  return `/01/${gtin}/10/${encodeDigitalLinkValue(lotCode)}`;
}

/** The full Digital Link a QR code encodes: `<origin>/01/<gtin>/10/<lot>`. */
export function traceUrl(origin: string, gtin: string, lotCode: string): string {
  return origin.replace(/\/+$/, "") + tracePath(gtin, lotCode);
}

// ─── the page ────────────────────────────────────────────────────────────────

export type IntervalCheck = {
  kind: "pre_harvest" | "withdrawal";
  /** Label interval (days) that applies to this input on this crop. */
  intervalDays: number;
  /** Calendar days (Asia/Shanghai) from this application to the harvest; null before harvest. */
  daysBeforeHarvest: number | null;
  respected: boolean | null;
  /** "declared": the farmer read it off the label (shown as declared, not verified); "catalogue": the platform's catalogue. */
  source: "declared" | "catalogue";
};

/** The registered use a pesticide application relies on (农药管理条例 第三十四条). */
export type UseCheck = {
  /** registered: the lot's crop is on the label; off_label: it is not (超范围使用); unknown: no label crop stated and none catalogued. */
  status: "registered" | "off_label" | "unknown";
  /** The label crop the farmer declared, when declared. */
  labelCrop: Name | null;
  /** The label crop was declared by the farmer (not verified) rather than found in the catalogue. */
  declared: boolean;
};

/** One entry of the public timeline. Personal data (names of receivers, order ids, tracking numbers) is left out. */
export type TimelineEntry = {
  seq: number;
  type: Exclude<TraceEventType, "correction" | "correction_review">;
  occurredAt: number;
  actorKind: "producer" | "platform";
  /** Seqs of corrections applied to this event. */
  correctedBy: number[];
  /** Withdrawn by a correction in force: shown struck through, never hidden. */
  retracted: boolean;
  /** When a correction in force changed the date: the date first recorded. */
  originalOccurredAt: number | null;
  /** Every correction of this record (in force, held for an inspector, or rejected), with reason, who and when. */
  corrections: CorrectionView[];
  details: TimelineDetails;
};

export type TimelineDetails =
  | { type: "planting"; crop: Name; variety: string | null; plot: string | null; areaMu: number | null }
  | {
      type: "input_application";
      inputKind: PayloadOf<"input_application">["inputKind"];
      productName: string;
      activeIngredient: string | null;
      registrationNo: string | null;
      dose: string | null;
      areaMu: number | null;
      method: string | null;
      /** Pesticides and veterinary drugs: calendar days from this application to the harvest (null before harvest). */
      daysBeforeHarvest: number | null;
      /** The interval that applies to this input on this crop (longest of label declaration and catalogue), when there is one. */
      interval: IntervalCheck | null;
      /** Pesticides: the registered use; null for other inputs. */
      use: UseCheck | null;
    }
  | { type: "harvest"; quantity: number; unit: Unit; lotCode: string; hasCertificate: boolean }
  | {
      type: "inspection";
      result: "pass" | "fail";
      kind: PayloadOf<"inspection">["kind"];
      inspector: string | null;
      reportNo: string | null;
      notes: string | null;
      certificatePhoto: string | null;
    }
  | { type: "packing"; quantity: number | null; unit: Unit | null; packageCount: number | null; hasCertificate: boolean }
  | { type: "shipping"; carrier: string | null; destination: string | null }
  | { type: "arrival" }
  | { type: "pickup"; pickupPoint: string | null }
  | { type: "recall"; reason: string };

export type TraceVerification =
  | { ok: true; checked: number; head: { seq: number; eventHash: string } | null }
  | { ok: false; checked: number; failedAt: number; reason: VerifyFailureReason };

export type TracePage = {
  lot: {
    batchId: number;
    gtin: string;
    lotCode: string;
    status: string;
    crop: string | null;
    harvestedAt: number | null;
    quantity: number | null;
    unit: Unit | null;
  };
  product: { id: number; name: Name };
  category: { slug: CategorySlug; name: Name };
  producer: { id: number; name: Name; kind: ProducerKind; verified: boolean; creditCode: string };
  origin: { village: { id: number; name: Name } | null; township: Name | null; county: Name | null; province: Name | null };
  plot: { name: string; areaMu: number | null; lat: number | null; lng: number | null } | null;
  /** The cooperative member household that grows the lot (its name only, never a phone), and any reassignments. */
  household: { name: string; changes: HouseholdChange[] } | null;
  /** Where to put the map marker: the plot, else its village, else the producer. */
  location: { lat: number; lng: number; source: "plot" | "village" | "producer" } | null;
  timeline: TimelineEntry[];
  /** Records on the chain: timeline entries + their corrections + inspectors' decisions on them. */
  recordCount: number;
  inspections: (Extract<TimelineDetails, { type: "inspection" }> & { seq: number; occurredAt: number })[];
  certificate: (CommitmentCertificate & { seq: number }) | null;
  verification: TraceVerification;
  recall: { reason: string; openedAt: number } | null;
  scans: number;
  listings: { id: number; title: string }[];
  /** The shopper's plain answer: safe use of inputs (✓) or the problems, in words. */
  verdict: { ok: boolean; reasons: Name[] };
  /**
   * Where the lot went, in aggregate only (已售 N 件，发往 M 个自提点): individual arrivals and pickups
   * are private (privateDeliveries), so the page stays the same size however much is sold.
   */
  distribution: { units: number; points: number };
};

/** Chain events the public page and export leave out: one per parcel, and they say who picked up where. */
export const PRIVATE_EVENT_TYPES: ReadonlySet<TraceEventType> = new Set(["arrival", "pickup"]);

/** Findings that do not speak to whether inputs were used safely (paperwork, not yet inspected). */
const NOT_A_SAFETY_FINDING = new Set(["missing_certificate", "no_batch"]);

type LotRow = {
  id: number;
  gtin: string;
  lotCode: string;
  status: string;
  crop: string | null;
  harvestedAt: number | null;
  quantity: number | null;
  unit: Unit | null;
  plotId: number | null;
  productId: number;
  productZh: string;
  productEn: string;
  categorySlug: CategorySlug;
  categoryZh: string;
  categoryEn: string;
  producerId: number;
  producerZh: string;
  producerEn: string;
  producerKind: ProducerKind;
  creditCode: string;
  creditCodeStatus: string;
  producerVillageId: number | null;
  producerCountyId: number;
  producerProvinceId: number;
  producerTownshipId: number | null;
  producerLat: number | null;
  producerLng: number | null;
};

const regionName = (db: Db, id: number | null | undefined): Name | null => {
  if (id == null) return null;
  const r = db.get<{ zh: string; en: string }>(sql`select name_zh as zh, name_en as en from regions where id = ${id}`);
  return r ?? null;
};

/** Parses each record's content; a record whose content no longer parses is skipped (verification reports it). */
function safeContents(records: { content: string }[]): EventContent[] {
  const out: EventContent[] = [];
  for (const r of records) {
    try {
      const c = parseContent(r);
      if (c && typeof c === "object" && typeof c.seq === "number" && typeof c.type === "string" && c.payload) out.push(c);
    } catch {
      // tampered beyond JSON: verification names this record
    }
  }
  return out;
}

/**
 * The interval that applies to one application, as compliance.ts computes it: for pesticides the
 * longest of the declared label interval and the catalogue's rows for this crop; for veterinary
 * drugs the longest withdrawal period for this species. null when there is none.
 */
export function applicationInterval(
  payload: PayloadOf<"input_application">,
  terms: Set<string>,
  cat: InputsCatalogue,
): { kind: "pre_harvest" | "withdrawal"; days: number; source: "declared" | "catalogue" } | null {
  if (payload.inputKind === "veterinary_drug") {
    let days = -1;
    for (const w of cat.withdrawals) {
      if (w.withdrawalDays === null || !w.appliesTo.some((t) => terms.has(t))) continue;
      if (!inputContains(payload, { nameZh: w.drugZh, nameEn: w.drugEn, cas: null })) continue;
      days = Math.max(days, w.withdrawalDays);
    }
    return days >= 0 ? { kind: "withdrawal", days, source: "catalogue" } : null;
  }
  const use = registeredUseOf(payload, terms, cat);
  return use.intervalDays === null ? null : { kind: "pre_harvest", days: use.intervalDays, source: use.intervalSource ?? "catalogue" };
}

const opt = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

function toDetails(e: EffectiveEvent, terms: Set<string>, cat: InputsCatalogue | null, harvestDay: number | null): TimelineDetails | null {
  switch (e.type) {
    case "planting": {
      const p = e.payload as PayloadOf<"planting">;
      const known = findCrop(p.crop);
      const crop = known ? { zh: known.info.zh, en: known.info.en } : { zh: p.crop, en: p.crop };
      return { type: "planting", crop, variety: opt(p.variety), plot: opt(p.plot), areaMu: opt(p.areaMu) };
    }
    case "input_application": {
      const p = e.payload as PayloadOf<"input_application">;
      const rule = cat ? applicationInterval(p, terms, cat) : null;
      const gap = harvestDay === null ? null : harvestDay - shanghaiDay(e.occurredAt);
      let interval: IntervalCheck | null = null;
      if (rule)
        interval = { kind: rule.kind, intervalDays: rule.days, daysBeforeHarvest: gap, respected: gap === null ? null : gap >= rule.days, source: rule.source };
      let use: UseCheck | null = null;
      if (cat && p.inputKind === "pesticide") {
        const u = registeredUseOf(p, terms, cat);
        use = {
          status: u.status,
          labelCrop: u.declaredCrop ? cropDisplay(labelCropTerm(u.declaredCrop)) : null,
          declared: u.declaredCrop !== null && p.intervalSource !== "catalogue",
        };
      }
      const regulated = p.inputKind === "pesticide" || p.inputKind === "veterinary_drug";
      return {
        type: "input_application",
        inputKind: p.inputKind,
        productName: p.productName,
        activeIngredient: opt(p.activeIngredient),
        registrationNo: opt(p.registrationNo),
        dose: opt(p.dose),
        areaMu: opt(p.areaMu),
        method: opt(p.method),
        daysBeforeHarvest: regulated ? gap : null,
        interval,
        use,
      };
    }
    case "harvest": {
      const p = e.payload as PayloadOf<"harvest">;
      return { type: "harvest", quantity: p.quantity, unit: p.unit, lotCode: p.lotCode, hasCertificate: Boolean(p.certificate) };
    }
    case "inspection": {
      const p = e.payload as PayloadOf<"inspection">;
      return {
        type: "inspection",
        result: p.result,
        kind: p.kind,
        inspector: opt(p.inspector),
        reportNo: opt(p.reportNo),
        notes: opt(p.notes),
        certificatePhoto: opt(p.certificatePhoto),
      };
    }
    case "packing": {
      const p = e.payload as PayloadOf<"packing">;
      return { type: "packing", quantity: opt(p.quantity), unit: opt(p.unit), packageCount: opt(p.packageCount), hasCertificate: Boolean(p.certificate) };
    }
    case "shipping": {
      const p = e.payload as PayloadOf<"shipping">;
      return { type: "shipping", carrier: opt(p.carrier), destination: opt(p.destination) };
    }
    case "arrival":
      return { type: "arrival" };
    case "pickup":
      return { type: "pickup", pickupPoint: opt((e.payload as PayloadOf<"pickup">).pickupPoint) };
    case "recall":
      return { type: "recall", reason: (e.payload as PayloadOf<"recall">).reason };
    default:
      return null;
  }
}

function loadLotRow(db: Db, batchId: number): LotRow | undefined {
  return db.get<LotRow>(sql`
    select b.id, b.gtin, b.lot_code as lotCode, b.status, b.crop, b.harvested_at as harvestedAt, b.quantity, b.unit,
           b.plot_id as plotId,
           pd.id as productId, pd.name_zh as productZh, pd.name_en as productEn,
           c.slug as categorySlug, c.name_zh as categoryZh, c.name_en as categoryEn,
           p.id as producerId, p.name_zh as producerZh, p.name_en as producerEn, p.kind as producerKind,
           p.credit_code as creditCode, p.credit_code_status as creditCodeStatus,
           p.village_id as producerVillageId, p.county_id as producerCountyId, p.province_id as producerProvinceId,
           p.township_id as producerTownshipId, p.lat as producerLat, p.lng as producerLng
    from batches b
    join products pd on pd.id = b.product_id
    join categories c on c.id = pd.category_id
    join producers p on p.id = b.producer_id
    where b.id = ${batchId}`);
}

/** Everything the trace page shows, or null when the GTIN/lot is malformed or unknown. */
export function getTracePage(db: Db, gtin: string, lot: string, now = Date.now()): TracePage | null {
  const ref = findLot(db, gtin, lot);
  if (!ref) return null;
  const row = loadLotRow(db, ref.batchId);
  if (!row) return null;

  const plot =
    row.plotId != null
      ? (db.get<{ name: string; areaMu: number | null; lat: number | null; lng: number | null; villageId: number | null }>(sql`
        select name, area_mu as areaMu, lat, lng, village_id as villageId from plots where id = ${row.plotId}`) ?? null)
      : null;
  const villageId = plot?.villageId ?? row.producerVillageId;
  const village =
    villageId != null
      ? (db.get<{ id: number; zh: string; en: string; lat: number; lng: number; provinceId: number; countyId: number; townshipId: number }>(sql`
        select id, name_zh as zh, name_en as en, lat, lng, province_id as provinceId, county_id as countyId, township_id as townshipId
        from villages where id = ${villageId}`) ?? null)
      : null;

  let location: TracePage["location"] = null;
  if (plot?.lat != null && plot.lng != null) location = { lat: plot.lat, lng: plot.lng, source: "plot" };
  else if (village) location = { lat: village.lat, lng: village.lng, source: "village" };
  else if (row.producerLat != null && row.producerLng != null) location = { lat: row.producerLat, lng: row.producerLng, source: "producer" };

  const chain = getLotChain(db, ref.batchId);
  const contents = safeContents(chain.records);
  const effective = effectiveEvents(contents);

  const planting = effective.find((e) => e.type === "planting");
  const crop = row.crop ?? (planting ? (planting.payload as PayloadOf<"planting">).crop : null);
  const terms = cropTerms(crop, row.categorySlug);
  const harvests = effective.filter((e) => e.type === "harvest");
  const harvestAt = harvests.length ? harvests[harvests.length - 1].occurredAt : row.harvestedAt;
  const harvestDay = harvestAt != null ? shanghaiDay(harvestAt) : null;
  const hasApplications = effective.some((e) => e.type === "input_application");
  const catalogue = hasApplications ? loadCatalogue(db) : null;

  // Every original record appears in place: corrected ones with their corrections, retracted ones struck through.
  const effectiveBySeq = new Map(effective.map((e) => [e.seq, e]));
  const corrections = correctionViews(contents);
  const catalogueForAll = catalogue ?? (contents.some((c) => c.type === "input_application") ? loadCatalogue(db) : null);
  const timeline: TimelineEntry[] = [];
  for (const c of contents) {
    if (c.type === "correction" || c.type === "correction_review") continue;
    if (PRIVATE_EVENT_TYPES.has(c.type)) continue;
    const current = effectiveBySeq.get(c.seq);
    const e: EffectiveEvent = current ?? {
      seq: c.seq,
      type: c.type,
      occurredAt: c.occurredAt,
      recordedAt: c.recordedAt,
      actor: c.actor,
      payload: c.payload,
      correctedBy: [],
    };
    const details = toDetails(e, terms, catalogueForAll, harvestDay);
    if (!details) continue;
    timeline.push({
      seq: e.seq,
      type: details.type,
      occurredAt: e.occurredAt,
      actorKind: e.actor.kind,
      correctedBy: e.correctedBy,
      retracted: !current,
      originalOccurredAt: e.occurredAt !== c.occurredAt ? c.occurredAt : null,
      corrections: corrections.get(c.seq) ?? [],
      details,
    });
  }
  timeline.sort((a, b) => a.occurredAt - b.occurredAt || a.seq - b.seq);

  const inspections = timeline.flatMap((t) =>
    t.details.type === "inspection" && !t.retracted ? [{ ...t.details, seq: t.seq, occurredAt: t.occurredAt }] : [],
  );

  let certificate: TracePage["certificate"] = null;
  for (const e of [...effective].reverse()) {
    if (e.type !== "harvest" && e.type !== "packing") continue;
    const cert = (e.payload as { certificate?: CommitmentCertificate }).certificate;
    if (cert) {
      certificate = { ...cert, seq: e.seq };
      break;
    }
  }

  const v = verifyLot(db, ref.batchId);
  const verification: TraceVerification = v.ok
    ? { ok: true, checked: v.checked, head: v.head }
    : { ok: false, checked: v.checked, failedAt: v.failedAt, reason: v.reason };

  const openRecall = db.get<{ reason: string; openedAt: number }>(sql`
    select reason, opened_at as openedAt from recalls where batch_id = ${ref.batchId} and closed_at is null
    order by opened_at desc limit 1`);
  const recallEvent = [...effective].reverse().find((e) => e.type === "recall");
  const recall = openRecall
    ? openRecall
    : recallEvent || row.status === "recalled"
      ? { reason: recallEvent ? (recallEvent.payload as PayloadOf<"recall">).reason : "", openedAt: recallEvent?.occurredAt ?? now }
      : null;

  const findings: Finding[] = lotCompliance(db, ref.batchId, now).filter(
    (f) => !NOT_A_SAFETY_FINDING.has(f.code) && !(f.code === "no_passing_inspection" && f.params.reason === "none"),
  );
  const reasons: Name[] = [];
  if (recall) reasons.push({ zh: `已召回：${recall.reason}`, en: `Recalled: ${recall.reason}` });
  if (!verification.ok)
    reasons.push({ zh: `记录链校验失败（第 ${verification.failedAt} 条）`, en: `The record chain fails verification (record ${verification.failedAt})` });
  for (const f of findings) reasons.push({ zh: findingMessage(f, "zh"), en: findingMessage(f, "en") });
  const verdict = { ok: reasons.length === 0, reasons };

  const distribution = lotDistribution(db, ref.batchId);

  const listings = db.all<{ id: number; title: string }>(sql`
    select l.id, l.title from listing_batches lb join listings l on l.id = lb.listing_id
    where lb.batch_id = ${ref.batchId} and l.status = 'published'
    order by l.published_at desc, l.id desc limit 10`);

  return {
    lot: {
      batchId: ref.batchId,
      gtin: ref.gtin,
      lotCode: ref.lotCode,
      status: row.status,
      crop,
      harvestedAt: harvestAt ?? null,
      quantity: row.quantity,
      unit: row.unit,
    },
    product: { id: row.productId, name: { zh: row.productZh, en: row.productEn } },
    category: { slug: row.categorySlug, name: { zh: row.categoryZh, en: row.categoryEn } },
    producer: {
      id: row.producerId,
      name: { zh: row.producerZh, en: row.producerEn },
      kind: row.producerKind,
      verified: isVerifiedProducer(row.creditCodeStatus),
      creditCode: row.creditCode,
    },
    origin: {
      village: village ? { id: village.id, name: { zh: village.zh, en: village.en } } : null,
      township: regionName(db, village ? village.townshipId : row.producerTownshipId),
      county: regionName(db, village ? village.countyId : row.producerCountyId),
      province: regionName(db, village ? village.provinceId : row.producerProvinceId),
    },
    plot: plot ? { name: plot.name, areaMu: plot.areaMu, lat: plot.lat, lng: plot.lng } : null,
    household: householdView(db, ref.batchId),
    location,
    timeline,
    recordCount: contents.length,
    inspections,
    certificate,
    verification,
    recall,
    scans: scanTotal(db, ref.batchId),
    listings,
    verdict,
    distribution,
  };
}

function householdView(db: Db, batchId: number): TracePage["household"] {
  const household = householdOfBatch(db, batchId);
  const changes = householdChanges(db, batchId);
  if (!household && !changes.length) return null;
  return { name: household?.householdName ?? "", changes };
}

/** Units of the lot sold (orders paid or beyond) and the number of pickup points they went to. */
export function lotDistribution(db: Db, batchId: number): { units: number; points: number } {
  return (
    db.get<{ units: number; points: number }>(sql`
    select coalesce(sum(ol.quantity), 0) as units, count(distinct o.delivery_point_id) as points
    from order_lines ol join orders o on o.id = ol.order_id
    where ol.batch_id = ${batchId} and o.status not in ('cancelled', 'pending_payment')`) ?? { units: 0, points: 0 }
  );
}

// ─── private deliveries ──────────────────────────────────────────────────────

export type PrivateDelivery = {
  parcelCode: string;
  pointName: string;
  status: string;
  dispatchedAt: number | null;
  arrivedAt: number | null;
  pickedUpAt: number | null;
  /** The viewer's own parcel. */
  own: boolean;
};

export const PRIVATE_DELIVERIES_LIMIT = 100;

/**
 * Arrivals and pickups of the lot's parcels, for those allowed to see them: a buyer sees their own
 * parcels; the lot's producer and inspectors see all (newest first, at most
 * PRIVATE_DELIVERIES_LIMIT, with the total). Anyone else (and anonymous visitors): null.
 */
export function privateDeliveries(
  db: Db,
  viewer: { id: number; roles: readonly string[] } | null | undefined,
  batchId: number,
): { rows: PrivateDelivery[]; total: number; all: boolean } | null {
  if (!viewer) return null;
  const producerId = db.get<{ producerId: number }>(sql`select producer_id as producerId from batches where id = ${batchId}`)?.producerId;
  if (producerId == null) return null;
  const member = db.get<{ one: number }>(sql`select 1 as one from producer_members where producer_id = ${producerId} and user_id = ${viewer.id}`) != null;
  const all = member || viewer.roles.includes("inspector");
  const rows = db.all<Omit<PrivateDelivery, "own"> & { buyerId: number }>(sql`
    select x.code as parcelCode, dp.name as pointName, x.status, x.dispatched_at as dispatchedAt, x.arrived_at as arrivedAt,
           x.picked_up_at as pickedUpAt, o.buyer_id as buyerId
    from parcels x join orders o on o.id = x.order_id join delivery_points dp on dp.id = x.delivery_point_id
    where x.id in (select pi.parcel_id from parcel_items pi join order_lines ol on ol.id = pi.order_line_id where ol.batch_id = ${batchId})
      and (${all ? 1 : 0} = 1 or o.buyer_id = ${viewer.id})
    order by coalesce(x.picked_up_at, x.arrived_at, x.dispatched_at, 0) desc, x.id desc
    limit ${PRIVATE_DELIVERIES_LIMIT}`);
  if (!all && rows.length === 0) return null;
  const total = all
    ? (db.get<{ n: number }>(sql`
        select count(distinct pi.parcel_id) as n from parcel_items pi join order_lines ol on ol.id = pi.order_line_id where ol.batch_id = ${batchId}`)?.n ?? 0)
    : rows.length;
  return { rows: rows.map(({ buyerId, ...r }) => ({ ...r, own: buyerId === viewer.id })), total, all };
}

export { shanghaiDate };

// ─── EPCIS ───────────────────────────────────────────────────────────────────

/** The lot's chain as an EPCIS 2.0 JSON-LD document; `origin` is the public origin (https://host). */
export function getLotEpcis(db: Db, gtin: string, lot: string, origin: string, now = Date.now()): EpcisDocument | null {
  const ref = findLot(db, gtin, lot);
  if (!ref) return null;
  const chain = getLotChain(db, ref.batchId);
  // Public: planting to dispatch. Arrivals and pickups (one per parcel, with the point's place)
  // stay out, replaced by the aggregate below, so the export neither names points nor grows with sales.
  const events = chain.records.flatMap((r) => {
    try {
      const content = parseContent(r);
      return PRIVATE_EVENT_TYPES.has(content.type) ? [] : [{ content, eventHash: r.eventHash }];
    } catch {
      return [];
    }
  });
  const doc = buildEpcisDocument({
    lot: { gtin14: ref.gtin, lotCode: ref.lotCode, countryOfOrigin: "CN" },
    events,
    creationDate: now,
    documentId: traceUrl(origin, ref.gtin, ref.lotCode),
  });
  const d = lotDistribution(db, ref.batchId);
  (doc as unknown as Record<string, unknown>)["cunpin:distribution"] = { unitsSold: d.units, pickupPoints: d.points };
  return doc;
}

// ─── listings → lot ──────────────────────────────────────────────────────────

/** The lot a listing sells now: its newest linked batch that has a GTIN. */
export function listingLot(db: Db, listingId: number): { batchId: number; gtin: string; lotCode: string } | null {
  const row = db.get<{ batchId: number; gtin: string; lotCode: string }>(sql`
    select b.id as batchId, b.gtin, b.lot_code as lotCode
    from listing_batches lb join batches b on b.id = lb.batch_id
    where lb.listing_id = ${listingId} and b.gtin is not null
    order by coalesce(b.harvested_at, 0) desc, b.id desc limit 1`);
  return row ?? null;
}

/** The label page: product, lot, producer and certificate — a small subset of the trace page. */
export function getLabel(db: Db, gtin: string, lot: string) {
  const page = getTracePage(db, gtin, lot);
  if (!page) return null;
  return { lot: page.lot, product: page.product, producer: page.producer, origin: page.origin, certificate: page.certificate };
}

// ─── problem reports ─────────────────────────────────────────────────────────

/**
 * Problem reports per client address (README "Limits"), kept in the database so they hold across
 * restarts and processes; counted in the same transaction as the report is stored.
 */
export const PROBLEM_REPORT_LIMITS: readonly RateLimitRule[] = [
  { bucket: "problem_report:address:10min", max: 5, windowMs: 10 * 60_000 },
  { bucket: "problem_report:address:day", max: 20, windowMs: 24 * 60 * 60_000 },
];

export type ProblemReportInput = {
  batchId: number;
  kind: "quality" | "label" | "counterfeit" | "safety" | "other";
  message: string;
  contactPhone: string | null;
  userId: number | null;
};

/** The trace page's report form: stores the report unless this address has sent too many lately. */
export function submitProblemReport(
  db: Db,
  input: ProblemReportInput & { clientKey: string },
  now = Date.now(),
): { ok: true; id: number } | { ok: false; retryAfterMs: number } {
  const { clientKey, ...report } = input;
  const taken = takeRateLimit(db.$client, PROBLEM_REPORT_LIMITS, clientKey, now, () => createProblemReport(db, report));
  return taken.ok ? { ok: true, id: taken.value } : taken;
}

export function createProblemReport(db: Db, input: ProblemReportInput): number {
  const row = db.get<{ id: number }>(sql`
    insert into problem_reports (batch_id, kind, message, contact_phone, user_id)
    values (${input.batchId}, ${input.kind}, ${input.message}, ${input.contactPhone}, ${input.userId})
    returning id`);
  return row!.id;
}

// ─── scan counter ────────────────────────────────────────────────────────────

export const SCAN_FLUSH_MS = 5_000;
export const SCAN_FLUSH_AT = 500;

/**
 * Counts trace page views in memory per batch and writes them to lot_scans in one transaction
 * per flush (`on conflict do update set count = count + excluded.count`), so a popular QR code
 * costs no write per scan. Bound to the database it was last given.
 */
export class ScanCounter {
  private pendingByBatch = new Map<number, number>();
  private pendingTotal = 0;
  private db: Db | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private flushEveryMs = SCAN_FLUSH_MS,
    private flushAt = SCAN_FLUSH_AT,
  ) {}

  /** Counts one scan; `db` may be omitted once the counter has one (server.js cache hits). */
  record(batchId: number, db?: Db): void {
    if (db && db !== this.db) {
      if (this.db) this.flush();
      this.db = db;
    }
    if (!this.db) return;
    this.pendingByBatch.set(batchId, (this.pendingByBatch.get(batchId) ?? 0) + 1);
    this.pendingTotal++;
    if (this.pendingTotal >= this.flushAt) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushEveryMs);
      this.timer.unref?.();
    }
  }

  pending(batchId: number): number {
    return this.pendingByBatch.get(batchId) ?? 0;
  }

  /** Writes the pending counts; returns how many scans were written. Safe to call any time. */
  flush(now = Date.now()): number {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const db = this.db;
    if (!db || this.pendingTotal === 0) return 0;
    const entries = [...this.pendingByBatch];
    const day = shanghaiDate(now);
    try {
      const stmt = db.$client.prepare(
        "insert into lot_scans (batch_id, day, count) values (?, ?, ?) on conflict (batch_id, day) do update set count = count + excluded.count",
      );
      db.$client.transaction(() => {
        for (const [batchId, n] of entries) stmt.run(batchId, day, n);
      })();
    } catch {
      // Closed database (tests, shutdown) or a batch deleted meanwhile: drop these counts rather than crash.
    }
    this.pendingByBatch.clear();
    const written = this.pendingTotal;
    this.pendingTotal = 0;
    return written;
  }
}

type TraceScanGlobal = {
  counter: ScanCounter;
  /** For server.js: count a scan served from its cache (the counter keeps the app's db). */
  record: (batchId: number) => void;
};
const globalScans = globalThis as unknown as { __cunpinTraceScans?: TraceScanGlobal };

/** The process-wide counter (kept on globalThis so server.js and dev rebuilds share it). */
export function scanCounter(): ScanCounter {
  if (!globalScans.__cunpinTraceScans) {
    const counter = new ScanCounter();
    globalScans.__cunpinTraceScans = { counter, record: (batchId) => counter.record(batchId) };
    // better-sqlite3 is synchronous, so the last counts can still be written in 'exit'.
    process.once("exit", () => counter.flush());
  }
  return globalScans.__cunpinTraceScans.counter;
}

/** Counts one view of a lot's trace page. */
export function recordScan(db: Db, batchId: number): void {
  scanCounter().record(batchId, db);
}

/** Written scans plus those still in memory. */
export function scanTotal(db: Db, batchId: number): number {
  const row = db.get<{ n: number | null }>(sql`select sum(count) as n from lot_scans where batch_id = ${batchId}`);
  const pending = globalScans.__cunpinTraceScans?.counter.pending(batchId) ?? 0;
  return (row?.n ?? 0) + pending;
}

// ─── cache invalidation ──────────────────────────────────────────────────────

type TraceCacheGlobal = {
  __cunpinTraceCache?: { invalidate(lot: { gtin: string; lotCode: string }): void };
  __cunpinTraceCacheHooked?: boolean;
};

/**
 * Forwards the store's lot-changed notifications to server.js's page cache
 * (globalThis.__cunpinTraceCache, absent in tests and scripts). Once per process.
 */
function hookCacheInvalidation(): void {
  const g = globalThis as unknown as TraceCacheGlobal;
  if (g.__cunpinTraceCacheHooked) return;
  try {
    onLotChanged((lot) => g.__cunpinTraceCache?.invalidate(lot));
    g.__cunpinTraceCacheHooked = true;
  } catch {
    // The store is not wired yet; the cache's TTL still bounds staleness.
  }
}

// When the app bundle loads: register the counter (server.js counts cached hits through it) and the cache hook.
scanCounter();
hookCacheInvalidation();

// ─── HTTP helpers shared by the routes and server.js's cache ─────────────────

/**
 * Content negotiation of the trace URL: does this Accept header ask for the EPCIS JSON-LD
 * document rather than the page? server.js applies the same rule (keep them identical).
 */
export function wantsJsonLd(accept: string | null | undefined): boolean {
  return !!accept && /application\/(ld\+)?json/i.test(accept) && !/text\/html/i.test(accept);
}

/** Route params arrive decoded except for an encoded "/" (GS1 lot character set 82 allows it). */
export function decodeLotParam(raw: string): string {
  return raw.replace(/%2F/gi, "/");
}

/**
 * Blocking compliance rules for a lot, computed from its chain (after corrections) and the
 * inputs catalogue. A lot with any finding must not be offered for sale.
 *
 * Day arithmetic is in calendar days in Asia/Shanghai (UTC+8 all year, no DST since 1991):
 * day(t) = floor((t + 8 h) / 24 h). An interval of N days is respected when
 *   day(harvest) − day(last application) ≥ N,
 * i.e. harvesting exactly N calendar days after the last application passes; N−1 days fails.
 * The time of day does not matter (a 23:59 spray and a 00:01 harvest are one day apart).
 */
import { dayOfIsoDate, isoDay, shanghaiDay } from "../core/clock";
import { effectiveEvents, type EffectiveEvent } from "./chain";
import { cropTerms, findCrop } from "./crops";
import { inputContains, normaliseInputName, type CategorySlugLike, type InputsCatalogue } from "./inputs";
import { formatMessage, type TraceLocale, type TraceMessageKey } from "./messages";
import { certificateSchema, type CommitmentCertificate, type EventContent, type PayloadOf } from "./types";

export type FindingCode =
  | "banned_input"
  | "forbidden_on_crop"
  | "interval_violated"
  | "too_many_applications"
  | "missing_certificate"
  | "no_passing_inspection"
  // Raised by the store's publish gate (traceability/store.ts listingBlockers), never by checkCompliance:
  | "no_batch"
  | "chain_broken"
  | "lot_recalled";

export interface Finding {
  code: FindingCode;
  /** The event the finding is about (original seq, also when a correction changed it); null if about the lot as a whole. */
  eventSeq: number | null;
  params: Record<string, string | number>;
}

/** Categories whose lots need a 承诺达标合格证 (MARA Order 2025 No. 4): vegetables incl. fungi, fruit, fresh tea, livestock & poultry, eggs, farmed aquatic products. */
export const CERTIFICATE_REQUIRED_CATEGORIES: readonly CategorySlugLike[] = ["fruit", "vegetables", "tea", "livestock_poultry", "aquatic"];
/** In force since 2026-02-01 (00:00 Asia/Shanghai). */
export const CERTIFICATE_IN_FORCE_FROM = Date.UTC(2026, 0, 31, 16);

export function certificateRequired(category: CategorySlugLike, now: number): boolean {
  return now >= CERTIFICATE_IN_FORCE_FROM && CERTIFICATE_REQUIRED_CATEGORIES.includes(category);
}



export interface ComplianceInput {
  category: CategorySlugLike;
  /** Crop or animal of the lot (key, English or Chinese name); defaults to the planting event's crop. */
  crop?: string | null;
  /** Parsed contents of the whole chain, corrections included (they are applied here). */
  events: EventContent[];
  inputsCatalogue: InputsCatalogue;
  /** Harvest (or slaughter / sale) time; defaults to the latest harvest event, then `now`. */
  harvestAt?: number | null;
  now: number;
  /** The lot's certificate; defaults to the latest one carried by a harvest or packing event. */
  certificate?: CommitmentCertificate | null;
  /** Require a passing inspection; default: every category except agri_inputs. */
  requireInspection?: boolean;
}

type Application = EffectiveEvent & { payload: PayloadOf<"input_application"> };

/** Chinese name without strength and formulation: "1.8%阿维菌素乳油" → "阿维菌素". */
function ingredientOfProduct(productZh: string): string {
  return productZh
    .replace(/^[\d.]+%/, "")
    .replace(/(可湿性粉剂|水分散粒剂|悬浮剂|微乳剂|乳油|水剂|颗粒剂|粉剂|烟剂)$/, "")
    .trim();
}

export function checkCompliance(input: ComplianceInput): Finding[] {
  const { category, inputsCatalogue: cat, now } = input;
  const events = effectiveEvents(input.events);
  const findings: Finding[] = [];

  const planting = events.find((e) => e.type === "planting");
  const cropName = input.crop ?? (planting ? (planting.payload as PayloadOf<"planting">).crop : null);
  const terms = cropTerms(cropName, category);
  const cropInfo = cropName ? findCrop(cropName) : null;
  const cropZh = cropInfo?.info.zh ?? cropName ?? category;
  const cropEn = cropInfo?.info.en ?? cropName ?? category;

  const harvests = events.filter((e) => e.type === "harvest");
  const harvestAt = input.harvestAt ?? (harvests.length ? harvests[harvests.length - 1].occurredAt : now);
  const harvestDay = shanghaiDay(harvestAt);

  const applications = events.filter((e): e is Application => e.type === "input_application");

  for (const app of applications) {
    const p = app.payload;
    const day = shanghaiDay(app.occurredAt);
    for (const b of cat.banned) {
      if (!inputContains(p, b)) continue;
      if (b.since && day < dayOfIsoDate(b.since)) continue;
      findings.push({
        code: "banned_input",
        eventSeq: app.seq,
        params: { seq: app.seq, input: p.productName, substanceZh: b.nameZh, substanceEn: b.nameEn || b.nameZh },
      });
    }
    for (const r of cat.restricted) {
      if (!inputContains(p, r)) continue;
      const hit = r.allCropsExceptSeedCoating ? p.method !== "seed_coating" : r.forbiddenOn.some((t) => terms.has(t));
      if (!hit) continue;
      findings.push({
        code: "forbidden_on_crop",
        eventSeq: app.seq,
        params: { seq: app.seq, input: p.productName, substanceZh: r.nameZh, substanceEn: r.nameEn || r.nameZh, cropZh, cropEn },
      });
    }
  }

  // Pre-harvest intervals, per active ingredient: the longest interval of the label rows that match the crop.
  const byIngredient = new Map<string, { days: number; max: number | null; apps: Application[] }>();
  for (const app of applications) {
    if (app.payload.inputKind === "veterinary_drug") continue;
    const p = app.payload;
    const ai = p.activeIngredient ? normaliseInputName(p.activeIngredient) : null;
    const product = normaliseInputName(p.productName);
    for (const rule of cat.intervals) {
      if (!terms.has(rule.crop)) continue;
      const zhAi = normaliseInputName(ingredientOfProduct(rule.productZh));
      const matches = product === normaliseInputName(rule.productZh) || ai === rule.activeIngredient || ai === zhAi || (zhAi.length >= 2 && product.includes(zhAi));
      if (!matches) continue;
      const g = byIngredient.get(rule.activeIngredient) ?? { days: 0, max: null, apps: [] };
      g.days = Math.max(g.days, rule.intervalDays);
      if (rule.maxApplications !== null) g.max = g.max === null ? rule.maxApplications : Math.min(g.max, rule.maxApplications);
      if (!g.apps.includes(app)) g.apps.push(app);
      byIngredient.set(rule.activeIngredient, g);
    }
  }
  // Veterinary withdrawal periods, per drug.
  const byDrug = new Map<string, { days: number; apps: Application[] }>();
  for (const app of applications) {
    if (app.payload.inputKind !== "veterinary_drug") continue;
    for (const w of cat.withdrawals) {
      if (!w.appliesTo.some((t) => terms.has(t))) continue;
      if (!inputContains(app.payload, { nameZh: w.drugZh, nameEn: w.drugEn, cas: null })) continue;
      const g = byDrug.get(w.drugZh) ?? { days: 0, apps: [] };
      g.days = Math.max(g.days, w.withdrawalDays);
      if (!g.apps.includes(app)) g.apps.push(app);
      byDrug.set(w.drugZh, g);
    }
  }
  const intervalFinding = (kind: "pre_harvest" | "withdrawal", days: number, apps: Application[]) => {
    const last = apps.reduce((a, b) => (shanghaiDay(b.occurredAt) > shanghaiDay(a.occurredAt) || (shanghaiDay(b.occurredAt) === shanghaiDay(a.occurredAt) && b.seq > a.seq) ? b : a));
    const lastDay = shanghaiDay(last.occurredAt);
    if (harvestDay - lastDay >= days) return;
    findings.push({
      code: "interval_violated",
      eventSeq: last.seq,
      params: {
        kind,
        seq: last.seq,
        input: last.payload.productName,
        days,
        appliedOn: isoDay(lastDay),
        earliestOn: isoDay(lastDay + days),
        harvestOn: isoDay(harvestDay),
      },
    });
  };
  for (const g of byIngredient.values()) {
    intervalFinding("pre_harvest", g.days, g.apps);
    if (g.max !== null && g.apps.length > g.max) {
      const last = g.apps[g.apps.length - 1];
      findings.push({ code: "too_many_applications", eventSeq: last.seq, params: { seq: last.seq, input: last.payload.productName, count: g.apps.length, max: g.max } });
    }
  }
  for (const g of byDrug.values()) intervalFinding("withdrawal", g.days, g.apps);

  if (certificateRequired(category, now)) {
    const carried = [...events].reverse().find((e) => (e.type === "harvest" || e.type === "packing") && (e.payload as { certificate?: unknown }).certificate);
    const cert = input.certificate !== undefined ? input.certificate : carried ? (carried.payload as { certificate: CommitmentCertificate }).certificate : null;
    const missing = certificateProblems(cert, now);
    if (missing.length > 0) {
      findings.push({ code: "missing_certificate", eventSeq: null, params: { missing: missing.join(",") } });
    }
  }

  if (input.requireInspection ?? category !== "agri_inputs") {
    const inspections = events
      .filter((e) => e.type === "inspection")
      .sort((a, b) => a.occurredAt - b.occurredAt || a.seq - b.seq);
    const latest = inspections[inspections.length - 1];
    if (!latest) findings.push({ code: "no_passing_inspection", eventSeq: null, params: { reason: "none" } });
    else if ((latest.payload as PayloadOf<"inspection">).result !== "pass") {
      findings.push({ code: "no_passing_inspection", eventSeq: latest.seq, params: { reason: "failed", seq: latest.seq } });
    } else {
      const after = applications.filter((a) => a.occurredAt > latest.occurredAt);
      if (after.length > 0) {
        const seq = after[after.length - 1].seq;
        findings.push({ code: "no_passing_inspection", eventSeq: seq, params: { reason: "inputs_after", seq } });
      }
    }
  }
  return findings;
}

export type CertificateField = keyof CommitmentCertificate | "certificate";

/** Names the fields that make a certificate incomplete or invalid (empty list = fine). */
export function certificateProblems(cert: CommitmentCertificate | null | undefined, now: number): CertificateField[] {
  if (!cert) return ["certificate"];
  const parsed = certificateSchema.safeParse(cert);
  const problems = new Set<CertificateField>();
  if (!parsed.success) for (const issue of parsed.error.issues) problems.add((issue.path[0] as CertificateField | undefined) ?? "certificate");
  const c = cert.commitment;
  if (!c || !c.noBannedOrRestrictedInputs || !c.intervalsObserved || !c.residueStandardsMet) problems.add("commitment");
  if (typeof cert.issuedAt === "number" && cert.issuedAt > now + 5 * 60_000) problems.add("issuedAt");
  return [...problems];
}

/** Plain-language message for a finding. */
export function findingMessage(f: Finding, locale: TraceLocale): string {
  let key: TraceMessageKey;
  const params = { ...f.params };
  switch (f.code) {
    case "interval_violated":
      key = f.params.kind === "withdrawal" ? "trace.finding.withdrawal_violated" : "trace.finding.interval_violated";
      break;
    case "no_passing_inspection":
      key =
        f.params.reason === "failed"
          ? "trace.finding.failed_inspection"
          : f.params.reason === "inputs_after"
            ? "trace.finding.inputs_after_inspection"
            : "trace.finding.no_passing_inspection";
      break;
    case "missing_certificate": {
      const fields = String(f.params.missing ?? "certificate").split(",").filter(Boolean);
      const label = (l: TraceLocale) =>
        fields.map((x) => formatMessage(l, `trace.cert.${x}` as TraceMessageKey)).join(l === "zh" ? "、" : ", ");
      params.missingZh = label("zh");
      params.missingEn = label("en");
      key = "trace.finding.missing_certificate";
      break;
    }
    case "chain_broken":
      key = "trace.finding.chain_broken";
      params.reason = formatMessage(locale, `trace.verify.${String(f.params.reason ?? "signature")}` as TraceMessageKey, { seq: f.params.seq ?? "?" });
      break;
    default:
      key = `trace.finding.${f.code}`;
  }
  return formatMessage(locale, key, params);
}

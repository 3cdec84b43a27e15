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
import { cropDisplay, cropTerms, findCrop, HIGH_TOXICITY_FORBIDDEN_GROUPS, labelCropTerm } from "./crops";
import { inputContains, isHighToxicity, listedNames, type CategorySlugLike, type InputsCatalogue } from "./inputs";
import { registeredUseOf } from "./registered-use";
import { formatMessage, type TraceLocale, type TraceMessageKey } from "./messages";
import { certificateSchema, type CommitmentCertificate, type EventContent, type PayloadOf } from "./types";

export type FindingCode =
  | "banned_input"
  | "forbidden_on_crop"
  | "off_label"
  | "highly_toxic_on_crop"
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

  const names = listedNames(cat);
  const protectedGroup = HIGH_TOXICITY_FORBIDDEN_GROUPS.find((g) => terms.has(g)) ?? null;

  for (const app of applications) {
    const p = app.payload;
    const day = shanghaiDay(app.occurredAt);
    let banned = false;
    for (const b of cat.banned) {
      if (!inputContains(p, b, names)) continue;
      if (b.since && day < dayOfIsoDate(b.since)) continue;
      banned = true;
      findings.push({
        code: "banned_input",
        eventSeq: app.seq,
        params: { seq: app.seq, input: p.productName, substanceZh: b.nameZh, substanceEn: b.nameEn || b.nameZh },
      });
    }
    for (const r of cat.restricted) {
      if (!inputContains(p, r, names)) continue;
      if (r.since && day < dayOfIsoDate(r.since)) continue;
      const hit = r.allUses ? (r.exceptMethod === null ? true : p.method !== r.exceptMethod) : r.forbiddenOn.some((t) => terms.has(t));
      if (!hit) continue;
      findings.push({
        code: "forbidden_on_crop",
        eventSeq: app.seq,
        params: { seq: app.seq, input: p.productName, substanceZh: r.nameZh, substanceEn: r.nameEn || r.nameZh, cropZh, cropEn },
      });
    }
    // 剧毒/高毒 never on vegetables, fruit, tea, fungi, herbs or aquatic plants, listed or not, before any ban date.
    if (!banned && protectedGroup && p.inputKind !== "veterinary_drug") {
      const toxic = isHighToxicity(p.toxicityClass)
        ? { nameZh: p.productName, nameEn: p.productName }
        : cat.toxic.find((t) => isHighToxicity(t.toxicityClass) && inputContains(p, t, names));
      if (toxic) {
        const group = cropDisplay(protectedGroup);
        findings.push({
          code: "highly_toxic_on_crop",
          eventSeq: app.seq,
          params: {
            seq: app.seq,
            input: p.productName,
            substanceZh: toxic.nameZh,
            substanceEn: toxic.nameEn || toxic.nameZh,
            cropZh,
            cropEn,
            groupZh: group.zh,
            groupEn: group.en,
          },
        });
      }
    }
  }

  // Pesticides: the registered use (label crop, interval, maximum applications) of every application.
  const byIngredient = new Map<string, { days: number; declared: boolean; max: number | null; apps: Application[] }>();
  const bannedSeqs = new Set(findings.filter((f) => f.code === "banned_input").map((f) => f.eventSeq));
  for (const app of applications) {
    const p = app.payload;
    if (p.inputKind !== "pesticide") continue;
    const use = registeredUseOf(p, terms, cat);
    // A banned pesticide has no registered use at all; the ban says it more plainly.
    if (use.status !== "registered" && !bannedSeqs.has(app.seq)) {
      const label = use.declaredCrop ? cropDisplay(labelCropTerm(use.declaredCrop)) : null;
      findings.push({
        code: "off_label",
        eventSeq: app.seq,
        params: {
          seq: app.seq,
          input: p.productName,
          reason: use.status === "off_label" ? "not_on_label" : use.catalogueKnowsProduct ? "catalogue_other_crops" : "undeclared",
          cropZh,
          cropEn,
          labelCropZh: label?.zh ?? "",
          labelCropEn: label?.en ?? "",
        },
      });
    }
    if (use.intervalDays === null && use.maxApplications === null) continue;
    const g = byIngredient.get(use.ingredientKey) ?? { days: 0, declared: false, max: null, apps: [] };
    if (use.intervalDays !== null && use.intervalDays >= g.days) {
      g.declared = use.intervalDays > g.days ? use.intervalSource === "declared" : g.declared && use.intervalSource === "declared";
      g.days = use.intervalDays;
    }
    if (use.maxApplications !== null) g.max = g.max === null ? use.maxApplications : Math.min(g.max, use.maxApplications);
    g.apps.push(app);
    byIngredient.set(use.ingredientKey, g);
  }
  // Veterinary withdrawal periods, per drug; a drug prohibited for this product (产蛋期禁用) blocks outright.
  const byDrug = new Map<string, { days: number; apps: Application[] }>();
  for (const app of applications) {
    if (app.payload.inputKind !== "veterinary_drug") continue;
    let prohibited = false;
    for (const w of cat.withdrawals) {
      if (!w.appliesTo.some((t) => terms.has(t))) continue;
      if (!inputContains(app.payload, { nameZh: w.drugZh, nameEn: w.drugEn, cas: null })) continue;
      if (w.prohibited) {
        if (!prohibited) {
          findings.push({
            code: "forbidden_on_crop",
            eventSeq: app.seq,
            params: { seq: app.seq, input: app.payload.productName, substanceZh: w.drugZh, substanceEn: w.drugEn || w.drugZh, cropZh, cropEn },
          });
        }
        prohibited = true;
        continue;
      }
      if (w.withdrawalDays === null) continue; // degree-days: needs water temperatures, not modelled
      const g = byDrug.get(w.drugZh) ?? { days: 0, apps: [] };
      g.days = Math.max(g.days, w.withdrawalDays);
      if (!g.apps.includes(app)) g.apps.push(app);
      byDrug.set(w.drugZh, g);
    }
  }
  const intervalFinding = (kind: "pre_harvest" | "withdrawal", days: number, apps: Application[], declared = false) => {
    const last = apps.reduce((a, b) =>
      shanghaiDay(b.occurredAt) > shanghaiDay(a.occurredAt) || (shanghaiDay(b.occurredAt) === shanghaiDay(a.occurredAt) && b.seq > a.seq) ? b : a,
    );
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
        source: declared ? "declared" : "catalogue",
        appliedOn: isoDay(lastDay),
        earliestOn: isoDay(lastDay + days),
        harvestOn: isoDay(harvestDay),
      },
    });
  };
  for (const g of byIngredient.values()) {
    if (g.days > 0) intervalFinding("pre_harvest", g.days, g.apps, g.declared);
    if (g.max !== null && g.apps.length > g.max) {
      const last = g.apps[g.apps.length - 1];
      findings.push({
        code: "too_many_applications",
        eventSeq: last.seq,
        params: { seq: last.seq, input: last.payload.productName, count: g.apps.length, max: g.max },
      });
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
    const inspections = events.filter((e) => e.type === "inspection").sort((a, b) => a.occurredAt - b.occurredAt || a.seq - b.seq);
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
      key =
        f.params.kind === "withdrawal"
          ? "trace.finding.withdrawal_violated"
          : f.params.source === "declared"
            ? "trace.finding.interval_violated_declared"
            : "trace.finding.interval_violated";
      break;
    case "off_label":
      key =
        f.params.reason === "not_on_label"
          ? "trace.finding.off_label"
          : f.params.reason === "catalogue_other_crops"
            ? "trace.finding.off_label_catalogue"
            : "trace.finding.off_label_undeclared";
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
      const fields = String(f.params.missing ?? "certificate")
        .split(",")
        .filter(Boolean);
      const label = (l: TraceLocale) => fields.map((x) => formatMessage(l, `trace.cert.${x}` as TraceMessageKey)).join(l === "zh" ? "、" : ", ");
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

/**
 * The agricultural inputs catalogue (banned and restricted pesticides, toxicity classes,
 * pre-harvest intervals, veterinary withdrawal periods) parsed from the reference CSVs in
 * seeds/reference/agri-inputs/ (facts and sources: README.md, NOTES.md, SOURCES.md there; every
 * row keeps its source), plus pesticide and fertiliser registration-number validation.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { TOXICITY_CLASSES } from "./types";

/** Same values as CATEGORY_SLUGS in db/schema.ts. */
export type CategorySlugLike = "fruit" | "vegetables" | "grain" | "tea" | "livestock_poultry" | "aquatic" | "forest" | "agri_inputs";

/** A row's provenance, kept from the reference CSVs. */
export interface Sourced {
  source: string;
  sourceUrl: string;
}

export interface BannedPesticide extends Sourced {
  nameZh: string;
  nameEn: string;
  cas: string | null;
  /** YYYY-MM-DD, the day the ban started; null = banned for as long as this catalogue matters. */
  since: string | null;
  note: string;
}

/**
 * 农药毒性 classes. 剧毒 (extremely toxic) and 高毒 (highly toxic) pesticides may never be used on
 * vegetables, fruit, tea, edible fungi, Chinese herbs or aquatic plants (农药管理条例 第三十四条 第四款).
 */
export { TOXICITY_CLASSES };
export type ToxicityClass = (typeof TOXICITY_CLASSES)[number];
export const isHighToxicity = (c: ToxicityClass | null | undefined) => c === "extremely_toxic" || c === "highly_toxic";

export interface ToxicSubstance extends Sourced {
  nameZh: string;
  nameEn: string;
  cas: string | null;
  toxicityClass: ToxicityClass;
}

export interface RestrictedPesticide extends Sourced {
  nameZh: string;
  nameEn: string;
  cas: string | null;
  /** Crop or group terms (lower case, normalised by cropTerm) it must not be used on. */
  forbiddenOn: string[];
  /** Forbidden on every crop ("all uses", "all agricultural uses"), except by `exceptMethod` when set. */
  allUses: boolean;
  /** The one method still allowed when allUses (fipronil: seed coating; chloropicrin: soil fumigation). */
  exceptMethod: "seed_coating" | "fumigation" | null;
  /** YYYY-MM-DD the restriction started; null = long in force. */
  since: string | null;
  note: string;
}

/** A registered use: product × crop with the label's pre-harvest interval (安全间隔期) and maximum applications. */
export interface PreHarvestInterval {
  productZh: string;
  activeIngredient: string;
  /** Crop or group term (normalised: "tomato (greenhouse)" → "tomato", "leafy vegetables" → "leaf vegetables"). */
  crop: string;
  maxApplications: number | null;
  intervalDays: number;
  /** B: GB/T 8321 reprint; B-hist: superseded tea standard; C: unattributed list (fallback); label: an admin entry from a product label. */
  quality: string | null;
  source: string;
}

export interface WithdrawalPeriod extends Sourced {
  drugZh: string;
  drugEn: string;
  /** Species or products (lower case), e.g. ["cattle"], ["eggs"]. */
  appliesTo: string[];
  /** Days from the last dose; null when the row is a prohibition or in degree-days. */
  withdrawalDays: number | null;
  /** The drug must not be used at all for this product (e.g. 产蛋期禁用). */
  prohibited: boolean;
  /** Fish rows in degree-days (度日) instead of days. */
  degreeDays: number | null;
  note: string;
}

export interface InputsCatalogue {
  banned: BannedPesticide[];
  restricted: RestrictedPesticide[];
  toxic: ToxicSubstance[];
  intervals: PreHarvestInterval[];
  withdrawals: WithdrawalPeriod[];
}

// ─── CSV ─────────────────────────────────────────────────────────────────────

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (line ${line})`);
    this.name = "CsvError";
  }
}

/** RFC 4180 CSV (quoted fields, "" escapes, CRLF or LF) into rows keyed by header; every row must have the header's field count. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let field = "";
  let row: string[] = [];
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const lineOf = (pos: number) => text.slice(0, pos).split("\n").length;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') {
      if (field.length > 0) throw new CsvError("quote inside an unquoted field", lineOf(i));
      quoted = true;
    } else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (quoted) throw new CsvError("unterminated quoted field", lineOf(text.length));
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const nonEmpty = rows.filter((r) => !(r.length === 1 && r[0] === ""));
  const [header, ...body] = nonEmpty;
  if (!header) return [];
  return body.map((r, idx) => {
    if (r.length !== header.length) throw new CsvError(`expected ${header.length} fields, found ${r.length}`, idx + 2);
    return Object.fromEntries(header.map((h, j) => [h.trim(), r[j].trim()]));
  });
}

const orNull = (s: string | undefined) => (s === undefined || s === "" ? null : s);
function int(s: string, what: string): number {
  if (!/^\d+$/.test(s)) throw new Error(`${what}: expected a whole number, got "${s}"`);
  return Number(s);
}
function isoDate(s: string | undefined, what: string): string | null {
  if (s && !/^\d{4}-\d{2}-\d{2}$/.test(s)) throw new Error(`${what}: bad date ${s}`);
  return orNull(s);
}

/**
 * The reference lists name crops at different levels and with qualifiers; the crop taxonomy
 * (crops.ts) uses one term per crop or group. Qualifiers in brackets are dropped so that a
 * greenhouse-tomato or late-rice interval applies to every tomato or rice lot (applying a longer
 * interval is safe; silently skipping one is not).
 */
export function cropTerm(raw: string): string {
  const t = raw
    .trim()
    .toLowerCase()
    .replace(/\s*\(.*\)\s*$/, "");
  const alias: Record<string, string> = {
    "leafy vegetables": "leaf vegetables",
    "melons and fruit": "fruit",
    "broiler chickens": "chickens",
    "food animals": "meat animals",
    "edible fungi": "edible fungi",
  };
  return alias[t] ?? t;
}

const terms = (s: string) =>
  s
    .split(";")
    .map((x) => cropTerm(x))
    .filter(Boolean);

/** `forbidden_on` of restricted-pesticides.csv: crop terms, or "all uses …" with the one exception the list names. */
export function parseForbiddenOn(raw: string): Pick<RestrictedPesticide, "forbiddenOn" | "allUses" | "exceptMethod"> {
  const t = raw.trim().toLowerCase();
  if (!/^all (crops|uses|agricultural uses)\b/.test(t)) return { forbiddenOn: terms(raw), allUses: false, exceptMethod: null };
  const except = /except\b(.*)$/.exec(t)?.[1] ?? "";
  const exceptMethod = /seed coating/.test(except) ? "seed_coating" : /soil fumigation/.test(except) ? "fumigation" : null;
  return { forbiddenOn: [], allUses: true, exceptMethod };
}

export interface InputsCsvTexts {
  banned: string;
  restricted: string;
  intervals: string;
  withdrawals: string;
  /** toxicity.csv; optional so that older folders without it still load. */
  toxicity?: string;
}

export function parseInputsCatalogue(texts: InputsCsvTexts): InputsCatalogue {
  const src = (r: Record<string, string>) => ({ source: r.source ?? "", sourceUrl: r.source_url ?? "" });
  const banned = parseCsv(texts.banned).map((r) => {
    if (r.status !== "banned") throw new Error(`banned-pesticides: unexpected status "${r.status}" for ${r.name_zh}`);
    return { nameZh: r.name_zh, nameEn: r.name_en, cas: orNull(r.cas), since: isoDate(r.since, "banned-pesticides"), note: r.note, ...src(r) };
  });
  const restricted = parseCsv(texts.restricted).map((r) => ({
    nameZh: r.name_zh,
    nameEn: r.name_en,
    cas: orNull(r.cas),
    ...parseForbiddenOn(r.forbidden_on),
    since: isoDate(r.since, "restricted-pesticides"),
    note: r.note,
    ...src(r),
  }));
  const toxic = texts.toxicity
    ? parseCsv(texts.toxicity).map((r) => {
        if (!(TOXICITY_CLASSES as readonly string[]).includes(r.toxicity_class)) throw new Error(`toxicity: unknown class "${r.toxicity_class}"`);
        return { nameZh: r.name_zh, nameEn: r.name_en, cas: orNull(r.cas), toxicityClass: r.toxicity_class as ToxicityClass, ...src(r) };
      })
    : [];
  const intervals = parseCsv(texts.intervals).map((r) => ({
    productZh: r.product_zh,
    activeIngredient: r.active_ingredient.toLowerCase(),
    crop: cropTerm(r.crop),
    maxApplications: r.max_applications === "" ? null : int(r.max_applications, "max_applications"),
    intervalDays: int(r.interval_days, "interval_days"),
    quality: orNull(r.quality),
    source: r.source ?? "",
  }));
  const withdrawals = parseCsv(texts.withdrawals).map((r) => {
    const degree = /(\d+)\s*degree-days/.exec(r.note);
    const prohibited = r.withdrawal_days === "" && /prohibited/i.test(r.note);
    if (r.withdrawal_days === "" && !prohibited && !degree) throw new Error(`withdrawal-periods: ${r.drug_zh} has neither days, a prohibition nor degree-days`);
    return {
      drugZh: r.drug_zh,
      drugEn: r.drug_en,
      appliesTo: terms(r.species_or_product),
      withdrawalDays: r.withdrawal_days === "" ? null : int(r.withdrawal_days, "withdrawal_days"),
      prohibited,
      degreeDays: degree ? Number(degree[1]) : null,
      note: r.note,
      ...src(r),
    };
  });
  return { banned, restricted, toxic, intervals, withdrawals };
}

export const DEFAULT_INPUTS_DIR = "seeds/reference/agri-inputs";

/** Reads the CSVs from `dir` (default: seeds/reference/agri-inputs under the working directory). */
export function loadInputsCatalogue(dir = path.resolve(process.cwd(), DEFAULT_INPUTS_DIR)): InputsCatalogue {
  const read = (f: string) => readFileSync(path.join(dir, f), "utf8");
  let toxicity: string | undefined;
  try {
    toxicity = read("toxicity.csv");
  } catch {
    toxicity = undefined;
  }
  return parseInputsCatalogue({
    banned: read("banned-pesticides.csv"),
    restricted: read("restricted-pesticides.csv"),
    intervals: read("pre-harvest-intervals.csv"),
    withdrawals: read("withdrawal-periods.csv"),
    toxicity,
  });
}

// ─── matching inputs ─────────────────────────────────────────────────────────

/** Full-width ASCII to half-width, trimmed, lower case: how users type in Chinese IMEs. */
export function normaliseInputName(s: string): string {
  return s
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, " ")
    .trim()
    .toLowerCase();
}

export interface DeclaredInput {
  productName: string;
  activeIngredient?: string;
}

/**
 * Does a declared input contain the listed substance? Exact match of the declared active
 * ingredient against the Chinese name, English name or CAS number; or the Chinese name
 * appearing inside the product name ("40%甲拌磷颗粒剂" contains 甲拌磷).
 */
export function inputContains(
  input: DeclaredInput,
  item: { nameZh: string; nameEn: string; cas: string | null },
  /** Other listed names; one that contains this name (氧乐果 ⊃ 乐果) is cut out of the product name first. */
  otherNames: readonly string[] = [],
): boolean {
  const ai = input.activeIngredient ? normaliseInputName(input.activeIngredient) : null;
  const zh = normaliseInputName(item.nameZh);
  if (ai && (ai === zh || (item.nameEn && ai === normaliseInputName(item.nameEn)) || (item.cas && ai === item.cas))) return true;
  let product = normaliseInputName(input.productName);
  for (const other of otherNames) {
    const o = normaliseInputName(other);
    if (o !== zh && o.includes(zh)) product = product.split(o).join("|");
  }
  return zh.length >= 2 && product.includes(zh);
}

/** Every substance name of the catalogue's lists, for inputContains' `otherNames`. */
export function listedNames(cat: Pick<InputsCatalogue, "banned" | "restricted" | "toxic">): string[] {
  return [...new Set([...cat.banned, ...cat.restricted, ...cat.toxic].map((x) => x.nameZh))];
}

// ─── registration numbers ────────────────────────────────────────────────────

export type RegistrationKind = "current" | "temporary" | "repackaging" | "legacy";
export type RegistrationCheck =
  | { ok: true; normalised: string; kind: RegistrationKind; base?: string }
  | { ok: false; normalised: string; reason: "empty" | "format" | "temporary_expired"; kind?: RegistrationKind };

/** Temporary registrations (LS/WL) ended in June 2017. */
export const TEMPORARY_REGISTRATION_END = Date.UTC(2017, 5, 30, 16); // 2017-07-01 00:00 Asia/Shanghai

const CURRENT = /^(PD|WP)\d{8}$/;
const TEMPORARY = /^(LS|WL)\d{8}$/;
const LEGACY = /^PDN?\d{1,4}-\d{2}$/; // PD1-85, PDN2-88

function baseKind(no: string): RegistrationKind | null {
  if (CURRENT.test(no)) return "current";
  if (TEMPORARY.test(no)) return "temporary";
  if (LEGACY.test(no)) return "legacy";
  return null;
}

/**
 * Pesticide registration number (农药登记证号): PD/WP + 8 digits (e.g. PD20080005); LS/WL + 8 digits
 * were temporary registrations, invalid for use after June 2017 (pass `at` to check a use date);
 * repackaging (分装) numbers are a registration number followed by F and digits; legacy forms
 * PD1-85 and PDN2-88. Spaces, hyphens around F and full-width characters are tolerated.
 */
export function validateRegistrationNo(input: string, opts: { at?: number } = {}): RegistrationCheck {
  const normalised = normaliseInputName(input).toUpperCase().replace(/\s+/g, "");
  if (normalised === "") return { ok: false, normalised, reason: "empty" };
  const direct = baseKind(normalised);
  let kind: RegistrationKind | null = direct;
  let base: string | undefined;
  if (!kind) {
    const m = /^(.+?)-?F\d{1,10}$/.exec(normalised);
    if (m && baseKind(m[1])) {
      kind = "repackaging";
      base = m[1];
    }
  }
  if (!kind) return { ok: false, normalised, reason: "format" };
  const temporary = kind === "temporary" || (base !== undefined && baseKind(base) === "temporary");
  if (temporary && opts.at !== undefined && opts.at >= TEMPORARY_REGISTRATION_END) {
    return { ok: false, normalised, reason: "temporary_expired", kind };
  }
  return base ? { ok: true, normalised, kind, base } : { ok: true, normalised, kind };
}

// ─── fertiliser registration numbers ─────────────────────────────────────────

export type FertilizerRegistrationCheck =
  | { ok: true; normalised: string; kind: "fertilizer" | "microbial"; tier: "formal" | "temporary"; year: number }
  | { ok: false; normalised: string; reason: "empty" | "format" };

// Province prefix (鲁, 冀 …) for provincial registrations; then the year in brackets, 准字 (formal) or
// 临字 (temporary) and the serial; microbial fertilisers put the serial in brackets too.
const FERTILIZER = /^([\u4e00-\u9fa5])?农肥\((\d{4})\)(准|临)字(\d{1,6})号?$/;
const MICROBIAL = /^微生物肥\((\d{4})\)(准|临)字\((\d{1,6})\)号?$/;

/**
 * Fertiliser registration number (肥料登记证号): 农肥(2019)准字1234号, 农肥(2018)临字5678号, with an
 * optional province prefix (鲁农肥(2019)准字0001号), or 微生物肥(2020)准字(1234)号. Full-width
 * brackets and spaces are tolerated and normalised to the half-width form.
 */
export function validateFertilizerRegistrationNo(input: string): FertilizerRegistrationCheck {
  const normalised = normaliseInputName(input).replace(/[（]/g, "(").replace(/[）]/g, ")").replace(/\s+/g, "");
  if (normalised === "") return { ok: false, normalised, reason: "empty" };
  const f = FERTILIZER.exec(normalised);
  if (f) return { ok: true, normalised, kind: "fertilizer", tier: f[3] === "准" ? "formal" : "temporary", year: Number(f[2]) };
  const m = MICROBIAL.exec(normalised);
  if (m) return { ok: true, normalised, kind: "microbial", tier: m[2] === "准" ? "formal" : "temporary", year: Number(m[1]) };
  return { ok: false, normalised, reason: "format" };
}

// ─── veterinary drug approval numbers (issue 12 §4) ──────────────────────────

export type VetDrugApprovalCheck =
  | { ok: true; normalised: string; year: number; category: "chemical" | "biological" | "additive" }
  | { ok: false; normalised: string; reason: "empty" | "format" };

// 兽药产品批准文号 (兽药产品批准文号管理办法, 农业部令2015年第4号): 类别简称 兽药字 / 兽药生字 (biologics) /
// 兽药添字 (premixes), the year in brackets, then 9 digits (province 2 + enterprise 3 + product 4).
const VET_DRUG = /^兽药(生|添)?字\((\d{4})\)(\d{9})$/;

/** Veterinary drug approval number, e.g. 兽药字(2019)150681234; full-width brackets and spaces are tolerated. */
export function validateVetDrugApprovalNo(input: string): VetDrugApprovalCheck {
  const normalised = normaliseInputName(input).replace(/[（]/g, "(").replace(/[）]/g, ")").replace(/\s+/g, "");
  if (normalised === "") return { ok: false, normalised, reason: "empty" };
  const m = VET_DRUG.exec(normalised);
  if (!m) return { ok: false, normalised, reason: "format" };
  return { ok: true, normalised, year: Number(m[2]), category: m[1] === "生" ? "biological" : m[1] === "添" ? "additive" : "chemical" };
}

/** Which national number format a kind's registration number follows (null: none, e.g. seeds and feed). */
export type RegistrationFamily = "pesticide" | "fertilizer" | "veterinary_drug";

/**
 * A catalogue product's registration number in its canonical form, or why it is malformed — the
 * one rule shared by the catalogue (add, edit) and the listing check: 农药登记证号 for pesticides,
 * 肥料登记证号 for fertilisers, 兽药产品批准文号 for veterinary drugs; other kinds have no national
 * format here and are compared without spaces. Whether a number is required is the caller's rule.
 */
export function normaliseRegistrationNoFor(
  kind: string,
  typed: string,
  at: number,
): { ok: true; value: string } | { ok: false; family: RegistrationFamily; reason: "empty" | "format" | "temporary_expired" } {
  if (kind === "pesticide") {
    const c = validateRegistrationNo(typed, { at });
    return c.ok ? { ok: true, value: c.normalised } : { ok: false, family: kind, reason: c.reason };
  }
  if (kind === "fertilizer") {
    const c = validateFertilizerRegistrationNo(typed);
    return c.ok ? { ok: true, value: c.normalised } : { ok: false, family: kind, reason: c.reason };
  }
  if (kind === "veterinary_drug") {
    const c = validateVetDrugApprovalNo(typed);
    return c.ok ? { ok: true, value: c.normalised } : { ok: false, family: kind, reason: c.reason };
  }
  return { ok: true, value: typed.trim().replace(/\s+/g, "") };
}

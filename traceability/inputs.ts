/**
 * The agricultural inputs catalogue (banned and restricted pesticides, pre-harvest intervals,
 * veterinary withdrawal periods) parsed from the reference CSVs in seeds/reference/agri-inputs/
 * (facts and sources: SOURCES.md there), plus pesticide registration-number validation.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

/** Same values as CATEGORY_SLUGS in db/schema.ts. */
export type CategorySlugLike = "fruit" | "vegetables" | "grain" | "tea" | "livestock_poultry" | "aquatic" | "forest" | "agri_inputs";

export interface BannedPesticide {
  nameZh: string;
  nameEn: string;
  cas: string | null;
  /** YYYY-MM-DD, the day the ban started; null = banned for as long as this catalogue matters. */
  since: string | null;
  note: string;
}

export interface RestrictedPesticide {
  nameZh: string;
  nameEn: string;
  cas: string | null;
  /** Crop or group terms (lower case) it must not be used on. */
  forbiddenOn: string[];
  /** "all crops except as seed coating" (fipronil). */
  allCropsExceptSeedCoating: boolean;
  note: string;
}

export interface PreHarvestInterval {
  productZh: string;
  activeIngredient: string;
  crop: string;
  maxApplications: number | null;
  intervalDays: number;
}

export interface WithdrawalPeriod {
  drugZh: string;
  drugEn: string;
  /** Species or products (lower case), e.g. ["cattle","sheep","pigs"], ["eggs"]. */
  appliesTo: string[];
  withdrawalDays: number;
  note: string;
}

export interface InputsCatalogue {
  banned: BannedPesticide[];
  restricted: RestrictedPesticide[];
  intervals: PreHarvestInterval[];
  withdrawals: WithdrawalPeriod[];
}

// ─── CSV ─────────────────────────────────────────────────────────────────────

export class CsvError extends Error {
  constructor(message: string, readonly line: number) {
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

const list = (s: string) =>
  s
    .split(";")
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);
const orNull = (s: string) => (s === "" ? null : s);
function int(s: string, what: string): number {
  if (!/^\d+$/.test(s)) throw new Error(`${what}: expected a whole number, got "${s}"`);
  return Number(s);
}

export interface InputsCsvTexts {
  banned: string;
  restricted: string;
  intervals: string;
  withdrawals: string;
}

export function parseInputsCatalogue(texts: InputsCsvTexts): InputsCatalogue {
  const banned = parseCsv(texts.banned).map((r) => {
    if (r.status !== "banned") throw new Error(`banned-pesticides: unexpected status "${r.status}" for ${r.name_zh}`);
    if (r.since && !/^\d{4}-\d{2}-\d{2}$/.test(r.since)) throw new Error(`banned-pesticides: bad date ${r.since}`);
    return { nameZh: r.name_zh, nameEn: r.name_en, cas: orNull(r.cas), since: orNull(r.since), note: r.note };
  });
  const restricted = parseCsv(texts.restricted).map((r) => {
    const allCropsExceptSeedCoating = /^all crops except as seed coating$/i.test(r.forbidden_on);
    return {
      nameZh: r.name_zh,
      nameEn: r.name_en,
      cas: orNull(r.cas),
      forbiddenOn: allCropsExceptSeedCoating ? [] : list(r.forbidden_on),
      allCropsExceptSeedCoating,
      note: r.note,
    };
  });
  const intervals = parseCsv(texts.intervals).map((r) => ({
    productZh: r.product_zh,
    activeIngredient: r.active_ingredient.toLowerCase(),
    crop: r.crop.toLowerCase(),
    maxApplications: r.max_applications === "" ? null : int(r.max_applications, "max_applications"),
    intervalDays: int(r.interval_days, "interval_days"),
  }));
  const withdrawals = parseCsv(texts.withdrawals).map((r) => ({
    drugZh: r.drug_zh,
    drugEn: r.drug_en,
    appliesTo: list(r.species_or_product),
    withdrawalDays: int(r.withdrawal_days, "withdrawal_days"),
    note: r.note,
  }));
  return { banned, restricted, intervals, withdrawals };
}

export const DEFAULT_INPUTS_DIR = "seeds/reference/agri-inputs";

/** Reads the four CSVs from `dir` (default: seeds/reference/agri-inputs under the working directory). */
export function loadInputsCatalogue(dir = path.resolve(process.cwd(), DEFAULT_INPUTS_DIR)): InputsCatalogue {
  const read = (f: string) => readFileSync(path.join(dir, f), "utf8");
  return parseInputsCatalogue({
    banned: read("banned-pesticides.csv"),
    restricted: read("restricted-pesticides.csv"),
    intervals: read("pre-harvest-intervals.csv"),
    withdrawals: read("withdrawal-periods.csv"),
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
export function inputContains(input: DeclaredInput, item: { nameZh: string; nameEn: string; cas: string | null }): boolean {
  const ai = input.activeIngredient ? normaliseInputName(input.activeIngredient) : null;
  const zh = normaliseInputName(item.nameZh);
  if (ai && (ai === zh || (item.nameEn && ai === normaliseInputName(item.nameEn)) || (item.cas && ai === item.cas))) return true;
  const product = normaliseInputName(input.productName);
  return zh.length >= 2 && product.includes(zh);
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

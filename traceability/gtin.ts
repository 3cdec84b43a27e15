/**
 * GS1 identifiers for lots: GTIN check digits, GTIN-14 assignment, AI (10) batch/lot
 * validation and GS1 Digital Link URIs (https://<host>/01/<gtin14>/10/<lot>).
 */

/** GS1 mod-10 check digit of a digit string (the code without its check digit): weights 3,1,3,… from the right. */
export function gs1CheckDigit(digits: string): number {
  if (!/^\d+$/.test(digits)) throw new Error("GS1 check digit needs digits only");
  let sum = 0;
  for (let i = digits.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (digits.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10;
}

export function hasValidCheckDigit(code: string): boolean {
  return /^\d{2,}$/.test(code) && gs1CheckDigit(code.slice(0, -1)) === Number(code[code.length - 1]);
}

export type GtinResult =
  { ok: true; gtin14: string; kind: "GTIN-8" | "GTIN-12" | "GTIN-13" | "GTIN-14" } | { ok: false; reason: "not_digits" | "length" | "check_digit" };

/**
 * Validates a GTIN-8/12/13/14 (spaces and hyphens ignored) and returns it as GTIN-14
 * (left-padded with zeros, which keeps the check digit valid because padding zeros weigh nothing).
 */
export function validateGtin14(input: string): GtinResult {
  const code = input.replace(/[\s-]/g, "");
  if (!/^\d+$/.test(code)) return { ok: false, reason: "not_digits" };
  const kinds = { 8: "GTIN-8", 12: "GTIN-12", 13: "GTIN-13", 14: "GTIN-14" } as const;
  const kind = kinds[code.length as keyof typeof kinds];
  if (!kind) return { ok: false, reason: "length" };
  if (!hasValidCheckDigit(code)) return { ok: false, reason: "check_digit" };
  return { ok: true, gtin14: code.padStart(14, "0"), kind };
}

/**
 * GTIN-14 = indicator digit + GS1 Company Prefix + item reference (together 12 digits) + check digit.
 * Indicator 0 is the base (consumer) unit, 1–8 packaging levels, 9 variable-measure items.
 */
export function assignGtin(companyPrefix: string, itemReference: string | number, indicator = 0): string {
  if (!/^\d{6,12}$/.test(companyPrefix)) throw new Error("GS1 Company Prefix must be 6–12 digits");
  if (!Number.isInteger(indicator) || indicator < 0 || indicator > 9) throw new Error("indicator digit must be 0–9");
  const refLength = 12 - companyPrefix.length;
  const ref = String(itemReference);
  if (!/^\d+$/.test(ref)) throw new Error("item reference must be digits");
  if (ref.length > refLength) throw new Error(`item reference must fit in ${refLength} digits for this company prefix`);
  const body = `${indicator}${companyPrefix}${ref.padStart(refLength, "0")}`;
  return body + gs1CheckDigit(body);
}

/** GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1). */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;

export type LotResult = { ok: true; lot: string } | { ok: false; reason: "empty" | "too_long" | "charset" };

/** AI (10) batch/lot: 1–20 characters of character set 82 (no spaces, no Chinese characters). */
export function validateLot(lot: string): LotResult {
  if (lot.length === 0) return { ok: false, reason: "empty" };
  if (lot.length > 20) return { ok: false, reason: "too_long" };
  if (!CSET82.test(lot)) return { ok: false, reason: "charset" };
  return { ok: true, lot };
}

/** Percent-encodes everything but RFC 3986 unreserved characters (as GS1 Digital Link requires for path values). */
export function encodeDigitalLinkValue(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export function digitalLinkUrl(host: string, gtin14: string, lot: string): string {
  if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(host)) throw new Error("host must be a bare host name (and port)");
  const g = validateGtin14(gtin14);
  if (!g.ok || g.kind !== "GTIN-14") throw new Error("digitalLinkUrl needs a valid 14-digit GTIN");
  const l = validateLot(lot);
  if (!l.ok) throw new Error(`invalid lot: ${l.reason}`);
  return `https://${host}/01/${g.gtin14}/10/${encodeDigitalLinkValue(lot)}`;
}

/** The canonical GS1 Digital Link of a lot, used as the EPCIS class identifier. */
export function canonicalLotUri(gtin14: string, lot: string): string {
  return digitalLinkUrl("id.gs1.org", gtin14, lot);
}

export type ParsedDigitalLink = { gtin14: string; lot: string | null };

/**
 * Parses the path of a GS1 Digital Link: "/01/<gtin>[/10/<lot>]", optionally after a path
 * prefix ("/dl/01/…") and with a query string. GTIN-8/12/13 in the URI are normalised to 14
 * digits. Returns null if it is not a valid lot-level or item-level link.
 */
export function parseDigitalLinkPath(path: string): ParsedDigitalLink | null {
  const clean = path.split(/[?#]/, 1)[0];
  const m = /(?:^|\/)01\/(\d{8}|\d{12,14})(?:\/10\/([^/]+))?\/?$/.exec(clean);
  if (!m) return null;
  const g = validateGtin14(m[1]);
  if (!g.ok) return null;
  if (m[2] === undefined) return { gtin14: g.gtin14, lot: null };
  let lot: string;
  try {
    lot = decodeURIComponent(m[2]);
  } catch {
    return null;
  }
  return validateLot(lot).ok ? { gtin14: g.gtin14, lot } : null;
}

/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015.
 *
 * 18 characters from a 31-character alphabet (digits and capitals without I, O, Z, S, V):
 *   1     registration authority      2     institution category
 *   3–8   administrative division     9–17  organisation code (GB 11714)
 *   18    check character: 31 − (Σ valueᵢ·weightᵢ mod 31), with 31 written as 0.
 *
 * A wrong format is rejected; a failed check character is not, since a few real
 * codes fail it: such a producer goes to manual review by a platform admin.
 */
export const CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const FORMAT = /^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

export type CreditCodeResult =
  { ok: true; code: string; checkPasses: boolean; expectedCheck: string } | { ok: false; reason: "length" | "characters" | "division" };

/** Upper-cases, drops spaces and dashes people type, and converts full-width characters. */
export function normaliseCreditCode(input: string): string {
  return input.normalize("NFKC").replace(/[\s-]/g, "").toUpperCase();
}

export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(first17[i]);
    if (v < 0) throw new Error(`invalid credit code character ${first17[i]}`);
    sum += v * WEIGHTS[i];
  }
  const c = 31 - (sum % 31);
  return CREDIT_CODE_ALPHABET[c === 31 ? 0 : c];
}

export function checkCreditCode(input: string): CreditCodeResult {
  const code = normaliseCreditCode(input);
  if (code.length !== 18) return { ok: false, reason: "length" };
  if (!FORMAT.test(code)) {
    return /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)
      ? { ok: false, reason: "division" } // right alphabet, but positions 3–8 are not a 6-digit division code
      : { ok: false, reason: "characters" };
  }
  const expectedCheck = creditCodeCheckCharacter(code.slice(0, 17));
  return { ok: true, code, checkPasses: expectedCheck === code[17], expectedCheck };
}

/** Builds a code with a correct check character (seeds, factories). */
export function makeCreditCode(first17: string): string {
  return first17 + creditCodeCheckCharacter(first17);
}

/**
 * A producer is verified (badge on the storefront and trace page, Stripe payouts) when its credit
 * code passed the GB 32100-2015 check or a platform admin approved it after review.
 */
export const VERIFIED_CREDIT_CODE_STATUSES = ["valid", "approved"] as const;

export function isVerifiedProducer(creditCodeStatus: string): boolean {
  return (VERIFIED_CREDIT_CODE_STATUSES as readonly string[]).includes(creditCodeStatus);
}

/** The same rule as an SQL condition on producers.credit_code_status (for queries that select it). */
export const VERIFIED_PRODUCER_SQL = `credit_code_status in (${VERIFIED_CREDIT_CODE_STATUSES.map((s) => `'${s}'`).join(", ")})`;

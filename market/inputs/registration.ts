/**
 * The registration-number check an input listing passes (issue 12 §4): the number the seller types
 * must be well-formed for the input's kind and name the catalogue entry the listing is tied to; a
 * banned or retired entry cannot be listed at all. Pure: the caller reads the catalogue entry.
 */
import type { AgriInputKind } from "../../db/schema";
import { validateFertilizerRegistrationNo, validateRegistrationNo, validateVetDrugApprovalNo } from "../../traceability/inputs";

export type CatalogueEntryForListing = {
  kind: AgriInputKind;
  registrationNo: string | null;
  banned: boolean;
  retiredAt: number | null;
};

/** Message keys (app/i18n/messages/inputs-market.ts). */
export type ListingRegistrationProblem =
  | "inputsMarket.regno.pesticideFormat"
  | "inputsMarket.regno.fertilizerFormat"
  | "inputsMarket.regno.vetFormat"
  | "inputsMarket.regno.required"
  | "inputsMarket.regno.mismatch"
  | "inputsMarket.regno.banned"
  | "inputsMarket.regno.retired";

export type ListingRegistrationCheck = { ok: true; registrationNo: string | null } | { ok: false; problem: ListingRegistrationProblem };

/** The number in its canonical form for the kind, or the format problem. Seeds and feed have no national number format here: compared as typed. */
export function normaliseForKind(
  kind: AgriInputKind,
  typed: string,
  at: number,
): { ok: true; value: string } | { ok: false; problem: ListingRegistrationProblem } {
  if (kind === "pesticide") {
    const c = validateRegistrationNo(typed, { at });
    return c.ok ? { ok: true, value: c.normalised } : { ok: false, problem: "inputsMarket.regno.pesticideFormat" };
  }
  if (kind === "fertilizer") {
    const c = validateFertilizerRegistrationNo(typed);
    return c.ok ? { ok: true, value: c.normalised } : { ok: false, problem: "inputsMarket.regno.fertilizerFormat" };
  }
  if (kind === "veterinary_drug") {
    const c = validateVetDrugApprovalNo(typed);
    return c.ok ? { ok: true, value: c.normalised } : { ok: false, problem: "inputsMarket.regno.vetFormat" };
  }
  return { ok: true, value: typed.trim().replace(/\s+/g, "") };
}

/**
 * Checks what a seller typed against the catalogue entry. Order matters for the message: a banned
 * or retired product is refused whatever number is typed; then the format; then the match.
 * Pesticides and veterinary drugs always need a number (农药登记证 / 兽药产品批准文号); a fertiliser or seed
 * whose catalogue entry has none (exempt from registration, e.g. 尿素) is listed without one.
 */
export function checkListingRegistration(entry: CatalogueEntryForListing, typed: string | null | undefined, at: number = Date.now()): ListingRegistrationCheck {
  if (entry.banned) return { ok: false, problem: "inputsMarket.regno.banned" };
  if (entry.retiredAt !== null) return { ok: false, problem: "inputsMarket.regno.retired" };
  const raw = (typed ?? "").trim();
  const needsNumber = entry.kind === "pesticide" || entry.kind === "veterinary_drug" || entry.registrationNo !== null;
  if (raw === "") return needsNumber ? { ok: false, problem: "inputsMarket.regno.required" } : { ok: true, registrationNo: null };
  const n = normaliseForKind(entry.kind, raw, at);
  if (!n.ok) return n;
  if (entry.registrationNo === null) return { ok: false, problem: "inputsMarket.regno.mismatch" };
  const catalogue = normaliseForKind(entry.kind, entry.registrationNo, at);
  const expected = catalogue.ok ? catalogue.value : entry.registrationNo;
  if (n.value !== expected) return { ok: false, problem: "inputsMarket.regno.mismatch" };
  return { ok: true, registrationNo: expected };
}

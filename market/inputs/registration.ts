/**
 * The registration-number check an input listing passes (issue 12 §4): the number the seller types
 * must be well-formed for the input's kind and name the catalogue entry the listing is tied to; a
 * banned or retired entry cannot be listed at all. Pure: the caller reads the catalogue entry.
 */
import type { AgriInputKind } from "../../db/schema";
import { normaliseRegistrationNoFor, type RegistrationFamily } from "../../traceability/inputs";

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

const FORMAT_PROBLEM: Record<RegistrationFamily, ListingRegistrationProblem> = {
  pesticide: "inputsMarket.regno.pesticideFormat",
  fertilizer: "inputsMarket.regno.fertilizerFormat",
  veterinary_drug: "inputsMarket.regno.vetFormat",
};

/** The number in its canonical form for the kind (the catalogue's own rule), or the format problem. */
export function normaliseForKind(
  kind: AgriInputKind,
  typed: string,
  at: number,
): { ok: true; value: string } | { ok: false; problem: ListingRegistrationProblem } {
  const n = normaliseRegistrationNoFor(kind, typed, at);
  return n.ok ? n : { ok: false, problem: FORMAT_PROBLEM[n.family] };
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

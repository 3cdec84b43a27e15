/**
 * The traceability store: wires the pure chain library (chain.ts, verify.ts, compliance.ts,
 * epcis.ts) to SQLite (db/schema.ts: agri_inputs, input_intervals, banned_substances,
 * restricted_substances, plots, plantings, batches, trace_keys, trace_events).
 * Plain module, no Remix: every function takes the Db and, where someone acts, the acting user.
 *
 * CONTRACT (used by routes, seeds, tests, benchmarks and the recall/trace-page modules).
 */
import type { Db } from "../db/client";
import type { Actor as AppActor } from "../app/auth/permissions";
import type { AgriInputKind } from "../db/schema";
import type { EventContent, PayloadOf, StoredEventRecord, TraceEventType } from "./types";
import type { Signer, TrustedKey } from "./chain";
import type { VerifyResult } from "./verify";
import type { Finding } from "./compliance";
import type { InputsCatalogue } from "./inputs";

export type { AppActor };

/** Thrown for a rule of the domain; `messageKey` is an i18n key (trace.* in app/i18n/messages/trace.ts). */
export class TraceRuleError extends Error {
  constructor(
    public messageKey: string,
    public params: Record<string, string | number> = {},
  ) {
    super(messageKey);
  }
}

/** A lot's compliance gate refused an action; the findings say which events block it and why. */
export class ComplianceBlockedError extends Error {
  constructor(public blockers: LotBlockers[]) {
    super("compliance gate");
  }
}

export type LotBlockers = { batchId: number; lotCode: string; findings: Finding[] };

// ─── keys ────────────────────────────────────────────────────────────────────
/** The producer's active signing key, created on first use (private key encrypted at rest). */
export declare function producerSigner(db: Db, producerId: number): Signer;
/** The platform's signing key (arrival, pickup, recall events). */
export declare function platformSigner(db: Db): Signer;
/** Every public key that may appear in this lot's chain (producer's and platform's), by key id. */
export declare function trustedKeysForBatch(db: Db, batchId: number): Map<string, TrustedKey>;

// ─── inputs catalogue ────────────────────────────────────────────────────────
/** Loads seeds/reference/agri-inputs into the catalogue tables; idempotent. */
export declare function seedInputsCatalogue(db: Db): { inputs: number; intervals: number; banned: number; restricted: number };
/** The catalogue as the compliance checker wants it (cached until the catalogue changes). */
export declare function loadCatalogue(db: Db): InputsCatalogue;
export type AgriInputInput = {
  kind: AgriInputKind;
  nameZh: string;
  nameEn?: string;
  registrationNo?: string | null;
  activeIngredient?: string | null;
  maker?: string | null;
  intervals?: { target: string; intervalDays: number; maxApplications?: number | null }[];
};
/** Platform admins (and inspectors) add catalogue entries; registration numbers are validated. */
export declare function addAgriInput(db: Db, actor: AppActor, input: AgriInputInput): number;
export declare function listAgriInputs(
  db: Db,
  filter?: { kind?: AgriInputKind; q?: string },
): { id: number; kind: AgriInputKind; nameZh: string; nameEn: string; registrationNo: string | null; activeIngredient: string | null; maker: string | null; banned: boolean; intervals: { target: string; intervalDays: number; maxApplications: number | null }[] }[];

// ─── plots, plantings, batches ───────────────────────────────────────────────
export declare function createPlot(
  db: Db,
  actor: AppActor,
  input: { producerId: number; name: string; areaMu?: number | null; lat?: number | null; lng?: number | null; villageId?: number | null },
): number;
export declare function listPlots(db: Db, actor: AppActor, producerId: number): { id: number; name: string; areaMu: number | null; lat: number | null; lng: number | null }[];
/**
 * Starts a lot: a batch of a product from a plot, with its GTIN (the producer's own, validated, or
 * assigned from PLATFORM_GS1_PREFIX) and lot code (generated when omitted). Appends the planting event.
 */
export declare function createBatch(
  db: Db,
  actor: AppActor,
  input: {
    producerId: number;
    productId: number;
    plotId?: number | null;
    crop: string;
    variety?: string | null;
    plantedAt: number;
    lotCode?: string | null;
    gtin?: string | null;
  },
): { id: number; gtin: string; lotCode: string };
export declare function linkListingBatch(db: Db, actor: AppActor, listingId: number, batchId: number): void;

// ─── events ──────────────────────────────────────────────────────────────────
export type ProducerEventType = Exclude<TraceEventType, "arrival" | "pickup" | "recall">;
export type NewProducerEvent = {
  [T in ProducerEventType]: { type: T; occurredAt: number; payload: PayloadOf<T>; correctsSeq?: number };
}[ProducerEventType];

/**
 * A member of the batch's producer records an event, signed with the producer's key, in one
 * transaction (reads the last event, appends, updates the batch's status / harvest fields).
 * Packing runs the compliance gate first and throws ComplianceBlockedError when it fails.
 */
export declare function recordEvent(db: Db, actor: AppActor, batchId: number, event: NewProducerEvent): StoredEventRecord;
/** The platform records arrival, pickup or recall events, signed with the platform key. */
export declare function recordPlatformEvent(
  db: Db,
  batchId: number,
  event:
    | { type: "arrival"; occurredAt: number; payload: PayloadOf<"arrival"> }
    | { type: "pickup"; occurredAt: number; payload: PayloadOf<"pickup"> }
    | { type: "recall"; occurredAt: number; payload: PayloadOf<"recall"> },
): StoredEventRecord;

export type LotChain = { records: StoredEventRecord[]; contents: EventContent[] };
export declare function getLotChain(db: Db, batchId: number): LotChain;
/** Walks the chain; fast unless strict. */
export declare function verifyLot(db: Db, batchId: number, opts?: { strict?: boolean }): VerifyResult;
/** Blocking findings of this lot's chain now (banned input, interval, crop ban, certificate, inspection). */
export declare function lotCompliance(db: Db, batchId: number, now?: number): Finding[];
/** Findings for every batch a listing sells from; empty = may publish. */
export declare function listingBlockers(db: Db, listingId: number, now?: number): LotBlockers[];

// ─── trace page change notifications ─────────────────────────────────────────
/** Called after any append; the trace page cache (server.js) listens to drop the lot's page. */
export declare function onLotChanged(listener: (lot: { gtin: string; lotCode: string; batchId: number }) => void): () => void;

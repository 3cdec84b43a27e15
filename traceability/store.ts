/**
 * The traceability store: wires the pure chain library (chain.ts, verify.ts, compliance.ts,
 * epcis.ts) to SQLite (db/schema.ts: agri_inputs, input_intervals, banned_substances,
 * restricted_substances, plots, plantings, batches, trace_keys, trace_events).
 * Plain module, no Remix: every function takes the Db and, where someone acts, the acting user.
 *
 * CONTRACT (used by routes, seeds, tests, benchmarks and the recall/trace-page modules).
 *
 * Errors: ForbiddenError / NotFoundError (from app/listings/listings.server.ts, so routes map
 * them to 403/404), TraceRuleError (a rule of the domain; messageKey is a trace.* i18n key),
 * ComplianceBlockedError (the gate; describeBlockers() turns its blockers into sentences).
 */
import type { Statement } from "better-sqlite3";
import { shanghaiCompactDate } from "../core/clock";
import { EventEmitter } from "node:events";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { batches, categories, listingBatches, listings, plantings, plots, products, traceEvents, type CategorySlug } from "../db/schema";
import { canEditListing, canManageProducer, canRecordOnLot, type Actor as AppActor } from "../core/permissions";
import { ForbiddenError, NotFoundError } from "../core/errors";
import { once } from "../core/once";
import { bumpCacheGeneration, storefrontChanged } from "../core/events";
import { getEnv } from "../core/env";
import type { AgriInputKind } from "../db/schema";
import type { EventContent, NewEventContent, PayloadOf, StoredEventRecord, TraceEventType } from "./types";
import { appendEvent, ChainRuleError, checkCorrectionTarget, effectiveEvents, parseContent, type Signer, type TrustedKey } from "./chain";
import { verifyChain, verifyChainStrict, type VerifyResult } from "./verify";
import { checkCompliance, type Finding } from "./compliance";
import type { InputsCatalogue, ToxicityClass } from "./inputs";
import { findCrop, INPUT_KINDS_FOR_LOT, lotKindOf } from "./crops";
import { chronologyProblem, type ChronologyProblem } from "./chronology";
import { assignGtin, validateGtin14, validateLot } from "./gtin";
import { ComplianceBlockedError, TraceRuleError, type LotBlockers } from "./errors";
import { activeHouseholdsOf, assertAssignableHousehold } from "./households";
import { PLATFORM_ACTOR, platformSigner as platformSignerImpl, producerSigner as producerSignerImpl, trustedKeysForBatch as trustedKeysImpl } from "./keys";
import {
  addAgriInput as addAgriInputImpl,
  listAgriInputs as listAgriInputsImpl,
  loadCatalogue as loadCatalogueImpl,
  seedInputsCatalogue as seedInputsCatalogueImpl,
  type AgriInputInput,
  type AgriInputUse,
} from "./catalogue-db";

export type { AppActor };
export { TraceRuleError, ComplianceBlockedError, type LotBlockers };
export { describeBlockers } from "./blockers";
export { PLATFORM_ACTOR };

// ─── keys ────────────────────────────────────────────────────────────────────
/** The producer's active signing key, created on first use (private key encrypted at rest). */
export function producerSigner(db: Db, producerId: number): Signer {
  return producerSignerImpl(db, producerId);
}
/** The platform's signing key (arrival, pickup, recall events). */
export function platformSigner(db: Db): Signer {
  return platformSignerImpl(db);
}
/** Every public key that may appear in this lot's chain (producer's and platform's), by key id. */
export function trustedKeysForBatch(db: Db, batchId: number): Map<string, TrustedKey> {
  return trustedKeysImpl(db, batchId);
}

// ─── inputs catalogue ────────────────────────────────────────────────────────
/** Loads seeds/reference/agri-inputs into the catalogue tables; idempotent. Returns the table totals. */
export function seedInputsCatalogue(db: Db): { inputs: number; intervals: number; banned: number; restricted: number } {
  return seedInputsCatalogueImpl(db);
}
/** The catalogue as the compliance checker wants it (cached until the catalogue changes). */
export function loadCatalogue(db: Db): InputsCatalogue {
  return loadCatalogueImpl(db);
}
export type { AgriInputInput };
/** Platform admins (and inspectors) add catalogue entries; registration numbers are validated. */
export function addAgriInput(db: Db, actor: AppActor, input: AgriInputInput): number {
  return addAgriInputImpl(db, actor, input);
}
export function listAgriInputs(
  db: Db,
  filter?: { kind?: AgriInputKind; q?: string },
): {
  id: number;
  kind: AgriInputKind;
  nameZh: string;
  nameEn: string;
  registrationNo: string | null;
  activeIngredient: string | null;
  maker: string | null;
  retiredAt: number | null;
  banned: boolean;
  toxicityClass: ToxicityClass | null;
  intervals: AgriInputUse[];
}[] {
  return listAgriInputsImpl(db, filter);
}

// ─── plots, plantings, batches ───────────────────────────────────────────────
type PlotInput = { producerId: number; name: string; areaMu?: number | null; lat?: number | null; lng?: number | null; villageId?: number | null };

/** `formToken`: the plot form's one-time token (core/once.ts): a repeat returns the first plot. */
export function createPlot(db: Db, actor: AppActor, input: PlotInput, formToken?: string): number {
  return once(db, { actorId: actor.id, token: formToken, kind: "plot" }, () => createPlotOnce(db, actor, input));
}

function createPlotOnce(db: Db, actor: AppActor, input: PlotInput): number {
  if (!canManageProducer(actor, input.producerId)) throw new ForbiddenError();
  const name = input.name.trim();
  if (!name || name.length > 100) throw new TraceRuleError("trace.error.plotName");
  if (input.areaMu != null && !(input.areaMu > 0 && input.areaMu < 1_000_000)) throw new TraceRuleError("trace.error.plotArea");
  const hasLat = input.lat != null;
  const hasLng = input.lng != null;
  if (hasLat !== hasLng || (hasLat && !(Math.abs(input.lat!) <= 90 && Math.abs(input.lng!) <= 180))) {
    throw new TraceRuleError("trace.error.plotCoordinates");
  }
  const taken = db
    .select({ id: plots.id })
    .from(plots)
    .where(and(eq(plots.producerId, input.producerId), eq(plots.name, name)))
    .get();
  if (taken) throw new TraceRuleError("trace.error.plotNameTaken", { name });
  return db
    .insert(plots)
    .values({
      producerId: input.producerId,
      name,
      areaMu: input.areaMu ?? null,
      lat: input.lat ?? null,
      lng: input.lng ?? null,
      villageId: input.villageId ?? null,
    })
    .returning({ id: plots.id })
    .get().id;
}

export function listPlots(
  db: Db,
  actor: AppActor,
  producerId: number,
): { id: number; name: string; areaMu: number | null; lat: number | null; lng: number | null }[] {
  if (!canManageProducer(actor, producerId)) throw new ForbiddenError();
  return db
    .select({ id: plots.id, name: plots.name, areaMu: plots.areaMu, lat: plots.lat, lng: plots.lng })
    .from(plots)
    .where(eq(plots.producerId, producerId))
    .orderBy(asc(plots.name))
    .all();
}

function lotTaken(db: Db, producerId: number, gtin: string, lotCode: string): boolean {
  return Boolean(db.get(sql`select 1 from batches where (producer_id = ${producerId} or gtin = ${gtin}) and lot_code = ${lotCode} limit 1`));
}

/** The platform GTIN of a product: company prefix + the product id as item reference. */
export function platformGtinFor(productId: number): string {
  try {
    return assignGtin(getEnv().PLATFORM_GS1_PREFIX, productId);
  } catch {
    throw new TraceRuleError("trace.error.gtinCapacity");
  }
}

/**
 * Starts a lot: a batch of a product from a plot, with its GTIN (the producer's own, validated, or
 * assigned from PLATFORM_GS1_PREFIX) and lot code (generated when omitted). Appends the planting event.
 */
type BatchInput = {
  producerId: number;
  productId: number;
  plotId?: number | null;
  crop: string;
  variety?: string | null;
  plantedAt: number;
  lotCode?: string | null;
  gtin?: string | null;
  /** A cooperative's member household that grows the lot (an active one of the same producer). */
  householdId?: number | null;
};

/** `formToken`: the new-lot form's one-time token (core/once.ts): a repeat returns the first lot and makes none. */
export function createBatch(db: Db, actor: AppActor, input: BatchInput, formToken?: string): { id: number; gtin: string; lotCode: string } {
  return once(db, { actorId: actor.id, token: formToken, kind: "lot" }, () => createBatchOnce(db, actor, input));
}

function createBatchOnce(db: Db, actor: AppActor, input: BatchInput): { id: number; gtin: string; lotCode: string } {
  if (!canManageProducer(actor, input.producerId)) throw new ForbiddenError();
  const result = db.transaction(
    () => {
      const product = db.select({ producerId: products.producerId }).from(products).where(eq(products.id, input.productId)).get();
      if (!product) throw new NotFoundError("product");
      if (product.producerId !== input.producerId) throw new TraceRuleError("trace.error.productOtherProducer");
      if (input.householdId != null) assertAssignableHousehold(db, input.producerId, input.householdId);
      const cropText = input.crop.trim();
      if (!cropText) throw new TraceRuleError("trace.error.cropRequired");
      const crop = findCrop(cropText)?.key ?? cropText.slice(0, 60);

      let plot: typeof plots.$inferSelect | undefined;
      if (input.plotId != null) {
        plot = db.select().from(plots).where(eq(plots.id, input.plotId)).get();
        if (!plot || plot.producerId !== input.producerId) throw new TraceRuleError("trace.error.plotNotFound");
        if (plot.retiredAt != null) throw new TraceRuleError("trace.error.plotRetired");
      }

      const platformGtin = platformGtinFor(input.productId);
      let gtin = platformGtin;
      if (input.gtin?.trim()) {
        const g = validateGtin14(input.gtin.trim());
        if (!g.ok) throw new TraceRuleError("trace.error.gtinInvalid", { reason: g.reason });
        const prefix = getEnv().PLATFORM_GS1_PREFIX;
        // GTINs under the platform's prefix are the platform's to give out, one per product.
        if (g.gtin14.slice(1, 1 + prefix.length) === prefix && g.gtin14 !== platformGtin) throw new TraceRuleError("trace.error.gtinPlatformPrefix");
        gtin = g.gtin14;
      }

      let lotCode: string;
      if (input.lotCode?.trim()) {
        const l = validateLot(input.lotCode.trim());
        if (!l.ok) throw new TraceRuleError("trace.error.lotInvalid", { reason: l.reason });
        lotCode = l.lot;
        if (lotTaken(db, input.producerId, gtin, lotCode)) throw new TraceRuleError("trace.error.lotTaken", { lotCode });
      } else {
        const day = shanghaiCompactDate(Date.now());
        let n = 1;
        do lotCode = `L${day}-${String(n++).padStart(2, "0")}`;
        while (lotTaken(db, input.producerId, gtin, lotCode));
      }

      const plantingId = plot
        ? db
            .insert(plantings)
            .values({ plotId: plot.id, crop, variety: input.variety?.trim() || null, plantedAt: input.plantedAt })
            .returning({ id: plantings.id })
            .get().id
        : null;
      const { id } = db
        .insert(batches)
        .values({
          producerId: input.producerId,
          productId: input.productId,
          lotCode,
          gtin,
          plotId: plot?.id ?? null,
          plantingId,
          crop,
          status: "growing",
          householdId: input.householdId ?? null,
        })
        .returning({ id: batches.id })
        .get();

      const payload: PayloadOf<"planting"> = { crop };
      if (input.variety?.trim()) payload.variety = input.variety.trim().slice(0, 60);
      if (plot) {
        payload.plot = plot.name;
        if (plot.areaMu != null) payload.areaMu = plot.areaMu;
        if (plot.lat != null && plot.lng != null) payload.place = { lat: plot.lat, lng: plot.lng, name: plot.name };
      }
      appendAndStore(db, id, null, { type: "planting", occurredAt: input.plantedAt, payload }, producerSignerImpl(db, input.producerId), actor.id);
      return { id, gtin, lotCode };
    },
    { behavior: "immediate" },
  );
  emitLotChanged(db, { gtin: result.gtin, lotCode: result.lotCode, batchId: result.id });
  return result;
}

export function linkListingBatch(db: Db, actor: AppActor, listingId: number, batchId: number): void {
  const listing = db.select().from(listings).where(eq(listings.id, listingId)).get();
  if (!listing) throw new NotFoundError("listing");
  if (!canEditListing(actor, listing)) throw new ForbiddenError();
  const batch = db.select().from(batches).where(eq(batches.id, batchId)).get();
  if (!batch) throw new NotFoundError("batch");
  if (batch.producerId !== listing.producerId) throw new TraceRuleError("trace.error.batchOtherProducer");
  if (batch.productId !== listing.productId) throw new TraceRuleError("trace.error.batchOtherProduct");
  db.insert(listingBatches).values({ listingId, batchId }).onConflictDoNothing().run();
  emitLotChanged(db, { gtin: batch.gtin ?? "", lotCode: batch.lotCode, batchId });
}

// ─── events ──────────────────────────────────────────────────────────────────
export type ProducerEventType = Exclude<TraceEventType, "arrival" | "pickup" | "recall" | "correction_review">;
export type NewProducerEvent = {
  [T in ProducerEventType]: { type: T; occurredAt: number; payload: PayloadOf<T>; correctsSeq?: number };
}[ProducerEventType];

type PlatformEvent =
  | { type: "arrival"; occurredAt: number; payload: PayloadOf<"arrival"> }
  | { type: "pickup"; occurredAt: number; payload: PayloadOf<"pickup"> }
  | { type: "recall"; occurredAt: number; payload: PayloadOf<"recall"> }
  | { type: "correction_review"; occurredAt: number; payload: PayloadOf<"correction_review"> };

/** Clock skew allowed between a phone and the server before a time counts as "in the future". */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const PRODUCER_EVENT_TYPES = new Set<string>(["planting", "input_application", "harvest", "inspection", "packing", "shipping", "correction"]);

type BatchRow = typeof batches.$inferSelect;

function batchRow(db: Db, batchId: number): BatchRow {
  const b = db.select().from(batches).where(eq(batches.id, batchId)).get();
  if (!b) throw new NotFoundError("batch");
  return b;
}

/** One prepared statement per SQLite connection: verification reads a whole chain per call (hot path). */
const readRecordsStatements = new WeakMap<object, Statement<[number], Omit<StoredEventRecord, "lotId">>>();

function readRecords(db: Db, batchId: number): StoredEventRecord[] {
  const lotId = String(batchId);
  const client = (db as Partial<Pick<Db, "$client">>).$client;
  if (client) {
    let stmt = readRecordsStatements.get(client);
    if (!stmt) {
      stmt = client.prepare(
        `select seq, content, content_hash as contentHash, prev_hash as prevHash, event_hash as eventHash,
                signer_key_id as signerKeyId, signature
         from trace_events where batch_id = ? order by seq`,
      );
      readRecordsStatements.set(client, stmt);
    }
    return stmt.all(batchId).map((r) => ({ ...r, lotId }));
  }
  // A drizzle transaction handle has no $client: same query through drizzle.
  return db
    .select({
      seq: traceEvents.seq,
      content: traceEvents.content,
      contentHash: traceEvents.contentHash,
      prevHash: traceEvents.prevHash,
      eventHash: traceEvents.eventHash,
      signerKeyId: traceEvents.signerKeyId,
      signature: traceEvents.signature,
    })
    .from(traceEvents)
    .where(eq(traceEvents.batchId, batchId))
    .orderBy(asc(traceEvents.seq))
    .all()
    .map((r) => ({ ...r, lotId }));
}

/** Library rule violations become user-facing errors with a translated key. */
function chainRuleToTrace(e: unknown): never {
  if (e instanceof ChainRuleError) {
    if (e.message.includes("occurredAt lies in the future")) throw new TraceRuleError("trace.error.futureTime");
    if (e.message.startsWith("invalid event content")) {
      throw new TraceRuleError("trace.error.invalidEvent", { detail: e.message.replace(/^invalid event content: /, "") });
    }
    throw new TraceRuleError("trace.error.chainRule", { detail: e.message });
  }
  throw e;
}

/** Appends one event (already checked by the caller) after `prev` and inserts it. */
function appendAndStore(
  db: Db,
  batchId: number,
  prev: StoredEventRecord | null,
  event: { type: TraceEventType; occurredAt: number; payload: unknown; correctsSeq?: number },
  signer: Signer,
  recordedBy: number | null,
  beforeInsert?: (record: StoredEventRecord, content: EventContent) => void,
): StoredEventRecord {
  let record: StoredEventRecord;
  try {
    record = appendEvent(
      prev,
      {
        lotId: String(batchId),
        type: event.type,
        occurredAt: event.occurredAt,
        recordedAt: Date.now(),
        actor: signer.owner,
        payload: event.payload,
        ...(event.correctsSeq !== undefined ? { correctsSeq: event.correctsSeq } : {}),
      } as NewEventContent,
      signer,
    );
  } catch (e) {
    chainRuleToTrace(e);
  }
  const content = parseContent(record);
  beforeInsert?.(record, content);
  try {
    db.insert(traceEvents)
      .values({
        batchId,
        seq: record.seq,
        type: content.type,
        occurredAt: content.occurredAt,
        content: record.content,
        contentHash: record.contentHash,
        prevHash: record.prevHash,
        eventHash: record.eventHash,
        signerKeyId: record.signerKeyId,
        signature: record.signature,
        recordedBy,
      })
      .run();
  } catch (e) {
    if (e instanceof Error && /UNIQUE constraint failed: trace_events/.test(e.message)) throw new TraceRuleError("trace.error.concurrent");
    throw e;
  }
  return record;
}

/** The batch's status and harvest fields follow its chain (after corrections). */
function syncBatch(db: Db, batch: BatchRow, contents: EventContent[]): void {
  const events = effectiveEvents(contents);
  const harvests = events.filter((e) => e.type === "harvest");
  const latest = harvests[harvests.length - 1];
  const packed = events.some((e) => e.type === "packing");
  const recalled = batch.status === "recalled" || contents.some((c) => c.type === "recall");
  const status = recalled ? "recalled" : packed ? "packed" : latest ? "harvested" : "growing";
  let quantity: number | null = batch.quantity;
  let unit = batch.unit;
  if (latest) {
    const p = latest.payload as PayloadOf<"harvest">;
    unit = p.unit;
    quantity = harvests.reduce((sum, h) => sum + ((h.payload as PayloadOf<"harvest">).unit === p.unit ? (h.payload as PayloadOf<"harvest">).quantity : 0), 0);
  }
  db.update(batches)
    .set({ status, harvestedAt: latest ? latest.occurredAt : batch.harvestedAt, quantity, unit })
    .where(eq(batches.id, batch.id))
    .run();
}

function assertIntact(db: Db, batchId: number, records: StoredEventRecord[], strict = false): void {
  if (records.length === 0) return;
  const keys = trustedKeysImpl(db, batchId);
  const r = strict ? verifyChainStrict(records, keys) : verifyChain(records, keys);
  // Nobody signs on top of a chain that does not verify (the trust assumption of the fast check).
  if (!r.ok) throw new TraceRuleError("trace.error.chainBroken", { seq: r.failedAt });
}

function categoryOf(db: Db, productId: number): CategorySlug {
  const row = db
    .select({ slug: categories.slug })
    .from(products)
    .innerJoin(categories, eq(categories.id, products.categoryId))
    .where(eq(products.id, productId))
    .get();
  return row?.slug ?? "fruit";
}

function complianceOf(db: Db, batch: BatchRow, contents: EventContent[], now: number): Finding[] {
  return checkCompliance({
    category: categoryOf(db, batch.productId),
    crop: batch.crop,
    events: contents,
    inputsCatalogue: loadCatalogueImpl(db),
    now,
  });
}

/**
 * A member of the batch's producer records an event, signed with the producer's key, in one
 * transaction (reads the last event, appends, updates the batch's status / harvest fields).
 * Packing runs the compliance gate first and throws ComplianceBlockedError when it fails.
 */
export function recordEvent(db: Db, actor: AppActor, batchId: number, event: NewProducerEvent, formToken?: string): StoredEventRecord {
  // An event is permanent (append-only chain): the event form's token makes a double tap one event.
  return once(db, { actorId: actor.id, token: formToken, kind: "lot_event" }, () => recordEventOnce(db, actor, batchId, event));
}

function recordEventOnce(db: Db, actor: AppActor, batchId: number, event: NewProducerEvent): StoredEventRecord {
  let batch!: BatchRow;
  const record = db.transaction(
    () => {
      batch = batchRow(db, batchId);
      // Managers, the cooperative's record keepers, and the household the lot is assigned to.
      if (!canRecordOnLot(actor, batch, activeHouseholdsOf(db, actor.id))) throw new ForbiddenError();
      if (!PRODUCER_EVENT_TYPES.has(event.type)) throw new TraceRuleError("trace.error.platformOnly");
      if (batch.status === "recalled") throw new TraceRuleError("trace.error.lotRecalled");
      const records = readRecords(db, batchId);
      const contents = records.map(parseContent);
      assertIntact(db, batchId, records);
      if (contents.some((c) => c.type === "recall")) throw new TraceRuleError("trace.error.lotRecalled");

      let payload: unknown = event.payload;
      if (event.type === "harvest") payload = checkHarvestPayload(batch, event.payload);
      if (event.type === "correction") {
        const target = contents.find((c) => c.seq === event.correctsSeq);
        if (!target || event.correctsSeq === undefined) throw new TraceRuleError("trace.error.correctionTarget", { seq: event.correctsSeq ?? "?" });
        if (target.type === "arrival" || target.type === "pickup" || target.type === "recall" || target.type === "correction_review") {
          throw new TraceRuleError("trace.error.correctionPlatform");
        }
        const problem = checkCorrectionTarget(target, event.payload.replacement);
        if (problem) throw new TraceRuleError("trace.error.correctionInvalid", { detail: problem });
        // The store, not the farmer, decides whether a correction needs an inspector.
        const { inspectorReview: _ignored, ...asked } = event.payload;
        let correction: PayloadOf<"correction"> = asked;
        if (target.type === "harvest" && asked.replacement) {
          correction = { ...asked, replacement: checkHarvestPayload(batch, asked.replacement as PayloadOf<"harvest">) };
        }
        if (correctionLiftsFinding(db, batch, contents, event.correctsSeq, correction, event.occurredAt)) correction = { ...correction, inspectorReview: true };
        payload = correction;
      }
      const category = categoryOf(db, batch.productId);
      if (event.type === "input_application" && !INPUT_KINDS_FOR_LOT[lotKindOf(category)].includes(event.payload.inputKind)) {
        throw new TraceRuleError(lotKindOf(category) === "crop" ? "trace.error.inputKindForCrop" : "trace.error.inputKindForAnimal");
      }
      // The order of the lot's life, also when a correction moves an event to another day.
      if (event.occurredAt > Date.now() + FUTURE_TOLERANCE_MS) throw new TraceRuleError("trace.error.futureTime");
      const effective = effectiveEvents(contents);
      let problem: ChronologyProblem | null = null;
      if (event.type === "correction") {
        const target = effective.find((e) => e.seq === event.correctsSeq);
        if (target && event.payload.occurredAt !== undefined && !event.payload.retract) {
          if (event.payload.occurredAt > Date.now() + FUTURE_TOLERANCE_MS) throw new TraceRuleError("trace.error.futureTime");
          problem = chronologyProblem(
            effective.filter((e) => e.seq !== target.seq),
            { type: target.type, occurredAt: event.payload.occurredAt },
          );
        }
      } else problem = chronologyProblem(effective, event);
      if (problem) throw new TraceRuleError(problem.messageKey, problem.params);

      const prev = records.length ? records[records.length - 1] : null;
      const signer = producerSignerImpl(db, batch.producerId);
      const stored = appendAndStore(
        db,
        batchId,
        prev,
        { type: event.type, occurredAt: event.occurredAt, payload, correctsSeq: event.correctsSeq },
        signer,
        actor.id,
        (_record, content) => {
          // The packing gate sees the chain as it would be with this event (its certificate included).
          if (content.type !== "packing") return;
          const findings = complianceOf(db, batch, [...contents, content], Date.now());
          if (findings.length) throw new ComplianceBlockedError([{ batchId, lotCode: batch.lotCode, findings }]);
        },
      );
      const after = [...contents, parseContent(stored)];
      syncBatch(db, batch, after);
      if (event.type === "input_application" || event.type === "correction") noticeNewlyBlockedListings(db, batch, contents, after);
      return stored;
    },
    { behavior: "immediate" },
  );
  emitLotChanged(db, { gtin: batch.gtin ?? "", lotCode: batch.lotCode, batchId });
  return record;
}

/**
 * A record that makes the lot fail its gate (a late spray inside the interval, a banned input) is
 * news for the farmer whose listings sell from it: each member of the producer gets a notice per
 * published listing of the lot. Runs in the recording transaction.
 */
function noticeNewlyBlockedListings(db: Db, batch: BatchRow, before: EventContent[], after: EventContent[]): void {
  const now = Date.now();
  const had = complianceOf(db, batch, before, now).length;
  const findings = complianceOf(db, batch, after, now);
  if (findings.length <= had) return;
  const sqlite = db.$client;
  const listings = sqlite
    .prepare(`select l.id, l.title from listing_batches lb join listings l on l.id = lb.listing_id where lb.batch_id = ? and l.status = 'published'`)
    .all(batch.id) as { id: number; title: string }[];
  if (!listings.length) return;
  const members = sqlite.prepare(`select user_id from producer_members where producer_id = ?`).pluck().all(batch.producerId) as number[];
  const insert = sqlite.prepare(
    `insert into notifications (user_id, kind, message_key, params, link, created_at) values (?, 'listing_blocked', 'farmNotice.listingBlocked', ?, ?, ?)`,
  );
  for (const l of listings) {
    for (const userId of members) insert.run(userId, JSON.stringify({ title: l.title, lot: batch.lotCode }), `/farm/batches/${batch.id}`, now);
  }
}

function checkHarvestPayload(batch: BatchRow, payload: PayloadOf<"harvest">): PayloadOf<"harvest"> {
  const lotCode = payload.lotCode?.trim() ? payload.lotCode.trim() : batch.lotCode;
  if (lotCode !== batch.lotCode) throw new TraceRuleError("trace.error.harvestLotMismatch", { lotCode: batch.lotCode });
  const out: PayloadOf<"harvest"> = { ...payload, lotCode };
  if (batch.gtin) {
    if (payload.gtin && payload.gtin !== batch.gtin) throw new TraceRuleError("trace.error.harvestGtinMismatch", { gtin: batch.gtin });
    out.gtin = batch.gtin;
  }
  return out;
}

/**
 * Findings the publish gate acts on that a correction may not lift by itself (all but the
 * producer's own certificate, which a producer may complete by correcting its record).
 */
function reviewedFindingKeys(findings: Finding[]): Set<string> {
  return new Set(
    findings
      .filter((f) => f.code !== "missing_certificate")
      .map((f) => [f.code, f.eventSeq ?? "", f.params.kind ?? "", f.params.substanceZh ?? "", f.params.reason ?? ""].join("|")),
  );
}

/**
 * Would this correction lift a compliance finding? Compares the lot's findings without it and
 * with it applied; any finding that disappears (or moves to another record) means yes.
 */
function correctionLiftsFinding(
  db: Db,
  batch: BatchRow,
  contents: EventContent[],
  correctsSeq: number,
  payload: PayloadOf<"correction">,
  occurredAt: number,
): boolean {
  const now = Date.now();
  const before = reviewedFindingKeys(complianceOf(db, batch, contents, now));
  if (before.size === 0) return false;
  const last = contents[contents.length - 1];
  const hypothetical = {
    seq: (last?.seq ?? 0) + 1,
    lotId: String(batch.id),
    type: "correction",
    occurredAt,
    recordedAt: now,
    actor: { kind: "producer", id: String(batch.producerId) },
    signerKeyId: "hypothetical",
    payload,
    correctsSeq,
  } as EventContent;
  const after = reviewedFindingKeys(complianceOf(db, batch, [...contents, hypothetical], now));
  for (const k of before) if (!after.has(k)) return true;
  return false;
}

/**
 * The platform records arrival, pickup, recall or correction-review events, signed with the
 * platform key. `recordedBy` names the app user who acted (an inspector for a review).
 */
export function recordPlatformEvent(db: Db, batchId: number, event: PlatformEvent, recordedBy: number | null = null): StoredEventRecord {
  let batch!: BatchRow;
  const record = db.transaction(
    () => {
      batch = batchRow(db, batchId);
      if (event.type !== "arrival" && event.type !== "pickup" && event.type !== "recall" && event.type !== "correction_review") {
        throw new TraceRuleError("trace.error.platformOnly");
      }
      const records = readRecords(db, batchId);
      // The platform countersigns only a chain it has checked signature by signature; a recall is
      // never held up by a broken chain (the broken event stays visible at its position).
      if (event.type !== "recall") assertIntact(db, batchId, records, true);
      const prev = records.length ? records[records.length - 1] : null;
      const stored = appendAndStore(db, batchId, prev, event, platformSignerImpl(db), recordedBy);
      if (event.type === "recall") db.update(batches).set({ status: "recalled" }).where(eq(batches.id, batchId)).run();
      // An accepted correction may change the harvest fields the batch row mirrors.
      if (event.type === "correction_review") syncBatch(db, batch, [...records.map(parseContent), parseContent(stored)]);
      return stored;
    },
    { behavior: "immediate" },
  );
  emitLotChanged(db, { gtin: batch.gtin ?? "", lotCode: batch.lotCode, batchId });
  return record;
}

export type LotChain = { records: StoredEventRecord[]; contents: EventContent[] };
export function getLotChain(db: Db, batchId: number): LotChain {
  const records = readRecords(db, batchId);
  const contents: EventContent[] = [];
  for (const r of records) {
    try {
      contents.push(parseContent(r));
    } catch {
      // A row whose content no longer parses (tampered); verification reports it, readers skip it.
    }
  }
  return { records, contents };
}

/** Walks the chain; fast unless strict. */
export function verifyLot(db: Db, batchId: number, opts: { strict?: boolean } = {}): VerifyResult {
  const records = readRecords(db, batchId);
  const keys = trustedKeysImpl(db, batchId);
  return opts.strict ? verifyChainStrict(records, keys) : verifyChain(records, keys);
}

/** Blocking findings of this lot's chain now (banned input, interval, crop ban, certificate, inspection). */
export function lotCompliance(db: Db, batchId: number, now: number = Date.now()): Finding[] {
  const batch = batchRow(db, batchId);
  return complianceOf(db, batch, getLotChain(db, batchId).contents, now);
}

/**
 * Findings for every batch a listing sells from; empty = may publish. Besides the compliance rules,
 * a listing needs at least one lot (finding `no_batch`), lots whose chain verifies (`chain_broken`)
 * and that are not recalled (`lot_recalled`). Only lots with findings are returned.
 */
export function listingBlockers(db: Db, listingId: number, now: number = Date.now()): LotBlockers[] {
  const rows = db
    .select({ id: batches.id })
    .from(listingBatches)
    .innerJoin(batches, eq(batches.id, listingBatches.batchId))
    .where(eq(listingBatches.listingId, listingId))
    .orderBy(asc(batches.id))
    .all();
  if (rows.length === 0) return [{ batchId: 0, lotCode: "", findings: [{ code: "no_batch", eventSeq: null, params: {} }] }];
  const out: LotBlockers[] = [];
  for (const { id } of rows) {
    const batch = batchRow(db, id);
    const findings: Finding[] = [];
    if (batch.status === "recalled") findings.push({ code: "lot_recalled", eventSeq: null, params: {} });
    const v = verifyLot(db, id);
    if (!v.ok) findings.push({ code: "chain_broken", eventSeq: v.failedAt, params: { seq: v.failedAt, reason: v.reason } });
    findings.push(...lotCompliance(db, id, now));
    if (findings.length) out.push({ batchId: id, lotCode: batch.lotCode, findings });
  }
  return out;
}

// ─── trace page change notifications ─────────────────────────────────────────
type LotChanged = { gtin: string; lotCode: string; batchId: number };
// One bus per process, shared by server.js and the Remix bundle (they load this module separately).
const g = globalThis as unknown as { __cunpinTraceBus?: EventEmitter };
const bus = (g.__cunpinTraceBus ??= new EventEmitter());
bus.setMaxListeners(0);

function emitLotChanged(db: Db, lot: LotChanged): void {
  // Other processes' caches (trace page, and storefront pages that show the lot) see the bump.
  try {
    bumpCacheGeneration(db, "trace");
    storefrontChanged(db, { kind: "lot", batchId: lot.batchId });
  } catch {
    // After the commit: a failed bump must not fail the append (the caches' TTL bounds staleness).
  }
  try {
    bus.emit("lot", lot);
  } catch {
    // A listener's failure must not undo or fail a committed append.
  }
}

/** Called after any append; the trace page cache (server.js) listens to drop the lot's page. */
export function onLotChanged(listener: (lot: LotChanged) => void): () => void {
  bus.on("lot", listener);
  return () => {
    bus.off("lot", listener);
  };
}

// ─── cooperative member households (issue 12 §3) ─────────────────────────────

/**
 * A manager moves a lot to another household (or none). Every change is appended to
 * batch_household_changes and shown with the lot (farm page and public trace page): the earlier
 * household stays in the record, never silently overwritten.
 */
export function changeBatchHousehold(db: Db, actor: AppActor, batchId: number, householdId: number | null): void {
  const batch = db.$client
    .prepare(`select id, producer_id as producerId, household_id as householdId, gtin, lot_code as lotCode from batches where id = ?`)
    .get(batchId) as { id: number; producerId: number; householdId: number | null; gtin: string | null; lotCode: string } | undefined;
  if (!batch) throw new NotFoundError("batch");
  if (!canManageProducer(actor, batch.producerId)) throw new ForbiddenError();
  if (batch.householdId === householdId) return;
  db.transaction(
    () => {
      if (householdId !== null) assertAssignableHousehold(db, batch.producerId, householdId);
      db.$client.prepare(`update batches set household_id = ? where id = ?`).run(householdId, batchId);
      db.$client
        .prepare(`insert into batch_household_changes (batch_id, from_household_id, to_household_id, changed_by) values (?, ?, ?, ?)`)
        .run(batchId, batch.householdId, householdId, actor.id);
    },
    { behavior: "immediate" },
  );
  emitLotChanged(db, { gtin: batch.gtin ?? "", lotCode: batch.lotCode, batchId });
}

/**
 * The traceability event model: what one link of a lot's append-only chain says.
 * zod schemas double as the runtime check used before anything is hashed and signed,
 * so that the next step (routes) can parse form input with the same rules.
 */
import { z } from "zod";

export const TRACE_EVENT_TYPES = [
  "planting",
  "input_application",
  "harvest",
  "inspection",
  "packing",
  "shipping",
  "arrival",
  "pickup",
  "correction",
  "recall",
  "correction_review",
] as const;
export type TraceEventType = (typeof TRACE_EVENT_TYPES)[number];

/** Same values as UNITS in db/schema.ts (kept here so that this library does not load drizzle). */
export const TRACE_UNITS = ["jin", "kg", "box", "each", "bag", "bottle", "dozen"] as const;
export type TraceUnit = (typeof TRACE_UNITS)[number];

export const ACTOR_KINDS = ["producer", "platform"] as const;
export const actorSchema = z
  .object({
    kind: z.enum(ACTOR_KINDS),
    /** Producer id as a decimal string ("12"), or the platform's name ("cunpin"). Strings keep hashing unambiguous. */
    id: z.string().min(1).max(64),
  })
  .strict();
export type Actor = z.infer<typeof actorSchema>;

const text = (max = 200) => z.string().trim().min(1).max(max);

export const placeSchema = z
  .object({
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    name: text(100).optional(),
  })
  .strict();
export type Place = z.infer<typeof placeSchema>;

/** 承诺达标合格证 (commitment compliance certificate), fields per MARA Order 2025 No. 4. */
export const certificateSchema = z
  .object({
    productName: text(100),
    quantity: z.number().positive(),
    unit: z.enum(TRACE_UNITS),
    /** 产地: place of production, e.g. "陕西省延安市洛川县" */
    origin: text(200),
    /** Issue time, epoch ms. */
    issuedAt: z.number().int().nonnegative(),
    /** 承诺主体: the committing entity (producer name) and its contact. */
    entityName: text(100),
    entityContact: text(100),
    /** The three commitments; each must be true for the certificate to count. */
    commitment: z
      .object({
        noBannedOrRestrictedInputs: z.boolean(),
        intervalsObserved: z.boolean(),
        residueStandardsMet: z.boolean(),
      })
      .strict(),
  })
  .strict();
export type CommitmentCertificate = z.infer<typeof certificateSchema>;

export const INPUT_KINDS = ["pesticide", "fertilizer", "veterinary_drug", "feed", "other"] as const;
/** 农药毒性 classes (label wording 剧毒, 高毒, 中等毒, 低毒, 微毒). */
export const TOXICITY_CLASSES = ["extremely_toxic", "highly_toxic", "moderately_toxic", "low_toxic", "slightly_toxic"] as const;
/** Where an application's pre-harvest interval comes from: the platform's catalogue, or the farmer reading the label. */
export const INTERVAL_SOURCES = ["catalogue", "declared"] as const;
export const APPLICATION_METHODS = ["spray", "seed_coating", "soil", "drench", "fumigation", "oral", "injection", "other"] as const;

export const payloadSchemas = {
  planting: z
    .object({
      /** Crop key from traceability/crops.ts (e.g. "apple") or free text. */
      crop: text(60),
      variety: text(60).optional(),
      plot: text(100).optional(),
      areaMu: z.number().positive().optional(),
      place: placeSchema.optional(),
    })
    .strict(),
  input_application: z
    .object({
      inputKind: z.enum(INPUT_KINDS),
      /** Product as labelled, e.g. "1.8%阿维菌素乳油". */
      productName: text(100),
      /** Active ingredient or drug, Chinese or English name or CAS number. */
      activeIngredient: text(100).optional(),
      registrationNo: text(40).optional(),
      dose: text(60).optional(),
      /** Treated area in mu (亩). */
      areaMu: z.number().positive().max(1_000_000).optional(),
      method: z.enum(APPLICATION_METHODS).optional(),
      place: placeSchema.optional(),
      /**
       * The registered use the farmer relies on (pesticides): the crop named on the product's
       * registration label (crop key, group term or label text), the label's pre-harvest interval
       * and maximum applications, and whether they come from the catalogue or were declared by
       * the farmer from the label (shown as declared, never as verified).
       */
      registeredCrop: text(60).optional(),
      labelIntervalDays: z.number().int().min(0).max(3650).optional(),
      labelMaxApplications: z.number().int().positive().max(100).optional(),
      intervalSource: z.enum(INTERVAL_SOURCES).optional(),
      /** Photo of the product label: the stored file's content-hash name (app/photos). */
      labelPhoto: z
        .string()
        .regex(/^[0-9a-f]{32}\.webp$/)
        .optional(),
      /** The label's toxicity class, when known. */
      toxicityClass: z.enum(TOXICITY_CLASSES).optional(),
    })
    .strict(),
  harvest: z
    .object({
      quantity: z.number().positive(),
      unit: z.enum(TRACE_UNITS),
      lotCode: text(20),
      gtin: z
        .string()
        .regex(/^\d{14}$/)
        .optional(),
      place: placeSchema.optional(),
      certificate: certificateSchema.optional(),
    })
    .strict(),
  inspection: z
    .object({
      result: z.enum(["pass", "fail"]),
      kind: z.enum(["self_check", "rapid_test", "lab_test", "platform_audit"]),
      inspector: text(100).optional(),
      reportNo: text(60).optional(),
      notes: text(500).optional(),
      /** Photo of the test report or certificate: the stored file's content-hash name (app/photos). */
      certificatePhoto: z
        .string()
        .regex(/^[0-9a-f]{32}\.webp$/)
        .optional(),
      place: placeSchema.optional(),
    })
    .strict(),
  packing: z
    .object({
      quantity: z.number().positive().optional(),
      unit: z.enum(TRACE_UNITS).optional(),
      packageCount: z.number().int().positive().optional(),
      /** Set when packing gives the goods a new identity (retail packs with their own GTIN/lot). */
      outputGtin: z
        .string()
        .regex(/^\d{14}$/)
        .optional(),
      outputLotCode: text(20).optional(),
      place: placeSchema.optional(),
      certificate: certificateSchema.optional(),
    })
    .strict(),
  shipping: z
    .object({
      carrier: text(60).optional(),
      trackingNo: text(60).optional(),
      orderId: text(40).optional(),
      destination: text(200).optional(),
      place: placeSchema.optional(),
    })
    .strict(),
  arrival: z
    .object({
      receivedBy: text(100).optional(),
      orderId: text(40).optional(),
      place: placeSchema.optional(),
    })
    .strict(),
  pickup: z
    .object({
      orderId: text(40).optional(),
      pickupPoint: text(200).optional(),
      place: placeSchema.optional(),
    })
    .strict(),
  correction: z
    .object({
      reason: text(500),
      /** true: the corrected event is withdrawn (recorded by mistake). */
      retract: z.boolean().optional(),
      /** The full corrected payload, of the corrected event's type (checked by appendEvent). */
      replacement: z.record(z.unknown()).optional(),
      /** Corrected occurrence time, epoch ms. */
      occurredAt: z.number().int().nonnegative().optional(),
      /**
       * Set by the store when applying this correction would lift a compliance finding: it then
       * takes effect only once an inspector accepts it (a later correction_review event).
       */
      inspectorReview: z.literal(true).optional(),
      /** Evidence for the correction: the stored photo's content-hash name (app/photos). */
      evidencePhoto: z
        .string()
        .regex(/^[0-9a-f]{32}\.webp$/)
        .optional(),
    })
    .strict()
    .refine((p) => p.retract === true || p.replacement !== undefined || p.occurredAt !== undefined, {
      message: "correction must retract, replace the payload or fix the time",
    }),
  recall: z
    .object({
      reason: text(500),
      scope: text(200).optional(),
      /** 食品召回管理办法 grade: 1 一级 … 3 三级. */
      grade: z.number().int().min(1).max(3).optional(),
      /** A recall is opened, and later closed by the inspector with a note (both signed by the platform). */
      phase: z.enum(["opened", "closed"]).optional(),
      note: text(1000).optional(),
    })
    .strict(),
  /** An inspector's decision on a correction held for review (signed by the platform). */
  correction_review: z
    .object({
      /** Seq of the correction event decided on. */
      correctionSeq: z.number().int().positive(),
      decision: z.enum(["accepted", "rejected"]),
      note: text(500),
    })
    .strict(),
} satisfies Record<TraceEventType, z.ZodTypeAny>;

export type PayloadOf<T extends TraceEventType> = z.infer<(typeof payloadSchemas)[T]>;

type ContentBase<T extends TraceEventType> = {
  /** 1-based position in the lot's chain. */
  seq: number;
  /** The batch (lot) id as a decimal string. */
  lotId: string;
  type: T;
  /** When it happened in the field, epoch ms (claimed by the actor). */
  occurredAt: number;
  /** When it was recorded, epoch ms. */
  recordedAt: number;
  actor: Actor;
  /** Key that signs this event; committed inside the content so that later signatures vouch for it. */
  signerKeyId: string;
  payload: PayloadOf<T>;
  /** Only on corrections: the seq of the event being corrected. */
  correctsSeq?: number;
};

/** One event's content, discriminated by type. This is exactly what is canonicalised and hashed. */
export type EventContent = { [T in TraceEventType]: ContentBase<T> }[TraceEventType];

/** What a caller supplies to appendEvent: seq and signerKeyId are filled in. */
export type NewEventContent = { [T in TraceEventType]: Omit<ContentBase<T>, "seq" | "signerKeyId"> }[TraceEventType];

/** The columns stored per event (snake_case in SQL: content, content_hash, prev_hash, event_hash, signer_key_id, signature). */
export interface StoredEventRecord {
  seq: number;
  lotId: string;
  /** Canonical JSON of the EventContent (exactly the bytes that were hashed). */
  content: string;
  /** hex SHA-256 of the content bytes. */
  contentHash: string;
  /** hex event hash of the previous event; 64 zeros for seq 1. */
  prevHash: string;
  /** hex; see chain.ts for the definition. */
  eventHash: string;
  signerKeyId: string;
  /** base64 Ed25519 signature of the 32 raw bytes of eventHash. */
  signature: string;
}

const contentSchemaFor = <T extends TraceEventType>(type: T) =>
  z
    .object({
      seq: z.number().int().positive(),
      lotId: z.string().min(1).max(40),
      type: z.literal(type),
      occurredAt: z.number().int().nonnegative(),
      recordedAt: z.number().int().nonnegative(),
      actor: actorSchema,
      signerKeyId: z.string().min(1).max(100),
      payload: payloadSchemas[type],
      correctsSeq: z.number().int().positive().optional(),
    })
    .strict();

export const eventContentSchema = z.discriminatedUnion(
  "type",
  TRACE_EVENT_TYPES.map((t) => contentSchemaFor(t)) as unknown as [ReturnType<typeof contentSchemaFor>, ...ReturnType<typeof contentSchemaFor>[]],
);

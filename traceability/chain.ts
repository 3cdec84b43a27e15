/**
 * A lot's append-only, hash-linked, Ed25519-signed event chain.
 *
 * Definitions (all hashes SHA-256, written as 64 lowercase hex characters; H(x) = SHA-256(x)):
 *
 *   contentHash_k = H( UTF-8 bytes of canonicalize(content_k) )               (canonical.ts)
 *   prevHash_k    = eventHash_{k-1}            (for seq 1: GENESIS_HASH, 64 zeros)
 *   prevSig_k     = the 64 raw signature bytes of event k-1  (for seq 1: 64 zero bytes)
 *   eventHash_k   = H( 0x01 ‖ raw32(prevHash_k) ‖ prevSig_k ‖ raw32(contentHash_k) )   — 129 bytes in
 *   signature_k   = Ed25519-Sign(signer key, raw32(eventHash_k))               — base64, 64 bytes
 *
 * 0x01 is a format version byte. prevSig is folded in (beyond the plain
 * H(prevHash ‖ contentHash)) so that each signature commits to every earlier *signature*
 * as well as every earlier content: then a single verified signature at position j
 * vouches for all rows 1..j byte for byte, which is what makes the fast verification in
 * verify.ts sound. The content itself names the seq, lot, actor and signer key, so an
 * event cannot be moved to another position, another lot or another signer unnoticed.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { canonicalize, stripUndefined } from "./canonical";
import { eventContentSchema, payloadSchemas, type Actor, type EventContent, type NewEventContent, type StoredEventRecord } from "./types";

export const GENESIS_HASH = "0".repeat(64);
export const CHAIN_FORMAT_VERSION = 1;
const ZERO_SIG = Buffer.alloc(64);

// DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it.
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export function contentHashOf(canonicalContent: string): string {
  return sha256Hex(Buffer.from(canonicalContent, "utf8"));
}

/** eventHash as defined above; prevSignature is base64 (or null for the first event). */
export function computeEventHash(prevHash: string, prevSignature: string | null, contentHash: string): string {
  const prevSig = prevSignature === null ? ZERO_SIG : Buffer.from(prevSignature, "base64");
  if (prevSig.length !== 64) throw new Error("previous signature must be 64 bytes");
  return createHash("sha256")
    .update(Buffer.of(CHAIN_FORMAT_VERSION))
    .update(Buffer.from(prevHash, "hex"))
    .update(prevSig)
    .update(Buffer.from(contentHash, "hex"))
    .digest("hex");
}

// ─── keys ────────────────────────────────────────────────────────────────────

/** A key as stored: public parts for everybody, the private part only for its owner (encrypt at rest). */
export interface ExportedKey {
  keyId: string;
  owner: Actor;
  /** base64 of the 32 raw public key bytes. */
  publicKeyRaw: string;
  /** base64 DER SubjectPublicKeyInfo (for tools that want SPKI/PEM). */
  publicKeySpki: string;
  /** base64 DER PKCS#8 private key. */
  privateKeyPkcs8: string;
}

export interface Signer {
  keyId: string;
  owner: Actor;
  privateKey: KeyObject;
}

/** A public key the verifier trusts, and whose actor it belongs to. */
export interface TrustedKey {
  owner: Actor;
  /** KeyObject (fastest: import once) or base64 raw 32 bytes. */
  publicKey: KeyObject | string;
}

/** keyId = first 32 hex chars (128 bits) of SHA-256 of the raw public key: stable, derivable from the key. */
export function keyIdFor(publicKeyRaw: Uint8Array): string {
  return sha256Hex(publicKeyRaw).slice(0, 32);
}

export function generateSigningKey(owner: Actor): ExportedKey {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const spki = publicKey.export({ format: "der", type: "spki" });
  const raw = spki.subarray(ED25519_SPKI_PREFIX.length);
  return {
    keyId: keyIdFor(raw),
    owner,
    publicKeyRaw: raw.toString("base64"),
    publicKeySpki: spki.toString("base64"),
    privateKeyPkcs8: privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
  };
}

export function importPublicKey(publicKeyRawBase64: string): KeyObject {
  const raw = Buffer.from(publicKeyRawBase64, "base64");
  if (raw.length !== 32) throw new Error("Ed25519 public key must be 32 bytes");
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: "der", type: "spki" });
}

export function signerFromExported(key: Pick<ExportedKey, "keyId" | "owner" | "privateKeyPkcs8">): Signer {
  const privateKey = createPrivateKey({ key: Buffer.from(key.privateKeyPkcs8, "base64"), format: "der", type: "pkcs8" });
  return { keyId: key.keyId, owner: key.owner, privateKey };
}

export function trustedKeyFromExported(key: Pick<ExportedKey, "owner" | "publicKeyRaw">): TrustedKey {
  return { owner: key.owner, publicKey: importPublicKey(key.publicKeyRaw) };
}

export function sameActor(a: Actor, b: Actor): boolean {
  return a.kind === b.kind && a.id === b.id;
}

// ─── append ──────────────────────────────────────────────────────────────────

export class ChainRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChainRuleError";
  }
}

/**
 * Builds the next record of a lot's chain. `prev` is the lot's current last record (null for
 * the first event). Validates the content (payload shape per type, correction target, signer
 * owns the actor), canonicalises, hashes and signs. Nothing is written: the caller inserts
 * the returned fields in the same transaction that read `prev` (unique (lot_id, seq) guards races).
 */
export function appendEvent(prev: StoredEventRecord | null, content: NewEventContent, signer: Signer): StoredEventRecord {
  const seq = prev ? prev.seq + 1 : 1;
  if (prev && prev.lotId !== content.lotId) throw new ChainRuleError("event belongs to another lot than the chain");
  if (!sameActor(signer.owner, content.actor)) throw new ChainRuleError("signer key does not belong to the event's actor");

  const full = stripUndefined({ ...content, seq, signerKeyId: signer.keyId }) as EventContent;
  const parsed = eventContentSchema.safeParse(full);
  if (!parsed.success) throw new ChainRuleError(`invalid event content: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);

  if (full.type === "correction") {
    if (full.correctsSeq === undefined || full.correctsSeq >= seq) throw new ChainRuleError("a correction must name an earlier event (correctsSeq)");
  } else if (full.correctsSeq !== undefined) {
    throw new ChainRuleError("only corrections may set correctsSeq");
  }
  if (full.occurredAt > full.recordedAt + 5 * 60_000) throw new ChainRuleError("occurredAt lies in the future of recordedAt");

  const canonical = canonicalize(full);
  const contentHash = contentHashOf(canonical);
  const prevHash = prev ? prev.eventHash : GENESIS_HASH;
  const eventHash = computeEventHash(prevHash, prev ? prev.signature : null, contentHash);
  const signature = sign(null, Buffer.from(eventHash, "hex"), signer.privateKey).toString("base64");
  return { seq, lotId: content.lotId, content: canonical, contentHash, prevHash, eventHash, signerKeyId: signer.keyId, signature };
}

/** Checks a correction's replacement payload against the corrected event's type (call before appendEvent). */
export function checkCorrectionTarget(target: EventContent, replacement: unknown): string | null {
  if (target.type === "correction" || target.type === "correction_review") return "cannot correct a correction; correct the original event";
  if (replacement === undefined) return null;
  const res = payloadSchemas[target.type].safeParse(replacement);
  return res.success ? null : res.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
}

export function parseContent(record: Pick<StoredEventRecord, "content">): EventContent {
  return JSON.parse(record.content) as EventContent;
}

/**
 * The lot's events as they stand after corrections: retracted events removed, replaced payloads
 * and times applied. Each result keeps its original seq and lists the corrections applied.
 * A correction held for an inspector (payload.inspectorReview) applies only once a later
 * correction_review accepts it; review events themselves are not events of the goods.
 */
export interface EffectiveEvent {
  seq: number;
  type: EventContent["type"];
  occurredAt: number;
  recordedAt: number;
  actor: Actor;
  payload: EventContent["payload"];
  correctedBy: number[];
}

export type CorrectionStatus = "applied" | "pending" | "accepted" | "rejected";

export interface CorrectionState {
  /** The correction event's seq. */
  seq: number;
  correctsSeq: number;
  status: CorrectionStatus;
  /** The inspector's decision event, when there is one (the latest wins). */
  review: { seq: number; decision: "accepted" | "rejected"; note: string; recordedAt: number } | null;
}

/** Every correction of the chain with whether it is in force (applied / accepted) or not (pending / rejected). */
export function correctionStates(contents: EventContent[]): Map<number, CorrectionState> {
  const out = new Map<number, CorrectionState>();
  for (const c of contents) {
    if (c.type === "correction" && c.correctsSeq !== undefined) {
      out.set(c.seq, { seq: c.seq, correctsSeq: c.correctsSeq, status: c.payload.inspectorReview ? "pending" : "applied", review: null });
    } else if (c.type === "correction_review") {
      const target = out.get(c.payload.correctionSeq);
      // Only a held correction can be decided on; a decision on anything else is ignored.
      if (!target || target.status === "applied") continue;
      target.status = c.payload.decision;
      target.review = { seq: c.seq, decision: c.payload.decision, note: c.payload.note, recordedAt: c.recordedAt };
    }
  }
  return out;
}

export function correctionInForce(state: CorrectionState | undefined): boolean {
  return state?.status === "applied" || state?.status === "accepted";
}

export function effectiveEvents(contents: EventContent[]): EffectiveEvent[] {
  const states = correctionStates(contents);
  const bySeq = new Map<number, EffectiveEvent>();
  const retracted = new Set<number>();
  for (const c of contents) {
    if (c.type === "correction_review") continue;
    if (c.type !== "correction") {
      bySeq.set(c.seq, {
        seq: c.seq,
        type: c.type,
        occurredAt: c.occurredAt,
        recordedAt: c.recordedAt,
        actor: c.actor,
        payload: c.payload,
        correctedBy: [],
      });
      continue;
    }
    if (!correctionInForce(states.get(c.seq))) continue;
    const target = c.correctsSeq !== undefined ? bySeq.get(c.correctsSeq) : undefined;
    if (!target) continue;
    target.correctedBy.push(c.seq);
    if (c.payload.retract) retracted.add(target.seq);
    if (c.payload.replacement) target.payload = c.payload.replacement as EventContent["payload"];
    if (c.payload.occurredAt !== undefined) target.occurredAt = c.payload.occurredAt;
  }
  return [...bySeq.values()].filter((e) => !retracted.has(e.seq)).sort((a, b) => a.seq - b.seq);
}

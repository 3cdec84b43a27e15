/**
 * Verification of a lot's chain (definitions in chain.ts).
 *
 * verifyChainStrict: for every event, in seq order — seq continuity, content hash,
 * prev-hash link, event hash, known key owned by the claimed actor, Ed25519 signature.
 * The first check that fails names the event (failedAt) and the reason.
 *
 * verifyChain (fast path): every check above except that Ed25519 signatures are verified
 * only on the LAST event of each signing key (typically 2–3 verifies instead of 200).
 *
 * Why that is sound:
 *  1. Integrity of all bytes. eventHash_k commits to content_k, to eventHash_{k-1} and to
 *     signature_{k-1} (chain.ts), so by induction eventHash_j commits to every content and
 *     every signature of events 1..j-1. The fast path recomputes all hashes and links, so
 *     the stored rows 1..j are exactly the rows whose eventHash_j was signed. The final
 *     event is always the last event of its key, so its signature is always verified: no row
 *     anywhere can be changed, dropped from the middle, inserted or reordered without
 *     either a hash mismatch or forging that final signature.
 *  2. Attribution. Each content names its actor and signerKeyId, and the key must be a
 *     trusted key of that actor. For an event i claimed by key K whose last event is m:
 *     if m = i its signature is checked directly; if m > i, K's verified signature on event
 *     m covers content_i ("signed by K") and signature_i. So K's key attests event i.
 *     Trust assumption: a key holder never appends on top of a chain that contains an event
 *     falsely claiming its own key — i.e. every signer verifies the chain it extends before
 *     signing. The platform's append path does exactly that (verifyChainStrict on the new
 *     tail before countersigning), and producer keys are used only through the same path.
 *     Without that assumption a fake event in the middle attributed to K would be caught
 *     only by the strict check, which is why audits and exports use verifyChainStrict.
 *  3. Localisation. When anything fails in the fast path, verification falls back to the
 *     strict walk, so the reported seq and reason are exactly the strict ones: a tampered
 *     content, hash, signature or order is reported at the row that was changed.
 *  Not covered by any chain check: truncation of the newest events (drop the tail). Anchor
 *  the head (seq + eventHash, returned as `head`) outside the table, e.g. in the QR page
 *  cache, an order record or a periodic platform-signed checkpoint.
 */
import { verify as edVerify, type KeyObject } from "node:crypto";
import { GENESIS_HASH, computeEventHash, contentHashOf, importPublicKey, sameActor, type TrustedKey } from "./chain";
import type { EventContent, StoredEventRecord } from "./types";

export type VerifyFailureReason =
  | "seq_gap" // position, row seq and content seq disagree (missing, duplicated or reordered rows)
  | "content_hash" // stored content does not hash to content_hash
  | "malformed" // content is not a valid event for this row (lot or key differ from the row's columns)
  | "prev_hash" // prev_hash is not the previous event's event_hash
  | "event_hash" // event_hash does not follow from prev_hash, previous signature and content_hash
  | "unknown_key" // signer key unknown, or not a key of the actor the content names
  | "signature"; // Ed25519 signature does not verify

export type VerifyResult =
  | { ok: true; checked: number; mode: "fast" | "strict"; signaturesVerified: number; head: { seq: number; eventHash: string } | null }
  | { ok: false; checked: number; mode: "fast" | "strict"; signaturesVerified: number; failedAt: number; reason: VerifyFailureReason };

export type KeysById = ReadonlyMap<string, TrustedKey> | Readonly<Record<string, TrustedKey>>;

function keyLookup(keys: KeysById): (id: string) => TrustedKey | undefined {
  if (keys instanceof Map) return (id) => keys.get(id);
  const rec = keys as Readonly<Record<string, TrustedKey>>;
  return (id) => (Object.prototype.hasOwnProperty.call(rec, id) ? rec[id] : undefined);
}

function makeKeyCache(keys: KeysById) {
  const lookup = keyLookup(keys);
  const cache = new Map<string, KeyObject | null>();
  return (id: string): KeyObject | null => {
    let k = cache.get(id);
    if (k === undefined) {
      const t = lookup(id);
      try {
        k = t ? (typeof t.publicKey === "string" ? importPublicKey(t.publicKey) : t.publicKey) : null;
      } catch {
        k = null;
      }
      cache.set(id, k);
    }
    return k;
  };
}

function signatureValid(record: StoredEventRecord, key: KeyObject): boolean {
  const sig = Buffer.from(record.signature, "base64");
  if (sig.length !== 64) return false;
  try {
    return edVerify(null, Buffer.from(record.eventHash, "hex"), key, sig);
  } catch {
    return false;
  }
}

type Step = { ok: true } | { ok: false; reason: VerifyFailureReason };
const OK: Step = { ok: true };

/** Every check of one record except its signature. */
function checkStructure(
  records: readonly StoredEventRecord[],
  i: number,
  lookup: (id: string) => TrustedKey | undefined,
  getKey: (id: string) => KeyObject | null,
): Step {
  const r = records[i];
  const expectedSeq = i + 1;
  if (r.seq !== expectedSeq) return { ok: false, reason: "seq_gap" };
  if (contentHashOf(r.content) !== r.contentHash) return { ok: false, reason: "content_hash" };
  let c: EventContent;
  try {
    c = JSON.parse(r.content) as EventContent;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (c === null || typeof c !== "object") return { ok: false, reason: "malformed" };
  if (c.seq !== r.seq) return { ok: false, reason: "seq_gap" };
  if (c.lotId !== r.lotId || r.lotId !== records[0].lotId || c.signerKeyId !== r.signerKeyId || !c.actor) {
    return { ok: false, reason: "malformed" };
  }
  const prev = i === 0 ? null : records[i - 1];
  if (r.prevHash !== (prev ? prev.eventHash : GENESIS_HASH)) return { ok: false, reason: "prev_hash" };
  let eventHash: string;
  try {
    eventHash = computeEventHash(r.prevHash, prev ? prev.signature : null, r.contentHash);
  } catch {
    return { ok: false, reason: "event_hash" };
  }
  if (eventHash !== r.eventHash) return { ok: false, reason: "event_hash" };
  // Signatures are chained by their bytes; insist on the one canonical base64 text of those bytes
  // so that a rewritten signature column cannot slip through unchanged in meaning but not in text.
  const sig = Buffer.from(r.signature, "base64");
  if (sig.length !== 64 || sig.toString("base64") !== r.signature) return { ok: false, reason: "signature" };
  const trusted = lookup(r.signerKeyId);
  if (!trusted || !sameActor(trusted.owner, c.actor) || !getKey(r.signerKeyId)) return { ok: false, reason: "unknown_key" };
  return OK;
}

/** Checks every signature. Records must be the lot's whole chain in seq order. */
export function verifyChainStrict(records: readonly StoredEventRecord[], keysById: KeysById): VerifyResult {
  const lookup = keyLookup(keysById);
  const getKey = makeKeyCache(keysById);
  let signaturesVerified = 0;
  for (let i = 0; i < records.length; i++) {
    const step = checkStructure(records, i, lookup, getKey);
    if (!step.ok) return { ok: false, mode: "strict", checked: i, signaturesVerified, failedAt: i + 1, reason: step.reason };
    signaturesVerified++;
    if (!signatureValid(records[i], getKey(records[i].signerKeyId)!)) {
      return { ok: false, mode: "strict", checked: i, signaturesVerified, failedAt: i + 1, reason: "signature" };
    }
  }
  return { ok: true, mode: "strict", checked: records.length, signaturesVerified, head: headOf(records) };
}

/** Fast path (see the soundness argument above); falls back to the strict walk to locate any failure. */
export function verifyChain(records: readonly StoredEventRecord[], keysById: KeysById): VerifyResult {
  const lookup = keyLookup(keysById);
  const getKey = makeKeyCache(keysById);
  const lastIndexByKey = new Map<string, number>();
  for (let i = 0; i < records.length; i++) {
    if (!checkStructure(records, i, lookup, getKey).ok) return verifyChainStrict(records, keysById);
    lastIndexByKey.set(records[i].signerKeyId, i);
  }
  let signaturesVerified = 0;
  for (const i of [...lastIndexByKey.values()].sort((a, b) => a - b)) {
    signaturesVerified++;
    if (!signatureValid(records[i], getKey(records[i].signerKeyId)!)) return verifyChainStrict(records, keysById);
  }
  return { ok: true, mode: "fast", checked: records.length, signaturesVerified, head: headOf(records) };
}

function headOf(records: readonly StoredEventRecord[]) {
  const last = records[records.length - 1];
  return last ? { seq: last.seq, eventHash: last.eventHash } : null;
}

/**
 * Signing keys at rest: one Ed25519 key per producer (created on first use) and one for the
 * platform, in trace_keys. Private keys are stored as PKCS#8 encrypted with AES-256-GCM under
 * a key derived (scrypt) from TRACE_KEY_SECRET; decrypted signers and imported public keys are
 * cached in memory by key id (the id is derived from the public key, so it is globally unique
 * and a cache entry can never point at another database's key).
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { and, desc, eq, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { batches, traceKeys } from "../db/schema";
import { getEnv } from "../core/env";
import { generateSigningKey, importPublicKey, signerFromExported, type Signer, type TrustedKey } from "./chain";
import type { Actor } from "./types";

/** The platform's actor name in event contents. */
export const PLATFORM_ACTOR: Actor = { kind: "platform", id: "cunpin" };
export const producerActor = (producerId: number): Actor => ({ kind: "producer", id: String(producerId) });

const ENC_VERSION = "v1";
const KDF_SALT = "cunpin/trace-keys/v1";

/** TRACE_KEY_SECRET: set, or generated once into the secrets file (core/secrets.js). */
function traceSecret(): string {
  return getEnv().TRACE_KEY_SECRET;
}

const kekCache = new Map<string, Buffer>();
/** Key-encryption key: scrypt is slow on purpose, so derive it once per secret. */
function kek(): Buffer {
  const secret = traceSecret();
  let k = kekCache.get(secret);
  if (!k) {
    k = scryptSync(secret, KDF_SALT, 32, { N: 16384, r: 8, p: 1 });
    kekCache.set(secret, k);
  }
  return k;
}

/** "v1:" + base64(iv 12 ‖ tag 16 ‖ ciphertext); the key id is authenticated data, so rows cannot be swapped. */
export function encryptPrivateKey(pkcs8Base64: string, keyId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", kek(), iv);
  cipher.setAAD(Buffer.from(keyId, "utf8"));
  const ct = Buffer.concat([cipher.update(Buffer.from(pkcs8Base64, "base64")), cipher.final()]);
  return `${ENC_VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64")}`;
}

export function decryptPrivateKey(enc: string, keyId: string): string {
  const [version, body] = enc.split(":", 2);
  if (version !== ENC_VERSION || !body) throw new Error("unknown private key encoding");
  const raw = Buffer.from(body, "base64");
  const decipher = createDecipheriv("aes-256-gcm", kek(), raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(keyId, "utf8"));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("base64");
}

const signerCache = new Map<string, Signer>();
const publicKeyCache = new Map<string, TrustedKey>();

type KeyRow = { keyId: string; privateKeyEnc: string };

function signerFor(row: KeyRow, owner: Actor): Signer {
  let s = signerCache.get(row.keyId);
  if (!s) {
    s = signerFromExported({ keyId: row.keyId, owner, privateKeyPkcs8: decryptPrivateKey(row.privateKeyEnc, row.keyId) });
    signerCache.set(row.keyId, s);
  }
  return s;
}

function activeKeyRow(db: Db, producerId: number | null): KeyRow | undefined {
  return db
    .select({ keyId: traceKeys.keyId, privateKeyEnc: traceKeys.privateKeyEnc })
    .from(traceKeys)
    .where(
      and(
        producerId === null ? eq(traceKeys.ownerKind, "platform") : and(eq(traceKeys.ownerKind, "producer"), eq(traceKeys.producerId, producerId)),
        isNull(traceKeys.revokedAt),
      ),
    )
    .orderBy(desc(traceKeys.createdAt), desc(traceKeys.keyId))
    .get();
}

function createKey(db: Db, producerId: number | null): KeyRow {
  const owner = producerId === null ? PLATFORM_ACTOR : producerActor(producerId);
  const k = generateSigningKey(owner);
  const row = { keyId: k.keyId, privateKeyEnc: encryptPrivateKey(k.privateKeyPkcs8, k.keyId) };
  db.insert(traceKeys)
    .values({
      keyId: k.keyId,
      ownerKind: owner.kind,
      producerId,
      publicKeyRaw: k.publicKeyRaw,
      privateKeyEnc: row.privateKeyEnc,
    })
    .run();
  return row;
}

function ensureSigner(db: Db, producerId: number | null): Signer {
  const owner = producerId === null ? PLATFORM_ACTOR : producerActor(producerId);
  const existing = activeKeyRow(db, producerId);
  if (existing) return signerFor(existing, owner);
  // Re-read inside a write transaction so that two first uses do not both create a key.
  const row = db.transaction(() => activeKeyRow(db, producerId) ?? createKey(db, producerId), { behavior: "immediate" });
  return signerFor(row, owner);
}

export function producerSigner(db: Db, producerId: number): Signer {
  return ensureSigner(db, producerId);
}

export function platformSigner(db: Db): Signer {
  return ensureSigner(db, null);
}

function trusted(keyId: string, publicKeyRaw: string, owner: Actor): TrustedKey {
  let t = publicKeyCache.get(keyId);
  if (!t) {
    t = { owner, publicKey: importPublicKey(publicKeyRaw) };
    publicKeyCache.set(keyId, t);
  }
  return t;
}

/**
 * Every key that may sign in this lot's chain: all keys of the batch's producer (revoked ones
 * too, since their earlier events stay valid) and the platform's keys.
 */
export function trustedKeysForBatch(db: Db, batchId: number): Map<string, TrustedKey> {
  const rows = db
    .select({ keyId: traceKeys.keyId, ownerKind: traceKeys.ownerKind, producerId: traceKeys.producerId, publicKeyRaw: traceKeys.publicKeyRaw })
    .from(traceKeys)
    .where(
      or(
        eq(traceKeys.ownerKind, "platform"),
        and(
          eq(traceKeys.ownerKind, "producer"),
          eq(traceKeys.producerId, sql`(select ${batches.producerId} from ${batches} where ${batches.id} = ${batchId})`),
        ),
      ),
    )
    .all();
  const keys = new Map<string, TrustedKey>();
  for (const r of rows) {
    const owner = r.ownerKind === "platform" ? PLATFORM_ACTOR : producerActor(r.producerId!);
    keys.set(r.keyId, trusted(r.keyId, r.publicKeyRaw, owner));
  }
  return keys;
}

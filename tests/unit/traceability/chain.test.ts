import { describe, expect, it } from "vitest";
import { sign } from "node:crypto";
import {
  ChainRuleError,
  GENESIS_HASH,
  appendEvent,
  computeEventHash,
  contentHashOf,
  effectiveEvents,
  generateSigningKey,
  importPublicKey,
  keyIdFor,
  parseContent,
  signerFromExported,
} from "../../../traceability/chain";
import { canonicalize } from "../../../traceability/canonical";
import type { StoredEventRecord } from "../../../traceability/types";
import { verifyChain, verifyChainStrict } from "../../../traceability/verify";
import { P, PLATFORM, appleLot, buildChain, keys, longChain, platform, platformKey, producer, producerKey, sh } from "./fixtures";

const clone = (rs: StoredEventRecord[]) => rs.map((r) => ({ ...r }));
const both = (rs: StoredEventRecord[]) => [verifyChain(rs, keys), verifyChainStrict(rs, keys)];

describe("keys", () => {
  it("exports raw and SPKI public keys and a key id derived from the raw key", () => {
    const k = generateSigningKey({ kind: "producer", id: "2" });
    expect(Buffer.from(k.publicKeyRaw, "base64")).toHaveLength(32);
    expect(Buffer.from(k.publicKeySpki, "base64").subarray(12).toString("base64")).toBe(k.publicKeyRaw);
    expect(k.keyId).toBe(keyIdFor(Buffer.from(k.publicKeyRaw, "base64")));
    expect(importPublicKey(k.publicKeyRaw).asymmetricKeyType).toBe("ed25519");
    expect(signerFromExported(k).privateKey.asymmetricKeyType).toBe("ed25519");
  });
});

describe("appendEvent", () => {
  const chain = buildChain(appleLot());

  it("links records: genesis prev hash, seq, content hash, event hash", () => {
    expect(chain[0].seq).toBe(1);
    expect(chain[0].prevHash).toBe(GENESIS_HASH);
    for (let i = 0; i < chain.length; i++) {
      const r = chain[i];
      expect(r.seq).toBe(i + 1);
      expect(r.contentHash).toBe(contentHashOf(r.content));
      expect(r.content).toBe(canonicalize(JSON.parse(r.content)));
      if (i > 0) expect(r.prevHash).toBe(chain[i - 1].eventHash);
      expect(r.eventHash).toBe(computeEventHash(r.prevHash, i > 0 ? chain[i - 1].signature : null, r.contentHash));
      expect(Buffer.from(r.signature, "base64")).toHaveLength(64);
    }
    const inspection = parseContent(chain[3]);
    expect(inspection.signerKeyId).toBe(platformKey.keyId);
    expect(chain[3].signerKeyId).toBe(platformKey.keyId);
    expect(chain[0].signerKeyId).toBe(producerKey.keyId);
  });

  it("is deterministic: the same content and key give the same record (Ed25519 is deterministic)", () => {
    expect(buildChain(appleLot())).toEqual(chain);
  });

  it("refuses a signer that is not the actor's, another lot, bad payloads and loose corrections", () => {
    const [first] = appleLot();
    expect(() => appendEvent(null, first, platform)).toThrow(ChainRuleError);
    expect(() => appendEvent(chain[0], { ...appleLot("8")[1] }, producer)).toThrow(/another lot/);
    expect(() => appendEvent(null, { ...first, payload: { crop: "" } } as never, producer)).toThrow(/invalid event content/);
    expect(() =>
      appendEvent(
        chain[chain.length - 1],
        {
          lotId: "7",
          type: "correction",
          occurredAt: sh("2026-10-14T08:00:00"),
          recordedAt: sh("2026-10-14T08:00:00"),
          actor: P,
          payload: { reason: "x", retract: true },
        },
        producer,
      ),
    ).toThrow(/correctsSeq/);
  });

  it("applies corrections in the effective view", () => {
    const contents = [
      ...appleLot(),
      {
        lotId: "7",
        type: "correction" as const,
        correctsSeq: 3,
        occurredAt: sh("2026-10-14T08:00:00"),
        recordedAt: sh("2026-10-14T08:00:00"),
        actor: P,
        payload: { reason: "称重有误", replacement: { quantity: 1150, unit: "kg", lotCode: "LC2026-A07" } },
      },
      {
        lotId: "7",
        type: "correction" as const,
        correctsSeq: 2,
        occurredAt: sh("2026-10-14T09:00:00"),
        recordedAt: sh("2026-10-14T09:00:00"),
        actor: P,
        payload: { reason: "记错批次", retract: true },
      },
    ];
    const eff = effectiveEvents(buildChain(contents).map(parseContent));
    expect(eff.map((e) => e.seq)).toEqual([1, 3, 4, 5, 6]);
    expect(eff.find((e) => e.seq === 3)!.payload).toMatchObject({ quantity: 1150 });
    expect(eff.find((e) => e.seq === 3)!.correctedBy).toEqual([7]);
  });
});

describe("verifyChain", () => {
  const chain = buildChain(appleLot());

  it("accepts an intact chain; the fast path verifies one signature per signer", () => {
    const fast = verifyChain(chain, keys);
    expect(fast).toMatchObject({ ok: true, mode: "fast", checked: 6, signaturesVerified: 2, head: { seq: 6, eventHash: chain[5].eventHash } });
    expect(verifyChainStrict(chain, keys)).toMatchObject({ ok: true, mode: "strict", checked: 6, signaturesVerified: 6 });
    expect(verifyChain([], keys)).toMatchObject({ ok: true, checked: 0, head: null });
  });

  it("a tampered content row fails at that seq", () => {
    const rs = clone(chain);
    rs[2].content = rs[2].content.replace('"quantity":1200', '"quantity":2400');
    for (const r of both(rs)) expect(r).toMatchObject({ ok: false, failedAt: 3, reason: "content_hash", checked: 2 });
  });

  it("a tampered content row with a recomputed content hash fails at that seq", () => {
    const rs = clone(chain);
    rs[2].content = rs[2].content.replace('"quantity":1200', '"quantity":2400');
    rs[2].contentHash = contentHashOf(rs[2].content);
    for (const r of both(rs)) expect(r).toMatchObject({ ok: false, failedAt: 3, reason: "event_hash" });
  });

  it("a tampered row whose hashes are all recomputed downstream fails at that seq on the signature", () => {
    const rs = clone(chain);
    rs[1].content = rs[1].content.replace("有机肥", "复合肥");
    rs[1].contentHash = contentHashOf(rs[1].content);
    for (let i = 1; i < rs.length; i++) {
      if (i > 1) rs[i].prevHash = rs[i - 1].eventHash;
      rs[i].eventHash = computeEventHash(rs[i].prevHash, rs[i - 1].signature, rs[i].contentHash);
    }
    for (const r of both(rs)) expect(r).toMatchObject({ ok: false, failedAt: 2, reason: "signature" });
  });

  it("a tampered prev hash fails at that seq", () => {
    const rs = clone(chain);
    rs[3].prevHash = "f".repeat(64);
    for (const r of both(rs)) expect(r).toMatchObject({ ok: false, failedAt: 4, reason: "prev_hash" });
  });

  it("a forged signature fails at that seq, also in the middle of the chain", () => {
    const forger = generateSigningKey({ kind: "producer", id: "1" });
    for (const idx of [1, 5]) {
      const rs = clone(chain);
      rs[idx].signature = sign(null, Buffer.from(rs[idx].eventHash, "hex"), signerFromExported(forger).privateKey).toString("base64");
      for (const r of both(rs)) expect(r).toMatchObject({ ok: false, failedAt: idx + 1, reason: "signature" });
    }
  });

  it("a re-encoded signature (same bytes, different base64 text) fails at that seq", () => {
    const rs = clone(chain);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const s = rs[1].signature; // 88 chars ending in "=="; the low 2 bits of s[85] are padding bits
    rs[1].signature = s.slice(0, 85) + alphabet[alphabet.indexOf(s[85]) ^ 1] + s.slice(86);
    expect(Buffer.from(rs[1].signature, "base64").equals(Buffer.from(s, "base64"))).toBe(true);
    for (const r of both(rs)) expect(r).toMatchObject({ ok: false, failedAt: 2, reason: "signature" });
  });

  it("swapped rows fail at the first swapped seq", () => {
    const rs = clone(chain);
    [rs[2], rs[3]] = [rs[3], rs[2]];
    for (const r of both(rs)) expect(r).toMatchObject({ ok: false, failedAt: 3, reason: "seq_gap" });
    // the same swap with the seq column rewritten to look continuous
    const rs2 = clone(chain);
    [rs2[2], rs2[3]] = [
      { ...rs2[3], seq: 3 },
      { ...rs2[2], seq: 4 },
    ];
    for (const r of both(rs2)) expect(r).toMatchObject({ ok: false, failedAt: 3, reason: "seq_gap" });
  });

  it("a deleted middle row fails where the gap is", () => {
    const rs = clone(chain);
    rs.splice(2, 1);
    for (const r of both(rs)) expect(r).toMatchObject({ ok: false, failedAt: 3, reason: "seq_gap" });
  });

  it("an unknown key, or a key of another actor, fails as unknown_key", () => {
    const onlyProducer = new Map([[producerKey.keyId, keys.get(producerKey.keyId)!]]);
    expect(verifyChain(chain, onlyProducer)).toMatchObject({ ok: false, failedAt: 4, reason: "unknown_key" });
    const mislabelled = new Map(keys);
    mislabelled.set(platformKey.keyId, { ...keys.get(platformKey.keyId)!, owner: { kind: "producer", id: "2" } });
    expect(verifyChain(chain, mislabelled)).toMatchObject({ ok: false, failedAt: 4, reason: "unknown_key" });
  });

  it("an event falsely claiming the platform key, appended by the producer, is caught", () => {
    const rs = clone(chain);
    // the producer fabricates a platform inspection (it cannot sign with the platform key) …
    const fake = {
      lotId: "7",
      type: "inspection",
      occurredAt: sh("2026-10-14T08:00:00"),
      recordedAt: sh("2026-10-14T08:00:00"),
      actor: PLATFORM,
      payload: { result: "pass", kind: "lab_test" },
      seq: 7,
      signerKeyId: platformKey.keyId,
    };
    const content = canonicalize(fake);
    const contentHash = contentHashOf(content);
    const eventHash = computeEventHash(rs[5].eventHash, rs[5].signature, contentHash);
    const forged = sign(null, Buffer.from(eventHash, "hex"), producer.privateKey).toString("base64");
    rs.push({ seq: 7, lotId: "7", content, contentHash, prevHash: rs[5].eventHash, eventHash, signerKeyId: platformKey.keyId, signature: forged });
    // … and then appends and signs an event of its own on top
    rs.push(
      appendEvent(
        rs[6],
        { lotId: "7", type: "arrival", occurredAt: sh("2026-10-15T08:00:00"), recordedAt: sh("2026-10-15T08:00:00"), actor: P, payload: {} },
        producer,
      ),
    );
    for (const r of both(rs)) expect(r).toMatchObject({ ok: false, failedAt: 7, reason: "signature" });
  });

  it("rows from another lot are rejected", () => {
    const other = buildChain(appleLot("8"));
    const rs = [...clone(chain).slice(0, 3), ...other.slice(3)];
    for (const r of both(rs)) expect(r.ok).toBe(false);
    for (const r of both(rs)) expect(r).toMatchObject({ failedAt: 4 });
  });

  // Speed is measured in bench/verify.ts; here, what makes it fast: one signature per signing key.
  it("verifies a 200-event chain with one signature check per signing key on the fast path", () => {
    const rs = longChain(200);
    expect(verifyChain(rs, keys)).toMatchObject({ ok: true, checked: 200, signaturesVerified: 2 });
    expect(verifyChainStrict(rs, keys)).toMatchObject({ ok: true, checked: 200, signaturesVerified: 200 });
  });
});

/**
 * Known answers for one fixed event, computed once outside this code (shell, see each comment), so that a
 * change to canonicalisation, hashing or signing shows up here rather than being recomputed away.
 * The key is RFC 8032 §7.1 TEST 1 (a published test vector, not a secret): Ed25519 is deterministic, so
 * the signature is a known answer too.
 */
describe("a fixed event (known answers)", () => {
  // PKCS#8 DER = 302e020100300506032b657004220420 ‖ RFC 8032 TEST 1 secret key 9d61b1…7f60, base64.
  const RFC8032_TEST1_PKCS8 = "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g";
  // RFC 8032 TEST 1 public key d75a98…511a, base64.
  const RFC8032_TEST1_PUBLIC = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
  // printf d75a98…511a | xxd -r -p | sha256sum | cut -c1-32
  const KEY_ID = "21fe31dfa154a261626bf854046fd227";
  const signer = signerFromExported({ keyId: KEY_ID, owner: P, privateKeyPkcs8: RFC8032_TEST1_PKCS8 });

  // 2026-04-01 08:00 and 09:00 Asia/Shanghai = 1775001600 and 1775005200 s since the epoch (date -u -d …).
  const record = appendEvent(
    null,
    { lotId: "7", type: "planting", occurredAt: 1775001600000, recordedAt: 1775005200000, actor: P, payload: { variety: "红富士", crop: "apple" } },
    signer,
  );

  it("derives the key id from the raw public key", () => {
    expect(keyIdFor(Buffer.from(RFC8032_TEST1_PUBLIC, "base64"))).toBe(KEY_ID);
  });

  it("has a known canonical JSON, content hash, event hash and signature", () => {
    // Keys sorted, no whitespace, seq and signerKeyId filled in, UTF-8 as is.
    expect(record.content).toBe(
      '{"actor":{"id":"1","kind":"producer"},"lotId":"7","occurredAt":1775001600000,"payload":{"crop":"apple","variety":"红富士"},"recordedAt":1775005200000,"seq":1,"signerKeyId":"21fe31dfa154a261626bf854046fd227","type":"planting"}',
    );
    // printf '%s' '<content above>' | sha256sum
    expect(record.contentHash).toBe("2ea4843f8d50fc7fe3069e82770ce30c2aca10864c266e2ffd83ed362738d5e1");
    expect(record.prevHash).toBe(GENESIS_HASH);
    // 129 bytes: 01 ‖ 32 zero bytes (genesis) ‖ 64 zero bytes (no previous signature) ‖ contentHash, through
    // xxd -r -p | sha256sum
    expect(record.eventHash).toBe("e7b2018e644c3111e765276b098bf8549c57e233c3aad64740d4059e630340cd");
    // openssl pkeyutl -sign -inkey <TEST 1 key> -rawin -in <the 32 raw bytes of eventHash> | base64
    expect(record.signature).toBe("dE/2vscELTFAgGT8AKxnZSgHB5giQ/pQ52iHn6pUdhjVjlU0vkAwrLV6ROlxIKnaQ+sGXOIE34Qs5G/0vDDuDQ==");
    expect(record.signerKeyId).toBe(KEY_ID);
  });

  it("verifies against the published public key", () => {
    const trusted = new Map([[KEY_ID, { owner: P, publicKey: RFC8032_TEST1_PUBLIC }]]);
    expect(verifyChain([record], trusted).ok).toBe(true);
    expect(verifyChainStrict([record], trusted).ok).toBe(true);
  });
});

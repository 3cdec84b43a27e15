/**
 * Chain verification benchmark (issue 3): full verification of a 200-event lot — every hash and
 * link, every signer's key — with the fast path (one Ed25519 verify per signing key, see
 * traceability/verify.ts) against the BASELINE of the strict walk (every signature), same run.
 * Target: fast path under 5 ms.
 *
 *   library  the pure chain: records in memory, producer key
 *            plus platform key (every 10th event)
 *   store    the same size of lot in a temp SQLite database through traceability/store.ts
 *            (createLotWithChain + recordEvent + recordPlatformEvent); verifyLot reads the rows
 *            and the lot's trusted keys, then verifies — what a trace page or inspector pays
 *
 *   npx tsx bench/verify.ts        (BENCH_EVENTS=200, BENCH_RUNS=200)
 */
import os from "node:os";
import path from "node:path";
import { addProducerMember, createLotWithChain, createProducer, createTestDatabase, insertUserWithHash } from "../seeds/factories";
import { appendEvent, generateSigningKey, signerFromExported, trustedKeyFromExported } from "../traceability/chain";
import { recordPlatformEvent, verifyLot } from "../traceability/store";
import type { NewEventContent, StoredEventRecord } from "../traceability/types";
import { verifyChain, verifyChainStrict, type VerifyResult } from "../traceability/verify";
import { setting } from "./lib/settings";
import { formatTable, ms, ratio } from "./lib/table";
import { runIfMain } from "./lib/main";

const SETTINGS = { events: setting("BENCH_EVENTS", 200, 5000), runs: setting("BENCH_RUNS", 200, 10_000), warmups: 20, targetMs: 5 };

type Timing = { median: number; p95: number; min: number; cpuMs: number; signatures: number };

function time(fn: () => VerifyResult): Timing {
  let signatures = 0;
  for (let i = 0; i < SETTINGS.warmups; i++) {
    const r = fn();
    if (!r.ok) throw new Error(`verification failed at ${r.failedAt}: ${r.reason}`);
    signatures = r.signaturesVerified;
  }
  const samples: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < SETTINGS.runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const cpu = process.cpuUsage(cpu0);
  samples.sort((a, b) => a - b);
  return {
    median: samples[Math.floor(samples.length / 2)],
    p95: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.95))],
    min: samples[0],
    // CPU time per run is the figure to trust on a busy machine; wall-clock includes waiting for a core.
    cpuMs: (cpu.user + cpu.system) / 1000 / SETTINGS.runs,
    signatures,
  };
}

function libraryChain(n: number) {
  const pk = generateSigningKey({ kind: "producer", id: "1" });
  const ck = generateSigningKey({ kind: "platform", id: "cunpin" });
  const signers = { producer: signerFromExported(pk), platform: signerFromExported(ck) };
  const keys = new Map([
    [pk.keyId, trustedKeyFromExported(pk)],
    [ck.keyId, trustedKeyFromExported(ck)],
  ]);
  const records: StoredEventRecord[] = [];
  const t0 = Date.UTC(2026, 2, 1);
  for (let i = 0; i < n; i++) {
    const t = t0 + i * 3_600_000;
    const platform = i % 10 === 9;
    const content: NewEventContent = platform
      ? {
          lotId: "1",
          type: "inspection",
          occurredAt: t,
          recordedAt: t,
          actor: ck.owner,
          payload: { result: "pass", kind: "platform_audit", reportNo: `R-${i}` },
        }
      : {
          lotId: "1",
          type: "input_application",
          occurredAt: t,
          recordedAt: t,
          actor: pk.owner,
          payload: { inputKind: "fertilizer", productName: `复合肥 15-15-15 第${i}次`, dose: "40 kg/亩" },
        };
    records.push(appendEvent(records[records.length - 1] ?? null, content, platform ? signers.platform : signers.producer));
  }
  return { records, keys };
}

/** A lot of exactly n events in a real database: inputs, harvest, inspection, packing, then platform arrivals/pickups. */
function storeLot(n: number) {
  const { db, cleanup } = createTestDatabase(path.join(os.tmpdir(), `cunpin-bench-verify-${process.pid}.sqlite`));
  const userId = insertUserWithHash(db, { phone: "13900000999", displayName: "果农", passwordHash: "!bench", roles: ["farmer"] });
  const producerId = createProducer(db, { ownerUserId: userId, nameZh: "验证基准合作社" });
  addProducerMember(db, producerId, userId, "owner");
  const platformEvents = Math.max(2, Math.floor(n / 20));
  // planting + inputs + harvest + inspection + packing + platform events = n
  const inputs = Math.max(1, n - 4 - platformEvents);
  const harvestAt = Date.now() - 20 * 86_400_000;
  const lot = createLotWithChain(db, {
    producerId,
    category: "fruit",
    productName: "基准苹果",
    harvestAt,
    inputs: Array.from({ length: inputs }, (_, i) => ({
      productName: "腐熟有机肥",
      inputKind: "fertilizer" as const,
      dose: `${100 + i} 公斤/亩`,
      method: "soil" as const,
      at: harvestAt - 120 * 86_400_000 + i * 3_600_000,
    })),
  });
  const points = n - (inputs + 4);
  for (let i = 0; i < points; i++) {
    const at = harvestAt + 2 * 86_400_000 + i * 3_600_000;
    if (i % 2 === 0) recordPlatformEvent(db, lot.batchId, { type: "arrival", occurredAt: at, payload: { receivedBy: "服务站", orderId: `O${i}` } });
    else recordPlatformEvent(db, lot.batchId, { type: "pickup", occurredAt: at, payload: { orderId: `O${i - 1}`, pickupPoint: "村级服务站" } });
  }
  const count = db.$client.prepare(`select count(*) from trace_events where batch_id = ?`).pluck().get(lot.batchId) as number;
  return { db, batchId: lot.batchId, count, cleanup };
}

export function run() {
  const n = SETTINGS.events;
  const lib = libraryChain(n);
  const libFast = time(() => verifyChain(lib.records, lib.keys));
  const libStrict = time(() => verifyChainStrict(lib.records, lib.keys));

  const t0 = Date.now();
  const store = storeLot(n);
  const buildMs = Date.now() - t0;
  let dbFast: Timing;
  let dbStrict: Timing;
  try {
    dbFast = time(() => verifyLot(store.db, store.batchId));
    dbStrict = time(() => verifyLot(store.db, store.batchId, { strict: true }));
  } finally {
    store.cleanup();
  }

  console.log(
    `\nFull verification of a ${n}-event lot (${SETTINGS.runs} runs after ${SETTINGS.warmups} warm-ups; store lot: ${store.count} events, built in ${(buildMs / 1000).toFixed(1)} s)\n`,
  );
  const row = (label: string, t: Timing) => [label, ms(t.median), ms(t.p95), ms(t.cpuMs), String(t.signatures)];
  console.log(
    formatTable(
      ["verification", "median", "p95", "CPU/run", "signatures"],
      [
        row("library: fast path", libFast),
        row("library: strict (baseline)", libStrict),
        row("store verifyLot: fast path", dbFast),
        row("store verifyLot: strict (baseline)", dbStrict),
      ],
    ),
  );
  const met = libFast.median < SETTINGS.targetMs && dbFast.median < SETTINGS.targetMs;
  console.log(
    `\nstrict / fast: library ${ratio(libStrict.median / libFast.median)}, store ${ratio(dbStrict.median / dbFast.median)}; ` +
      `fast target < ${SETTINGS.targetMs} ms: ${met ? "met" : "NOT met"}`,
  );
  const summary = {
    header: ["benchmark", "result", "baseline", "ratio", "target"],
    rows: [
      [
        `verify: ${n}-event lot, library`,
        ms(libFast.median),
        `strict ${ms(libStrict.median)}`,
        `${ratio(libStrict.median / libFast.median)} faster`,
        `< ${SETTINGS.targetMs} ms ${libFast.median < SETTINGS.targetMs ? "met" : "NOT met"}`,
      ],
      [
        `verify: ${store.count}-event lot, store+DB`,
        ms(dbFast.median),
        `strict ${ms(dbStrict.median)}`,
        `${ratio(dbStrict.median / dbFast.median)} faster`,
        `< ${SETTINGS.targetMs} ms ${dbFast.median < SETTINGS.targetMs ? "met" : "NOT met"}`,
      ],
    ],
  };
  return {
    name: "verify",
    at: new Date().toISOString(),
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadavg: os.loadavg() },
    settings: SETTINGS,
    timings: { libFast, libStrict, dbFast, dbStrict },
    storeLot: { events: store.count, buildMs },
    met,
    summary,
  };
}

runIfMain(import.meta.url, "verify", run);

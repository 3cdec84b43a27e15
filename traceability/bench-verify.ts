/**
 * Micro-benchmark: verify a 200-event chain (producer + platform signers) with the fast path
 * and with every signature checked. Run: npx tsx traceability/bench-verify.ts [events] [rounds]
 */
import { appendEvent, generateSigningKey, signerFromExported, trustedKeyFromExported } from "./chain";
import type { NewEventContent, StoredEventRecord } from "./types";
import { verifyChain, verifyChainStrict } from "./verify";

const n = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 200);
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
  const content: NewEventContent =
    i % 10 === 9
      ? { lotId: "1", type: "inspection", occurredAt: t, recordedAt: t, actor: ck.owner, payload: { result: "pass", kind: "platform_audit", reportNo: `R-${i}` } }
      : { lotId: "1", type: "input_application", occurredAt: t, recordedAt: t, actor: pk.owner, payload: { inputKind: "fertilizer", productName: `复合肥 15-15-15 第${i}次`, dose: "40 kg/亩" } };
  records.push(appendEvent(records[records.length - 1] ?? null, content, i % 10 === 9 ? signers.platform : signers.producer));
}

function time(label: string, fn: () => { ok: boolean }): number {
  for (let i = 0; i < 20; i++) if (!fn().ok) throw new Error(`${label} failed`);
  const samples: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) {
    const s = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  const cpu = process.cpuUsage(cpu0);
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  const cpuMs = (cpu.user + cpu.system) / 1000 / rounds;
  // CPU time per run is the figure to trust on a busy machine; wall-clock percentiles include waiting for a core.
  console.log(
    `${label.padEnd(7)} ${n} events: wall median ${median.toFixed(3)} ms (min ${samples[0].toFixed(3)}, p95 ${samples[Math.floor(samples.length * 0.95)].toFixed(3)}), CPU ${cpuMs.toFixed(3)} ms/run`,
  );
  return median;
}

const fast = time("fast", () => verifyChain(records, keys));
const strict = time("strict", () => verifyChainStrict(records, keys));
console.log(`ratio strict/fast: ${(strict / fast).toFixed(1)}x; fast target < 5 ms: ${fast < 5 ? "met" : "NOT met"}`);

/** Shared test fixtures: keys and a realistic apple lot chain (producer + platform events). */
import { appendEvent, generateSigningKey, signerFromExported, trustedKeyFromExported, type TrustedKey } from "../../../traceability/chain";
import type { NewEventContent, StoredEventRecord } from "../../../traceability/types";

export const producerKey = generateSigningKey({ kind: "producer", id: "1" });
export const platformKey = generateSigningKey({ kind: "platform", id: "cunpin" });
export const producer = signerFromExported(producerKey);
export const platform = signerFromExported(platformKey);
export const keys: Map<string, TrustedKey> = new Map([
  [producerKey.keyId, trustedKeyFromExported(producerKey)],
  [platformKey.keyId, trustedKeyFromExported(platformKey)],
]);

/** Asia/Shanghai wall-clock time → epoch ms. */
export const sh = (iso: string) => Date.parse(`${iso}+08:00`);

export const P = { kind: "producer", id: "1" } as const;
export const PLATFORM = { kind: "platform", id: "cunpin" } as const;

export function buildChain(contents: NewEventContent[]): StoredEventRecord[] {
  const out: StoredEventRecord[] = [];
  for (const c of contents) out.push(appendEvent(out[out.length - 1] ?? null, c, c.actor.kind === "platform" ? platform : producer));
  return out;
}

export function appleLot(lotId = "7"): NewEventContent[] {
  return [
    {
      lotId,
      type: "planting",
      occurredAt: sh("2026-04-01T08:00:00"),
      recordedAt: sh("2026-04-01T09:00:00"),
      actor: P,
      payload: { crop: "apple", variety: "红富士", place: { lat: 35.76, lng: 109.42 } },
    },
    {
      lotId,
      type: "input_application",
      occurredAt: sh("2026-08-20T07:00:00"),
      recordedAt: sh("2026-08-20T09:00:00"),
      actor: P,
      payload: { inputKind: "fertilizer", productName: "有机肥" },
    },
    {
      lotId,
      type: "harvest",
      occurredAt: sh("2026-10-10T08:00:00"),
      recordedAt: sh("2026-10-10T18:00:00"),
      actor: P,
      payload: { quantity: 1200, unit: "kg", lotCode: "LC2026-A07" },
    },
    {
      lotId,
      type: "inspection",
      occurredAt: sh("2026-10-11T10:00:00"),
      recordedAt: sh("2026-10-11T10:30:00"),
      actor: PLATFORM,
      payload: { result: "pass", kind: "rapid_test", reportNo: "R-001" },
    },
    { lotId, type: "packing", occurredAt: sh("2026-10-12T10:00:00"), recordedAt: sh("2026-10-12T10:30:00"), actor: P, payload: { quantity: 1200, unit: "kg" } },
    {
      lotId,
      type: "shipping",
      occurredAt: sh("2026-10-13T10:00:00"),
      recordedAt: sh("2026-10-13T10:30:00"),
      actor: P,
      payload: { carrier: "顺丰", trackingNo: "SF123" },
    },
  ];
}

/** A long chain for verification tests and the benchmark: mostly producer events, a platform event every 10th. */
export function longChain(n: number, lotId = "9"): StoredEventRecord[] {
  const base = sh("2026-03-01T08:00:00");
  const contents: NewEventContent[] = [];
  for (let i = 0; i < n; i++) {
    const t = base + i * 3_600_000;
    contents.push(
      i % 10 === 9
        ? { lotId, type: "inspection", occurredAt: t, recordedAt: t, actor: PLATFORM, payload: { result: "pass", kind: "platform_audit" } }
        : { lotId, type: "input_application", occurredAt: t, recordedAt: t, actor: P, payload: { inputKind: "fertilizer", productName: `复合肥 ${i}` } },
    );
  }
  return buildChain(contents);
}

/**
 * A minimal HTTP load client on node:http keep-alive agents (autocannon is not a dependency).
 * Bodies are read raw: nothing is decompressed, so byte counts are what crossed the wire.
 * Every loop is bounded both in request count and in time.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";

export type Reply = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

const REQUEST_TIMEOUT_MS = 10_000;

export function get(url: string, options: { agent?: http.Agent; headers?: Record<string, string> } = {}): Promise<Reply> {
  const target = new URL(url);
  if (target.hostname !== "127.0.0.1") return Promise.reject(new Error(`bench: only 127.0.0.1 is allowed, not ${target.hostname}`));
  return new Promise((resolve, reject) => {
    const req = http.get(target, { agent: options.agent ?? false, headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`timeout after ${REQUEST_TIMEOUT_MS} ms: ${url}`)));
    req.on("error", reject);
  });
}

export type Latency = { n: number; medianMs: number; p95Ms: number; meanMs: number; minMs: number; maxMs: number };

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** `count` requests one after another on one kept-alive connection, after `warmup` untimed ones. */
export async function sequentialLatency(
  url: string,
  { count, warmup, headers = {} }: { count: number; warmup: number; headers?: Record<string, string> },
): Promise<Latency> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < warmup; i++) await expectOk(get(url, { agent, headers }), url);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await expectOk(get(url, { agent, headers }), url);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return {
      n: times.length,
      medianMs: percentile(times, 50),
      p95Ms: percentile(times, 95),
      meanMs: times.reduce((s, t) => s + t, 0) / times.length,
      minMs: times[0],
      maxMs: times[times.length - 1],
    };
  } finally {
    agent.destroy();
  }
}

export type Throughput = { rps: number; requests: number; non200: number; errors: number; durationMs: number; concurrency: number };

/**
 * `concurrency` kept-alive connections, each sending its next request as soon as the last
 * answer is read, until `durationMs` has passed or `maxRequests` were sent.
 */
export async function throughput(
  url: string,
  { concurrency, durationMs, maxRequests, headers = {} }: { concurrency: number; durationMs: number; maxRequests: number; headers?: Record<string, string> },
): Promise<Throughput> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let sent = 0;
  let ok = 0;
  let non200 = 0;
  let errors = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async () => {
    while (performance.now() < deadline && sent < maxRequests && errors < 50) {
      sent++;
      try {
        const r = await get(url, { agent, headers });
        if (r.status === 200) ok++;
        else non200++;
      } catch {
        errors++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  const elapsed = performance.now() - start;
  return { rps: (ok * 1000) / elapsed, requests: ok, non200, errors, durationMs: elapsed, concurrency };
}

async function expectOk(reply: Promise<Reply>, url: string): Promise<Reply> {
  const r = await reply;
  if (r.status !== 200) throw new Error(`bench: ${url} answered ${r.status}`);
  return r;
}

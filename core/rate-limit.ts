/**
 * Fixed limits on actions anyone can repeat (sign-up, the trace page's problem report): at most
 * `max` attempts per key (the client address) in a sliding window. The count and the record are one
 * IMMEDIATE transaction, so parallel requests, even from several processes, cannot all pass the
 * check before any is recorded. Login has its own, richer throttle (market/accounts/accounts.ts).
 * Plain module: takes a better-sqlite3 handle, no Remix.
 */
import type Database from "better-sqlite3";

export type RateLimitRule = { bucket: string; max: number; windowMs: number };
export type RateLimitDecision = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Counts one attempt for `key` against every rule. Allowed: it is recorded under each rule and
 * `then` runs in the same transaction (what the attempt creates is written with its count).
 * Refused: nothing is recorded; retryAfterMs says when the oldest counted attempt leaves the window.
 */
export function takeRateLimit<T = void>(
  sqlite: Database.Database,
  rules: readonly RateLimitRule[],
  key: string,
  now: number,
  then?: () => T,
): { ok: true; value: T } | { ok: false; retryAfterMs: number } {
  return sqlite
    .transaction(() => {
      let retryAfterMs = 0;
      for (const rule of rules) {
        // The attempt that has to leave the window before one more fits: the max-th newest.
        const blocking = sqlite
          .prepare(`select at from rate_limit_hits where bucket = ? and key = ? and at > ? order by at desc limit 1 offset ?`)
          .pluck()
          .get(rule.bucket, key, now - rule.windowMs, rule.max - 1) as number | undefined;
        if (blocking !== undefined) retryAfterMs = Math.max(retryAfterMs, blocking + rule.windowMs - now);
      }
      if (retryAfterMs > 0) return { ok: false as const, retryAfterMs };
      const record = sqlite.prepare(`insert into rate_limit_hits (bucket, key, at) values (?, ?, ?)`);
      for (const rule of rules) record.run(rule.bucket, key, now);
      return { ok: true as const, value: then ? then() : (undefined as T) };
    })
    .immediate();
}

/** Housekeeping: drops hits older than any window in use (a day). */
export function pruneRateLimitHits(sqlite: Database.Database, now: number, keepMs = 24 * 60 * 60 * 1000): void {
  sqlite.prepare(`delete from rate_limit_hits where at < ?`).run(now - keepMs);
}

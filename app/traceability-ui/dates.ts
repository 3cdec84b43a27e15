/**
 * Calendar dates as farmers enter them (YYYY-MM-DD from <input type="date">), in Asia/Shanghai
 * (UTC+8 all year), the same day arithmetic as traceability/compliance.ts uses for intervals.
 * Plain module: shared by forms in the browser and actions on the server.
 */
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today's date in Asia/Shanghai, e.g. "2026-11-27". */
export function shanghaiToday(now = Date.now()): string {
  return new Date(now + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The Shanghai date `days` days before today (negative: after). */
export function shanghaiDaysAgo(days: number, now = Date.now()): string {
  return shanghaiToday(now - days * DAY_MS);
}

export function isRealIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/**
 * The moment an event dated `isoDate` happened: now when it is today (keeps the order of several
 * records made today), otherwise noon of that day in Shanghai (the interval rules count days only).
 */
export function occurredAtOf(isoDate: string, now = Date.now()): number {
  if (isoDate === shanghaiToday(now)) return now;
  const m = ISO_DATE.exec(isoDate);
  if (!m) throw new Error(`not a date: ${isoDate}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12) - SHANGHAI_OFFSET_MS;
}

/** The Shanghai date of an epoch-ms time, YYYY-MM-DD. */
export function shanghaiDateOf(t: number): string {
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

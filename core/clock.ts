/**
 * The clock of the domain: Asia/Shanghai (UTC+8 all year, no daylight saving since 1991).
 * Calendar days, dates and times as farmers, buyers and regulators read them, the same on the
 * server and in the browser. Interval rules count calendar days: day(t) = floor((t + 8 h) / 24 h).
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The calendar day number (days since 1970-01-01) in Shanghai of an instant. */
export const shanghaiDay = (ms: number): number => Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);

/** "2026-10-12" for a day number of shanghaiDay(). */
export const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The Shanghai calendar date of an instant: "2026-10-12". */
export function shanghaiDate(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The Shanghai date without dashes, for file names and codes: "20261012". */
export function shanghaiCompactDate(ms: number): string {
  return shanghaiDate(ms).replace(/-/g, "");
}

/** "2026-11-28 18:30" in Shanghai, for notices, SMS and pages (the same text on server and client). */
export function shanghaiDateTime(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace("T", " ");
}

/** ISO 8601 with milliseconds in Shanghai time: 2025-09-01T10:00:00.000+08:00 (EPCIS eventTime). */
export function shanghaiIso(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().replace("Z", "+08:00");
}

/** The calendar year in Shanghai: 1 January 00:30 Beijing time belongs to the new year. */
export function shanghaiYear(ms: number): number {
  return new Date(ms + SHANGHAI_OFFSET_MS).getUTCFullYear();
}

/** Midnight (Shanghai) that starts the day `ms` falls in, as epoch ms. */
export function startOfShanghaiDay(ms: number): number {
  return shanghaiDay(ms) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** Today's date in Shanghai, e.g. "2026-11-27". */
export function shanghaiToday(now = Date.now()): string {
  return shanghaiDate(now);
}

/** The Shanghai date `days` days before today (negative: after). */
export function shanghaiDaysAgo(days: number, now = Date.now()): string {
  return shanghaiToday(now - days * DAY_MS);
}

/** Whether the text is a real calendar date in YYYY-MM-DD form (no 2026-02-30). */
export function isRealIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** The day number of a YYYY-MM-DD date (see shanghaiDay). */
export function dayOfIsoDate(iso: string): number {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;
}

/** [start, end) of a Shanghai calendar day in epoch ms, or null when the text is not a real date. */
export function shanghaiDayRange(date: string): { start: number; end: number } | null {
  if (!isRealIsoDate(date)) return null;
  const start = Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS;
  return { start, end: start + DAY_MS };
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

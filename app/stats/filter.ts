/**
 * The statistics filter (a GET form): date range, granularity, region. Parsed with z.coerce; a
 * filter that does not parse falls back to the default range (last 12 months, by month) with a
 * notice rather than an error page. Plain module: the page and the loaders share it.
 */
import { z } from "zod";
import { dayOfIsoDate, isRealIsoDate, shanghaiDaysAgo, shanghaiToday } from "../../core/clock";

const GRANULARITY = ["day", "week", "month"] as const;
const optionalId = z.preprocess(
  (v) => (v === "" || v === null ? undefined : v),
  z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31)
    .optional(),
);
const isoDate = z.string().refine(isRealIsoDate, "stats.filter.invalid");

/**
 * How long a range may be: each period is a bar, a table row and a CSV line, and the queries' cost
 * grows with the number of periods, so one typed URL (from year 1000 to 9999) must not tie up the
 * server. A year of days (a bar a day is already dense on a phone), five years of weeks or months.
 */
export const MAX_RANGE_DAYS = { day: 366, week: 5 * 366, month: 5 * 366 } as const;
const EARLIEST = "2000-01-01";

export const StatsFilterSchema = z
  .object({
    from: isoDate,
    to: isoDate,
    granularity: z.enum(GRANULARITY),
    provinceId: optionalId,
    countyId: optionalId,
    villageId: optionalId,
  })
  .refine((f) => f.from >= EARLIEST && f.from <= f.to && dayOfIsoDate(f.to) - dayOfIsoDate(f.from) < MAX_RANGE_DAYS[f.granularity], {
    message: "stats.filter.invalid",
    path: ["from"],
  });
export type StatsFilterInput = z.infer<typeof StatsFilterSchema>;

export function defaultStatsFilter(now = Date.now()): StatsFilterInput {
  return { from: shanghaiDaysAgo(364, now), to: shanghaiToday(now), granularity: "month" };
}

/** The filter from the URL's query, and whether it had to fall back to the default. */
export function parseStatsFilter(url: URL, now = Date.now()): { filter: StatsFilterInput; invalid: boolean } {
  const d = defaultStatsFilter(now);
  const q = url.searchParams;
  const raw = {
    from: q.get("from") || d.from,
    to: q.get("to") || d.to,
    granularity: q.get("granularity") || d.granularity,
    provinceId: q.get("provinceId") ?? undefined,
    countyId: q.get("countyId") ?? undefined,
    villageId: q.get("villageId") ?? undefined,
  };
  const parsed = StatsFilterSchema.safeParse(raw);
  return parsed.success ? { filter: parsed.data, invalid: false } : { filter: d, invalid: true };
}

/** The same filter as a query string (for CSV links). */
export function filterQuery(f: StatsFilterInput): string {
  const q = new URLSearchParams({ from: f.from, to: f.to, granularity: f.granularity });
  if (f.provinceId) q.set("provinceId", String(f.provinceId));
  if (f.countyId) q.set("countyId", String(f.countyId));
  if (f.villageId) q.set("villageId", String(f.villageId));
  return q.toString();
}

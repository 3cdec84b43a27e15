/**
 * The roll-ups recomputed from the raw tables: `rebuildStatistics` replaces them (after a bulk
 * import, or if a trigger was ever missing), `compareWithRecount` checks that the maintained
 * figures equal a full recount (tests, `npm run stats:rebuild`, the bench). Set-based SQL built
 * from the same definitions as the triggers (oversight/definitions.ts).
 */
import type { Db } from "../core/db";
import { buyerCountTriggerSql, buyerCountsFrom } from "./trigger-sql";
import { PARCEL_COUNTERS, cancelAt, cancelledSale, chainCompleteAt, countedRefund, dayOf, everSale, monthOf, pickupHours, saleAt, weekOf } from "./definitions";

const PRODUCER_COLUMNS = [
  "sales_fen",
  "orders",
  "units",
  "units_verified",
  "refund_fen",
  "refunds",
  "payout_fen",
  "payouts",
  "parcels_arrived",
  "parcels_picked_up",
  "parcels_returned",
  "parcels_overdue",
  "inspections_passed",
  "inspections_failed",
  "recalls",
] as const;

/** Each sale (+1) and each sale taken back (-1), with the day it counts on and the moment the chain is judged at. */
const SALE_EVENTS = `
  select s.id as sid, s.producer_id as pid, o.buyer_id as buyer, s.subtotal_fen as subtotal, 1 as sign,
         ${dayOf(saleAt("o"))} as day, ${dayOf(saleAt("o"))} as sale_day, ${saleAt("o")} as at
    from sub_orders s join orders o on o.id = s.order_id where ${everSale("s.status", "o")}
  union all
  select s.id, s.producer_id, o.buyer_id, s.subtotal_fen, -1, ${dayOf(cancelAt("o"))}, ${dayOf(saleAt("o"))}, ${saleAt("o")}
    from sub_orders s join orders o on o.id = s.order_id where ${cancelledSale("s.status", "o")}`;

function partialRows(): string[] {
  const row = (day: string, pid: string, cols: Partial<Record<(typeof PRODUCER_COLUMNS)[number], string>>, from: string) =>
    `select ${day} as day, ${pid} as producer_id, ${PRODUCER_COLUMNS.map((c) => `${cols[c] ?? "0"} as ${c}`).join(", ")} ${from}`;
  return [
    row(
      "e.day",
      "e.pid",
      {
        sales_fen: "e.sign * e.subtotal",
        orders: "e.sign",
        units: "e.sign * (select coalesce(sum(l.quantity), 0) from order_lines l where l.sub_order_id = e.sid)",
        units_verified: `e.sign * (select coalesce(sum(l.quantity), 0) from order_lines l where l.sub_order_id = e.sid and ${chainCompleteAt("l.batch_id", "e.at")})`,
      },
      `from (${SALE_EVENTS}) e`,
    ),
    row(
      dayOf("s.transferred_at"),
      "s.producer_id",
      { payout_fen: "s.producer_share_fen", payouts: "1" },
      "from sub_orders s where s.transferred_at is not null",
    ),
    row(
      dayOf("r.created_at"),
      "s.producer_id",
      { refund_fen: "r.amount_fen", refunds: "1" },
      `from refunds r join sub_orders s on s.id = r.sub_order_id where ${countedRefund("r")}`,
    ),
    ...PARCEL_COUNTERS.map(([col, at]) => row(dayOf(`p.${at}`), "p.producer_id", { [col]: "1" }, `from parcels p where p.${at} is not null`)),
    row(
      dayOf("t.occurred_at"),
      "b.producer_id",
      {
        inspections_passed: "(json_extract(t.content, '$.payload.result') = 'pass')",
        inspections_failed: "(json_extract(t.content, '$.payload.result') is not 'pass')",
      },
      "from trace_events t join batches b on b.id = t.batch_id where t.type = 'inspection'",
    ),
    row(dayOf("r.opened_at"), "b.producer_id", { recalls: "1" }, "from recalls r join batches b on b.id = r.batch_id"),
  ];
}

const nonZero = (cols: readonly string[]) => cols.map((c) => `${c} != 0`).join(" or ");

/** The recount, as SELECTs with the roll-up tables' columns (all-zero rows left out). */
export function recountQueries(): Record<RollupTable, string> {
  const buyerDays = `select e.sale_day as day, e.pid as producer_id, e.buyer as buyer_id, sum(e.sign) as orders,
        ${weekOf("e.sale_day")} as week, ${monthOf("e.sale_day")} as month, pr.province_id, pr.county_id, pr.village_id
      from (${SALE_EVENTS}) e join producers pr on pr.id = e.pid group by e.sale_day, e.pid, e.buyer having sum(e.sign) != 0`;
  return {
    stats_producer_daily: `select day, producer_id, ${PRODUCER_COLUMNS.map((c) => `sum(${c}) as ${c}`).join(", ")}
      from (${partialRows().join("\nunion all\n")}) group by day, producer_id having ${PRODUCER_COLUMNS.map((c) => `sum(${c}) != 0`).join(" or ")}`,
    stats_category_daily: `select e.day, e.pid as producer_id, li.category_id, sum(e.sign * l.quantity * l.unit_price_fen) as sales_fen, sum(e.sign * l.quantity) as units
      from (${SALE_EVENTS}) e join order_lines l on l.sub_order_id = e.sid join listings li on li.id = l.listing_id
      group by e.day, e.pid, li.category_id having sum(e.sign * l.quantity * l.unit_price_fen) != 0 or sum(e.sign * l.quantity) != 0`,
    stats_buyer_days: buyerDays,
    stats_buyer_counts: buyerCountsFrom(`(${buyerDays})`),
    stats_pickup_hours: `select ${dayOf("p.picked_up_at")} as day, p.producer_id, ${pickupHours("p")} as hours, count(*) as parcels
      from parcels p where p.picked_up_at is not null and p.arrived_at is not null group by 1, 2, 3`,
    stats_pickup_hours_all: `select ${dayOf("p.picked_up_at")} as day, ${pickupHours("p")} as hours, count(*) as parcels
      from parcels p where p.picked_up_at is not null and p.arrived_at is not null group by 1, 2`,
  };
}

export const ROLLUP_TABLES = [
  "stats_producer_daily",
  "stats_category_daily",
  "stats_buyer_days",
  "stats_buyer_counts",
  "stats_pickup_hours",
  "stats_pickup_hours_all",
] as const;
export type RollupTable = (typeof ROLLUP_TABLES)[number];

const VALUE_COLUMNS: Record<RollupTable, readonly string[]> = {
  stats_producer_daily: PRODUCER_COLUMNS,
  stats_category_daily: ["sales_fen", "units"],
  stats_buyer_days: ["orders"],
  stats_buyer_counts: ["buyers"],
  stats_pickup_hours: ["parcels"],
  stats_pickup_hours_all: ["parcels"],
};

/** Recomputes every roll-up from the raw tables, in one transaction. Returns the rows written per table. */
export function rebuildStatistics(db: Db): Record<RollupTable, number> {
  const sqlite = db.$client;
  const queries = recountQueries();
  // The buyer counts are recounted from the rebuilt buyer-days in one pass, with their triggers off
  // meanwhile (row by row they would cost a trigger per buyer-day), back on before the commit.
  queries.stats_buyer_counts = buyerCountsFrom("stats_buyer_days");
  return sqlite.transaction(() => {
    sqlite.exec(`drop trigger if exists stats_buyer_days_insert; drop trigger if exists stats_buyer_days_delete;`);
    const out = {} as Record<RollupTable, number>;
    for (const table of ROLLUP_TABLES) {
      sqlite.prepare(`delete from ${table}`).run();
      out[table] = sqlite.prepare(`insert into ${table} ${queries[table]}`).run().changes;
    }
    for (const stmt of buyerCountTriggerSql().split("--> statement-breakpoint")) sqlite.exec(stmt);
    return out;
  })();
}

export type RecountDifference = { table: RollupTable; maintainedOnly: number; recountOnly: number; sample: unknown[] };

/**
 * Compares the maintained roll-ups with a full recount; an empty list means they agree. Rows whose
 * figures are all zero (a sale and its cancellation on one day) count as absent.
 */
export function compareWithRecount(db: Db): RecountDifference[] {
  const sqlite = db.$client;
  const queries = recountQueries();
  const diffs: RecountDifference[] = [];
  for (const table of ROLLUP_TABLES) {
    const maintained = `select * from ${table} where ${nonZero(VALUE_COLUMNS[table])}`;
    const recount = `select * from (${queries[table]})`;
    const maintainedOnly = sqlite.prepare(`select * from (${maintained} except ${recount})`).all();
    const recountOnly = sqlite.prepare(`select * from (${recount} except ${maintained})`).all();
    if (maintainedOnly.length || recountOnly.length)
      diffs.push({
        table,
        maintainedOnly: maintainedOnly.length,
        recountOnly: recountOnly.length,
        sample: [...maintainedOnly.slice(0, 3), ...recountOnly.slice(0, 3)],
      });
  }
  return diffs;
}

/**
 * The text of the roll-up triggers, built from oversight/definitions.ts. The migration
 * db/migrations/0018_stats_triggers.sql was written from it (`npx tsx oversight/trigger-sql.ts`);
 * tests/integration/statistics.test.ts checks the two still say the same.
 */
import {
  PARCEL_COUNTERS,
  cancelAt,
  cancelledSale,
  chainCompleteAt,
  countedRefund,
  dayOf,
  everSale,
  liveSale,
  monthOf,
  pickupHours,
  saleAt,
  weekOf,
} from "./definitions";

/** `extra`: columns set on insert only (the key's attributes, such as the producer's region). */
const upsert = (table: string, key: string[], cols: Record<string, string>, from: string, extra: Record<string, string> = {}): string => {
  const names = [...key.map((k) => k.split(" AS ")[1]), ...Object.keys(cols), ...Object.keys(extra)];
  const exprs = [...key.map((k) => k.split(" AS ")[0]), ...Object.values(cols), ...Object.values(extra)];
  const sets = Object.keys(cols)
    .map((c) => `${c} = ${c} + excluded.${c}`)
    .join(", ");
  return `  INSERT INTO ${table} (${names.join(", ")})
    SELECT ${exprs.join(", ")} ${from}
    ON CONFLICT (${key.map((k) => k.split(" AS ")[1]).join(", ")}) DO UPDATE SET ${sets};`;
};

/** The statements that add (sign 1) or take back (sign -1) the sale of sub-order `s` on `day`. */
export function saleStatements(s: "NEW" | "OLD", sign: 1 | -1, cond: string, dayExpr: string): string[] {
  const sub = s;
  const base = `FROM orders o WHERE o.id = ${sub}.order_id AND ${cond}`;
  const lines = `FROM order_lines l JOIN listings li ON li.id = l.listing_id JOIN orders o ON o.id = ${sub}.order_id WHERE l.sub_order_id = ${sub}.id AND ${cond}`;
  return [
    upsert(
      "stats_producer_daily",
      [`${dayExpr} AS day`, `${sub}.producer_id AS producer_id`],
      {
        sales_fen: `${sign} * ${sub}.subtotal_fen`,
        orders: `${sign}`,
        units: `${sign} * (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l WHERE l.sub_order_id = ${sub}.id)`,
        units_verified: `${sign} * (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l WHERE l.sub_order_id = ${sub}.id AND ${chainCompleteAt("l.batch_id", saleAt("o"))})`,
      },
      base,
    ),
    upsert(
      "stats_category_daily",
      [`${dayExpr} AS day`, `${sub}.producer_id AS producer_id`, `li.category_id AS category_id`],
      { sales_fen: `${sign} * sum(l.quantity * l.unit_price_fen)`, units: `${sign} * sum(l.quantity)` },
      `${lines} GROUP BY li.category_id`,
    ),
    // Buyers are counted on the day of the sale: a cancellation takes the buyer off that day.
    upsert(
      "stats_buyer_days",
      [`${dayOf(saleAt("o"))} AS day`, `${sub}.producer_id AS producer_id`, `o.buyer_id AS buyer_id`],
      { orders: `${sign}` },
      `FROM orders o JOIN producers pr ON pr.id = ${sub}.producer_id WHERE o.id = ${sub}.order_id AND ${cond}`,
      {
        week: weekOf(dayOf(saleAt("o"))),
        month: monthOf(dayOf(saleAt("o"))),
        province_id: "pr.province_id",
        county_id: "pr.county_id",
        village_id: "pr.village_id",
      },
    ),
    `  DELETE FROM stats_buyer_days WHERE orders = 0 AND producer_id = ${sub}.producer_id AND buyer_id = (SELECT buyer_id FROM orders WHERE id = ${sub}.order_id);`,
  ];
}

const trigger = (name: string, when: string, body: string[]): string => `CREATE TRIGGER ${name} ${when}\nBEGIN\n${body.join("\n")}\nEND;`;

export function triggerSql(): string {
  const saleDay = dayOf(saleAt("o"));
  const cancelDay = dayOf(cancelAt("o"));
  const out: string[] = [];

  out.push(
    trigger("stats_sub_orders_insert", "AFTER INSERT ON sub_orders", [
      ...saleStatements("NEW", 1, everSale("NEW.status", "o"), saleDay),
      ...saleStatements("NEW", -1, cancelledSale("NEW.status", "o"), cancelDay),
    ]),
  );
  out.push(
    trigger("stats_sub_orders_status", "AFTER UPDATE OF status ON sub_orders WHEN OLD.status IS NOT NEW.status AND NEW.status != 'refunded'", [
      ...saleStatements("NEW", 1, `NOT ${liveSale("OLD.status", "o")} AND ${liveSale("NEW.status", "o")}`, saleDay),
      ...saleStatements("NEW", -1, `${liveSale("OLD.status", "o")} AND NEW.status = 'cancelled'`, cancelDay),
    ]),
  );
  // Weighing (catch weight) lowers the subtotal: the sale is what was finally charged.
  const delta = (sign: string, cond: string, day: string) =>
    upsert(
      "stats_producer_daily",
      [`${day} AS day`, "NEW.producer_id AS producer_id"],
      { sales_fen: `${sign}(NEW.subtotal_fen - OLD.subtotal_fen)` },
      `FROM orders o WHERE o.id = NEW.order_id AND ${cond}`,
    );
  out.push(
    trigger("stats_sub_orders_subtotal", "AFTER UPDATE OF subtotal_fen ON sub_orders WHEN OLD.subtotal_fen != NEW.subtotal_fen", [
      delta("", everSale("NEW.status", "o"), saleDay),
      delta("-", cancelledSale("NEW.status", "o"), cancelDay),
    ]),
  );
  // A line added to a sub-order that is already a sale (pay-at-pickup orders are sales from the start).
  const lineCond = `s.id = NEW.sub_order_id AND ${everSale("s.status", "o")}`;
  const lineFrom = `FROM sub_orders s JOIN orders o ON o.id = s.order_id JOIN listings li ON li.id = NEW.listing_id WHERE ${lineCond}`;
  const lineBody = (sign: 1 | -1, cond: string, day: string) => [
    upsert(
      "stats_producer_daily",
      [`${day} AS day`, "s.producer_id AS producer_id"],
      {
        units: `${sign} * NEW.quantity`,
        units_verified: `${sign} * (CASE WHEN ${chainCompleteAt("NEW.batch_id", saleAt("o"))} THEN NEW.quantity ELSE 0 END)`,
      },
      `${lineFrom} AND ${cond}`,
    ),
    upsert(
      "stats_category_daily",
      [`${day} AS day`, "s.producer_id AS producer_id", "li.category_id AS category_id"],
      { sales_fen: `${sign} * NEW.quantity * NEW.unit_price_fen`, units: `${sign} * NEW.quantity` },
      `${lineFrom} AND ${cond}`,
    ),
  ];
  out.push(
    trigger("stats_order_lines_insert", "AFTER INSERT ON order_lines WHEN NEW.sub_order_id IS NOT NULL", [
      ...lineBody(1, "1", saleDay),
      ...lineBody(-1, cancelledSale("s.status", "o"), cancelDay),
    ]),
  );

  // Payouts: the producer's share, on the day it was transferred.
  const payout = (r: "NEW" | "OLD", sign: 1 | -1) =>
    upsert(
      "stats_producer_daily",
      [`${dayOf(`${r}.transferred_at`)} AS day`, `${r}.producer_id AS producer_id`],
      { payout_fen: `${sign} * ${r}.producer_share_fen`, payouts: `${sign}` },
      `WHERE ${r}.transferred_at IS NOT NULL`,
    );
  out.push(trigger("stats_payout_insert", "AFTER INSERT ON sub_orders WHEN NEW.transferred_at IS NOT NULL", [payout("NEW", 1)]));
  out.push(
    trigger(
      "stats_payout_update",
      "AFTER UPDATE OF transferred_at, producer_share_fen ON sub_orders WHEN OLD.transferred_at IS NOT NEW.transferred_at OR (NEW.transferred_at IS NOT NULL AND OLD.producer_share_fen != NEW.producer_share_fen)",
      [payout("OLD", -1), payout("NEW", 1)],
    ),
  );

  // Refunds: succeeded ones, on the day they were asked for.
  const refund = (r: "NEW" | "OLD", sign: 1 | -1) =>
    upsert(
      "stats_producer_daily",
      [`${dayOf(`${r}.created_at`)} AS day`, "s.producer_id AS producer_id"],
      { refund_fen: `${sign} * ${r}.amount_fen`, refunds: `${sign}` },
      `FROM sub_orders s WHERE s.id = ${r}.sub_order_id AND ${countedRefund(r)}`,
    );
  out.push(trigger("stats_refunds_insert", "AFTER INSERT ON refunds", [refund("NEW", 1)]));
  out.push(
    trigger(
      "stats_refunds_update",
      "AFTER UPDATE ON refunds WHEN OLD.status IS NOT NEW.status OR OLD.amount_fen != NEW.amount_fen OR OLD.reason IS NOT NEW.reason OR OLD.sub_order_id != NEW.sub_order_id OR OLD.created_at != NEW.created_at",
      [refund("OLD", -1), refund("NEW", 1)],
    ),
  );

  // Parcels: each counter on the day of its timestamp; pickup times into the hour histogram.
  const parcelCounter = (r: "NEW" | "OLD", sign: 1 | -1, col: string, at: string, cond: string) =>
    upsert(
      "stats_producer_daily",
      [`${dayOf(`${r}.${at}`)} AS day`, `${r}.producer_id AS producer_id`],
      { [col]: `${sign}` },
      `WHERE ${r}.${at} IS NOT NULL AND ${cond}`,
    );
  const hist = (r: "NEW" | "OLD", sign: 1 | -1, cond: string) =>
    [
      upsert(
        "stats_pickup_hours",
        [`${dayOf(`${r}.picked_up_at`)} AS day`, `${r}.producer_id AS producer_id`, `${pickupHours(r)} AS hours`],
        { parcels: `${sign}` },
        `WHERE ${r}.picked_up_at IS NOT NULL AND ${r}.arrived_at IS NOT NULL AND ${cond}`,
      ),
      upsert(
        "stats_pickup_hours_all",
        [`${dayOf(`${r}.picked_up_at`)} AS day`, `${pickupHours(r)} AS hours`],
        { parcels: `${sign}` },
        `WHERE ${r}.picked_up_at IS NOT NULL AND ${r}.arrived_at IS NOT NULL AND ${cond}`,
      ),
    ].join("\n");
  out.push(
    trigger("stats_parcels_insert", "AFTER INSERT ON parcels", [
      ...PARCEL_COUNTERS.map(([col, at]) => parcelCounter("NEW", 1, col, at, "1")),
      hist("NEW", 1, "1"),
    ]),
  );
  const changed = (at: string) => `(OLD.${at} IS NOT NEW.${at} OR OLD.producer_id != NEW.producer_id)`;
  const histChanged = `(${changed("picked_up_at")} OR OLD.arrived_at IS NOT NEW.arrived_at)`;
  out.push(
    trigger("stats_parcels_update", `AFTER UPDATE ON parcels WHEN ${PARCEL_COUNTERS.map(([, at]) => changed(at)).join(" OR ")}`, [
      ...PARCEL_COUNTERS.flatMap(([col, at]) => [parcelCounter("OLD", -1, col, at, changed(at)), parcelCounter("NEW", 1, col, at, changed(at))]),
      hist("OLD", -1, histChanged),
      hist("NEW", 1, histChanged),
      `  DELETE FROM stats_pickup_hours WHERE parcels = 0 AND producer_id IN (OLD.producer_id, NEW.producer_id);`,
      `  DELETE FROM stats_pickup_hours_all WHERE parcels = 0 AND day IN (${dayOf("OLD.picked_up_at")}, ${dayOf("NEW.picked_up_at")});`,
    ]),
  );

  // Inspections (as recorded, by the day they took place) and recalls (by the day opened).
  out.push(
    trigger("stats_inspections_insert", "AFTER INSERT ON trace_events WHEN NEW.type = 'inspection'", [
      upsert(
        "stats_producer_daily",
        [`${dayOf("NEW.occurred_at")} AS day`, "b.producer_id AS producer_id"],
        {
          inspections_passed: `(json_extract(NEW.content, '$.payload.result') = 'pass')`,
          inspections_failed: `(json_extract(NEW.content, '$.payload.result') IS NOT 'pass')`,
        },
        "FROM batches b WHERE b.id = NEW.batch_id",
      ),
    ]),
  );
  out.push(
    trigger("stats_recalls_insert", "AFTER INSERT ON recalls", [
      upsert(
        "stats_producer_daily",
        [`${dayOf("NEW.opened_at")} AS day`, "b.producer_id AS producer_id"],
        { recalls: "1" },
        "FROM batches b WHERE b.id = NEW.batch_id",
      ),
    ]),
  );
  return out.join("\n--> statement-breakpoint\n") + "\n";
}

/** The regions a buyer-day row belongs to, widest first: every region, its province, county and village. */
export const BUYER_COUNT_LEVELS = [
  ["all", "0"],
  ["province", "province_id"],
  ["county", "county_id"],
  ["village", "village_id"],
] as const;
export const BUYER_COUNT_GRAINS = ["day", "week", "month"] as const;

/**
 * The triggers that keep stats_buyer_counts exact (db/migrations/*_stats_buyer_count_triggers.sql is
 * written from this): a stats_buyer_days row appearing adds its buyer to each period and region it
 * belongs to, unless another row already put the buyer there; a row going (its orders back to 0)
 * takes the buyer out when it was the last one. Updates of `orders` change nobody's presence.
 */
export function buyerCountTriggerSql(): string {
  // Another row of the same buyer in the same period and region (each walks an index of stats_buyer_days).
  const sameBuyer = (r: "NEW" | "OLD", grain: string, col: string) => {
    // The day bounds let a region's (region, buyer, day, …) index narrow to the period.
    const period =
      grain === "day" ? `d.day = ${r}.day` : `d.${grain} = ${r}.${grain} AND d.day BETWEEN ${r}.${grain} AND ${r}.${grain} + ${grain === "week" ? 6 : 30}`;
    const region = col === "0" ? "" : ` AND d.${col} = ${r}.${col}`;
    return `SELECT 1 FROM stats_buyer_days d WHERE d.buyer_id = ${r}.buyer_id AND ${period}${region}`;
  };
  const key = (r: "NEW" | "OLD", grain: string, level: string, col: string) =>
    `grain = '${grain}' AND region_level = '${level}' AND region_id = ${col === "0" ? "0" : `${r}.${col}`} AND period = ${r}.${grain}`;
  const insert: string[] = [];
  const remove: string[] = [];
  for (const grain of BUYER_COUNT_GRAINS)
    for (const [level, col] of BUYER_COUNT_LEVELS) {
      const present = (r: "NEW" | "OLD") => (col === "village_id" ? ` AND ${r}.village_id IS NOT NULL` : "");
      insert.push(`  INSERT INTO stats_buyer_counts (grain, region_level, region_id, period, buyers)
    SELECT '${grain}', '${level}', ${col === "0" ? "0" : `NEW.${col}`}, NEW.${grain}, 1
    WHERE NOT EXISTS (${sameBuyer("NEW", grain, col)} AND NOT (d.day = NEW.day AND d.producer_id = NEW.producer_id))${present("NEW")}
    ON CONFLICT (grain, region_level, region_id, period) DO UPDATE SET buyers = buyers + 1;`);
      remove.push(`  UPDATE stats_buyer_counts SET buyers = buyers - 1
    WHERE ${key("OLD", grain, level, col)} AND NOT EXISTS (${sameBuyer("OLD", grain, col)});`);
      remove.push(`  DELETE FROM stats_buyer_counts WHERE ${key("OLD", grain, level, col)} AND buyers = 0;`);
    }
  return (
    [
      trigger("stats_buyer_days_insert", "AFTER INSERT ON stats_buyer_days", insert),
      trigger("stats_buyer_days_delete", "AFTER DELETE ON stats_buyer_days", remove),
    ].join("\n--> statement-breakpoint\n") + "\n"
  );
}

/** stats_buyer_counts recounted from a set of buyer-day rows (`src`: a table name or a parenthesised SELECT). */
export function buyerCountsFrom(src: string): string {
  const parts: string[] = [];
  for (const grain of BUYER_COUNT_GRAINS)
    for (const [level, col] of BUYER_COUNT_LEVELS)
      parts.push(
        `select '${grain}' as grain, '${level}' as region_level, ${col === "0" ? "0" : col} as region_id, ${grain} as period, count(distinct buyer_id) as buyers
           from ${src} ${col === "village_id" ? "where village_id is not null" : ""} group by 3, 4`,
      );
  return parts.join("\nunion all\n");
}

if (process.argv[1]?.endsWith("trigger-sql.ts")) process.stdout.write(process.argv[2] === "buyer-counts" ? buyerCountTriggerSql() : triggerSql());

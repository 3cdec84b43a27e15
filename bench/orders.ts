/**
 * Checkout throughput benchmark (issue 4): orders placed per second by 50 concurrent buyers, each
 * a child process with its own SQLite connection calling the REAL cart + checkout (two lines from
 * two producers per order: IMMEDIATE transaction, guarded stock updates, order + 2 sub-orders +
 * 2 lines + history, cart emptied). Baseline in the same run, on a second fresh database: the same
 * rows (orders + sub_orders + order_lines + stock update) inserted with raw better-sqlite3
 * prepared statements, one transaction per order, one connection — the floor of what SQLite
 * itself costs. The ratio says how much of SQLite's single-writer rate the real checkout keeps.
 *
 *   npx tsx bench/orders.ts      (BENCH_BUYERS=50, BENCH_ORDERS_PER_BUYER=40)
 *   table on stdout, JSON in .cache/bench/orders.json; temp databases removed
 */
import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "../seeds/factories";
import { createBuyer, createMarket } from "../tests/helpers/orders";
import { setting } from "./lib/settings";
import { formatTable, ratio } from "./lib/table";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.env.NODE_ENV ??= "test";
process.env.LOG_LEVEL ??= "silent";

const SETTINGS = {
  buyers: setting("BENCH_BUYERS", 50, 500),
  ordersPerBuyer: setting("BENCH_ORDERS_PER_BUYER", 40, 10_000),
};
const total = SETTINGS.buyers * SETTINGS.ordersPerBuyer;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-bench-orders-"));

async function concurrentCheckout(): Promise<{ placed: number; errors: number; seconds: number }> {
  const { db, file } = createTestDatabase(path.join(tmp, "checkout.sqlite"));
  // Every order is two small parcels (one per producer): the station needs a slot for each.
  const m = await createMarket(db, { stockA: total + 10, stockB: total + 10, pointSlots: [{ size: "small", count: 2 * total + 20 }] });
  const buyers = [];
  for (let i = 0; i < SETTINGS.buyers; i++) buyers.push(await createBuyer(db));
  db.$client.close();
  const script = path.join(root, "bench/lib/order-worker.ts");
  const children = buyers.map((buyer) =>
    fork(script, [], {
      execArgv: ["--import", "tsx"],
      env: {
        ...process.env,
        BENCH_ORDER_WORKER: JSON.stringify({ file, buyer, listings: [m.apples, m.kiwis], pointId: m.pointId, orders: SETTINGS.ordersPerBuyer }),
      },
    }),
  );
  const runs = children.map((child) => {
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    const done = new Promise<{ placed: number; errors: number; finishedAt: number }>((resolve, reject) => {
      child.on("message", (msg: any) => (msg.ready ? ready() : resolve(msg)));
      child.on("exit", (code) => (code ? reject(new Error(`worker exited with ${code}`)) : undefined));
    });
    return { isReady, done };
  });
  await Promise.all(runs.map((r) => r.isReady));
  const started = Date.now();
  for (const c of children) c.send("go");
  const results = await Promise.all(runs.map((r) => r.done));
  const seconds = (Math.max(...results.map((r) => r.finishedAt)) - started) / 1000;
  return { placed: results.reduce((s, r) => s + r.placed, 0), errors: results.reduce((s, r) => s + r.errors, 0), seconds };
}

async function rawInserts(): Promise<{ placed: number; seconds: number }> {
  const { db } = createTestDatabase(path.join(tmp, "raw.sqlite"));
  const m = await createMarket(db, { stockA: total + 10, stockB: total + 10 });
  const buyer = await createBuyer(db);
  const s = db.$client;
  const batch = (id: number) => s.prepare(`select batch_id from listing_batches where listing_id = ? limit 1`).pluck().get(id) as number;
  const lots = [batch(m.apples), batch(m.kiwis)];
  const take = s.prepare(`update listings set stock = stock - 1, updated_at = ? where id = ? and stock >= 1`);
  const order = s.prepare(
    `insert into orders (buyer_id, status, total_fen, contact_phone, delivery_point_id, commission_bp, idempotency_key, reserved_until, created_at)
     values (?, 'pending_payment', ?, ?, ?, 500, ?, ?, ?)`,
  );
  const sub = s.prepare(
    `insert into sub_orders (order_id, producer_id, status, subtotal_fen, commission_fen, producer_share_fen, created_at) values (?, ?, 'pending_payment', ?, ?, ?, ?)`,
  );
  const line = s.prepare(
    `insert into order_lines (order_id, sub_order_id, producer_id, listing_id, batch_id, quantity, unit_price_fen, created_at) values (?, ?, ?, ?, ?, 1, ?, ?)`,
  );
  const place = s.transaction((i: number) => {
    const now = Date.now();
    take.run(now, m.apples);
    take.run(now, m.kiwis);
    const o = Number(order.run(buyer.id, 1990 + 3333, buyer.phone, m.pointId, `raw_${i}`, now + 1_800_000, now).lastInsertRowid);
    const a = Number(sub.run(o, m.producerA, 1990, 99, 1891, now).lastInsertRowid);
    const b = Number(sub.run(o, m.producerB, 3333, 166, 3167, now).lastInsertRowid);
    line.run(o, a, m.producerA, m.apples, lots[0], 1990, now);
    line.run(o, b, m.producerB, m.kiwis, lots[1], 3333, now);
  });
  const started = process.hrtime.bigint();
  for (let i = 0; i < total; i++) place.immediate(i);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  s.close();
  return { placed: total, seconds };
}

try {
  const raw = await rawInserts();
  const real = await concurrentCheckout();
  if (real.errors > 0 || real.placed !== total) throw new Error(`checkout: ${real.placed} of ${total} placed, ${real.errors} errors`);
  const realRate = real.placed / real.seconds;
  const rawRate = raw.placed / raw.seconds;
  const rows = [
    [`checkout, ${SETTINGS.buyers} concurrent buyers (processes)`, String(real.placed), `${real.seconds.toFixed(2)} s`, `${realRate.toFixed(0)}/s`],
    ["raw better-sqlite3 inserts, 1 connection", String(raw.placed), `${raw.seconds.toFixed(2)} s`, `${rawRate.toFixed(0)}/s`],
  ];
  console.log(formatTable(["run", "orders", "time", "orders/s"], rows));
  console.log(`\ncheckout keeps ${ratio(realRate / rawRate)} of the raw insert rate`);
  const summary = {
    header: ["benchmark", "result", "baseline", "ratio", "target"],
    rows: [["orders: checkout throughput", `${realRate.toFixed(0)} orders/s`, `${rawRate.toFixed(0)} orders/s raw`, ratio(realRate / rawRate), "—"]],
  };
  const outDir = path.join(root, ".cache/bench");
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(
    path.join(outDir, "orders.json"),
    JSON.stringify({ settings: SETTINGS, checkout: { ...real, perSecond: realRate }, raw: { ...raw, perSecond: rawRate }, summary }, null, 2) + "\n",
  );
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

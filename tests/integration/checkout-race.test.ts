/**
 * 200 concurrent checkouts racing for the last 10 units (issue 4): exactly 10 orders, 190 clear
 * SoldOutErrors, stock ends at 0 and never below. Real concurrency: better-sqlite3 is synchronous,
 * so the checkouts run in 8 child processes, each with its own connection to the same SQLite file
 * (WAL), released together.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { addToCart } from "../../market/orders/cart";
import { createTestDatabase } from "../../seeds/factories";
import { createBuyer, createMarket, stockOf, type Market } from "../helpers/orders";

const BUYERS = 200;
const UNITS = 10;
const WORKERS = 8;

let db: Db;
let file: string;
let cleanup: () => void;
let m: Market;
const buyers: { id: number; phone: string }[] = [];

beforeAll(async () => {
  ({ db, file, cleanup } = createTestDatabase());
  m = await createMarket(db, { stockA: UNITS });
  // Carts are filled while the units are still there (a cart holds nothing); checkout decides.
  for (let i = 0; i < BUYERS; i++) {
    const b = await createBuyer(db);
    addToCart(db, b.id, m.apples, 1);
    buyers.push(b);
  }
});
afterAll(() => cleanup());

type Result = { buyerId: number; outcome: "ok" | "sold_out" | "error"; orderId?: number; message?: string; listingId?: number };

it(`${BUYERS} concurrent checkouts for the last ${UNITS} units: exactly ${UNITS} orders, the rest sold out`, async () => {
  const shares = Array.from({ length: WORKERS }, (_, w) => buyers.filter((_, i) => i % WORKERS === w));
  const script = fileURLToPath(new URL("../helpers/checkout-worker.ts", import.meta.url));
  const children = shares.map((share) => {
    const input = JSON.stringify({ file, buyers: share, pointId: m.pointId });
    return fork(script, [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, CHECKOUT_WORKER_INPUT: input },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
  });
  const settled = children.map((child) => {
    let onReady!: () => void;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    const done = new Promise<Result[]>((resolve, reject) => {
      child.on("message", (msg: { ready?: boolean; results?: Result[] }) => {
        if (msg.ready) onReady();
        if (msg.results) resolve(msg.results);
      });
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`checkout worker exited with ${code} before reporting`)));
    });
    return { ready: Promise.race([ready, done.then(() => undefined)]), done };
  });
  await Promise.all(settled.map((s) => s.ready));
  for (const child of children) child.send("go");
  const results = (await Promise.all(settled.map((s) => s.done))).flat();

  expect(results).toHaveLength(BUYERS);
  const errors = results.filter((r) => r.outcome === "error");
  expect(errors).toEqual([]);
  const ok = results.filter((r) => r.outcome === "ok");
  const soldOut = results.filter((r) => r.outcome === "sold_out");
  expect(ok).toHaveLength(UNITS);
  expect(soldOut).toHaveLength(BUYERS - UNITS);
  for (const s of soldOut) {
    expect(s.listingId).toBe(m.apples);
    expect(s.message).toMatch(/sold out: listing \d+ 「订单测试苹果 5斤装」 has 0, wanted 1/);
  }
  expect(stockOf(db, m.apples)).toBe(0);
  const orders = db.$client.prepare(`select count(*) from orders where status = 'pending_payment'`).pluck().get() as number;
  expect(orders).toBe(UNITS);
  const units = db.$client.prepare(`select coalesce(sum(quantity), 0) from order_lines where listing_id = ?`).pluck().get(m.apples) as number;
  expect(units).toBe(UNITS);
  // Losers keep their cart (nothing of a failed checkout remains); winners' carts are empty.
  const carts = db.$client.prepare(`select count(*) from cart_items where listing_id = ?`).pluck().get(m.apples) as number;
  expect(carts).toBe(BUYERS - UNITS);
}, 120_000);

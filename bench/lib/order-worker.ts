/**
 * One buyer of bench/orders.ts, in its own process with its own better-sqlite3 connection:
 * waits for "go", then places ORDERS orders through the real cart + checkout (two lines from two
 * producers each), and reports how many it placed and how long it took.
 */
import "../../logistics/shipping"; // logistics as the market's shipping provider (checkout's parcels)
import { openDatabase } from "../../db/client";
import { addToCart } from "../../market/orders/cart";
import { checkout } from "../../market/orders/checkout";

type Input = { file: string; buyer: { id: number; phone: string }; listings: number[]; pointId: number; orders: number };
const { file, buyer, listings, pointId, orders } = JSON.parse(process.env.BENCH_ORDER_WORKER!) as Input;
const db = openDatabase(file);
// Dozens of processes on two cores queue for one write lock; SQLite's busy handler is not a fair
// queue, so the 5 s default starves some of them. The app itself is one process (no lock waits).
db.$client.pragma("busy_timeout = 60000");
const go = new Promise<void>((resolve) => process.once("message", () => resolve()));
process.send!({ ready: true });
await go;
let placed = 0;
let errors = 0;
for (let i = 0; i < orders; i++) {
  try {
    for (const l of listings) addToCart(db, buyer.id, l, 1);
    checkout(db, buyer, { contactPhone: buyer.phone, deliveryPointId: pointId });
    placed++;
  } catch (e) {
    errors++;
    if (errors === 1) console.error(`bench worker: ${e instanceof Error ? e.message : String(e)}`);
  }
}
db.$client.close();
process.send!({ placed, errors, finishedAt: Date.now() });
process.disconnect();

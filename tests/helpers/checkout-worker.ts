/**
 * A child process for the checkout race (tests/integration/checkout-race.test.ts), run with
 * `node --import tsx`: its own better-sqlite3 connection to the shared file; it gets its buyers
 * (env CHECKOUT_WORKER_INPUT), says ready, waits for "go" (sent to all at once), then checks out each buyer's cart and
 * reports what happened to each.
 */
import "../../logistics/shipping"; // logistics as the market's shipping provider (checkout's parcels)
import { openDatabase } from "../../db/client";
import { checkout, SoldOutError } from "../../market/orders/checkout";

type Input = { file: string; buyers: { id: number; phone: string }[]; pointId: number };
const send = (msg: unknown) => process.send!(msg);
const { file, buyers, pointId } = JSON.parse(process.env.CHECKOUT_WORKER_INPUT!) as Input;
const db = openDatabase(file);
const go = new Promise<void>((resolve) => process.once("message", () => resolve()));
send({ ready: true });
await go;

const results: { buyerId: number; outcome: "ok" | "sold_out" | "error"; orderId?: number; message?: string; listingId?: number }[] = [];
for (const b of buyers) {
  try {
    const r = checkout(db, b, { contactPhone: b.phone, deliveryPointId: pointId });
    results.push({ buyerId: b.id, outcome: "ok", orderId: r.orderId });
  } catch (e) {
    if (e instanceof SoldOutError) results.push({ buyerId: b.id, outcome: "sold_out", message: e.message, listingId: e.listingId });
    else results.push({ buyerId: b.id, outcome: "error", message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
}
db.$client.close();
send({ results });
process.disconnect();

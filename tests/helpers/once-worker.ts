/**
 * A child process for the one-time form token race (tests/integration/form-once.test.ts), run with
 * `node --import tsx`: its own connection to the shared SQLite file; it says ready, waits for "go"
 * (sent to all at once), then submits the same form (same token) and reports what it got back.
 */
import "../../logistics/shipping"; // logistics as the market's shipping provider (checkout's parcels)
import { openDatabase } from "../../db/client";
import { createListing } from "../../market/listings/listings";
import { checkout } from "../../market/orders/checkout";
import { actorFor } from "../../seeds/factories";
import { createBatch, recordEvent } from "../../traceability/store";

export type OnceJob =
  | { kind: "listing"; userId: number; token: string; producerId: number; categoryId: number }
  | { kind: "lot"; userId: number; token: string; producerId: number; productId: number }
  | { kind: "event"; userId: number; token: string; batchId: number }
  | { kind: "checkout"; userId: number; token: string; phone: string; pointId: number };

const send = (msg: unknown) => process.send!(msg);
const { file, job } = JSON.parse(process.env.ONCE_WORKER_INPUT!) as { file: string; job: OnceJob };
const db = openDatabase(file);
const actor = actorFor(db, job.userId);
const go = new Promise<void>((resolve) => process.once("message", () => resolve()));
send({ ready: true });
await go;

let result: unknown;
try {
  switch (job.kind) {
    case "listing":
      result = createListing(
        db,
        actor,
        {
          producerId: job.producerId,
          categoryId: job.categoryId,
          productName: "并发苹果",
          title: "并发测试苹果",
          description: "",
          unit: "jin",
          priceFen: 1000,
          stock: 5,
          certifications: [],
        },
        [],
        job.token,
      );
      break;
    case "lot":
      result = createBatch(
        db,
        actor,
        { producerId: job.producerId, productId: job.productId, crop: "apple", plantedAt: Date.now() - 86_400_000 },
        job.token,
      ).id;
      break;
    case "event":
      result = recordEvent(db, actor, job.batchId, { type: "shipping", occurredAt: Date.now(), payload: { carrier: "顺丰" } }, job.token).seq;
      break;
    case "checkout":
      result = checkout(db, actor, { contactPhone: job.phone, deliveryPointId: job.pointId, formToken: job.token }).orderId;
      break;
  }
  send({ result });
} catch (e) {
  send({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
}
db.$client.close();
process.disconnect();

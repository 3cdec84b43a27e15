/**
 * A child process for the invoice numbering race (tests/integration/invoices.test.ts), run with
 * `node --import tsx`: its own better-sqlite3 connection to the shared file; waits for "go", then
 * issues the invoice of every given sub-order (the workers get overlapping lists) and reports.
 */
import { openDatabase } from "../../db/client";
import { issueInvoice } from "../../market/invoices/invoices";

const { file, subOrderIds } = JSON.parse(process.env.INVOICE_WORKER_INPUT!) as { file: string; subOrderIds: number[] };
const db = openDatabase(file);
const go = new Promise<void>((resolve) => process.once("message", () => resolve()));
process.send!({ ready: true });
await go;
const results: { subOrderId: number; number?: string; error?: string }[] = [];
for (const id of subOrderIds) {
  try {
    results.push({ subOrderId: id, number: issueInvoice(db, id)?.number });
  } catch (e) {
    results.push({ subOrderId: id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
}
db.$client.close();
process.send!({ results });
process.disconnect();

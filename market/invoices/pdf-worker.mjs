/**
 * Worker thread that lays out invoice PDFs (see invoice-pdf.mjs), so that the 0.5–1.3 s of CPU
 * a PDF costs never blocks the server's event loop. Messages: { id, printout, compress } in,
 * { id, pdf } or { id, error } out (the bytes are transferred, not copied).
 */
import { parentPort } from "node:worker_threads";
import { layoutInvoicePdf } from "./invoice-pdf.mjs";

if (!parentPort) throw new Error("pdf-worker.mjs runs as a worker thread");
const port = parentPort;
port.on("message", async (/** @type {{ id: number; printout: import("./invoice-pdf.mjs").InvoicePrintout; compress?: boolean }} */ job) => {
  try {
    const pdf = await layoutInvoicePdf(job.printout, { compress: job.compress });
    const bytes = new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength).slice();
    port.postMessage({ id: job.id, pdf: bytes }, [bytes.buffer]);
  } catch (error) {
    port.postMessage({ id: job.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});

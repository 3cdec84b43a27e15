/**
 * Vitest setup, run before every test file: anything that reaches the process-wide client
 * (getDb(), route loaders) gets a throwaway DATABASE_PATH / UPLOAD_DIR instead of data/, and random secrets.
 */
import "../../logistics/shipping"; // logistics as the market's shipping provider (checkout's parcels)
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { closeDb } from "../../db/client";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-vitest-"));
process.env.DATABASE_PATH = path.join(dir, "app.db");
process.env.UPLOAD_DIR = path.join(dir, "uploads");
process.env.NODE_ENV = "test";
// Random per test file: nothing in the code or the tests is a secret the app would trust.
for (const name of ["SESSION_SECRET", "TRACE_KEY_SECRET", "PICKUP_CODE_SECRET"]) process.env[name] ??= crypto.randomBytes(24).toString("base64url");
process.env.STRIPE_WEBHOOK_SECRET ??= `whsec_${crypto.randomBytes(24).toString("base64url")}`;

afterAll(() => {
  closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

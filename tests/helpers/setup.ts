/**
 * Vitest setup, run before every test file: anything that reaches the process-wide client
 * (getDb(), route loaders) gets a throwaway DATABASE_PATH / UPLOAD_DIR instead of data/.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { closeDb } from "../../db/client";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-vitest-"));
process.env.DATABASE_PATH = path.join(dir, "app.db");
process.env.UPLOAD_DIR = path.join(dir, "uploads");
process.env.NODE_ENV = "test";

afterAll(() => {
  closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

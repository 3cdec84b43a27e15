import { afterEach, describe, expect, test } from "vitest";
import { closeDb } from "../../db/client";
import { loader } from "~/routes/healthz";
import { makeTempDir } from "../helpers/db";

afterEach(() => closeDb());

describe("/healthz", () => {
  test("200 with the database reachable in WAL mode, never cached", async () => {
    const res = await loader();
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = await res.json();
    expect(body).toMatchObject({ status: "ok", database: { reachable: true, journalMode: "wal" } });
    expect(typeof body.database.latencyMs).toBe("number");
  });

  test("503 when the database cannot be opened", async () => {
    const saved = process.env.DATABASE_PATH;
    const tmp = makeTempDir();
    closeDb();
    process.env.DATABASE_PATH = tmp.dir; // a directory is not a database
    try {
      const res = await loader();
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: "error", database: { reachable: false } });
    } finally {
      process.env.DATABASE_PATH = saved;
      tmp.remove();
    }
  });
});

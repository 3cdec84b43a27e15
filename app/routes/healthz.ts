import { sql } from "drizzle-orm";
import { getDb } from "~/utils/db.server";

/** Liveness and readiness: 200 when the database answers, 503 otherwise. */
export async function loader() {
  const started = performance.now();
  try {
    const db = getDb();
    const row = db.get<{ ok: number; journal: string }>(sql`select 1 as ok, (select journal_mode from pragma_journal_mode) as journal`);
    return Response.json(
      { status: "ok", database: { reachable: row?.ok === 1, journalMode: row?.journal, latencyMs: +(performance.now() - started).toFixed(2) } },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    return Response.json(
      { status: "error", database: { reachable: false, error: String((error as Error).message) } },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}

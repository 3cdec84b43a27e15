/**
 * A child process for the login race (tests/integration/login-throttle.test.ts), run with
 * `node --import tsx`: its own better-sqlite3 connection to the shared file; it gets its attempts
 * (env LOGIN_WORKER_INPUT), says ready, waits for "go" (sent to all at once), then fires all its
 * login attempts at once and reports each answer.
 */
import { openDatabase } from "../../db/client";
import { login, type LoginResult } from "../../market/accounts/accounts";

type Input = { file: string; phone: string; ip: string; attempts: number; now: number };
const send = (msg: unknown) => process.send!(msg);
const { file, phone, ip, attempts, now } = JSON.parse(process.env.LOGIN_WORKER_INPUT!) as Input;
const db = openDatabase(file);
const go = new Promise<void>((resolve) => process.once("message", () => resolve()));
send({ ready: true });
await go;

const results: (LoginResult | { ok: false; reason: "error"; message: string })[] = await Promise.all(
  Array.from({ length: attempts }, (_, i) =>
    login(db, { phone, password: `wrong-guess-${process.pid}-${i}`, ip }, { now }).catch((e: unknown) => ({
      ok: false as const,
      reason: "error" as const,
      message: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
    })),
  ),
);
db.$client.close();
send({ results });
process.disconnect();

/**
 * Issue 11 §4: brute force and lock-out, against real SQLite files (and, for the race, real
 * parallel processes on one file). The clock is injected (`now`), so waits are exact.
 *  - 100 parallel wrong passwords for one phone from one address: at most THROTTLE_MAX_FAILURES
 *    passwords are checked (the attempt is counted before the check, in one transaction);
 *  - a stranger's failures do not block the owner at another address; the backoff doubles;
 *    the per-account ceiling stops distributed guessing but not the owner's usual address;
 *  - sign-up and the trace page's report form answer 429 with a message when an address sends too many.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { closeDb } from "../../db/client";
import { action as signupAction } from "~/routes/signup";
import { action as traceAction } from "~/routes/01.$gtin.10.$lot";
import { backoffAfter, createUser, LOGIN_LIMITS, login, SIGNUP_LIMITS, THROTTLE_MAX_FAILURES, type LoginResult } from "../../market/accounts/accounts";
import { listingLot, PROBLEM_REPORT_LIMITS } from "../../traceability/trace-page";
import { createListing, createProducer, createTestDatabase, createVillage } from "../../seeds/factories";

let db: Db;
let file: string;
let cleanup: () => void;
let phoneSeq = 0;
const T0 = Date.UTC(2025, 5, 1, 2);

beforeAll(() => {
  // The process-wide database (what the routes' getDb() opens) is this test's file.
  ({ db, file, cleanup } = createTestDatabase(process.env.DATABASE_PATH!));
});
afterAll(() => {
  closeDb();
  cleanup();
});

async function account() {
  const phone = `1391234${String(++phoneSeq).padStart(4, "0")}`;
  const password = "correct horse 马";
  return { id: await createUser(db, { phone, password, displayName: "测试用户" }), phone, password };
}
const checked = (results: ({ ok: true } | { ok: false; reason: string })[]) => results.filter((r) => !r.ok && r.reason === "bad_credentials").length;

describe("login throttle", () => {
  it(`100 parallel wrong passwords from one address (one process): at most ${THROTTLE_MAX_FAILURES} are checked`, async () => {
    const u = await account();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => login(db, { phone: u.phone, password: `guess-${i}`, ip: "198.51.100.7" }, { now: T0 })),
    );
    expect(checked(results)).toBe(THROTTLE_MAX_FAILURES);
    expect(results.filter((r) => !r.ok && r.reason === "throttled")).toHaveLength(100 - THROTTLE_MAX_FAILURES);
  });

  it(`100 wrong passwords from 4 processes at once: at most ${THROTTLE_MAX_FAILURES} are checked`, async () => {
    const u = await account();
    const script = fileURLToPath(new URL("../helpers/login-worker.ts", import.meta.url));
    type Result = LoginResult | { ok: false; reason: "error"; message: string };
    const children = Array.from({ length: 4 }, () =>
      fork(script, [], {
        execArgv: ["--import", "tsx"],
        env: { ...process.env, LOGIN_WORKER_INPUT: JSON.stringify({ file, phone: u.phone, ip: "198.51.100.8", attempts: 25, now: T0 }) },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      }),
    );
    const settled = children.map((child) => {
      let onReady!: () => void;
      const ready = new Promise<void>((resolve) => (onReady = resolve));
      const done = new Promise<Result[]>((resolve, reject) => {
        child.on("message", (msg: { ready?: boolean; results?: Result[] }) => {
          if (msg.ready) onReady();
          if (msg.results) resolve(msg.results);
        });
        child.once("error", reject);
        child.once("exit", (code) => reject(new Error(`login worker exited with ${code} before reporting`)));
      });
      return { ready: Promise.race([ready, done.then(() => undefined)]), done };
    });
    await Promise.all(settled.map((s) => s.ready));
    for (const child of children) child.send("go");
    const results = (await Promise.all(settled.map((s) => s.done))).flat();
    expect(results).toHaveLength(100);
    expect(results.filter((r) => !r.ok && r.reason === "error")).toEqual([]);
    expect(checked(results)).toBe(THROTTLE_MAX_FAILURES);
    // And the database agrees: five attempts were recorded for that pair, no more.
    expect(db.$client.prepare(`select count(*) from login_attempts where phone = ? and ip = ?`).pluck().get(u.phone, "198.51.100.8")).toBe(
      THROTTLE_MAX_FAILURES,
    );
  }, 60_000);

  it("a stranger's failures do not lock the owner out at another address", async () => {
    const u = await account();
    const stranger = "203.0.113.66";
    const tries = await Promise.all(Array.from({ length: 20 }, (_, i) => login(db, { phone: u.phone, password: `guess-${i}`, ip: stranger }, { now: T0 })));
    expect(checked(tries)).toBe(THROTTLE_MAX_FAILURES);
    const now = T0 + 10;
    expect(await login(db, { phone: u.phone, password: u.password, ip: stranger }, { now })).toMatchObject({ reason: "throttled" });
    // The owner, at home, never logged in from there before: straight in.
    expect(await login(db, { phone: u.phone, password: u.password, ip: "192.0.2.10" }, { now })).toEqual({ ok: true, userId: u.id });
  });

  it("the wait doubles with every failure past the free ones, up to the cap", async () => {
    const u = await account();
    const ip = "198.51.100.20";
    let now = T0;
    for (let i = 0; i < THROTTLE_MAX_FAILURES; i++)
      expect(await login(db, { phone: u.phone, password: "nope", ip }, { now: now++ })).toMatchObject({ reason: "bad_credentials" });
    const waits: number[] = [];
    for (let round = 0; round < 8; round++) {
      const refused = await login(db, { phone: u.phone, password: u.password, ip }, { now });
      if (refused.ok || refused.reason !== "throttled") throw new Error(`expected a wait, got ${JSON.stringify(refused)}`);
      waits.push(refused.retryAfterMs + 1); // measured from the failure 1 ms earlier
      // One millisecond early is still refused; on time, the next guess is checked (and fails).
      expect(await login(db, { phone: u.phone, password: "nope", ip }, { now: now + refused.retryAfterMs - 1 })).toMatchObject({ reason: "throttled" });
      now += refused.retryAfterMs;
      expect(await login(db, { phone: u.phone, password: "nope", ip }, { now })).toMatchObject({ reason: "bad_credentials" });
      now += 1;
    }
    const minute = LOGIN_LIMITS.backoffBaseMs;
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60].map((m) => m * minute));
    expect(backoffAfter(THROTTLE_MAX_FAILURES + 100)).toBe(LOGIN_LIMITS.backoffMaxMs);
    // After the wait the owner's right password still works there.
    const wait = backoffAfter(THROTTLE_MAX_FAILURES + 8);
    expect(await login(db, { phone: u.phone, password: u.password, ip }, { now: now - 1 + wait })).toEqual({ ok: true, userId: u.id });
  });

  it("the per-account ceiling stops guesses spread over many addresses, but not the owner's usual address", async () => {
    const u = await account();
    const home = "192.0.2.50";
    expect(await login(db, { phone: u.phone, password: u.password, ip: home }, { now: T0 - 86_400_000 })).toMatchObject({ ok: true });
    // A botnet: one guess from each of many addresses (all but the last recorded directly, for speed)…
    const insert = db.$client.prepare(`insert into login_attempts (phone, ip, succeeded, at) values (?, ?, 0, ?)`);
    for (let i = 0; i < LOGIN_LIMITS.accountMaxFailures - 1; i++) insert.run(u.phone, `10.1.${i >> 8}.${i & 255}`, T0 + i);
    // …the guesses are checked until the ceiling, then refused from every address the owner does not use.
    const results: LoginResult[] = [];
    for (let i = 0; i < 10; i++) results.push(await login(db, { phone: u.phone, password: `guess-${i}`, ip: `10.2.0.${i}` }, { now: T0 + 60 + i }));
    expect(results.map((r) => (r.ok ? "ok" : r.reason))).toEqual(["bad_credentials", ...Array(9).fill("throttled")]);
    // A fresh address with the right password waits until the oldest failure leaves the hour…
    const fresh = await login(db, { phone: u.phone, password: u.password, ip: "10.9.9.9" }, { now: T0 + 100 });
    expect(fresh).toEqual({ ok: false, reason: "throttled", retryAfterMs: LOGIN_LIMITS.accountWindowMs - 100 });
    // …the owner at home gets in now.
    expect(await login(db, { phone: u.phone, password: u.password, ip: home }, { now: T0 + 100 })).toEqual({ ok: true, userId: u.id });
    expect(await login(db, { phone: u.phone, password: u.password, ip: "10.9.9.9" }, { now: T0 + LOGIN_LIMITS.accountWindowMs })).toMatchObject({ ok: true });
  });
});

function form(fields: Record<string, string>, ip: string, url: string) {
  return new Request(url, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "content-type": "application/x-www-form-urlencoded", "x-cunpin-remote-address": ip },
  });
}
async function formErrors(res: unknown): Promise<{ status: number; formErrors: string[] }> {
  // Remix's data() / a thrown or returned Response.
  if (res instanceof Response) return { status: res.status, formErrors: [] };
  const d = res as { init: { status?: number } | null; data: { result?: { error?: Record<string, string[] | null> } } };
  return { status: d.init?.status ?? 200, formErrors: d.data.result?.error?.[""] ?? [] };
}

describe("sign-up and problem-report limits", () => {
  it(`sign-up: ${SIGNUP_LIMITS[0].max} an hour per address, then 429 with a message; other addresses unaffected`, async () => {
    const signup = (ip: string) => {
      const phone = `1361234${String(++phoneSeq).padStart(4, "0")}`;
      const fields = { phone, displayName: "新用户", password: "a-long-password-1", passwordConfirm: "a-long-password-1", redirectTo: "/" };
      return signupAction({ request: form(fields, ip, "http://localhost/signup"), params: {}, context: {} });
    };
    const users = () => db.$client.prepare(`select count(*) from users`).pluck().get() as number;
    const before = users();
    for (let i = 0; i < SIGNUP_LIMITS[0].max; i++) expect((await signup("198.51.100.90")) as Response).toHaveProperty("status", 302);
    const refused = await formErrors(await signup("198.51.100.90"));
    expect(refused.status).toBe(429);
    expect(refused.formErrors).toEqual(["auth.signupThrottled|60"]);
    expect(users()).toBe(before + SIGNUP_LIMITS[0].max);
    expect((await signup("198.51.100.91")) as Response).toHaveProperty("status", 302);
  });

  it(`the trace page's report form: ${PROBLEM_REPORT_LIMITS[0].max} per 10 minutes per address, then 429 with a message`, async () => {
    const villageId = createVillage(db, {});
    const producerId = createProducer(db, { villageId, lat: 35.76, lng: 109.43, nameZh: "限流测试合作社" });
    const listingId = await createListing(db, { producerId, title: "苹果 限流", productName: "苹果", lot: { crop: "apple" } });
    const lot = listingLot(db, listingId)!;
    const report = (ip: string) =>
      traceAction({
        request: form({ kind: "safety", message: "吃了以后肚子疼", phone: "" }, ip, `http://localhost/01/${lot.gtin}/10/${lot.lotCode}`),
        params: { gtin: lot.gtin, lot: lot.lotCode },
        context: {},
      });
    const stored = () => db.$client.prepare(`select count(*) from problem_reports where batch_id = ?`).pluck().get(lot.batchId) as number;
    for (let i = 0; i < PROBLEM_REPORT_LIMITS[0].max; i++) expect(await formErrors(await report("198.51.100.95"))).toEqual({ status: 200, formErrors: [] });
    expect(await formErrors(await report("198.51.100.95"))).toEqual({ status: 429, formErrors: ["traceReport.throttled"] });
    expect(stored()).toBe(PROBLEM_REPORT_LIMITS[0].max);
    expect(await formErrors(await report("198.51.100.96"))).toEqual({ status: 200, formErrors: [] });
  });
});

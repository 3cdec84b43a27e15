import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  createSession,
  createUser,
  deleteSession,
  getSessionUserId,
  loadAuthUser,
  login,
  PhoneTakenError,
  pruneAuthTables,
  SESSION_TTL_MS,
  THROTTLE_MAX_FAILURES,
  THROTTLE_WINDOW_MS,
  throttleDelay,
} from "../../market/accounts/accounts";
import { loginAttempts, userRoles } from "../../db/schema";
import { createTestDb, type TestDb } from "../helpers/db";
import { createTestUser, TEST_PASSWORD } from "../helpers/factories";

let t: TestDb;
beforeEach(() => {
  t = createTestDb();
});
afterEach(() => t.close());

const ip = "127.0.0.1";

describe("createUser", () => {
  test("every user is a buyer; extra roles are added", async () => {
    const id = await createUser(t.db, { phone: "13800000002", password: TEST_PASSWORD, displayName: "李建国", roles: ["farmer"] });
    const user = loadAuthUser(t.db, id);
    expect(user).toMatchObject({ id, phone: "13800000002", displayName: "李建国", producerIds: [] });
    expect([...user!.roles].sort()).toEqual(["buyer", "farmer"]);
  });

  test("a duplicate phone throws PhoneTakenError and adds nothing", async () => {
    await createTestUser(t.db, { phone: "13800000001" });
    await expect(createTestUser(t.db, { phone: "13800000001" })).rejects.toBeInstanceOf(PhoneTakenError);
    expect(t.db.select().from(userRoles).all()).toHaveLength(1);
  });

  test("loadAuthUser of an unknown id is null", () => {
    expect(loadAuthUser(t.db, 999)).toBeNull();
  });
});

describe("login", () => {
  test("the right password logs in", async () => {
    const u = await createTestUser(t.db);
    expect(await login(t.db, { phone: u.phone, password: u.password, ip })).toEqual({ ok: true, userId: u.id });
  });

  test("a wrong password or unknown phone gives the same answer", async () => {
    const u = await createTestUser(t.db);
    expect(await login(t.db, { phone: u.phone, password: "wrong-password", ip })).toEqual({ ok: false, reason: "bad_credentials" });
    expect(await login(t.db, { phone: "13999999999", password: u.password, ip })).toEqual({ ok: false, reason: "bad_credentials" });
  });

  test(`after ${THROTTLE_MAX_FAILURES} failures the next attempt is throttled, even with the right password`, async () => {
    const u = await createTestUser(t.db);
    for (let i = 0; i < THROTTLE_MAX_FAILURES; i++) {
      expect(await login(t.db, { phone: u.phone, password: `wrong-${i}`, ip })).toMatchObject({ ok: false, reason: "bad_credentials" });
    }
    const result = await login(t.db, { phone: u.phone, password: u.password, ip });
    expect(result).toMatchObject({ ok: false, reason: "throttled" });
    if (result.ok || result.reason !== "throttled") throw new Error("unreachable");
    expect(result.retryAfterMs).toBeGreaterThan(0);
    expect(result.retryAfterMs).toBeLessThanOrEqual(THROTTLE_WINDOW_MS);
  });

  test("throttling is per phone: another account from the same address still logs in", async () => {
    const victim = await createTestUser(t.db);
    const other = await createTestUser(t.db);
    for (let i = 0; i < THROTTLE_MAX_FAILURES; i++) await login(t.db, { phone: victim.phone, password: "x", ip });
    expect(await login(t.db, { phone: other.phone, password: other.password, ip })).toEqual({ ok: true, userId: other.id });
  });

  test("failures older than the window no longer count", async () => {
    const u = await createTestUser(t.db);
    for (let i = 0; i < THROTTLE_MAX_FAILURES; i++) await login(t.db, { phone: u.phone, password: "x", ip });
    const now = Date.now();
    expect(throttleDelay(t.db, u.phone, ip, now)).toBeGreaterThan(0);
    expect(throttleDelay(t.db, u.phone, ip, now + THROTTLE_WINDOW_MS + 1)).toBe(0);
  });

  test("a success clears the phone's failures", async () => {
    const u = await createTestUser(t.db);
    for (let i = 0; i < THROTTLE_MAX_FAILURES - 1; i++) await login(t.db, { phone: u.phone, password: "x", ip });
    expect(await login(t.db, { phone: u.phone, password: u.password, ip })).toMatchObject({ ok: true });
    const failures = t.db.select().from(loginAttempts).where(eq(loginAttempts.succeeded, false)).all();
    expect(failures).toHaveLength(0);
    // Four more failures are allowed again before the limit.
    for (let i = 0; i < THROTTLE_MAX_FAILURES - 1; i++) await login(t.db, { phone: u.phone, password: "x", ip });
    expect(await login(t.db, { phone: u.phone, password: u.password, ip })).toMatchObject({ ok: true });
  });

  test("an address with many failures across phones is throttled", async () => {
    const u = await createTestUser(t.db);
    const now = Date.now();
    const rows = Array.from({ length: THROTTLE_MAX_FAILURES * 10 }, (_, i) => ({
      phone: `1370000${String(i).padStart(4, "0")}`,
      ip: "10.0.0.9",
      succeeded: false,
      at: now - 1000,
    }));
    t.db.insert(loginAttempts).values(rows).run();
    expect(await login(t.db, { phone: u.phone, password: u.password, ip: "10.0.0.9" })).toMatchObject({ reason: "throttled" });
    expect(await login(t.db, { phone: u.phone, password: u.password, ip: "10.0.0.10" })).toMatchObject({ ok: true });
  });
});

describe("sessions", () => {
  test("a session finds its user until it expires", async () => {
    const u = await createTestUser(t.db);
    const now = Date.now();
    const s = createSession(t.db, u.id, now);
    expect(s.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.expiresAt).toBe(now + SESSION_TTL_MS);
    expect(getSessionUserId(t.db, s.id, now)).toBe(u.id);
    expect(getSessionUserId(t.db, s.id, now + SESSION_TTL_MS - 1)).toBe(u.id);
    expect(getSessionUserId(t.db, s.id, now + SESSION_TTL_MS)).toBeNull();
  });

  test("unknown and deleted sessions find nobody", async () => {
    const u = await createTestUser(t.db);
    const s = createSession(t.db, u.id);
    expect(getSessionUserId(t.db, "not-a-session")).toBeNull();
    deleteSession(t.db, s.id);
    expect(getSessionUserId(t.db, s.id)).toBeNull();
  });

  test("pruneAuthTables drops expired sessions only", async () => {
    const u = await createTestUser(t.db);
    const now = Date.now();
    const old = createSession(t.db, u.id, now - SESSION_TTL_MS - 10);
    const fresh = createSession(t.db, u.id, now);
    pruneAuthTables(t.db, now);
    expect(getSessionUserId(t.db, old.id, now - SESSION_TTL_MS - 5)).toBeNull();
    expect(getSessionUserId(t.db, fresh.id, now)).toBe(u.id);
  });
});

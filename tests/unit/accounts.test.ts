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
  LOGIN_LIMITS,
  THROTTLE_MAX_FAILURES,
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

  test(`after ${THROTTLE_MAX_FAILURES} failures from one address the next attempt there waits, even with the right password`, async () => {
    const u = await createTestUser(t.db);
    const now = Date.UTC(2025, 5, 1, 2);
    for (let i = 0; i < THROTTLE_MAX_FAILURES; i++) {
      expect(await login(t.db, { phone: u.phone, password: `wrong-${i}`, ip }, { now: now + i })).toMatchObject({ ok: false, reason: "bad_credentials" });
    }
    const result = await login(t.db, { phone: u.phone, password: u.password, ip }, { now: now + 10 });
    expect(result).toEqual({ ok: false, reason: "throttled", retryAfterMs: LOGIN_LIMITS.backoffBaseMs - 6 });
    // Once the wait is over, the right password gets in.
    expect(await login(t.db, { phone: u.phone, password: u.password, ip }, { now: now + 4 + LOGIN_LIMITS.backoffBaseMs })).toEqual({ ok: true, userId: u.id });
  });

  test("throttling is per phone: another account from the same address still logs in", async () => {
    const victim = await createTestUser(t.db);
    const other = await createTestUser(t.db);
    for (let i = 0; i < THROTTLE_MAX_FAILURES; i++) await login(t.db, { phone: victim.phone, password: "x", ip });
    expect(await login(t.db, { phone: other.phone, password: other.password, ip })).toEqual({ ok: true, userId: other.id });
  });

  test("failures older than a day no longer count", async () => {
    const u = await createTestUser(t.db);
    const now = Date.UTC(2025, 5, 1, 2);
    for (let i = 0; i < THROTTLE_MAX_FAILURES + 3; i++) await login(t.db, { phone: u.phone, password: "x", ip }, { now: now + i * LOGIN_LIMITS.backoffMaxMs });
    const last = now + (THROTTLE_MAX_FAILURES + 2) * LOGIN_LIMITS.backoffMaxMs;
    expect(throttleDelay(t.db, u.phone, ip, last + 1)).toBeGreaterThan(0);
    expect(throttleDelay(t.db, u.phone, ip, last + LOGIN_LIMITS.pairMemoryMs + 1)).toBe(0);
  });

  test("a success from an address starts that address afresh", async () => {
    const u = await createTestUser(t.db);
    const now = Date.UTC(2025, 5, 1, 2);
    for (let i = 0; i < THROTTLE_MAX_FAILURES - 1; i++) await login(t.db, { phone: u.phone, password: "x", ip }, { now: now + i });
    expect(await login(t.db, { phone: u.phone, password: u.password, ip }, { now: now + 10 })).toMatchObject({ ok: true });
    const attempts = t.db.select({ succeeded: loginAttempts.succeeded }).from(loginAttempts).where(eq(loginAttempts.phone, u.phone)).all();
    expect(attempts.filter((a) => a.succeeded)).toHaveLength(1);
    // Four more failures are allowed again before the backoff.
    for (let i = 0; i < THROTTLE_MAX_FAILURES - 1; i++) await login(t.db, { phone: u.phone, password: "x", ip }, { now: now + 20 + i });
    expect(await login(t.db, { phone: u.phone, password: u.password, ip }, { now: now + 30 })).toMatchObject({ ok: true });
  });

  test("failures on many phones from one address do not shut the address out of accounts that log in from it", async () => {
    const u = await createTestUser(t.db);
    const stranger = await createTestUser(t.db);
    const now = Date.UTC(2025, 5, 1, 2);
    await login(t.db, { phone: u.phone, password: u.password, ip: "10.0.0.9" }, { now: now - 86_400_000 });
    const rows = Array.from({ length: LOGIN_LIMITS.addressMaxFailures }, (_, i) => ({
      phone: `1370000${String(i).padStart(4, "0")}`,
      ip: "10.0.0.9",
      succeeded: false,
      at: now - 1000,
    }));
    t.db.insert(loginAttempts).values(rows).run();
    // The account that logs in from there still does; one that never has must wait out the hour.
    expect(await login(t.db, { phone: u.phone, password: u.password, ip: "10.0.0.9" }, { now })).toEqual({ ok: true, userId: u.id });
    expect(await login(t.db, { phone: stranger.phone, password: stranger.password, ip: "10.0.0.9" }, { now })).toEqual({
      ok: false,
      reason: "throttled",
      retryAfterMs: LOGIN_LIMITS.addressWindowMs - 1000,
    });
    expect(await login(t.db, { phone: stranger.phone, password: stranger.password, ip: "10.0.0.10" }, { now })).toMatchObject({ ok: true });
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

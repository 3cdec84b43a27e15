/**
 * Accounts and sessions: sign-up, login with throttling, session lookup.
 * Plain module: takes a Db, never imports Remix.
 */
import { randomBytes } from "node:crypto";
import { and, eq, gt, lt } from "drizzle-orm";
import type { Db } from "../../db/client";
import { loginAttempts, producerMembers, sessions, userRoles, users, type Role } from "../../db/schema";
import { pruneRateLimitHits, takeRateLimit, type RateLimitRule } from "../../core/rate-limit";
import { getDummyHash, hashPassword, verifyPassword } from "./password";

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export type AuthUser = {
  id: number;
  phone: string;
  displayName: string;
  roles: Role[];
  /** Producers this user belongs to (member, manager or owner). */
  producerIds: number[];
};

export class PhoneTakenError extends Error {
  constructor() {
    super("phone already registered");
  }
}

export async function createUser(db: Db, input: { phone: string; password: string; displayName: string; roles?: Role[] }): Promise<number> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction((tx) => {
    const existing = tx.select({ id: users.id }).from(users).where(eq(users.phone, input.phone)).get();
    if (existing) throw new PhoneTakenError();
    const row = tx.insert(users).values({ phone: input.phone, passwordHash, displayName: input.displayName }).returning({ id: users.id }).get();
    const roles = new Set<Role>(["buyer", ...(input.roles ?? [])]);
    for (const role of roles) tx.insert(userRoles).values({ userId: row.id, role }).run();
    return row.id;
  });
}

export function loadAuthUser(db: Db, userId: number): AuthUser | null {
  const user = db.select({ id: users.id, phone: users.phone, displayName: users.displayName }).from(users).where(eq(users.id, userId)).get();
  if (!user) return null;
  const roles = db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId)).all();
  const members = db.select({ producerId: producerMembers.producerId }).from(producerMembers).where(eq(producerMembers.userId, userId)).all();
  return { ...user, roles: roles.map((r) => r.role), producerIds: members.map((m) => m.producerId) };
}

export type LoginResult = { ok: true; userId: number } | { ok: false; reason: "bad_credentials" } | { ok: false; reason: "throttled"; retryAfterMs: number };

/**
 * Login throttling (README "Limits"). Keyed by the phone typed (an account, or a phone that has
 * none) and the client address:
 *  - per (phone, address): the first `freeFailures` failures cost nothing; after that each attempt
 *    waits `backoffBaseMs`, doubling with every further failure up to `backoffMaxMs`. A success
 *    from that address starts the pair afresh; failures older than `pairMemoryMs` are forgotten.
 *  - per phone: `accountMaxFailures` failures in `accountWindowMs`, from all addresses together,
 *    stop further attempts from addresses the account has not logged in from lately;
 *  - per address: `addressMaxFailures` failures in `addressWindowMs`, over all phones, stop
 *    attempts from that address at accounts that have not logged in from it lately.
 * "Lately" = a successful login from that address within `knownAddressMs`. So a stranger's
 * failures slow the stranger, not the owner at another address (or, past the ceiling, at the
 * owner's usual one), and a crowded address (a school, a village's shared line) is not shut out.
 */
export const LOGIN_LIMITS = {
  freeFailures: 5,
  backoffBaseMs: 60_000,
  backoffMaxMs: 60 * 60_000,
  pairMemoryMs: 24 * 60 * 60_000,
  accountMaxFailures: 50,
  accountWindowMs: 60 * 60_000,
  addressMaxFailures: 200,
  addressWindowMs: 60 * 60_000,
  knownAddressMs: 30 * 24 * 60 * 60_000,
} as const;
export type LoginLimits = { [K in keyof typeof LOGIN_LIMITS]: number };

/** Failed logins allowed per (phone, address) before the backoff starts. */
export const THROTTLE_MAX_FAILURES = LOGIN_LIMITS.freeFailures;

/** The wait after `failures` failures of one (phone, address) pair, counted from the last one. */
export function backoffAfter(failures: number, limits: LoginLimits = LOGIN_LIMITS): number {
  if (failures < limits.freeFailures) return 0;
  return Math.min(limits.backoffMaxMs, limits.backoffBaseMs * 2 ** Math.min(30, failures - limits.freeFailures));
}

/** How long until this phone may be tried from this address, or 0. Reads only; login() calls it inside its transaction. */
export function throttleDelay(db: Db, phone: string, ip: string, now = Date.now(), limits: LoginLimits = LOGIN_LIMITS): number {
  const sqlite = db.$client;
  const lastSuccess =
    (sqlite.prepare(`select max(at) from login_attempts where phone = ? and ip = ? and succeeded = 1`).pluck().get(phone, ip) as number | null) ?? null;
  const pair = sqlite
    .prepare(`select count(*) as n, max(at) as last from login_attempts where phone = ? and ip = ? and succeeded = 0 and at > ?`)
    .get(phone, ip, Math.max(lastSuccess ?? -Infinity, now - limits.pairMemoryMs)) as { n: number; last: number | null };
  let delay = pair.last === null ? 0 : pair.last + backoffAfter(pair.n, limits) - now;
  const known = lastSuccess !== null && lastSuccess > now - limits.knownAddressMs;
  if (!known) {
    // The failure that has to leave the window before one more attempt fits under the ceiling.
    const blocking = (column: "phone" | "ip", value: string, max: number, windowMs: number) => {
      const at = sqlite
        .prepare(`select at from login_attempts where ${column} = ? and succeeded = 0 and at > ? order by at desc limit 1 offset ?`)
        .pluck()
        .get(value, now - windowMs, max - 1) as number | undefined;
      return at === undefined ? 0 : at + windowMs - now;
    };
    delay = Math.max(delay, blocking("phone", phone, limits.accountMaxFailures, limits.accountWindowMs));
    delay = Math.max(delay, blocking("ip", ip, limits.addressMaxFailures, limits.addressWindowMs));
  }
  return Math.max(0, delay);
}

/**
 * Checks a password, throttled. The attempt is counted BEFORE the password is checked, in the same
 * IMMEDIATE transaction as the throttle check (recorded as a failure, turned into a success after
 * a right password): parallel attempts, from any number of processes, see each other, so at most
 * the allowed number of passwords is ever checked.
 */
export async function login(
  db: Db,
  input: { phone: string; password: string; ip: string },
  options: { now?: number; limits?: LoginLimits } = {},
): Promise<LoginResult> {
  const now = options.now ?? Date.now();
  const sqlite = db.$client;
  const gate = sqlite
    .transaction(() => {
      const delay = throttleDelay(db, input.phone, input.ip, now, options.limits);
      if (delay > 0) return { attemptId: null, delay };
      const attemptId = Number(
        sqlite.prepare(`insert into login_attempts (phone, ip, succeeded, at) values (?, ?, 0, ?)`).run(input.phone, input.ip, now).lastInsertRowid,
      );
      return { attemptId, delay: 0 };
    })
    .immediate();
  if (gate.attemptId === null) return { ok: false, reason: "throttled", retryAfterMs: gate.delay };
  const user = db.select({ id: users.id, passwordHash: users.passwordHash }).from(users).where(eq(users.phone, input.phone)).get();
  // Unknown phones cost a hash too, so the answer time does not tell which phones have accounts.
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await getDummyHash()));
  if (user && valid) {
    sqlite.prepare(`update login_attempts set succeeded = 1 where id = ?`).run(gate.attemptId);
    return { ok: true, userId: user.id };
  }
  return { ok: false, reason: "bad_credentials" };
}

/** Sign-ups per client address (README "Limits"): counted before the password is hashed. */
export const SIGNUP_LIMITS: readonly RateLimitRule[] = [
  { bucket: "signup:address:hour", max: 5, windowMs: 60 * 60_000 },
  { bucket: "signup:address:day", max: 20, windowMs: 24 * 60 * 60_000 },
];

export type SignUpResult = { ok: true; userId: number } | { ok: false; reason: "throttled"; retryAfterMs: number };

/**
 * Sign-up from the web form: rate-limited per address (the attempt counts even when the phone
 * turns out to be taken, so the form cannot be used to probe many phones), then createUser.
 * Throws PhoneTakenError like createUser.
 */
export async function signUp(
  db: Db,
  input: { phone: string; password: string; displayName: string; ip: string },
  options: { now?: number; rules?: readonly RateLimitRule[] } = {},
): Promise<SignUpResult> {
  const taken = takeRateLimit(db.$client, options.rules ?? SIGNUP_LIMITS, input.ip, options.now ?? Date.now());
  if (!taken.ok) return { ok: false, reason: "throttled", retryAfterMs: taken.retryAfterMs };
  return { ok: true, userId: await createUser(db, { phone: input.phone, password: input.password, displayName: input.displayName }) };
}

export function createSession(db: Db, userId: number, now = Date.now()): { id: string; expiresAt: number } {
  const id = randomBytes(32).toString("base64url");
  const expiresAt = now + SESSION_TTL_MS;
  db.insert(sessions).values({ id, userId, expiresAt }).run();
  return { id, expiresAt };
}

export function getSessionUserId(db: Db, sessionId: string, now = Date.now()): number | null {
  const row = db
    .select({ userId: sessions.userId })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, now)))
    .get();
  return row?.userId ?? null;
}

export function deleteSession(db: Db, sessionId: string): void {
  db.delete(sessions).where(eq(sessions.id, sessionId)).run();
}

/**
 * Housekeeping: drop expired sessions, login failures past the pair memory, successes past the
 * "known address" memory, and other rate-limit hits older than a day.
 */
export function pruneAuthTables(db: Db, now = Date.now()): void {
  db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
  db.delete(loginAttempts)
    .where(and(eq(loginAttempts.succeeded, false), lt(loginAttempts.at, now - LOGIN_LIMITS.pairMemoryMs)))
    .run();
  db.delete(loginAttempts)
    .where(lt(loginAttempts.at, now - LOGIN_LIMITS.knownAddressMs))
    .run();
  pruneRateLimitHits(db.$client, now);
}

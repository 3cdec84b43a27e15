/**
 * Accounts and sessions: sign-up, login with throttling, session lookup.
 * Plain module: takes a Db, never imports Remix.
 */
import { randomBytes } from "node:crypto";
import { and, count, eq, gt, lt } from "drizzle-orm";
import type { Db } from "../../db/client";
import { loginAttempts, producerMembers, sessions, userRoles, users, type Role } from "../../db/schema";
import { getDummyHash, hashPassword, verifyPassword } from "./password";

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Failed logins allowed per phone (and, ten times as many, per client address) in the window. */
export const THROTTLE_MAX_FAILURES = 5;
export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;

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

export async function createUser(
  db: Db,
  input: { phone: string; password: string; displayName: string; roles?: Role[] },
): Promise<number> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction((tx) => {
    const existing = tx.select({ id: users.id }).from(users).where(eq(users.phone, input.phone)).get();
    if (existing) throw new PhoneTakenError();
    const row = tx
      .insert(users)
      .values({ phone: input.phone, passwordHash, displayName: input.displayName })
      .returning({ id: users.id })
      .get();
    const roles = new Set<Role>(["buyer", ...(input.roles ?? [])]);
    for (const role of roles) tx.insert(userRoles).values({ userId: row.id, role }).run();
    return row.id;
  });
}

export function loadAuthUser(db: Db, userId: number): AuthUser | null {
  const user = db
    .select({ id: users.id, phone: users.phone, displayName: users.displayName })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (!user) return null;
  const roles = db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId)).all();
  const members = db
    .select({ producerId: producerMembers.producerId })
    .from(producerMembers)
    .where(eq(producerMembers.userId, userId))
    .all();
  return { ...user, roles: roles.map((r) => r.role), producerIds: members.map((m) => m.producerId) };
}

export type LoginResult =
  | { ok: true; userId: number }
  | { ok: false; reason: "bad_credentials" }
  | { ok: false; reason: "throttled"; retryAfterMs: number };

/** How long until this phone / address may try again, or 0. */
export function throttleDelay(db: Db, phone: string, ip: string, now = Date.now()): number {
  const since = now - THROTTLE_WINDOW_MS;
  const failures = (where: ReturnType<typeof and>) =>
    db
      .select({ n: count(), oldest: loginAttempts.at })
      .from(loginAttempts)
      .where(where)
      .orderBy(loginAttempts.at)
      .get();
  const byPhone = failures(and(eq(loginAttempts.phone, phone), eq(loginAttempts.succeeded, false), gt(loginAttempts.at, since)));
  const byIp = failures(and(eq(loginAttempts.ip, ip), eq(loginAttempts.succeeded, false), gt(loginAttempts.at, since)));
  let delay = 0;
  if (byPhone && byPhone.n >= THROTTLE_MAX_FAILURES && byPhone.oldest) delay = byPhone.oldest + THROTTLE_WINDOW_MS - now;
  if (byIp && byIp.n >= THROTTLE_MAX_FAILURES * 10 && byIp.oldest)
    delay = Math.max(delay, byIp.oldest + THROTTLE_WINDOW_MS - now);
  return Math.max(0, delay);
}

export async function login(db: Db, input: { phone: string; password: string; ip: string }): Promise<LoginResult> {
  const now = Date.now();
  const delay = throttleDelay(db, input.phone, input.ip, now);
  if (delay > 0) return { ok: false, reason: "throttled", retryAfterMs: delay };
  const user = db
    .select({ id: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.phone, input.phone))
    .get();
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await getDummyHash()));
  const succeeded = Boolean(user && valid);
  db.insert(loginAttempts).values({ phone: input.phone, ip: input.ip, succeeded, at: now }).run();
  if (succeeded) {
    // A successful login clears the phone's failure count.
    db.delete(loginAttempts).where(and(eq(loginAttempts.phone, input.phone), eq(loginAttempts.succeeded, false))).run();
    return { ok: true, userId: user!.id };
  }
  return { ok: false, reason: "bad_credentials" };
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

/** Housekeeping: drop expired sessions and old login attempts. */
export function pruneAuthTables(db: Db, now = Date.now()): void {
  db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
  db.delete(loginAttempts).where(lt(loginAttempts.at, now - 24 * 60 * 60 * 1000)).run();
}

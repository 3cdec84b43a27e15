/** Remix glue for accounts: the session cookie and guards that throw Responses. */
import { createCookieSessionStorage, redirect } from "@remix-run/node";
import { getEnv } from "../../core/env";
import { getDb } from "~/utils/db.server";
import { createSession, deleteSession, getSessionUserId, loadAuthUser, SESSION_TTL_MS, type AuthUser } from "../../market/accounts/accounts";
import type { Role } from "../../db/schema";
import { hasRole } from "../../core/permissions";
import { safeRedirect } from "~/utils/safe-redirect";

const env = getEnv();

export const sessionStorage = createCookieSessionStorage<{ sessionId: string }>({
  cookie: {
    name: "cp_session",
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secrets: [env.SESSION_SECRET],
    // COOKIE_SECURE=true forces Secure; otherwise server.js adds it to responses served over HTTPS.
    secure: env.NODE_ENV === "production" && process.env.COOKIE_SECURE === "true",
    maxAge: SESSION_TTL_MS / 1000,
  },
});

/** The client address, set by server.js from the socket (client-sent values are discarded there). */
export function getClientIp(request: Request): string {
  return request.headers.get("x-cunpin-remote-address") || "unknown";
}

async function readSessionId(request: Request): Promise<string | null> {
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  return session.get("sessionId") ?? null;
}

export async function getOptionalUser(request: Request): Promise<AuthUser | null> {
  const sessionId = await readSessionId(request);
  if (!sessionId) return null;
  const db = getDb();
  const userId = getSessionUserId(db, sessionId);
  return userId ? loadAuthUser(db, userId) : null;
}

/** Redirects to /login (remembering where the user was going) when nobody is logged in. */
export async function requireUser(request: Request): Promise<AuthUser> {
  const user = await getOptionalUser(request);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return user;
}

/** 403 unless the user holds one of the roles. */
export async function requireRole(request: Request, ...roles: Role[]): Promise<AuthUser> {
  const user = await requireUser(request);
  if (!hasRole(user, ...roles)) throw new Response("Forbidden", { status: 403 });
  return user;
}

export async function startSession(userId: number, redirectTo: string): Promise<Response> {
  const { id } = createSession(getDb(), userId);
  const session = await sessionStorage.getSession();
  session.set("sessionId", id);
  return redirect(safeRedirect(redirectTo), {
    headers: { "Set-Cookie": await sessionStorage.commitSession(session) },
  });
}

export async function endSession(request: Request): Promise<Response> {
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  const id = session.get("sessionId");
  if (id) deleteSession(getDb(), id);
  return redirect("/", { headers: { "Set-Cookie": await sessionStorage.destroySession(session) } });
}

/** Only same-site paths; anything else goes home (app/utils/safe-redirect.ts). */
export { safeRedirect };

/// <reference types="vite/client" />
/**
 * Calling Remix route modules directly (the authorization matrix and the form fuzz test): the
 * small demo data set in the process-wide database (tests/helpers/setup.ts gives it a temp file),
 * a signed session cookie per demo role, every route module of app/routes, and one function that
 * runs a loader or action the way Remix would and says what came back.
 */
import { getDb } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";
import { seedDemoData } from "../../seeds/demo-data";
import { createSession } from "../../market/accounts/accounts";
import { sessionStorage } from "~/utils/session.server";

export type RoleName =
  | "anonymous"
  | "buyer"
  | "farmerA"
  | "farmerB"
  | "coopAdminA"
  | "operator"
  | "otherOperator"
  | "inspector"
  | "platformAdmin"
  // Member households of producer A (issue 12 §3): they record on its lots, never manage it.
  | "memberFarmerA"
  | "recordKeeperA"
  | "countyOfficial";

/** The demo accounts (README): producer A is 洛川县苹果专业合作社, producer B 张家猕猴桃家庭农场. */
export const ROLE_PHONES: Record<Exclude<RoleName, "anonymous">, string> = {
  buyer: "13800000001",
  farmerA: "13800000002",
  farmerB: "13800000003",
  coopAdminA: "13800000004",
  operator: "13800000005",
  otherOperator: "13800000008",
  inspector: "13800000006",
  platformAdmin: "13800000007",
  memberFarmerA: "13800000030",
  recordKeeperA: "13800000031",
  countyOfficial: "13800000009",
};
export const ROLES = ["anonymous", ...Object.keys(ROLE_PHONES)] as RoleName[];

export type RouteModule = {
  loader?: (args: { request: Request; params: Record<string, string>; context: object }) => unknown;
  action?: (args: { request: Request; params: Record<string, string>; context: object }) => unknown;
  default?: unknown;
};

/** Every route module, keyed by its file name without extension (the Remix route id after `routes/`). */
export async function loadRouteModules(): Promise<Map<string, RouteModule>> {
  const files = import.meta.glob<RouteModule>("../../app/routes/*.{ts,tsx}");
  const out = new Map<string, RouteModule>();
  for (const [file, load] of Object.entries(files).sort()) {
    out.set(file.replace(/^.*\/routes\//, "").replace(/\.tsx?$/, ""), await load());
  }
  return out;
}

/** The URL pattern of a flat-routes file name: `farm.batches.$batchId._index` → /farm/batches/$batchId. */
export function patternOf(routeId: string): string {
  const segments = routeId
    .replace(/\[\.\]/g, "\u0000")
    .split(".")
    .filter((s) => s !== "_index")
    .map((s) => s.replace(/\u0000/g, ".").replace(/_$/, ""));
  return "/" + segments.join("/");
}

/** Fills `$name` segments from `params`; returns the path and the params object for the loader. */
export function fillPattern(pattern: string, params: Record<string, string>): { path: string; params: Record<string, string> } {
  const used: Record<string, string> = {};
  const path = pattern.replace(/\$(\w*)/g, (_m, name: string) => {
    const key = name || "*";
    const value = params[key] ?? "1";
    used[key] = value;
    return key === "*" ? value : encodeURIComponent(value);
  });
  return { path: path === "/" ? "/" : path, params: used };
}

export type Seeded = {
  userIds: Record<Exclude<RoleName, "anonymous">, number>;
  cookies: Record<RoleName, string | null>;
  producerA: number;
  producerB: number;
};

/** Migrates and seeds the small demo data set, and logs every demo role in. */
export async function seedWithSessions(uploadDir: string): Promise<Seeded> {
  const db = getDb();
  migrateDatabase(db);
  await seedDemoData(db, { small: true, uploadDir });
  const sqlite = db.$client;
  const userIds = {} as Seeded["userIds"];
  const cookies = { anonymous: null } as Seeded["cookies"];
  for (const [role, phone] of Object.entries(ROLE_PHONES) as [Exclude<RoleName, "anonymous">, string][]) {
    const id = sqlite.prepare("select id from users where phone = ?").pluck().get(phone) as number;
    userIds[role] = id;
    const session = await sessionStorage.getSession();
    session.set("sessionId", createSession(db, id).id);
    cookies[role] = (await sessionStorage.commitSession(session)).split(";")[0];
  }
  const producerA = sqlite
    .prepare("select producer_id from producer_members where user_id = ? order by producer_id limit 1")
    .pluck()
    .get(userIds.farmerA) as number;
  const producerB = sqlite
    .prepare("select producer_id from producer_members where user_id = ? order by producer_id limit 1")
    .pluck()
    .get(userIds.farmerB) as number;
  return { userIds, cookies, producerA, producerB };
}

export type Outcome = { status: number; location: string | null; thrown: boolean; error?: unknown; body?: unknown };

/** Runs a loader or action as Remix would and reduces what came back (returned or thrown) to a status. */
export async function callRoute(fn: NonNullable<RouteModule["loader"]>, request: Request, params: Record<string, string>): Promise<Outcome> {
  try {
    return toOutcome(await fn({ request, params, context: {} }), false);
  } catch (error) {
    return toOutcome(error, true);
  }
}

function toOutcome(value: unknown, thrown: boolean): Outcome {
  if (value instanceof Response) {
    return { status: value.status, location: value.headers.get("Location"), thrown, body: value };
  }
  // `data(body, init)` of single fetch.
  if (value && typeof value === "object" && (value as { type?: string }).type === "DataWithResponseInit") {
    const v = value as { data: unknown; init?: ResponseInit | null };
    const headers = new Headers(v.init?.headers);
    return { status: v.init?.status ?? 200, location: headers.get("Location"), thrown, body: v.data };
  }
  if (thrown) return { status: 500, location: null, thrown, error: value };
  return { status: 200, location: null, thrown, body: value };
}

export function isLoginRedirect(o: Outcome): boolean {
  return o.status >= 300 && o.status < 400 && !!o.location && /^\/login(\?|$)/.test(o.location);
}

/** A request as a browser on this site sends it (same origin, the socket address server.js sets). */
export function makeRequest(path: string, cookie: string | null, init: { method?: string; body?: URLSearchParams | FormData } = {}): Request {
  const headers = new Headers({ Origin: "http://localhost", "x-cunpin-remote-address": "203.0.113.7" });
  if (cookie) headers.set("Cookie", cookie);
  return new Request(`http://localhost${path}`, { method: init.method ?? "GET", headers, body: init.body });
}

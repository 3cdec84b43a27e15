/**
 * Form fuzzing (issue 11 §7): random, oversized, wrong-typed, script and SQL values into every
 * action of app/routes, posted by a role that gets past the action's guard (a farmer of producer A
 * on producer A's objects, the buyer on the buyer's own order, the admin on admin pages, ...).
 * Nothing answers 500, and what was stored is shown escaped: the pages that show a listing's,
 * producer's or dispute's text are rendered to HTML and carry no live markup from the payloads.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { Outlet, type LoaderFunction } from "react-router-dom";
import { UNSAFE_RemixContext as RemixContext } from "@remix-run/react";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { messages } from "~/i18n";
import { mulberry32 } from "../../seeds/random";
import {
  callRoute,
  fillPattern,
  loadRouteModules,
  makeRequest,
  patternOf,
  seedWithSessions,
  type RoleName,
  type RouteModule,
  type Seeded,
} from "../helpers/routes";

const SCRIPT = "<script>window.__pwned=1</script>";
const IMG = '"><img src=x onerror="window.__pwned=1">';
const SQL = "' OR 1=1 --";
const VALUES = [
  "",
  " ",
  "0",
  "-1",
  "1.5",
  "1e309",
  "NaN",
  "99999999999999999999999",
  "-2147483649",
  "true",
  "null",
  "[object Object]",
  "2026-13-45",
  "\u0000\u0001",
  "😀村品",
  "x".repeat(100_000),
  SCRIPT,
  IMG,
  SQL,
  `1; DROP TABLE users; --`,
  "../../etc/passwd",
  "%00%2e%2e",
];

let seeded: Seeded;
let routes: Map<string, RouteModule>;
const sources = new Map<string, string>();
const ids: Record<string, string> = {};

function one(sql: string, ...args: unknown[]): string {
  const v = getDb()
    .$client.prepare(sql)
    .pluck()
    .get(...args);
  return v == null ? "999999" : String(v);
}

beforeAll(async () => {
  seeded = await seedWithSessions(fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-fuzz-")));
  routes = await loadRouteModules();
  for (const id of routes.keys()) {
    const file = ["tsx", "ts"].map((ext) => path.join("app/routes", `${id}.${ext}`)).find((f) => fs.existsSync(f))!;
    let src = fs.readFileSync(file, "utf8");
    // Field names also live in the UI schema modules the route imports.
    for (const m of src.matchAll(/from "~\/([\w-]+\/[\w-]+)"/g)) {
      const dep = ["ts", "tsx"].map((ext) => path.join("app", `${m[1]}.${ext}`)).find((f) => fs.existsSync(f));
      if (dep && /-ui\//.test(dep)) src += fs.readFileSync(dep, "utf8");
    }
    sources.set(id, src);
  }
  const A = seeded.producerA;
  const buyer = seeded.userIds.buyer;
  const orderOfBuyer = one("select o.id from orders o where o.buyer_id = ? order by o.id desc limit 1", buyer);
  const batchA = one("select id from batches where producer_id = ? and gtin is not null order by id limit 1", A);
  Object.assign(ids, {
    orderId: orderOfBuyer,
    subOrderId: one("select id from sub_orders where order_id = ? order by id limit 1", orderOfBuyer),
    listingId: one("select id from listings where producer_id = ? order by id limit 1", A),
    batchId: batchA,
    type: "input_application",
    gtin: one("select gtin from batches where id = ?", batchA),
    lot: one("select lot_code from batches where id = ?", batchA),
    disputeId: one("select id from disputes order by id limit 1"),
    parcelId: one("select p.id from parcels p join sub_orders s on s.id = p.sub_order_id where s.producer_id = ? limit 1", A),
    pointId: one("select delivery_point_id from delivery_point_operators where user_id = ? limit 1", seeded.userIds.operator),
    manifestId: one("select id from route_manifests limit 1"),
    recallId: one("select id from recalls limit 1"),
    producerId: String(A),
    villageId: one("select village_id from producers where id = ?", A),
    file: "1.pdf",
    "*": "nothing",
  });
}, 120_000);

/** The role that gets past a route's guard with the objects above. */
function actorFor(routeId: string): RoleName {
  if (routeId.startsWith("farm.")) return "farmerA";
  if (routeId.startsWith("admin.") || routeId.startsWith("inspect.")) return "platformAdmin";
  if (routeId === "station") return "operator";
  if (["login", "signup", "01.$gtin.10.$lot", "webhooks.stripe"].includes(routeId)) return "anonymous";
  return "buyer";
}

/** Field names the route's forms and schemas use. */
function fieldsOf(routeId: string): string[] {
  const src = sources.get(routeId) ?? "";
  const names = new Set<string>(["intent"]);
  for (const m of src.matchAll(/name="([\w[\].-]+)"|fields\.(\w+)|formData\.get(?:All)?\("([\w-]+)"\)|^\s+(\w+): z\./gm)) {
    names.add(m[1] ?? m[2] ?? m[3] ?? m[4]);
  }
  return [...names];
}

function intentsOf(routeId: string): string[] {
  const src = sources.get(routeId) ?? "";
  const found = new Set<string>();
  for (const m of src.matchAll(/intent\s*===?\s*"([\w-]+)"|z\.literal\("([\w-]+)"\)|name="intent"\s+value="([\w-]+)"/g)) found.add(m[1] ?? m[2] ?? m[3]);
  return [...found];
}

describe("form fuzz: every action, hostile values", () => {
  it("no action answers 500 for anything a user can type", async () => {
    const random = mulberry32(20261203);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    const findings: string[] = [];
    let posts = 0;
    for (const [id, mod] of routes) {
      if (!mod.action || id === "logout") continue;
      const role = actorFor(id);
      const { path: url, params } = fillPattern(patternOf(id), ids);
      const fields = fieldsOf(id);
      const intents = intentsOf(id);
      for (let round = 0; round < 24; round++) {
        const form = new URLSearchParams();
        for (const f of fields) {
          if (random() < 0.15) continue; // sometimes missing
          const value =
            f === "intent" && intents.length && random() < 0.7
              ? pick(intents)
              : round < VALUES.length
                ? VALUES[(round + fields.indexOf(f)) % VALUES.length]
                : pick(VALUES);
          form.append(f, value);
          if (random() < 0.1) form.append(f, pick(VALUES)); // a field sent twice
        }
        // Every few rounds the same values as multipart, as the upload forms send them.
        const body = round % 4 === 3 ? toFormData(form) : form;
        const o = await callRoute(mod.action, makeRequest(url, seeded.cookies[role], { method: "POST", body }), params);
        posts++;
        if (o.status >= 500) {
          findings.push(
            `POST ${url} (${id}) as ${role} ${shorten(form)}: ${o.status} ${String((o.error as Error)?.stack ?? o.error)
              .split("\n")
              .slice(0, 4)
              .join(" | ")}`,
          );
        }
      }
    }
    expect(posts).toBeGreaterThan(500);
    expect(findings, findings.join("\n")).toEqual([]);
  }, 600_000);

  it("a stored script or markup payload is shown as text, never as markup", async () => {
    // A listing's title and description, a dispute's message: what other people read.
    const db = getDb().$client;
    const listingId = db.prepare("select id from listings where status = 'published' order by id desc limit 1").pluck().get() as number;
    db.prepare("update listings set title = ?, description = ? where id = ?").run(`${SCRIPT}${IMG}`, `${IMG}${SQL}`, listingId);
    const html = await renderRoute("listings.$listingId", `/listings/${listingId}`, { listingId: String(listingId) });
    expect(html).toContain("&lt;script&gt;window.__pwned=1&lt;/script&gt;");
    expect(html).not.toContain(SCRIPT);
    // No element carries an event handler: quoted attribute values (where escaped text may say
    // "onerror") are blanked first, so what is left is markup the browser would act on.
    const markup = html.replace(/"[^"]*"/g, '""');
    expect(markup).not.toMatch(/<[a-z]+\b[^>]*\son\w+=/i);
    expect(markup).not.toMatch(/<script\b/i);
  });
});

function toFormData(form: URLSearchParams): FormData {
  const fd = new FormData();
  for (const [k, v] of form) fd.append(k, v);
  return fd;
}

function shorten(form: URLSearchParams): string {
  return [...form].map(([k, v]) => `${k}=${v.length > 24 ? `${v.slice(0, 24)}…(${v.length})` : v}`).join("&");
}

/** Renders a route's page to HTML with its real loader, inside a root that provides the catalogue. */
async function renderRoute(routeId: string, url: string, params: Record<string, string>): Promise<string> {
  const mod = routes.get(routeId)! as RouteModule & { default: () => JSX.Element };
  (globalThis as { __cunpinCatalogue?: unknown }).__cunpinCatalogue = messages;
  const dataRoutes = [
    {
      id: "root",
      path: "/",
      loader: () => ({ locale: "zh", messagesUrl: "", user: null, unreadNotices: 0 }),
      element: createElement(Outlet),
      children: [
        {
          id: `routes/${routeId}`,
          path: url.slice(1),
          loader: (() => mod.loader!({ request: makeRequest(url, null), params, context: {} })) as LoaderFunction,
          element: createElement(mod.default),
        },
      ],
    },
  ];
  const handler = createStaticHandler(dataRoutes);
  const context = await handler.query(new Request(`http://localhost${url}`));
  if (context instanceof Response) throw new Error(`render ${url}: ${context.status}`);
  const router = createStaticRouter(handler.dataRoutes, context);
  const remix = { manifest: { routes: {}, entry: { module: "", imports: [] }, url: "", version: "" }, routeModules: {}, future: {}, isSpaMode: false };
  return renderToString(
    createElement(RemixContext.Provider, { value: remix as never }, createElement(StaticRouterProvider, { router, context, hydrate: false })),
  );
}

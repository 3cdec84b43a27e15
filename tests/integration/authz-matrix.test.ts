/**
 * The authorization matrix (issue 11 §7, the probe's method): every loader and every action of
 * app/routes × every role (anonymous, buyer, farmer of producer A, farmer of producer B, coop
 * admin of A, two delivery operators, inspector, platform admin), against the seeded demo data
 * with real ids of producer A's objects and of another buyer's order in the URL and in the form.
 * Nothing answers 500; a role that may not use a route is refused (anonymous: redirect to login;
 * others: 403 or 404); a role that may use a route but does not own the objects named in the URL
 * is refused; a form naming another tenant's objects changes nothing for a role that does not own them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import {
  callRoute,
  fillPattern,
  isLoginRedirect,
  loadRouteModules,
  makeRequest,
  patternOf,
  ROLES,
  seedWithSessions,
  type Outcome,
  type RoleName,
  type RouteModule,
  type Seeded,
} from "../helpers/routes";

type Ids = {
  orderX: number; // an order of another buyer with a sub-order of producer A
  subOrderA: number;
  invoiceA: number; // the invoice of that sub-order, once issued
  listingA: number;
  batchA: number;
  gtinA: string;
  lotA: string;
  plotA: number;
  parcelA: number; // a parcel of producer A, held at a point `operator` runs
  disputeA: number;
  pointOfOperator: number;
  manifest: number;
  recall: number;
  villageA: number;
};

const everyone = new Set<RoleName>(ROLES);
const loggedIn = new Set<RoleName>(ROLES.filter((r) => r !== "anonymous"));
const admin = new Set<RoleName>(["platformAdmin"]);
const adminOrInspector = new Set<RoleName>(["platformAdmin", "inspector"]);
// Member households of A (issue 12 §3) have the farmer role: they pass the farm pages' guard and
// see A's lots assigned to them, but every page that manages A refuses them.
const farmers = new Set<RoleName>(["farmerA", "farmerB", "coopAdminA", "memberFarmerA", "recordKeeperA"]);
const statsViewers = new Set<RoleName>(["platformAdmin", "inspector", "countyOfficial"]);
const tenantA = new Set<RoleName>(["farmerA", "coopAdminA"]);
const lotWorkersA = new Set<RoleName>(["farmerA", "coopAdminA", "memberFarmerA", "recordKeeperA"]);
const coopManagersA = new Set<RoleName>(["farmerA", "coopAdminA"]);
const tenantAOrAdmin = new Set<RoleName>(["farmerA", "coopAdminA", "platformAdmin"]);
const operators = new Set<RoleName>(["operator", "otherOperator"]);

/**
 * Who may use each route with the objects above. `route` is who passes the route's role guard;
 * `objects` (when narrower) who may see or change the objects named in the URL.
 */
const RULES: Record<string, { route: Set<RoleName>; objects?: Set<RoleName> }> = {
  $: { route: everyone },
  "01.$gtin.10.$lot": { route: everyone },
  _index: { route: everyone },
  cart: { route: everyone },
  "epcis.01.$gtin.10.$lot": { route: everyone },
  healthz: { route: everyone },
  "i18n.$file": { route: everyone },
  "label.01.$gtin.10.$lot": { route: everyone },
  "listings.$listingId": { route: everyone },
  "listings._index": { route: everyone },
  login: { route: everyone },
  logout: { route: everyone },
  "producers.$producerId": { route: everyone },
  "qr.01.$gtin.10.$file": { route: everyone },
  "set-locale": { route: everyone },
  signup: { route: everyone },
  "villages.$villageId": { route: everyone },
  "villages._index": { route: everyone },
  "webhooks.stripe": { route: everyone },
  // No login: the locker device's token in the URL is the credential (404 without it, for everyone).
  "lockers.$pointId.screen": { route: everyone },

  "account.notices": { route: loggedIn },
  checkout: { route: loggedIn },
  "orders._index": { route: loggedIn },
  "farm.producers.new": { route: loggedIn },

  "admin.disputes.$disputeId": { route: admin },
  "admin.disputes._index": { route: admin },
  "admin.logistics.manifests._index": { route: admin },
  "admin.logistics.points.$pointId": { route: admin },
  "admin.logistics.points.new": { route: admin },
  "admin.producers": { route: admin },
  "admin.inputs": { route: adminOrInspector },
  // Statistics (issue 12 §1): a county official sees its own county (tests/integration/statistics.test.ts).
  "admin._index": { route: statsViewers },
  "admin.stats": { route: statsViewers },
  "admin.reports": { route: statsViewers },
  "admin.stats_.$file": { route: statsViewers },
  "admin.logistics._index": { route: adminOrInspector },
  "inspect._index": { route: adminOrInspector },
  "inspect.lots.$batchId": { route: adminOrInspector },
  "inspect.recalls.$recallId": { route: adminOrInspector },
  "inspect.recalls.$recallId_.report[.]csv": { route: adminOrInspector },
  // A manifest is the admin's, or an operator's who runs one of its points (the seeded one: `operator`).
  "admin.logistics.manifests.$manifestId": { route: loggedIn, objects: new Set(["platformAdmin", "operator"]) },

  "farm._index": { route: farmers },
  "farm.batches._index": { route: farmers },
  "farm.batches.new": { route: farmers },
  "farm.disputes._index": { route: farmers },
  "farm.listings.new": { route: farmers },
  "farm.orders": { route: farmers },
  "farm.plots._index": { route: farmers },
  // Producer A's seeded lot is grown by the member farmer's household (seeds/demo-coop.ts).
  "farm.batches.$batchId._index": { route: farmers, objects: lotWorkersA },
  "farm.batches.$batchId.events.$type": { route: farmers, objects: lotWorkersA },
  // Cooperative members (issue 12 §3): the coop's owner and managers only; members get 403.
  "farm.members": { route: coopManagersA },
  "account.invitations": { route: loggedIn },
  "farm.disputes.$disputeId": { route: farmers, objects: tenantA },
  "farm.listings.$listingId.edit": { route: farmers, objects: tenantA },
  // Credit (issue 12 §2): producer A's members see its verification; only its owner submits (domain check).
  "farm.producers.$producerId.verification": { route: farmers, objects: tenantA },
  "farm.parcels.$parcelId.label": { route: loggedIn, objects: tenantAOrAdmin },
  "farm.sub-orders.$subOrderId.labels": { route: loggedIn, objects: tenantAOrAdmin },

  // Another buyer's order: only the platform admin may look.
  "orders.$orderId._index": { route: loggedIn, objects: admin },
  // The invoice of producer A's sub-order: its producer may download it too.
  "orders.$orderId.invoices.$file": { route: loggedIn, objects: tenantAOrAdmin },
  "orders.$orderId.pay": { route: loggedIn, objects: admin },
  "orders.$orderId.sub.$subOrderId.dispute": { route: loggedIn, objects: admin },
  "orders.$orderId.sub.$subOrderId.rate": { route: loggedIn, objects: admin },

  station: { route: operators },

  // Inputs on the market (issue 12 §4): the farm's stock and an input seller's form are the
  // actor's own producers; the input-batch trace and a catalogue entry are for admins and
  // inspectors (the entry's edit/retire action is the platform admin's: the action refuses others).
  "farm.inputs._index": { route: farmers },
  "farm.inputs.new": { route: farmers },
  "inspect.inputs": { route: adminOrInspector },
  "admin.inputs.$inputId": { route: adminOrInspector },
};

/**
 * Forms naming objects of producer A (or a parcel at `operator`'s point): a role outside these may
 * not succeed with them. Only for routes whose forms name such objects.
 */
const FORM_OWNERS: Record<string, Set<RoleName>> = {
  // Copy and the bulk price/stock table name producer A's listings.
  "farm._index": tenantA,
  "farm.orders": tenantAOrAdmin,
  "farm.plots._index": tenantA,
  "farm.batches.new": tenantA,
  "farm.listings.new": tenantA,
  station: new Set(["operator"]),
  // Names producer A (not an input seller): no one may list an input for it.
  "farm.inputs.new": new Set<RoleName>(),
};

let seeded: Seeded;
let ids: Ids;
let routes: Map<string, RouteModule>;
const sources = new Map<string, string>();

function one<T>(sql: string, ...args: unknown[]): T {
  const v = getDb()
    .$client.prepare(sql)
    .pluck()
    .get(...args) as T | undefined;
  if (v === undefined || v === null) throw new Error(`seed has nothing for: ${sql}`);
  return v;
}

beforeAll(async () => {
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-authz-"));
  seeded = await seedWithSessions(uploadDir);
  routes = await loadRouteModules();
  for (const id of routes.keys()) {
    const file = ["tsx", "ts"].map((ext) => path.join("app/routes", `${id}.${ext}`)).find((f) => fs.existsSync(f))!;
    sources.set(id, fs.readFileSync(file, "utf8"));
  }
  const A = seeded.producerA;
  const buyer = seeded.userIds.buyer;
  const orderX = one<number>(
    `select o.id from orders o join sub_orders s on s.order_id = o.id where s.producer_id = ? and o.buyer_id <> ?
      order by exists (select 1 from invoices i where i.sub_order_id = s.id) desc, o.id limit 1`,
    A,
    buyer,
  );
  const batchA = one<number>("select id from batches where producer_id = ? and gtin is not null order by id limit 1", A);
  ids = {
    orderX,
    subOrderA: one("select id from sub_orders where order_id = ? and producer_id = ?", orderX, A),
    invoiceA: 0,
    listingA: one("select id from listings where producer_id = ? order by id limit 1", A),
    batchA,
    gtinA: one("select gtin from batches where id = ?", batchA),
    lotA: one("select lot_code from batches where id = ?", batchA),
    plotA: one("select id from plots where producer_id = ? order by id limit 1", A),
    parcelA: one(
      `select p.id from parcels p join sub_orders s on s.id = p.sub_order_id
        where s.producer_id = ? order by (p.delivery_point_id in (select delivery_point_id from delivery_point_operators where user_id = ?)) desc, p.id limit 1`,
      A,
      seeded.userIds.operator,
    ),
    disputeA:
      (getDb()
        .$client.prepare("select d.id from disputes d join sub_orders s on s.id = d.sub_order_id where s.producer_id = ? limit 1")
        .pluck()
        .get(A) as number) ?? 999_999,
    pointOfOperator: one(
      "select delivery_point_id from delivery_point_operators where user_id = ? order by delivery_point_id limit 1",
      seeded.userIds.operator,
    ),
    manifest:
      (getDb()
        .$client.prepare(
          `select m.id from route_manifests m
          where exists (select 1 from json_each(m.stops) j join delivery_point_operators o on o.delivery_point_id = j.value where o.user_id = ?)
            and not exists (select 1 from json_each(m.stops) j join delivery_point_operators o on o.delivery_point_id = j.value where o.user_id = ?)
          limit 1`,
        )
        .pluck()
        .get(seeded.userIds.operator, seeded.userIds.otherOperator) as number) ?? 999_999,
    recall: (getDb().$client.prepare("select id from recalls order by id limit 1").pluck().get() as number) ?? 999_999,
    villageA: one("select village_id from producers where id = ?", A),
  };
}, 120_000);

function paramsFor(routeId: string): Record<string, string> {
  // Invoices are issued when the order page is first shown, so the invoice is looked up when needed.
  ids.invoiceA = (getDb().$client.prepare("select id from invoices where sub_order_id = ?").pluck().get(ids.subOrderA) as number) ?? 999_999;
  return {
    orderId: String(ids.orderX),
    subOrderId: String(ids.subOrderA),
    listingId: String(ids.listingA),
    batchId: String(ids.batchA),
    type: "input_application",
    gtin: ids.gtinA,
    lot: ids.lotA,
    file: routeId.startsWith("admin.stats")
      ? "sales.csv"
      : routeId.startsWith("i18n")
        ? "zh.0000000000.js"
        : routeId.startsWith("qr")
          ? `${ids.lotA}.svg`
          : `${ids.invoiceA}.pdf`,
    disputeId: String(ids.disputeA),
    parcelId: String(ids.parcelA),
    pointId: String(ids.pointOfOperator),
    manifestId: String(ids.manifest),
    recallId: String(ids.recall),
    producerId: String(seeded.producerA),
    villageId: String(ids.villageA),
    "*": "no/such/page",
  };
}

/** The intents an action dispatches on, read from its source, so that each branch's guard is reached. */
function intentsOf(routeId: string): string[] {
  const src = sources.get(routeId) ?? "";
  const found = new Set<string>();
  for (const m of src.matchAll(/intent\s*===?\s*"([\w-]+)"|z\.literal\("([\w-]+)"\)|name="intent"\s+value="([\w-]+)"/g)) {
    found.add(m[1] ?? m[2] ?? m[3]);
  }
  return found.size ? [...found] : [""];
}

/** A form naming producer A's objects (and a parcel at `operator`'s point) in every id field forms use. */
function hostileForm(intent: string): URLSearchParams {
  const f = new URLSearchParams({
    intent,
    orderId: String(ids.orderX),
    subOrderId: String(ids.subOrderA),
    listingId: String(ids.listingA),
    batchId: String(ids.batchA),
    plotId: String(ids.plotA),
    parcelId: String(ids.parcelA),
    disputeId: String(ids.disputeA),
    producerId: String(seeded.producerA),
    pointId: String(ids.pointOfOperator),
    deliveryPointId: String(ids.pointOfOperator),
    quantity: "1",
    body: "authz matrix",
    note: "authz matrix",
    reason: "authz matrix",
  });
  return f;
}

const refused = (o: Outcome, role: RoleName) =>
  role === "anonymous" ? isLoginRedirect(o) || o.status === 403 || o.status === 404 : o.status === 403 || o.status === 404;
const succeeded = (o: Outcome) => (o.status >= 200 && o.status < 300 && !isErrorData(o)) || (o.status >= 300 && o.status < 400 && !isLoginRedirect(o));
/** Some actions answer a refused form with 200 and the error in the data. */
const isErrorData = (o: Outcome) =>
  !!o.body && typeof o.body === "object" && ("error" in o.body || ("result" in o.body && (o.body as { result?: { error?: unknown } }).result?.error != null));

describe("authorization matrix: every loader and action × every role", () => {
  it("covers every route module that has a loader or an action", () => {
    const unruled = [...routes.entries()].filter(([id, m]) => (m.loader || m.action) && !RULES[id]).map(([id]) => id);
    expect(unruled).toEqual([]);
  });

  it("loaders: no 500; refused without the role; refused for objects of another tenant", async () => {
    const findings: string[] = [];
    let calls = 0;
    for (const [id, mod] of routes) {
      if (!mod.loader) continue;
      const rule = RULES[id];
      const { path: url, params } = fillPattern(patternOf(id), paramsFor(id));
      for (const role of ROLES) {
        const o = await callRoute(mod.loader, makeRequest(url, seeded.cookies[role]), params);
        calls++;
        const where = `GET ${url} (${id}) as ${role}: ${o.status}${o.location ? ` → ${o.location}` : ""}`;
        if (o.status >= 500)
          findings.push(
            `${where} ${String((o.error as Error)?.stack ?? "")
              .split("\n")
              .slice(0, 3)
              .join(" ")}`,
          );
        else if (!rule.route.has(role) && !refused(o, role)) findings.push(`${where}: expected a refusal (no role)`);
        else if (rule.route.has(role) && rule.objects && !rule.objects.has(role) && !refused(o, role))
          findings.push(`${where}: expected a refusal (not the owner)`);
      }
    }
    expect(calls).toBeGreaterThan(40 * ROLES.length);
    expect(findings, findings.join("\n")).toEqual([]);
  }, 180_000);

  it("actions (every intent, a form naming producer A's objects): no 500; nothing done by a role that may not", async () => {
    const findings: string[] = [];
    let calls = 0;
    for (const [id, mod] of routes) {
      if (!mod.action || id === "webhooks.stripe") continue; // the webhook has its own signed tests
      const rule = RULES[id];
      const { path: url, params } = fillPattern(patternOf(id), paramsFor(id));
      for (const intent of intentsOf(id)) {
        for (const role of ROLES) {
          // Logging out ends the session the rest of the matrix uses; the anonymous call covers the route.
          if (id === "logout" && role !== "anonymous") continue;
          const o = await callRoute(mod.action, makeRequest(url, seeded.cookies[role], { method: "POST", body: hostileForm(intent) }), params);
          calls++;
          const where = `POST ${url} intent=${intent} (${id}) as ${role}: ${o.status}${o.location ? ` → ${o.location}` : ""}`;
          if (o.status >= 500)
            findings.push(
              `${where} ${String((o.error as Error)?.stack ?? o.error)
                .split("\n")
                .slice(0, 3)
                .join(" ")}`,
            );
          else if (!rule.route.has(role) && !refused(o, role)) findings.push(`${where}: expected a refusal (no role)`);
          else if (rule.route.has(role) && rule.objects && !rule.objects.has(role) && !refused(o, role))
            findings.push(`${where}: expected a refusal (not the owner)`);
          else if (rule.route.has(role) && FORM_OWNERS[id] && !FORM_OWNERS[id].has(role) && succeeded(o))
            findings.push(`${where}: succeeded with another tenant's objects`);
        }
      }
    }
    expect(calls).toBeGreaterThan(20 * ROLES.length);
    expect(findings, findings.join("\n")).toEqual([]);
  }, 300_000);
});

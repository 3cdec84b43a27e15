/**
 * A crawl (issue 11 §7): as each role, follow the links a reader can reach and fail on anything
 * that throws — a page error (an uncaught exception or a failed hydration, React #418/#423/#425),
 * a console error, an HTTP status ≥ 500, or a raw message key in the visible text (what the 404
 * page showed once its root loader did not run). Bounded: at most MAX_PAGES pages per role and a
 * few pages per URL shape (so one list of 40 orders does not use up the budget). Logout, language
 * switching and file downloads are not followed.
 */
import { expect, test, type Page } from "@playwright/test";
import { messages } from "../../app/i18n";
import { DEMO, login } from "./helpers";

const MAX_PAGES = 40;
test.describe.configure({ mode: "parallel" });
const PER_SHAPE = 2;

const ROLES: { name: string; phone: string | null }[] = [
  { name: "anonymous", phone: null },
  { name: "buyer", phone: DEMO.buyer },
  { name: "farmer (apple cooperative)", phone: DEMO.farmer },
  { name: "farmer (kiwi farm)", phone: DEMO.kiwiFarmer },
  { name: "coop admin", phone: DEMO.coopAdmin },
  { name: "delivery operator", phone: DEMO.deliveryOperator },
  { name: "other delivery operator", phone: "13800000008" },
  { name: "inspector", phone: DEMO.inspector },
  { name: "platform admin", phone: DEMO.platformAdmin },
  { name: "coop member farmer", phone: DEMO.coopMemberFarmer },
  { name: "coop record keeper", phone: DEMO.coopRecordKeeper },
  { name: "county official", phone: DEMO.countyOfficial },
  { name: "input seller", phone: DEMO.inputSeller },
];

// A raw key looks like `nav.browse` or `disputes.kind.quality`: a catalogue namespace, a dot, more.
const NAMESPACES = [...new Set(Object.keys(messages.zh).map((k) => k.split(".")[0]))];
const RAW_KEY = new RegExp(`(?<![\\w./@-])(?:${NAMESPACES.join("|")})\\.[A-Za-z][\\w]*(?:\\.[\\w]+)*(?![\\w/@-])`, "g");

/** Paths not to follow: state changes by GET-looking links, downloads, assets. */
function skip(url: URL): boolean {
  const p = url.pathname;
  return (
    /^\/(logout|set-locale)(\/|$)/.test(p) ||
    /^\/(build|uploads|i18n|epcis|qr)\//.test(p) ||
    /\/invoices\//.test(p) ||
    /\.(pdf|csv|png|jpe?g|webp|svg|ico|json|js|css|zip)$/i.test(p)
  );
}

/** The URL's shape: ids and codes replaced, so that similar pages count together. */
function shapeOf(url: URL): string {
  const path = url.pathname.replace(/\/\d+(?=\/|$)/g, "/:n").replace(/\/01\/[^/]+\/10\/[^/]+/, "/01/:gtin/10/:lot");
  return `${path}?${[...url.searchParams.keys()].sort().join("&")}`;
}

type Problems = string[];

/** Records every page error, console error and 5xx response on the page, labelled by where it happened. */
function watch(page: Page, problems: Problems, where: () => string, origin: string) {
  page.on("pageerror", (error) => problems.push(`${where()}: page error: ${error.message}`));
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    // A document or resource answered 4xx is reported by Chromium as a console error; statuses are checked below.
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) return;
    // Third-party resources (map tiles) cannot be reached from a test machine without internet.
    const from = msg.location().url;
    if (/^Failed to load resource/.test(msg.text()) && from && !from.startsWith(origin)) return;
    problems.push(`${where()}: console error: ${msg.text()}`);
  });
  page.on("response", (res) => {
    if (res.status() >= 500) problems.push(`${where()}: HTTP ${res.status()} for ${res.url()}`);
  });
}

/** Opens a URL, waits until React has hydrated it, and checks the visible text for raw message keys. */
async function visit(page: Page, url: string, problems: Problems): Promise<number> {
  const res = await page.goto(url);
  const status = res?.status() ?? 0;
  const type = res?.headers()["content-type"] ?? "";
  if (!type.includes("text/html")) return status;
  // Set by the root Layout's effect after hydration (app/root.tsx); hydration errors are reported by then.
  // A page whose scripts throw never gets there: that is a finding, not a reason to stop the crawl.
  // A page served without scripts (route handle { hydrate: false }) says so with data-static instead.
  const hydrated = await page
    .waitForFunction(() => document.documentElement.dataset.hydrated === "true" || document.documentElement.dataset.static === "true", null, {
      timeout: 20_000,
    })
    .then(
      () => true,
      () => false,
    );
  if (!hydrated) problems.push(`${url}: never hydrated`);
  const text = await page.locator("body").innerText();
  const keys = [...new Set(text.match(RAW_KEY) ?? [])];
  if (keys.length) problems.push(`${url}: raw message keys in the page: ${keys.slice(0, 8).join(" ")}`);
  return status;
}

for (const role of ROLES) {
  test(`crawl as ${role.name}: no page throws, no 5xx, no raw message keys`, async ({ page, baseURL }) => {
    test.setTimeout(240_000);
    const problems: Problems = [];
    let current = "(login)";
    watch(page, problems, () => current, new URL(baseURL!).origin);
    if (role.phone) await login(page, role.phone);

    const origin = new URL(baseURL!).origin;
    const start = [
      "/",
      "/listings",
      "/villages",
      "/cart",
      "/orders",
      "/account/notices",
      "/farm",
      "/station",
      "/inspect",
      "/admin/producers",
      "/admin/disputes",
      "/admin/logistics",
    ];
    const queue: string[] = [...start];
    const seen = new Set<string>(start);
    const shapes = new Map<string, number>();
    const visited: { url: string; status: number }[] = [];

    while (queue.length && visited.length < MAX_PAGES) {
      const path = queue.shift()!;
      const shape = shapeOf(new URL(path, origin));
      if ((shapes.get(shape) ?? 0) >= PER_SHAPE) continue;
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
      current = path;
      const status = await visit(page, path, problems);
      visited.push({ url: path, status });
      if (status >= 400) continue;
      const hrefs = await page.locator("a[href]:not([download])").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const href of hrefs) {
        const url = new URL(href, origin);
        if (url.origin !== origin || skip(url)) continue;
        const next = url.pathname + url.search;
        if (seen.has(next)) continue;
        seen.add(next);
        // New shapes first, so that the budget covers many kinds of page.
        if (!shapes.has(shapeOf(url))) queue.unshift(next);
        else queue.push(next);
      }
    }

    test.info().annotations.push({ type: "visited", description: visited.map((v) => `${v.status} ${v.url}`).join("\n") });
    expect(visited.length).toBeGreaterThan(5);
    expect(problems, problems.join("\n")).toEqual([]);
  });
}

test("an unknown URL is a translated 404 page that keeps the reader logged in", async ({ page, baseURL }) => {
  const problems: Problems = [];
  let current = "(login)";
  watch(page, problems, () => current, new URL(baseURL!).origin);
  await login(page, DEMO.buyer);
  for (const url of ["/foo", "/01/06975000000012", "/orders/1/nothing-here"]) {
    current = url;
    const res = await page.goto(url);
    expect(res?.status(), url).toBe(404);
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
    await expect(page.getByRole("alert")).toContainText("找不到这个页面");
    // The header is translated and still knows who is reading (it showed `nav.browse` and 登录 before).
    await expect(page.getByRole("link", { name: "逛市集" }).first()).toBeVisible();
    await expect(page.getByRole("button", { name: "退出" })).toBeVisible();
    expect(await page.locator("body").innerText()).not.toMatch(RAW_KEY);
  }
  // The browser's own favicon request finds one.
  const icon = await page.request.get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect(problems, problems.join("\n")).toEqual([]);
});

test("the buyer's after-sale page works with JavaScript on", async ({ page, baseURL }) => {
  const problems: Problems = [];
  let current = "(login)";
  watch(page, problems, () => current, new URL(baseURL!).origin);
  await login(page, DEMO.buyer);
  await page.goto("/orders");
  const orderLinks = await page
    .locator('main a[href^="/orders/"]')
    .evaluateAll((as) => [...new Set(as.map((a) => (a as HTMLAnchorElement).pathname).filter((p) => /^\/orders\/\d+$/.test(p)))]);
  // The first order with a 申请售后 link (the seed has picked-up orders for the demo buyer).
  let disputeHref: string | null = null;
  for (const href of orderLinks.slice(0, 30)) {
    current = href;
    await page.goto(href);
    const link = page.locator('a[href*="/dispute"]').filter({ hasText: "申请售后" }).first();
    if (await link.count()) {
      disputeHref = await link.getAttribute("href");
      break;
    }
  }
  expect(disputeHref, "no order of the demo buyer offers after-sale").not.toBeNull();
  current = disputeHref!;
  await page.goto(disputeHref!);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  // The open form, whose list of kinds once crashed the page after hydration.
  const kind = page.locator('select[name="kind"]');
  await expect(kind.locator("option")).toHaveCount(4); // — plus three kinds
  await expect(kind.locator("option").nth(1)).toHaveText("质量问题");
  expect(problems, problems.join("\n")).toEqual([]);
});

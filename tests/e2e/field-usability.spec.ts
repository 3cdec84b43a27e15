/**
 * Field usability (issue 13 §1, §2), on a 360 px phone as farmers, station operators and shoppers
 * use Cunpin: the pages they open most (the trace page every QR scan opens, /station, /farm) have
 * no tap target under 44 × 44 px (WCAG 2.5.5; links inside a sentence are the standard's inline
 * exception), show no English in the Chinese interface (codes, units and brand names allowed),
 * and the trace page is light: no script at all, within 100 KB on the wire on a first load, and
 * no request to a default tile server when TILE_URL is unset.
 */
import { expect, test, type Page } from "@playwright/test";
import { DEMO, login } from "./helpers";

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
test.use(PHONE);

const MIN_TARGET_PX = 44;
const TRACE_PAGE_BUDGET_BYTES = 100 * 1024;

/**
 * Latin words a Chinese page may show: codes and standards (GTIN, EPCIS, QR, PD…), units, brand
 * and file-format names. Words with digits (lot codes, parcel codes, registration numbers) are codes.
 */
const ALLOWED_LATIN = new Set(
  [
    "Cunpin",
    "GTIN",
    "GS",
    "EPCIS",
    "QR",
    "PD",
    "PDF",
    "SVG",
    "PNG",
    "JPG",
    "JPEG",
    "HEIC",
    "WebP",
    "CSV",
    "SMS",
    "ID",
    "kg",
    "g",
    "mm",
    "C",
    "KB",
    "MB",
    "cm",
    "km",
    "ml",
    "L",
    "mu",
    "CNY",
    "GB",
    "T",
    "NY",
    "SB",
    "LS",
    "HACCP",
    "ISO",
    "GAP",
    "ChinaGAP",
    "Stripe",
    "OpenStreetMap",
    "Leaflet",
    "English",
    "EN",
  ].map((w) => w.toLowerCase()),
);

type Small = { what: string; width: number; height: number };

/** Links, buttons, checkboxes, radios and submit inputs in the header and page content smaller than 44 × 44 px. */
async function smallTargets(page: Page): Promise<Small[]> {
  return page.evaluate((min) => {
    const out: { what: string; width: number; height: number }[] = [];
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && style.visibility !== "hidden" && style.display !== "none";
    };
    /** WCAG 2.5.5's inline exception: a link inside a sentence, sized by the line of text around it. */
    const inSentence = (el: Element) => {
      if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
      const block = el.closest("p, li, dd, td, figcaption, label, blockquote") ?? el.parentElement;
      if (!block) return false;
      let around = block.textContent ?? "";
      for (const a of block.querySelectorAll("a, button")) around = around.replace(a.textContent ?? "", "");
      return (around.match(/[\p{L}]/gu) ?? []).length >= 6;
    };
    const targets = document.querySelectorAll(
      '.site-header a[href], .site-header button, main a[href], main button, main input[type="checkbox"], main input[type="radio"], main input[type="submit"]',
    );
    for (const el of targets) {
      if (el.classList.contains("skip-link") || !visible(el) || inSentence(el)) continue;
      const rects = [el.getBoundingClientRect()];
      // A checkbox or radio is tapped through its label as well: the label is part of the target.
      if (el instanceof HTMLInputElement && el.labels) for (const l of el.labels) rects.push(l.getBoundingClientRect());
      const width = Math.max(...rects.map((r) => r.width));
      const height = Math.max(...rects.map((r) => r.height));
      if (width < min - 0.5 || height < min - 0.5) {
        const text = (el.textContent ?? "").trim().slice(0, 30) || el.getAttribute("aria-label") || el.getAttribute("name") || el.tagName;
        out.push({
          what: `${el.tagName.toLowerCase()}${el instanceof HTMLInputElement ? `[${el.type}]` : ""} "${text}"`,
          width: Math.round(width),
          height: Math.round(height),
        });
      }
    }
    return out;
  }, MIN_TARGET_PX);
}

/** Latin words in the visible text (and alt/aria labels) of a Chinese page that are not on the allowed list. */
async function latinWords(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => {
    const labels = [...document.querySelectorAll("[aria-label], img[alt], [placeholder]")].map(
      (el) => `${el.getAttribute("aria-label") ?? ""} ${el.getAttribute("alt") ?? ""} ${el.getAttribute("placeholder") ?? ""}`,
    );
    return `${document.body.innerText}\n${labels.join("\n")}`;
  });
  const words = new Set<string>();
  for (const token of text.match(/[A-Za-z0-9][A-Za-z0-9_.\-/+]*/g) ?? []) {
    if (/\d/.test(token)) continue; // a code: lot, parcel, registration number, GS1 key
    if (/^P[0-9A-HJKMNP-TV-Z]{9}$/.test(token)) continue; // a parcel code (P + 9 Crockford base32), digits or not
    for (const word of token.split(/[\-_./+]/)) {
      if (word && /^[A-Za-z]+$/.test(word) && !ALLOWED_LATIN.has(word.toLowerCase())) words.add(word);
    }
  }
  return [...words];
}

async function traceHref(page: Page): Promise<string> {
  await page.goto(`/listings?q=${encodeURIComponent("苹果")}`);
  await page.locator("main .grid .card").filter({ hasText: "苹果" }).first().getByRole("link").first().click();
  await expect(page).toHaveURL(/\/listings\/\d+$/);
  const href = await page.locator("section#traceability a.trace-link").getAttribute("href");
  expect(href).toMatch(/^\/01\/\d{14}\/10\//);
  return href!;
}

test("the trace page is light: no script, within 100 KB on a first load, no default tile server", async ({ browser, page }) => {
  const href = await traceHref(page);
  // A fresh context: an empty cache, as a phone scanning the QR code for the first time.
  const context = await browser.newContext({ ...PHONE, locale: "zh-CN" });
  try {
    const phone = await context.newPage();
    const finished: Promise<number>[] = [];
    const urls: string[] = [];
    phone.on("requestfinished", (request) => {
      urls.push(request.url());
      finished.push(request.sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
    });
    const res = await phone.goto(href, { waitUntil: "load" });
    expect(res?.status()).toBe(200);
    await expect(phone.locator("#verification")).toContainText("链条完整，签名有效");
    await expect(phone.locator("html")).toHaveAttribute("data-static", "true");
    // Served as plain HTML: the problem report is a form the server validates; nothing to hydrate.
    await expect(phone.locator("script")).toHaveCount(0);
    expect(urls.filter((u) => /\.m?js(\?|$)/.test(u))).toEqual([]);
    // TILE_URL is unset in the test server: the location is text, and no tile is asked of anyone.
    expect(urls.filter((u) => /tile\.openstreetmap\.org/.test(u))).toEqual([]);
    await expect(phone.locator("#location-text")).toContainText(/位置：\d+\.\d+, \d+\.\d+/);
    const bytes = (await Promise.all(finished)).reduce((a, b) => a + b, 0);
    expect(bytes, `first load of ${href}: ${urls.length} requests, ${(bytes / 1024).toFixed(1)} KB`).toBeLessThanOrEqual(TRACE_PAGE_BUDGET_BYTES);

    // Print: a link to the printable label that prints itself, not a dead button.
    await expect(phone.locator(".trace-links a", { hasText: "打印标签" })).toHaveAttribute("href", /^\/label\/01\/.*\?print=1$/);
  } finally {
    await context.close();
  }
});

test("the trace page: big targets, Chinese throughout", async ({ page }) => {
  const href = await traceHref(page);
  await page.goto(href);
  await expect(page.locator("#verification")).toContainText("链条完整，签名有效");
  expect(await smallTargets(page)).toEqual([]);
  expect(await latinWords(page)).toEqual([]);
});

test("the station counter: big targets, Chinese throughout, no script", async ({ page }) => {
  await login(page, DEMO.deliveryOperator);
  // A full page load, as a station phone opens it (after the hydrated login page a link would keep its scripts).
  await page.goto("/station");
  await expect(page.locator("main h1")).toBeVisible();
  await expect(page.locator("script")).toHaveCount(0);
  expect(await smallTargets(page)).toEqual([]);
  expect(await latinWords(page)).toEqual([]);
});

test("the farm overview: big targets, Chinese throughout, no script", async ({ page }) => {
  await login(page, DEMO.farmer);
  await page.goto("/farm");
  await expect(page.locator("main h1")).toBeVisible();
  await expect(page.locator("script")).toHaveCount(0);
  expect(await smallTargets(page)).toEqual([]);
  expect(await latinWords(page)).toEqual([]);
});

test("the farmer's orders and the catalogue of inputs: big targets, Chinese throughout", async ({ page }) => {
  await login(page, DEMO.farmer);
  await page.goto("/farm/orders");
  await expect(page.locator("main h1")).toBeVisible();
  expect(await smallTargets(page)).toEqual([]);
  // The photo buttons are the one visible control: the native file inputs show no "Choose Files".
  await page.goto("/farm/listings/new");
  const album = page.getByLabel("从相册选择");
  await expect(album).toBeAttached();
  expect(await album.evaluate((el) => el.getBoundingClientRect().width * el.getBoundingClientRect().height)).toBeLessThanOrEqual(1);
  expect(await smallTargets(page)).toEqual([]);
  expect(await latinWords(page)).toEqual([]);
});

test("the farm's input stock: big one-tap buttons, Chinese throughout, no script", async ({ page }) => {
  await login(page, DEMO.farmer);
  await page.goto("/farm/inputs");
  await expect(page.getByTestId("apply-from-stock").first()).toBeVisible();
  await expect(page.locator("script")).toHaveCount(0);
  expect(await smallTargets(page)).toEqual([]);
  expect(await latinWords(page)).toEqual([]);
});

test("the cooperative's member list and a member's farm page: big targets, Chinese throughout", async ({ page }) => {
  await login(page, DEMO.coopAdmin);
  await page.goto("/farm/members");
  await expect(page.locator("main h1")).toHaveText("合作社社员");
  expect(await smallTargets(page)).toEqual([]);
  expect(await latinWords(page)).toEqual([]);
  await page.getByRole("button", { name: /退出/ }).click();
  await login(page, DEMO.coopMemberFarmer);
  await page.goto("/farm");
  await expect(page.getByRole("heading", { name: "你参与的批次" })).toBeVisible();
  await expect(page.locator("script")).toHaveCount(0);
  expect(await smallTargets(page)).toEqual([]);
  expect(await latinWords(page)).toEqual([]);
});

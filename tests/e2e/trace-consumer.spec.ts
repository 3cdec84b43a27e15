/**
 * Consumer journey (issue 3): on a phone, without logging in, a shopper opens a listing, follows
 * its trace link (the QR code's GS1 Digital Link /01/<GTIN-14>/10/<lot>) and sees a verified
 * chain, the timeline with harvest and inspection, and the 承诺达标合格证. Without JavaScript the
 * page still says where the plot is; the QR image is a PNG; the same URL with
 * `Accept: application/ld+json` is an EPCIS 2.0 document; problem reports are validated.
 */
import { expect, test, type Page } from "@playwright/test";

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
test.use(PHONE);

const DIGITAL_LINK = /^\/01\/\d{14}\/10\/[A-Za-z0-9\-._~%]+$/;

/** Opens a demo apple listing from the market and returns its trace path. */
async function traceLinkFromListing(page: Page): Promise<string> {
  await page.goto(`/listings?q=${encodeURIComponent("苹果")}`);
  const card = page.locator("main .grid .card").filter({ hasText: "苹果" }).first();
  await expect(card).toBeVisible();
  await card.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/listings\/\d+$/);
  const section = page.locator("section#traceability");
  await expect(section.getByRole("heading")).toHaveText("扫码溯源");
  await expect(section.locator("img")).toBeVisible();
  const qrSrc = await section.locator("img").getAttribute("src");
  const link = section.locator("a.trace-link");
  const href = (await link.getAttribute("href"))!;
  expect(href).toMatch(DIGITAL_LINK);
  expect(qrSrc).toBe(`/qr${href}.svg`);
  return href;
}

test("a shopper on a phone follows a listing's QR link and sees a verified chain", async ({ page }) => {
  const href = await traceLinkFromListing(page);
  await page.locator("section#traceability a.trace-link").click();
  await expect(page).toHaveURL(new RegExp(`${href.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));

  // No recall on a demo listing's lot; the verdict comes first after the lot header.
  await expect(page.locator(".recall-banner")).toHaveCount(0);
  await expect(page.locator("#verification")).toContainText("链条完整，签名有效");
  await expect(page.locator("#verification")).toHaveClass(/verify-ok/);

  const timeline = page.locator("#timeline");
  await expect(timeline.locator('li[data-event="harvest"]')).toContainText("采收");
  await expect(timeline.locator('li[data-event="inspection"]')).toContainText("合格");
  await expect(timeline.locator('li[data-event="input_application"]').first()).toBeVisible();
  await expect(page.locator("#inspections")).toContainText("合格");

  const certificate = page.locator("#certificate");
  await expect(certificate.getByRole("heading")).toHaveText("承诺达标合格证");
  await expect(certificate).toContainText("产品名称");
  await expect(certificate).toContainText("承诺主体");

  await expect(page.locator("#location-text")).toContainText(/位置：\d+\.\d+, \d+\.\d+/);
  // The page ships no script (issue 13); with TILE_URL unset there are no tiles: the location is text.
  await expect(page.locator("script")).toHaveCount(0);
  await expect(page.locator("#origin .static-map")).toHaveCount(0);
  await expect(page.locator("#scan-count")).toContainText(/已被查询 \d+ 次/);

  // Nothing overflows a 360 px screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test("without JavaScript the trace page still shows the chain and the plot's location", async ({ browser, page }) => {
  const href = await traceLinkFromListing(page);
  const context = await browser.newContext({ ...PHONE, javaScriptEnabled: false, locale: "zh-CN" });
  try {
    const noJs = await context.newPage();
    const res = await noJs.goto(href);
    expect(res?.status()).toBe(200);
    await expect(noJs.locator("#verification")).toContainText("链条完整，签名有效");
    await expect(noJs.locator("#location-text")).toContainText(/地块位置：\d+\.\d+, \d+\.\d+/);
    await expect(noJs.locator(".leaflet-container")).toHaveCount(0);
    await expect(noJs.locator('#timeline li[data-event="harvest"]')).toBeVisible();

    // Report a problem with a plain form post: bad input is refused with a reason, good input is stored.
    const form = noJs.locator("#report form");
    await form.locator("textarea").fill("差");
    await form.locator('input[type="tel"]').fill("123");
    await form.getByRole("button", { name: "提交反馈" }).click();
    await expect(noJs.locator("#report")).toContainText("请至少写 4 个字");
    await expect(noJs.locator("#report")).toContainText("请输入 11 位手机号");
    await noJs.locator("#report select").selectOption("label");
    await noJs.locator("#report textarea").fill("包装上的合格证日期和实物不符");
    await noJs.locator('#report input[type="tel"]').fill("");
    await noJs.locator("#report form").getByRole("button", { name: "提交反馈" }).click();
    await expect(noJs.locator("#report")).toContainText("已收到您的反馈，谢谢！");
  } finally {
    await context.close();
  }
});

test("the QR code is a PNG and an SVG, the label fits 60×40 mm, and JSON-LD clients get EPCIS", async ({ page, request }) => {
  const href = await traceLinkFromListing(page);

  const png = await request.get(`/qr${href}.png`);
  expect(png.status()).toBe(200);
  expect(png.headers()["content-type"]).toBe("image/png");
  expect((await png.body()).subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  const svg = await request.get(`/qr${href}.svg`);
  expect(svg.headers()["content-type"]).toContain("image/svg+xml");
  expect(await svg.text()).toContain("<svg");

  const epcis = await request.get(href, { headers: { Accept: "application/ld+json" } });
  expect(epcis.status()).toBe(200);
  expect(epcis.headers()["content-type"]).toContain("application/ld+json");
  const doc = await epcis.json();
  expect(doc.type).toBe("EPCISDocument");
  expect(doc.schemaVersion).toBe("2.0");
  expect(doc.id).toMatch(new RegExp(`${href.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
  const steps = doc.epcisBody.eventList.map((e: { bizStep?: string }) => e.bizStep);
  expect(steps).toEqual(expect.arrayContaining(["commissioning", "inspecting"]));

  // The same URL as a browser asks for it is the page.
  const html = await request.get(href, { headers: { Accept: "text/html" } });
  expect(html.headers()["content-type"]).toContain("text/html");

  await page.goto(`/label${href}`);
  const label = page.getByTestId("lot-label");
  await expect(label).toContainText("承诺达标合格证");
  const box = (await label.boundingBox())!;
  // 60 × 40 mm at 96 px per inch is 226.8 × 151.2 px.
  expect(Math.abs(box.width - 226.8)).toBeLessThan(2);
  expect(Math.abs(box.height - 151.2)).toBeLessThan(2);
});

test("a malformed or unknown lot link is a translated 404", async ({ request, page }) => {
  const bad = await page.goto("/01/06975000000013/10/NO-SUCH-LOT");
  expect(bad?.status()).toBe(404);
  await expect(page.getByRole("alert")).toContainText("找不到这个批次");
  expect((await request.get("/qr/01/06975000000013/10/NO-SUCH-LOT.png")).status()).toBe(404);
});

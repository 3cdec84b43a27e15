/**
 * Inspector journey (issue 3, item 9): the inspector 刘检 (13800000006) finds a published demo
 * lot, opens a recall with a reason, the listing disappears from the storefront, the recall page
 * lists the affected orders and the CSV report downloads; the demo buyer 王小美 (13800000001),
 * who bought from that lot (seeds/orders.ts), finds the recall notice under /account/notices.
 *
 * The e2e run shares one seeded database between journeys, and a recall cannot be undone, so
 * this recalls the lot of a listing no other journey looks at: the small seed's fertiliser
 * 沃土牌 生物有机肥 (not the apples, kiwis or the two teas that buyer.spec.ts counts).
 */
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { DEMO, login, logout } from "./helpers";

const LISTING = "沃土牌 生物有机肥 40kg/袋 果树专用";
const PRODUCT = "生物有机肥";
const REASON = "监督抽检：有效活菌数不达标（报告 NY-2026-1127-08），暂停销售并召回";

test("an inspector recalls a lot: off the storefront, affected orders listed, CSV report, buyer notified", async ({ page }) => {
  test.setTimeout(90_000); // four logins and a download in one journey
  // The listing is on sale before the recall.
  await page.goto(`/listings?q=${encodeURIComponent(PRODUCT)}`);
  await expect(page.locator("main .grid .card").filter({ hasText: LISTING })).toHaveCount(1);
  const listingHref = await page.locator("main .grid .card").filter({ hasText: LISTING }).getByRole("link").first().getAttribute("href");
  expect(listingHref).toMatch(/^\/listings\/\d+$/);

  // Only inspectors and platform admins may use /inspect.
  await login(page, DEMO.buyer);
  const forbidden = await page.goto("/inspect");
  expect(forbidden?.status()).toBe(403);
  await logout(page);

  await login(page, DEMO.inspector, undefined, "/inspect");
  await expect(page).toHaveURL(/\/inspect$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("批次监管与召回");

  // Find the lot by product, read its lot code, then find it again by that lot code.
  const search = page.getByRole("search");
  await search.getByLabel("查找批次").fill(PRODUCT);
  await search.getByRole("button", { name: "查找" }).click();
  const firstRow = page.locator("table.lot-results tbody tr").first();
  await expect(firstRow).toContainText(PRODUCT);
  const lotCode = (await firstRow.locator("td").first().getByRole("link").textContent())!.trim();
  expect(lotCode.length).toBeGreaterThan(3);

  await search.getByLabel("查找批次").fill(lotCode);
  await search.getByRole("button", { name: "查找" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(lotCode)}`));
  // Lot codes are unique per producer, so the product tells lots with the same code apart.
  const row = page.locator("table.lot-results tbody tr").filter({ hasText: lotCode }).filter({ hasText: PRODUCT });
  await expect(row).toHaveCount(1);
  await row.getByRole("link", { name: lotCode }).click();

  // The lot page: summary, a verified chain, sales, and the recall form.
  await expect(page).toHaveURL(/\/inspect\/lots\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(lotCode);
  await expect(page.locator(".chain-status")).toHaveAttribute("data-state", "ok");
  await expect(page.locator("table.affected-orders tbody tr").first()).toBeVisible();

  // No reason: refused with a translated message, nothing recalled.
  const reason = page.getByLabel("召回原因");
  await page.getByRole("button", { name: "确认召回" }).click();
  await expect(page.getByText("请填写召回原因")).toBeVisible();
  await expect(page).toHaveURL(/\/inspect\/lots\/\d+$/);
  // The refusal may have come from the server (a click before the scripts ran): let them load
  // before typing, so that the form revalidates as the reason is typed.
  await page.waitForLoadState("networkidle");

  await reason.fill(REASON);
  await expect(page.getByText("请填写召回原因")).toHaveCount(0);
  await page.getByRole("button", { name: "确认召回" }).click();

  // The recall page.
  await expect(page).toHaveURL(/\/inspect\/recalls\/\d+\?opened=1$/);
  const recallUrl = new URL(page.url());
  await expect(page.getByRole("heading", { level: 1 })).toContainText(lotCode);
  await expect(page.getByRole("status")).toContainText("召回已生效");
  await expect(page.locator(".recall-reason")).toHaveText(REASON);
  await expect(page.getByText("平台已在溯源链上签名记录这次召回")).toBeVisible();
  const orders = page.locator("table.affected-orders tbody tr");
  expect(await orders.count()).toBeGreaterThan(0);
  await expect(page.locator("table.affected-buyers")).toContainText("王小美");
  await expect(page.locator("ul.affected-listings")).toContainText(LISTING);
  await expect(page.locator("ul.affected-listings")).toContainText("已召回下架");

  // The CSV report: a download from the page, and the same resource with its headers.
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "下载召回报告（CSV）" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^recall-.+\.csv$/);
  const downloaded = fs.readFileSync((await download.path())!, "utf8");
  expect(downloaded.charCodeAt(0)).toBe(0xfeff);

  const res = await page.request.get(`${recallUrl.pathname}/report.csv`);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toMatch(/^text\/csv/);
  expect(res.headers()["content-disposition"]).toMatch(/^attachment; filename="recall-/);
  const csv = (await res.text()).replace(/^\uFEFF/, "");
  const lines = csv.trimEnd().split("\r\n");
  expect(lines[0]).toContain("商品条码(GTIN)");
  for (const kde of ["召回编号", "召回级别", "召回原因", "包裹码", "发货时间", "到站时间", "取货时间", "经手站点人员", "发票号码"]) expect(lines[0]).toContain(kde);
  expect(lines.length).toBe(1 + (await orders.count()));
  for (const line of lines.slice(1)) expect(line).toContain(lotCode);
  for (const line of lines.slice(1)) expect(line).toContain(REASON);
  // Inspectors call the buyers: their phone in full. Everyone else allowed sees it masked.
  expect(lines[0]).toContain("买家电话");
  expect(lines[0]).not.toContain("脱敏");
  expect(csv).toContain(DEMO.buyer);
  await logout(page);
  await login(page, DEMO.platformAdmin);
  const masked = await (await page.request.get(`${recallUrl.pathname}/report.csv`)).text();
  expect(masked).toContain("买家电话(脱敏)");
  expect(masked).not.toContain(DEMO.buyer);
  expect(masked).toContain("138****0001");

  // Off the storefront at once: not in search, and its page is gone for the public.
  await logout(page);
  await page.goto(`/listings?q=${encodeURIComponent(PRODUCT)}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator("main .grid .card").filter({ hasText: LISTING })).toHaveCount(0);
  const gone = await page.goto(listingHref!);
  expect(gone?.status()).toBe(404);

  // The buyer's notice.
  await login(page, DEMO.buyer);
  await expect(page.getByRole("link", { name: /通知（\d+ 条未读）/ })).toBeVisible();
  await page.getByRole("link", { name: /通知/ }).click();
  await expect(page).toHaveURL(/\/account\/notices$/);
  const notice = page.locator("li.notice-item").filter({ hasText: lotCode });
  await expect(notice).toHaveCount(1);
  await expect(notice).toContainText("召回通知");
  await expect(notice).toContainText(PRODUCT);
  await expect(notice).toContainText(REASON);
  await notice.getByRole("button", { name: "标为已读" }).click();
  await expect(page.locator("li.notice-item.unread").filter({ hasText: lotCode })).toHaveCount(0);
});

/**
 * Statistics (issue 12 §1), without JavaScript at 360 px: the platform admin reaches /admin/stats
 * from the admin navigation, sees server-drawn SVG charts with a table under each, narrows the
 * figures to 洛川县 with the GET filter, and downloads a CSV (BOM, Chinese header, the county's
 * villages). A county official of 洛川县 sees only its county, and asking for another is refused.
 */
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { DEMO, login } from "./helpers";

test.use({ viewport: { width: 360, height: 740 }, locale: "zh-CN", javaScriptEnabled: false });

test("the platform admin filters the statistics to a county and downloads its CSV", async ({ page }) => {
  await login(page, DEMO.platformAdmin);
  await page.goto("/admin");
  await page.getByRole("navigation", { name: "管理导航" }).getByRole("link", { name: "统计监测" }).click();
  await expect(page).toHaveURL(/\/admin\/stats$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("电子商务统计监测");
  // Charts are inline SVG with a title; each has its table.
  await expect(page.getByRole("img", { name: "净销售额走势" })).toBeVisible();
  await expect(page.locator('table[data-stats-table="sales"] tbody tr').first()).toBeVisible();
  // Every province with sales is listed before the filter.
  const regions = page.locator('table[data-stats-table="regions"]');
  await expect(regions).toContainText("陕西省");
  await expect(regions).toContainText("四川省");

  await page.getByLabel("区县").selectOption({ label: "洛川县" });
  await page.getByRole("button", { name: "查看" }).click();
  await expect(page).toHaveURL(/countyId=\d+/);
  // Within a county the regions table lists its villages: 谷咀村 (洛川县苹果专业合作社), not 明月村 (蒲江县).
  await expect(regions).toContainText("谷咀村");
  await expect(regions).not.toContainText("明月村");
  await expect(page.getByLabel("区县")).toHaveValue(/\d+/);

  const link = page.locator('a[href^="/admin/stats/regions.csv"]');
  await expect(link).toHaveAttribute("href", /countyId=\d+/);
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const bytes = fs.readFileSync((await download.path())!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString("utf8").slice(1);
  const [header, ...rows] = text.trim().split("\r\n");
  expect(header).toBe("地区,销售额（元）,订单数,买家数");
  expect(rows.some((r) => r.startsWith("谷咀村,"))).toBe(true);
  expect(text).not.toContain("明月村");
});

test("a county official sees its own county only", async ({ page }) => {
  await login(page, DEMO.countyOfficial);
  await page.goto("/admin/stats");
  await expect(page.getByText("县级账号只能查看本县：洛川县")).toBeVisible();
  await expect(page.locator('table[data-stats-table="regions"]')).toContainText("谷咀村");
  await expect(page.locator('table[data-stats-table="regions"]')).not.toContainText("明月村");
  // The admin-only pages are not in its navigation.
  await expect(page.getByRole("navigation", { name: "管理导航" }).getByRole("link", { name: "生产者审核与信用" })).toHaveCount(0);
  // Another county (蒲江县's id is not offered; any other id is refused).
  const reply = await page.request.get("/admin/stats/sales.csv?from=2026-01-01&to=2026-12-31&granularity=month&countyId=999999");
  expect(reply.status()).toBe(403);
});

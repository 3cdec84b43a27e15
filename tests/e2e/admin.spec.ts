/**
 * Platform admin journeys: the credit-code review queue. The small seed registers
 * 中宁县老马枸杞家庭农场 (owner 13800000019) with a credit code whose check character is
 * wrong, so it waits in /admin/producers. Only this test reviews it.
 */
import { expect, test } from "@playwright/test";
import { DEMO, DEMO_PASSWORD, login } from "./helpers";

const PENDING = "中宁县老马枸杞家庭农场";
const PENDING_OWNER = "13800000019"; // 马德福

test("the platform admin approves the producer waiting for review, with a note", async ({ page, browser }) => {
  // Before the review, its owner sees that the platform has yet to check it.
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await login(owner, PENDING_OWNER, DEMO_PASSWORD, "/farm");
  const ownerProducer = owner.locator("section.farm-producer").filter({ hasText: PENDING });
  await expect(ownerProducer.getByRole("heading")).toContainText("待平台审核");

  await login(page, DEMO.platformAdmin);
  await page.getByRole("link", { name: "平台管理" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole("navigation", { name: "管理导航" }).getByRole("link", { name: "生产者审核与信用" }).click();
  await expect(page).toHaveURL(/\/admin\/producers$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("信用代码人工审核");

  const item = page.locator(".review-queue > li").filter({ has: page.getByRole("heading", { name: PENDING }) });
  await expect(item).toHaveCount(1);
  // The queue shows the given check character next to the one the code should have.
  const given = (await item.locator("dt:text-is('填写的校验位') + dd").textContent())?.trim();
  const expected = (await item.locator("dt:text-is('计算出的校验位') + dd").textContent())?.trim();
  expect(given).toMatch(/^[0-9A-Z]$/);
  expect(expected).toMatch(/^[0-9A-Z]$/);
  expect(given).not.toBe(expected);

  const note = `已核对营业执照原件，校验位为登记错误 ${Date.now().toString(36)}`;
  await item.getByLabel("审核备注").fill(note);
  await item.getByRole("button", { name: "批准" }).click();

  await expect(page).toHaveURL(/\/admin\/producers\?reviewed=\d+$/);
  await expect(page.getByRole("status")).toHaveText(`已批准：${PENDING}`);
  await expect(page.locator(".review-queue > li").filter({ hasText: PENDING })).toHaveCount(0);
  const row = page.locator("table tbody tr").filter({ hasText: PENDING });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("已批准");
  await expect(row).toContainText(note);
  await expect(row).toContainText("平台管理员");

  // The owner now sees the producer as verified by review.
  await owner.reload();
  await expect(ownerProducer.getByRole("heading")).toContainText("已认证（人工审核）");
  await ownerContext.close();
});

test("a farmer cannot open or post to the review queue", async ({ page }) => {
  await login(page, DEMO.farmer);
  await expect(page.getByRole("link", { name: "平台管理" })).toHaveCount(0);

  const res = await page.goto("/admin/producers");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("alert")).toContainText("你没有权限执行这个操作");
  await expect(page.getByRole("heading", { name: "信用代码人工审核" })).toHaveCount(0);
  await expect(page.getByText(PENDING)).toHaveCount(0);

  const forged = await page.request.post("/admin/producers", {
    form: { producerId: "1", decision: "approved", note: "forged" },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);
});

test("the review queue asks a visitor to log in first", async ({ page }) => {
  await page.goto("/admin/producers");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fadmin%2Fproducers$/);
  await page.locator('input[name="phone"]').fill(DEMO.platformAdmin);
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await page.locator("form button[type=submit]").filter({ hasText: "登录" }).click();
  await expect(page).toHaveURL(/\/admin\/producers$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("信用代码人工审核");
});

test("the platform admin designates a producer as poverty alleviation: the badge shows and the storefront filter finds it", async ({ page }) => {
  const TEA = "杭州西湖区龙井村茶叶专业合作社";
  const reason = `西湖区对口帮扶名单 ${Date.now().toString(36)}`;
  await login(page, DEMO.platformAdmin);
  await page.goto("/admin/producers");
  const item = page.locator(".credit-admin-list > li").filter({ has: page.getByRole("heading", { name: TEA }) });
  await expect(item).toHaveCount(1);
  await item.getByLabel("帮扶认定 · 理由").fill(reason);
  await item.getByRole("button", { name: "认定为帮扶商家" }).click();
  await expect(page).toHaveURL(/\/admin\/producers\?decided=\d+/);
  const decided = page.locator(".credit-admin-list > li").filter({ has: page.getByRole("heading", { name: TEA }) });
  await expect(decided.getByRole("status")).toHaveText("已记录决定。");
  await expect(decided.getByTestId("decision-history")).toContainText(reason);
  await expect(decided.getByTestId("decision-history")).toContainText("平台管理员");

  // The storefront: the filter finds the tea, each card with the badge; the producer page shows it.
  await page.goto("/listings?poverty=1");
  const cards = page.locator("main .grid .card");
  await expect(cards.filter({ hasText: "龙井" }).first()).toBeVisible();
  await expect(cards.filter({ hasNotText: "帮扶产品" })).toHaveCount(0);
  await cards.filter({ hasText: "龙井" }).first().getByRole("link").first().click();
  await page.locator("main a[href^='/producers/']").first().click();
  await expect(page.getByTestId("poverty-badge")).toHaveText("帮扶产品");

  // Cleared again, with a reason: the filter no longer finds it.
  await page.goto("/admin/producers");
  await item.getByLabel("帮扶认定 · 理由").fill("复核后取消");
  await item.getByRole("button", { name: "取消帮扶认定" }).click();
  await expect(page).toHaveURL(/\/admin\/producers\?decided=\d+/);
  await page.goto("/listings?poverty=1");
  await expect(page.locator("main .grid .card").first()).toBeVisible();
  await expect(page.locator("main .grid .card").filter({ hasText: "龙井" })).toHaveCount(0);
});

/**
 * A platform admin grows the delivery network on a phone with JavaScript disabled: creates a
 * village station (a bad opening-hours value is refused first, with its message), finds it on
 * /admin/logistics, adds 5 small shelf slots and makes 钱师傅 its operator.
 */
import { expect, test } from "@playwright/test";
import { DEMO, login } from "./helpers";

const QIAN = "13800000008"; // 钱师傅, a seeded delivery operator (seeds/logistics.ts QIAN_OPERATOR_PHONE)

test("without JavaScript a platform admin creates a village station, adds slots and an operator", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "zh-CN", javaScriptEnabled: false });
  const page = await context.newPage();
  const name = `谷咀村二组服务站${Date.now().toString(36).slice(-4)}`;
  await login(page, DEMO.platformAdmin);

  await page.goto("/admin/logistics");
  await page.getByRole("link", { name: "新建自提点" }).click();
  await expect(page).toHaveURL(/\/admin\/logistics\/points\/new$/);
  await expect(page.getByRole("heading", { name: "新建自提点" })).toBeVisible();

  await page.getByLabel("类型").selectOption({ label: "村级服务站" });
  await page.getByLabel("名称").fill(name);
  await page.getByLabel("地址").fill("陕西省延安市洛川县凤栖街道谷咀村二组");
  await page.getByLabel("区县").selectOption({ label: "陕西省 · 洛川县" });
  await page.getByLabel("乡镇").fill("凤栖街道");
  await page.getByLabel("所在村").selectOption({ label: "谷咀村" });
  await page.getByLabel("纬度").fill("35.7621");
  await page.getByLabel("经度").fill("109.4180");
  await page.getByLabel("包裹容量（件）").fill("20");
  await page.getByLabel("营业时间").fill("20:00-08:00");
  await page.getByLabel("共同配送线路").selectOption({ label: "洛川县农村共配线路（洛川县县级寄递物流共配中心）" });

  // Closing before opening: refused with the field's message, the form keeps what was typed.
  const refused = page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/admin/logistics/points/new"));
  await page.getByRole("button", { name: "创建自提点" }).click();
  expect((await refused).status()).toBe(400);
  await expect(page.getByText("营业时间格式为 08:00-20:00（开始早于结束）或 24h")).toBeVisible();
  await expect(page.getByLabel("名称")).toHaveValue(name);

  await page.getByLabel("营业时间").fill("08:00-19:30");
  await page.getByRole("button", { name: "创建自提点" }).click();
  await expect(page).toHaveURL(/\/admin\/logistics\/points\/\d+\?notice=created$/);
  await expect(page.getByRole("status")).toContainText("自提点已创建");
  const pointUrl = page.url().replace(/\?.*$/, "");

  // On the network page, its name links back to it.
  await page.goto("/admin/logistics");
  const row = page.locator("table.network-points tr").filter({ hasText: name });
  await expect(row).toContainText("村级服务站");
  await expect(row).toContainText("营业 08:00-19:30");
  await row.getByRole("link", { name }).click();
  await expect(page).toHaveURL(pointUrl);

  // Five small shelf slots: 1-01 … 1-05.
  await expect(page.getByText("还没有格口")).toBeVisible();
  await page.getByLabel("尺寸").selectOption({ label: "小格" });
  await page.getByLabel("数量").fill("5");
  await page.getByRole("button", { name: "添加格口" }).click();
  await expect(page.getByRole("status")).toHaveText("已添加格口 1-01 至 1-05。");
  await expect(page.getByTestId("slot-totals")).toHaveText("共 5 个格口：空闲 5，占用 0，停用 0");

  // 钱师傅 becomes its operator.
  await page.getByLabel("站长手机号").fill(QIAN);
  await page.getByRole("button", { name: "添加站长" }).click();
  await expect(page.getByRole("status")).toHaveText("站长已添加。");
  await expect(page.locator(".operator-list")).toContainText("钱师傅");
  await expect(page.locator(".operator-list")).toContainText("138****0008");

  // Nothing is wider than the phone.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  await page.goto("/admin/logistics");
  await expect(page.locator("table.network-points tr").filter({ hasText: name })).toContainText("钱师傅");
  await context.close();
});

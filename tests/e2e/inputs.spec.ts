/**
 * Inputs on the market (issue 12 §4), in the browser at 360 px: the demo farmer buys the demo
 * pesticide from the input seller, pays in test mode (stripe-mock; the pay page's test button
 * delivers a signed payment_intent.succeeded to the webhook), finds it in /farm/inputs with its
 * registration number and registered use, records its application on a growing lot in one tap
 * (the form comes prefilled), and sees the stock go down; the inspector's input-batch trace then
 * names the farm and the lot it went on.
 */
import { expect, test } from "@playwright/test";
import { DEMO, login, logout } from "./helpers";

const PESTICIDE = { query: "吡虫啉", title: "10%吡虫啉可湿性粉剂", registrationNo: "PD20990101", makerLot: "YS20261008" };
const GROWING_LOT = "LC2027-GROW01";
const FARM = "洛川县苹果专业合作社";

test.use({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });

test("a farmer buys a pesticide and logs its application in one tap from the input stock", async ({ page }) => {
  await login(page, DEMO.farmer);

  // The pesticide on the market, bought and paid for.
  await page.goto(`/listings?q=${encodeURIComponent(PESTICIDE.query)}`);
  const card = page.locator("main .grid .card").filter({ hasText: PESTICIDE.title }).first();
  await card.getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(PESTICIDE.title);
  // The buyer reads the registration and the input batch on the listing page.
  await expect(page.getByTestId("input-lot-panel")).toContainText(PESTICIDE.registrationNo);
  await expect(page.getByTestId("input-lot-panel")).toContainText(PESTICIDE.makerLot);
  const form = page.locator("form.add-to-cart");
  await form.locator('input[name="quantity"]').fill("2");
  await form.getByRole("button", { name: "加入购物车" }).click();
  await expect(page).toHaveURL(/\/cart\?added=1$/);
  await page.getByRole("link", { name: "去结算" }).click();
  await expect(page).toHaveURL(/\/checkout$/);
  await page.locator('input[name="deliveryPointId"]').first().check();
  await page.getByRole("button", { name: /提交订单/ }).click();
  await expect(page).toHaveURL(/\/orders\/\d+\/pay$/);
  const orderId = page.url().match(/\/orders\/(\d+)\/pay$/)![1];
  await page
    .getByTestId("test-mode")
    .getByRole("button", { name: /模拟支付成功/ })
    .click();
  await expect(page).toHaveURL(new RegExp(`/orders/${orderId}$`));
  await expect(page.getByTestId("order-status")).toHaveText("已支付");

  // It is in the farm's input stock, with what the label says.
  await page.goto("/farm/inputs");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("农资库存");
  const row = page.getByTestId("input-stock").filter({ hasText: `订单 #${orderId}` });
  await expect(row).toContainText(PESTICIDE.registrationNo);
  await expect(row).toContainText("有效成分：吡虫啉");
  await expect(row).toContainText("苹果 14 天");
  await expect(row.getByTestId("input-stock-left")).toHaveText("剩余 2 / 购入 2 袋");

  // One tap: the application form of the growing lot, prefilled with this input.
  await row.getByTestId("apply-from-stock").filter({ hasText: GROWING_LOT }).click();
  await expect(page).toHaveURL(/\/farm\/batches\/\d+\/events\/input_application\?stock=\d+$/);
  await expect(page.getByTestId("from-stock")).toContainText("从库存使用：演示牌10%吡虫啉可湿性粉剂（剩余 2 袋）");
  await expect(page.locator('select[name="inputId"] option:checked')).toContainText(PESTICIDE.registrationNo);
  await page.getByLabel("本次用量（袋）").fill("0.5");
  await page.getByRole("button", { name: "保存记录" }).click();

  await expect(page).toHaveURL(/\/farm\/inputs\?used=\d+$/);
  await expect(page.getByText("已记录使用，库存已扣减。")).toBeVisible();
  await expect(
    page
      .getByTestId("input-stock")
      .filter({ hasText: `订单 #${orderId}` })
      .getByTestId("input-stock-left"),
  ).toHaveText("剩余 1.5 / 购入 2 袋");

  // The inspector traces the input batch to this farm and the lot it was applied to.
  await logout(page);
  await login(page, DEMO.inspector);
  await page.goto("/inspect/inputs");
  await page.getByLabel("登记证号或生产批号").fill(PESTICIDE.makerLot);
  await page.getByRole("button", { name: "查找" }).click();
  const lot = page.getByTestId("input-lot").filter({ hasText: PESTICIDE.makerLot });
  const farm = lot.getByTestId("input-lot-farm").filter({ hasText: `订单 #${orderId}` });
  await expect(farm).toContainText(FARM);
  await expect(farm.getByTestId("input-lot-application")).toContainText(GROWING_LOT);
});

test("an input seller lists a pesticide: a registration number that does not match the catalogue is refused in plain words", async ({ page }) => {
  const lot = `YS${Date.now().toString(36).toUpperCase().slice(-8)}`;
  await login(page, DEMO.inputSeller); // 孙农资, 洛川县丰收农资经营部 (seeds/demo-inputs.ts)
  await page.goto("/farm/inputs");
  await page.getByRole("link", { name: "上架农资" }).click();
  await expect(page).toHaveURL(/\/farm\/inputs\/new$/);

  const entry = await page.locator('select[name="agriInputId"] option', { hasText: "演示牌10%吡虫啉可湿性粉剂" }).getAttribute("value");
  await page.getByLabel("目录中的产品").selectOption(entry!);
  await page.getByLabel("登记证号（按包装填写）").fill("PD20990102");
  await page.getByLabel("生产批号").fill(lot);
  await page.getByLabel("生产日期").fill("2026-10-01");
  await page.getByLabel("有效期至").fill("2028-09-30");
  await page.getByLabel("单位").selectOption({ label: "袋" });
  await page.getByLabel("价格（元）").fill("15");
  await page.getByLabel("库存数量").fill("30");
  await page.getByRole("button", { name: "保存为草稿" }).click();
  await expect(page.getByText("登记证号与所选目录条目不一致，请核对包装上的号码，或选择正确的产品。")).toBeVisible();
  await expect(page).toHaveURL(/\/farm\/inputs\/new$/);

  await page.getByLabel("登记证号（按包装填写）").fill("pd 20990101");
  await page.getByRole("button", { name: "保存为草稿" }).click();
  await expect(page).toHaveURL(/\/farm\/listings\/\d+\/edit$/);
  await page.goto("/farm/inputs");
  await expect(page.getByTestId("seller-input-listing").filter({ hasText: lot })).toContainText("PD20990101");
});

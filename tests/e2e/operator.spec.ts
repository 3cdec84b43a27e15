/**
 * The pickup point operator's app on a phone (issue 5): a buyer checks out to 赵师傅's village
 * station (到站付款, so no card is needed), the farmer dispatches on /farm/orders (发货), the operator
 * types the parcel code at /station, the buyer's order page shows the 6-digit pickup code and QR,
 * and the operator hands the parcel out against that code (confirming the cash). A wrong code is
 * refused; another point's operator (钱师傅) cannot see or touch the parcel.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO, login } from "./helpers";

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } as const;
const STATION = "谷咀村村级寄递物流服务站"; // 赵师傅's (seeds/logistics.ts)
const APPLES = "洛川红富士苹果 80mm 5斤装"; // 洛川县苹果专业合作社 (李建国)
const OTHER_OPERATOR = "13800000008"; // 钱师傅: every point but 赵师傅's

test.use(PHONE);

async function asUser(browser: Browser, phone: string): Promise<Page> {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await login(page, phone);
  return page;
}

/** Through the UI: buyer orders (到站付款 at the station), farmer dispatches. Returns the order and parcel code. */
async function orderAndDispatch(browser: Browser, buyerPhone: string): Promise<{ buyer: Page; orderId: string; parcelCode: string }> {
  const buyer = await asUser(browser, buyerPhone);
  await buyer.goto("/cart");
  const remove = buyer.getByRole("button", { name: "删除", exact: true });
  for (let n = await remove.count(); n > 0; n--) {
    await remove.first().click();
    await expect(remove).toHaveCount(n - 1);
  }
  await buyer.goto(`/listings?q=${encodeURIComponent("洛川红富士")}`);
  await buyer.locator("main .grid .card").filter({ hasText: APPLES }).first().getByRole("link").first().click();
  await expect(buyer).toHaveURL(/\/listings\/\d+$/);
  const form = buyer.locator("form.add-to-cart");
  await form.locator('input[name="quantity"]').fill("1");
  await form.getByRole("button", { name: "加入购物车" }).click();
  await expect(buyer).toHaveURL(/\/cart\?added=1$/);

  await buyer.goto("/checkout");
  await buyer.getByRole("radio", { name: new RegExp(STATION) }).check();
  await buyer.getByRole("checkbox", { name: /到站付款/ }).check();
  await buyer.getByRole("button", { name: /提交订单/ }).click();
  await expect(buyer).toHaveURL(/\/orders\/\d+$/);
  const orderId = buyer.url().split("/").pop()!;
  await expect(buyer.getByTestId("parcel")).toHaveCount(1);
  await expect(buyer.getByTestId("parcel-status")).toHaveText("待发货");

  const farmer = await asUser(browser, DEMO.farmer);
  await farmer.goto("/farm/orders");
  const row = farmer.getByTestId("inbox-sub-order").filter({ hasText: new RegExp(`· 订单 #${orderId} ·`) });
  await row.getByRole("button", { name: "发货" }).click();
  await expect(farmer.getByTestId("farm-result")).toContainText("已发货 1 个包裹");
  const parcel = farmer
    .getByTestId("inbox-sub-order")
    .filter({ hasText: new RegExp(`· 订单 #${orderId} ·`) })
    .getByTestId("farm-parcel");
  await expect(parcel).toContainText("运输中");
  const parcelCode = (await parcel.getAttribute("data-parcel-code"))!;
  expect(parcelCode).toMatch(/^P[0-9A-Z]{9}$/);
  // The label to stick on the box (面单): its code and QR are what the operator scans.
  await parcel.getByRole("link", { name: "打印面单" }).click();
  await expect(farmer).toHaveURL(/\/farm\/parcels\/\d+\/label$/);
  await expect(farmer.getByTestId("label-code")).toHaveText(parcelCode);
  await expect(farmer.getByTestId("label-point")).toHaveText(STATION);
  await expect(farmer.getByRole("img", { name: `包裹码 ${parcelCode} 的二维码` }).locator("svg")).toBeVisible();
  await farmer.context().close();
  return { buyer, orderId, parcelCode };
}

/** The operator types the label code (as a scanner would: code + Enter). */
async function checkIn(op: Page, parcelCode: string) {
  await op.goto("/station");
  const box = op.getByLabel("包裹码 / 取件码 / 手机尾号 / 扫码");
  await expect(box).toBeFocused();
  // Typed sloppily, as a person might: lower case, with a dash.
  await box.fill(`${parcelCode.slice(0, 5).toLowerCase()}-${parcelCode.slice(5)}`);
  await box.press("Enter");
  await expect(op.getByTestId("station-ok")).toContainText(`包裹 ${parcelCode} 已到站`);
}

const waitingParcel = (op: Page, parcelCode: string) => op.getByTestId("waiting").locator(`[data-parcel-code="${parcelCode}"]`);

test("an operator marks a parcel arrived and hands it out with the buyer's code", async ({ browser }) => {
  const { buyer, orderId, parcelCode } = await orderAndDispatch(browser, "13700000103");
  const op = await asUser(browser, DEMO.deliveryOperator);
  await op.goto("/station");
  await op.getByLabel("自提点").selectOption({ label: STATION });
  await op.getByRole("button", { name: "切换" }).click();
  await expect(op.getByTestId("expected").locator(`[data-parcel-code="${parcelCode}"]`)).toBeVisible();
  await checkIn(op, parcelCode);
  const row = waitingParcel(op, parcelCode);
  await expect(row.getByTestId("parcel-slot")).toBeVisible();
  await expect(row).toContainText("到站付款 应收");

  // The buyer's order page now shows the code in big digits and its QR.
  await buyer.reload();
  await expect(buyer.getByTestId("parcel-status")).toHaveText("待取件");
  const code = (await buyer.getByTestId("pickup-code").textContent())!.trim();
  expect(code).toMatch(/^\d{6}$/);
  await expect(buyer.getByRole("img", { name: "取件二维码" }).locator("svg")).toBeVisible();
  await expect(buyer.getByTestId("pickup")).toContainText("请于");

  // Hand-out: the code, and the cash for 到站付款.
  await row.getByLabel("取件码").fill(code);
  await row.getByRole("checkbox", { name: /已收款/ }).check();
  await row.getByRole("button", { name: "交付" }).click();
  await expect(op.getByTestId("station-ok")).toContainText(`已收款，包裹 ${parcelCode} 已交付`);
  await expect(waitingParcel(op, parcelCode)).toHaveCount(0);

  await buyer.reload();
  await expect(buyer.getByTestId("parcel-status")).toHaveText("已取件");
  await expect(buyer.getByTestId("order-status")).toHaveText("已自提");
  await expect(buyer.getByTestId("pickup-code")).toHaveCount(0);
  expect(orderId).toMatch(/^\d+$/);
});

test("an operator finds a buyer's parcels by phone tail and hands them out with the buyer's code", async ({ browser }) => {
  const buyerPhone = "13700000106";
  const { buyer, parcelCode } = await orderAndDispatch(browser, buyerPhone);
  const op = await asUser(browser, DEMO.deliveryOperator);
  await checkIn(op, parcelCode);
  await buyer.reload();
  const code = (await buyer.getByTestId("pickup-code").textContent())!.trim();

  // The buyer says the last 4 digits of the phone: the counter lists their parcels, with the shelf.
  const box = op.getByLabel("包裹码 / 取件码 / 手机尾号 / 扫码");
  await box.fill(buyerPhone.slice(-4));
  await box.press("Enter");
  const result = op.getByTestId("counter-result");
  await expect(result).toContainText("手机尾号 0106");
  await expect(result).toContainText("凭手机尾号只能查找包裹");
  const group = result.getByTestId("counter-group").filter({ has: op.locator(`[data-parcel-code="${parcelCode}"]`) });
  await expect(group).toContainText("137****0106");
  // A tail alone hands out nothing: the code is asked for.
  await group.getByLabel("买家的取件码").fill(code);
  await group.getByRole("checkbox", { name: /到站付款/ }).check();
  await group.getByRole("button", { name: /全部交付/ }).click();
  await expect(op.getByTestId("station-ok")).toContainText("已交付 1 件包裹");
  await expect(waitingParcel(op, parcelCode)).toHaveCount(0);
  await buyer.reload();
  await expect(buyer.getByTestId("parcel-status")).toHaveText("已取件");
});

test("a wrong code is refused", async ({ browser }) => {
  const { buyer, parcelCode } = await orderAndDispatch(browser, "13700000104");
  const op = await asUser(browser, DEMO.deliveryOperator);
  await checkIn(op, parcelCode);
  await op.goto("/station?point=" + (await op.getByLabel("自提点").locator("option", { hasText: STATION }).getAttribute("value")));
  await buyer.reload();
  const code = (await buyer.getByTestId("pickup-code").textContent())!.trim();
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");

  const row = waitingParcel(op, parcelCode);
  await row.getByLabel("取件码").fill(wrong);
  await row.getByRole("checkbox", { name: /已收款/ }).check();
  const [response] = await Promise.all([op.waitForResponse((r) => r.request().method() === "POST"), row.getByRole("button", { name: "交付" }).click()]);
  expect(response.status()).toBe(400);
  await expect(waitingParcel(op, parcelCode).getByRole("alert")).toHaveText("取件码不正确，还可尝试 4 次。");
  // Still waiting, still payable.
  await expect(waitingParcel(op, parcelCode).getByRole("button", { name: "交付" })).toBeVisible();
  await buyer.reload();
  await expect(buyer.getByTestId("parcel-status")).toHaveText("待取件");
});

test("an operator cannot see another point's parcels", async ({ browser }) => {
  const { parcelCode } = await orderAndDispatch(browser, "13700000105");
  const zhao = await asUser(browser, DEMO.deliveryOperator);
  await checkIn(zhao, parcelCode);
  const pointId = await zhao.getByLabel("自提点").locator("option", { hasText: STATION }).getAttribute("value");
  await zhao.goto(`/station?point=${pointId}`);
  const parcelId = await waitingParcel(zhao, parcelCode).locator('input[name="parcelId"]').getAttribute("value");

  const qian = await asUser(browser, OTHER_OPERATOR);
  await qian.goto("/station");
  await expect(qian.getByRole("heading", { level: 1 })).toHaveText("自提点工作台");
  await expect(qian.locator(`[data-parcel-code="${parcelCode}"]`)).toHaveCount(0);
  // Typing 赵师傅's parcel code: "no such parcel here" (its existence is not revealed).
  const box = qian.getByLabel("包裹码 / 取件码 / 手机尾号 / 扫码");
  await box.fill(parcelCode);
  const [typed] = await Promise.all([qian.waitForResponse((r) => r.request().method() === "POST"), box.press("Enter")]);
  expect(typed.status()).toBe(404);
  await expect(qian.getByTestId("station-error")).toHaveText("本站没有这个包裹。");
  // Forged: 赵师傅's point in the query, or his parcel's id in a hand-out.
  expect((await qian.goto(`/station?point=${pointId}`))?.status()).toBe(403);
  const forged = await qian.request.post("/station", { form: { intent: "handout", parcelId: parcelId!, pickupCode: "123456" } });
  expect(forged.status()).toBe(403);
  // The parcel is untouched: still waiting at 赵师傅's point.
  await zhao.reload();
  await expect(waitingParcel(zhao, parcelCode)).toBeVisible();
});

/**
 * Issue 10 §3: a recall while a parcel is on the road. A buyer pays by card (test mode) for the
 * 冰糖心 apples (a lot no other journey buys or counts), the farmer dispatches, the inspector
 * recalls the lot (一级) from its Digital Link; the operator's scan quarantines the parcel (no slot,
 * no code), the buyer's order page shows it will not be handed out and the recall refund, and the
 * operator records its destruction.
 */
test("a recall while a parcel is on the road: the operator quarantines it and the buyer is refunded", async ({ browser }) => {
  test.setTimeout(120_000);
  const LOT_LISTING = "洛川红富士苹果 精品冰糖心 8斤装";
  const buyer = await asUser(browser, "13700000105");
  await buyer.goto("/cart");
  const remove = buyer.getByRole("button", { name: "删除", exact: true });
  for (let n = await remove.count(); n > 0; n--) {
    await remove.first().click();
    await expect(remove).toHaveCount(n - 1);
  }
  await buyer.goto(`/listings?q=${encodeURIComponent("冰糖心")}`);
  await buyer.locator("main .grid .card").filter({ hasText: LOT_LISTING }).first().getByRole("link").first().click();
  await expect(buyer).toHaveURL(/\/listings\/\d+$/);
  const tracePath = (await buyer.locator("section#traceability a.trace-link").getAttribute("href"))!;
  const form = buyer.locator("form.add-to-cart");
  await form.locator('input[name="quantity"]').fill("1");
  await form.getByRole("button", { name: "加入购物车" }).click();
  await expect(buyer).toHaveURL(/\/cart\?added=1$/);
  await buyer.goto("/checkout");
  await buyer.getByRole("radio", { name: new RegExp(STATION) }).check();
  await buyer.getByRole("button", { name: /提交订单/ }).click();
  await expect(buyer).toHaveURL(/\/orders\/\d+\/pay$/);
  await buyer
    .getByTestId("test-mode")
    .getByRole("button", { name: /模拟支付成功/ })
    .click();
  await expect(buyer).toHaveURL(/\/orders\/\d+$/);
  await expect(buyer.getByTestId("order-status")).toHaveText("已支付");
  const orderId = buyer.url().split("/").pop()!;

  // The farmer sends it: on the road to 赵师傅's station.
  const farmer = await asUser(browser, DEMO.farmer);
  await farmer.goto("/farm/orders");
  const row = farmer.getByTestId("inbox-sub-order").filter({ hasText: new RegExp(`· 订单 #${orderId} ·`) });
  await row.getByRole("button", { name: "发货" }).click();
  await expect(farmer.getByTestId("farm-result")).toContainText("已发货 1 个包裹");
  const parcel = farmer
    .getByTestId("inbox-sub-order")
    .filter({ hasText: new RegExp(`· 订单 #${orderId} ·`) })
    .getByTestId("farm-parcel");
  const parcelCode = (await parcel.getAttribute("data-parcel-code"))!;
  await farmer.context().close();

  // The inspector finds the lot by its Digital Link and recalls it, 一级.
  const inspector = await asUser(browser, DEMO.inspector);
  await inspector.goto(`/inspect?q=${encodeURIComponent(tracePath)}`);
  await inspector.locator("table.lot-results tbody tr").first().locator("td").first().getByRole("link").click();
  await expect(inspector).toHaveURL(/\/inspect\/lots\/\d+$/);
  await inspector.getByLabel("召回原因").fill("监督抽检：毒死蜱残留超标（报告 JC-2026-1203-01）");
  await inspector.getByLabel("召回级别").selectOption("1");
  await inspector.getByRole("button", { name: "确认召回" }).click();
  await expect(inspector).toHaveURL(/\/inspect\/recalls\/\d+\?opened=1$/);
  await expect(inspector.getByTestId("recall-grade")).toHaveText("一级");
  await expect(inspector.getByTestId("recall-refunds")).toContainText(/已退款 [1-9]\d* 笔/);

  // The parcel reaches the station: the scan quarantines it.
  const op = await asUser(browser, DEMO.deliveryOperator);
  await op.goto("/station");
  await op.getByLabel("自提点").selectOption({ label: STATION });
  await op.getByRole("button", { name: "切换" }).click();
  const box = op.getByLabel("包裹码 / 取件码 / 手机尾号 / 扫码");
  await box.fill(parcelCode);
  await box.press("Enter");
  await expect(op.getByTestId("station-ok")).toContainText(`包裹 ${parcelCode} 已登记隔离`);
  await expect(op.getByTestId("station-ok")).toContainText("隔离区");
  const quarantined = op.getByTestId("quarantine").locator(`[data-parcel-code="${parcelCode}"]`);
  await expect(quarantined).toBeVisible();
  await expect(quarantined.getByTestId("parcel-slot")).toHaveCount(0);
  await expect(op.getByTestId("waiting").locator(`[data-parcel-code="${parcelCode}"]`)).toHaveCount(0);

  // The buyer: no pickup code, told it will not be handed out, refunded.
  await buyer.reload();
  await expect(buyer.getByTestId("parcel-status")).toHaveText("召回隔离中");
  await expect(buyer.getByTestId("parcel-quarantined")).toBeVisible();
  await expect(buyer.getByTestId("pickup-code")).toHaveCount(0);
  await expect(buyer.getByTestId("order-status")).toHaveText("已退款");
  await expect(buyer.getByTestId("refund")).toContainText("召回退款");
  await expect(buyer.getByTestId("refund")).toContainText("已原路退回");
  await buyer.goto("/account/notices");
  await expect(buyer.getByText(/召回退款：订单 #\d+ 中被召回的商品已退款/).first()).toBeVisible();

  // The operator records its destruction.
  await quarantined.getByLabel("销毁数量").fill("1");
  await quarantined.getByRole("button", { name: "登记销毁" }).click();
  await expect(op.getByTestId("station-ok")).toContainText(`包裹 ${parcelCode} 已登记销毁`);
  await expect(op.getByTestId("quarantine").locator(`[data-parcel-code="${parcelCode}"]`)).toHaveCount(0);
});

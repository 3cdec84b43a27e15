/**
 * Orders and payments in the browser (issue 4): a buyer fills a cart from two producers, checks
 * out with a pickup point, pays in TEST MODE (scripts/e2e-server.js runs stripe-mock; the pay
 * page's test button delivers a signed payment_intent.succeeded event to the webhook handler) and
 * sees the order paid with two sub-orders. And: checking out more than is left shows the
 * translated sold-out message and places nothing. Paying issues one invoice (PDF) per sub-order.
 */
import { expect, test, type Page } from "@playwright/test";
import { DEMO, login } from "./helpers";

const OTHER_BUYER = "13700000101"; // 周晓敏, a generated buyer of the seed (password cunpin123)
const GUEST_BUYER = "13700000102"; // 吴建华, likewise

async function logoutAndLoginAs(page: Page, phone: string) {
  await page.getByRole("button", { name: "退出" }).click();
  await expect(page.getByRole("link", { name: "登录" })).toBeVisible();
  await login(page, phone);
}

async function emptyCart(page: Page) {
  await page.goto("/cart");
  const remove = page.getByRole("button", { name: "删除", exact: true });
  for (let n = await remove.count(); n > 0; n--) {
    await remove.first().click();
    await expect(remove).toHaveCount(n - 1);
  }
  await expect(page.getByText("购物车是空的。")).toBeVisible();
}

/**
 * Opens the first search result whose title contains `text`; returns the listing's URL and title.
 * The title is taken from the card and then awaited as the listing page's heading: the URL changes
 * before the new page has rendered, so reading the heading right after the URL (as this once did)
 * can return the search page's heading on a busy machine.
 */
async function openListing(page: Page, query: string, text: string): Promise<{ url: string; title: string }> {
  await page.goto(`/listings?q=${encodeURIComponent(query)}`);
  const card = page.locator("main .grid .card").filter({ hasText: text }).first();
  const title = (await card.locator(".title").textContent())!.trim();
  await card.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/listings\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.locator("form.add-to-cart")).toBeVisible();
  return { url: page.url(), title };
}

async function addToCart(page: Page, quantity: number | "max") {
  const form = page.locator("form.add-to-cart");
  const input = form.locator('input[name="quantity"]');
  const n = quantity === "max" ? Number(await input.getAttribute("max")) : quantity;
  await input.fill(String(n));
  await form.getByRole("button", { name: "加入购物车" }).click();
  await expect(page).toHaveURL(/\/cart\?added=1$/);
  await expect(page.getByText("已加入购物车。")).toBeVisible();
  return n;
}

async function checkoutWithFirstPoint(page: Page) {
  await page.goto("/checkout");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("结算");
  await expect(page.locator('input[name="contactPhone"]')).not.toHaveValue("");
  await page.locator('input[name="deliveryPointId"]').first().check();
  await page.getByRole("button", { name: /提交订单/ }).click();
}

test("a buyer buys from two producers, pays in test mode and sees two paid sub-orders", async ({ page, browser }) => {
  await login(page, DEMO.buyer);
  await emptyCart(page);

  await openListing(page, "苹果", "红富士苹果");
  await addToCart(page, 2);
  const { title: kiwiTitle } = await openListing(page, "猕猴桃", "猕猴桃");
  await addToCart(page, 1);

  // Two producers' sections in the cart, and the split announced.
  await expect(page.locator("section.cart-producer")).toHaveCount(2);
  await expect(page.getByText("来自 2 个经营主体")).toBeVisible();
  const total = (await page.getByTestId("cart-total").textContent())!.trim();
  expect(total).toMatch(/^¥[\d,]+\.\d{2}$/);

  await page.getByRole("link", { name: "去结算" }).click();
  await expect(page).toHaveURL(/\/checkout$/);
  await page.locator('input[name="deliveryPointId"]').first().check();
  await page.getByRole("button", { name: /提交订单/ }).click();

  await expect(page).toHaveURL(/\/orders\/\d+\/pay$/);
  await expect(page.getByTestId("pay-amount")).toHaveText(total);
  for (const method of ["银行卡", "支付宝", "微信支付"]) await expect(page.getByText(method, { exact: true })).toBeVisible();
  const testMode = page.getByTestId("test-mode");
  await expect(testMode.getByRole("heading")).toHaveText("测试模式（stripe-mock）");
  await testMode.getByRole("button", { name: /模拟支付成功/ }).click();

  await expect(page).toHaveURL(/\/orders\/\d+$/);
  await expect(page.getByTestId("order-status")).toHaveText("已支付");
  const subOrders = page.getByTestId("sub-order");
  await expect(subOrders).toHaveCount(2);
  for (const s of await subOrders.all()) await expect(s.locator(".badge")).toHaveText("已支付");
  await expect(page.getByTestId("order-timeline")).toContainText("待支付");
  await expect(page.getByTestId("order-timeline")).toContainText("支付通知");

  // ── W2: one invoice per sub-order; the PDF downloads ──
  const invoiceLinks = page.getByTestId("invoice").getByRole("link");
  await expect(invoiceLinks).toHaveCount(2);
  const [download] = await Promise.all([page.waitForEvent("download"), invoiceLinks.first().click()]);
  expect(download.suggestedFilename()).toMatch(/^CP-\d+-\d{4}-\d{6}\.pdf$/);
  const pdf = await page.request.get((await invoiceLinks.first().getAttribute("href"))!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect((await pdf.body()).subarray(0, 4).toString("latin1")).toBe("%PDF");
  // ── end W2 ──

  // The list shows it too.
  const orderId = page.url().split("/").pop()!;
  await page.getByRole("link", { name: "订单", exact: true }).click();
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.locator(`[data-order-id="${orderId}"]`)).toContainText("已支付");

  // The kiwi farm sees its sub-order in its inbox and on its packing list; another buyer may not see the order.
  const farm = await browser.newContext();
  try {
    const farmPage = await farm.newPage();
    await login(farmPage, DEMO.kiwiFarmer);
    await farmPage.goto("/farm/orders");
    // "· 订单 #N ·": a bare "订单 #N" also matches another row's "子订单 #N" (W2 fix: strict-mode flake).
    const inboxRow = farmPage.getByTestId("inbox-sub-order").filter({ hasText: new RegExp(`· 订单 #${orderId} ·`) });
    await expect(inboxRow).toContainText("已支付");
    await expect(farmPage.getByTestId("packing-group").filter({ hasText: kiwiTitle }).first()).toBeVisible();
    await expect(inboxRow.getByTestId("inbox-invoice")).toBeVisible(); // W2
    // The paid order is a notice for the farmer, counted in the header (issue 13 §4).
    await expect(farmPage.locator(".notices-link")).toContainText(/\d/);
    await farmPage.locator(".notices-link").click();
    await expect(farmPage).toHaveURL(/\/account\/notices$/);
    await expect(farmPage.locator('[data-kind="order_paid"]').filter({ hasText: `新订单 #${orderId} 已付款` })).toBeVisible();
    await logoutAndLoginAs(farmPage, OTHER_BUYER);
    const res = await farmPage.goto(`/orders/${orderId}`);
    expect(res?.status()).toBe(403);
  } finally {
    await farm.close();
  }
});

test("a guest's cart (no JavaScript) survives login", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const { title } = await openListing(page, "苹果", "红富士苹果");
    await addToCart(page, 1);
    await expect(page.locator(".cart-line")).toContainText(title);
    await page.getByRole("link", { name: "登录后结算" }).click();
    await page.locator('input[name="phone"]').fill(GUEST_BUYER);
    await page.locator('input[name="password"]').fill("cunpin123");
    await page.locator("form button[type=submit]").filter({ hasText: "登录" }).click();
    await expect(page).toHaveURL(/\/checkout$/);
    await expect(page.getByRole("heading", { level: 2, name: "订单内容" })).toBeVisible();
    await expect(page.locator("main")).toContainText(title);
    await emptyCart(page);
  } finally {
    await context.close();
  }
});

test("checking out more than is left shows the sold-out message and places nothing", async ({ page, browser }) => {
  await login(page, DEMO.buyer);
  await emptyCart(page);
  const { url: listingUrl, title } = await openListing(page, "龙井", "龙井");
  const wanted = await addToCart(page, "max"); // every unit there is

  // Meanwhile another buyer takes one unit (checkout reserves it).
  const other = await browser.newContext();
  try {
    const otherPage = await other.newPage();
    await login(otherPage, OTHER_BUYER);
    await emptyCart(otherPage);
    await otherPage.goto(listingUrl);
    await addToCart(otherPage, 1);
    await checkoutWithFirstPoint(otherPage);
    await expect(otherPage).toHaveURL(/\/orders\/\d+\/pay$/);
  } finally {
    await other.close();
  }

  await checkoutWithFirstPoint(page);
  const alert = page.locator(".form-error");
  await expect(alert).toContainText(`「${title}」库存不足：仅剩 ${wanted - 1} 件，你需要 ${wanted} 件`);
  await expect(page).toHaveURL(/\/checkout$/);
  // Nothing changed: the cart still holds the line.
  await page.goto("/cart");
  await expect(page.locator(`.cart-line input[name="quantity"]`)).toHaveValue(String(wanted));
  await emptyCart(page);
});

/**
 * Issue 13 §4–§5 at 360 px: the apple farmer copies a listing and gives the copy sizes; a new buyer
 * chooses a size, steps the cart's quantity, sees 免运费 and the pickup estimate, pays; the platform
 * admin refunds ¥20 of it on the order page; the buyer sees the refund, the refunded total and a notice.
 */
test("a buyer buys a size and sees a partial refund on the order page", async ({ browser }) => {
  const phone = () => browser.newContext({ viewport: { width: 360, height: 740 }, locale: "zh-CN" });

  // The farmer: copy a listing on sale, give the copy two sizes, put it on sale.
  const farm = await phone();
  const fp = await farm.newPage();
  await login(fp, DEMO.farmer);
  await fp.goto("/farm");
  const onSale = fp
    .locator("li.farm-listing")
    .filter({ has: fp.getByRole("link", { name: "查看" }) })
    .filter({ hasNotText: "副本" })
    .first();
  const sourceTitle = (await onSale.locator(".title").textContent())!.trim();
  await onSale.getByRole("button", { name: "复制" }).click();
  await expect(fp).toHaveURL(/\/farm\/listings\/\d+\/edit\?notice=copied$/);
  const listingId = /\/farm\/listings\/(\d+)\/edit/.exec(fp.url())![1];
  const sizes = fp.getByTestId("variants-form");
  await sizes.locator('input[name="variants[0].name"]').fill("75mm");
  await sizes.locator('input[name="variants[0].price"]').fill("29.90");
  await sizes.locator('input[name="variants[0].stock"]').fill("5");
  await sizes.locator('input[name="variants[1].name"]').fill("80mm");
  await sizes.locator('input[name="variants[1].price"]').fill("34.90");
  await sizes.locator('input[name="variants[1].stock"]').fill("5");
  await sizes.getByRole("button", { name: "保存规格" }).click();
  await expect(fp).toHaveURL(/notice=variants/);
  await expect(fp.getByText("规格已保存。")).toBeVisible();
  await fp.getByRole("button", { name: "上架销售" }).click();
  await expect(fp).toHaveURL(/notice=published$/);
  await farm.close();

  // A new buyer: the size, the cart's steppers, the delivery terms before paying.
  const shop = await phone();
  const page = await shop.newPage();
  const buyerPhone = `139${String(Date.now()).slice(-8)}`;
  await page.goto("/signup");
  await page.locator('input[name="phone"]').fill(buyerPhone);
  await page.locator('input[name="displayName"]').fill("规格买家");
  await page.locator('input[name="password"]').fill("cunpin123");
  await page.locator('input[name="passwordConfirm"]').fill("cunpin123");
  await page.locator("main form").getByRole("button", { name: "注册" }).click();
  await expect(page.getByRole("button", { name: "退出" })).toBeVisible();

  await page.goto(`/listings/${listingId}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${sourceTitle} 副本`);
  await page.getByTestId("variant-choice").getByText(/^80mm/).click();
  await page.locator("form.add-to-cart").getByRole("button", { name: "加入购物车" }).click();
  await expect(page).toHaveURL(/\/cart\?added=1$/);
  const line = page.locator(`li.cart-line[data-listing-id="${listingId}"]`);
  await expect(line).toContainText("80mm");
  await expect(line.locator("img")).toBeVisible();
  await line.getByRole("button", { name: "增加一件" }).click();
  await expect(line.getByTestId("cart-quantity")).toHaveValue("2");
  await line.getByRole("button", { name: "减少一件" }).click();
  await expect(line.getByTestId("cart-quantity")).toHaveValue("1");
  await expect(page.getByTestId("cart-total")).toHaveText("¥34.90");

  await page.getByRole("link", { name: "去结算" }).click();
  await expect(page.getByTestId("delivery-fee")).toHaveText("免运费");
  await expect(page.getByTestId("pickup-estimate")).toHaveText(/^预计 \d{1,2} 月 \d{1,2} 日起可取$/);
  await page.locator('input[name="deliveryPointId"]:not([disabled])').first().check();
  await page.getByRole("button", { name: /提交订单/ }).click();
  await expect(page).toHaveURL(/\/orders\/\d+\/pay$/);
  await page
    .getByTestId("test-mode")
    .getByRole("button", { name: /模拟支付成功/ })
    .click();
  await expect(page).toHaveURL(/\/orders\/\d+$/);
  await expect(page.getByTestId("order-status")).toHaveText("已支付");
  await expect(page.getByTestId("sub-order")).toContainText("80mm");
  await expect(page.getByTestId("order-refunds")).toHaveCount(0);
  const orderUrl = new URL(page.url()).pathname;

  // The platform admin refunds ¥20 of it from the order page.
  const office = await phone();
  const ap = await office.newPage();
  await login(ap, DEMO.platformAdmin);
  await ap.goto(orderUrl);
  await ap.getByText("退款（平台管理员）").click();
  await ap.getByLabel("退款金额（元）").fill("20");
  await ap.getByLabel("说明（买家可见）").fill("果径偏小");
  await ap.getByRole("button", { name: "确认退款" }).click();
  await expect(ap.getByTestId("refund")).toContainText("¥20.00");
  await office.close();

  // The buyer sees it: amount, reason, date, the refunded total, and a notice.
  await page.reload();
  const refund = page.getByTestId("refund");
  await expect(refund).toHaveCount(1);
  await expect(refund).toContainText("¥20.00");
  await expect(refund).toContainText("补偿");
  await expect(refund).toContainText(/\d{4}-\d{2}-\d{2}/);
  await expect(refund).toContainText("果径偏小");
  await expect(page.getByTestId("refunded-total")).toHaveText("−¥20.00");
  await expect(page.getByText("本订单已退款 ¥20.00")).toBeVisible();
  await page.goto("/account/notices");
  await expect(page.getByText(/已退款 ¥20\.00/)).toBeVisible();
  await shop.close();
});

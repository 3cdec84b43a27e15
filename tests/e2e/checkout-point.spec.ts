/**
 * Choosing the pickup point at checkout (issue 5) on a phone: the buyer's location sorts the list,
 * a tap on a locker's marker checks that locker's radio (the list is the source of truth), and the
 * order is delivered there. The same choice works with JavaScript disabled, from the list alone.
 */
import { expect, test, type Page } from "@playwright/test";
import { login } from "./helpers";

const LOCKER = "曲江池小区智能快递柜"; // seeds/logistics.ts XIAN_LOCKER_NAME, in Xi'an
const NEW_BUYER = "13700000106"; // 林小雨, a seeded buyer with no orders: no other journey shares this cart
const NEAR_LOCKER = { latitude: 34.2, longitude: 108.985 }; // a few hundred metres away

test.use({ viewport: { width: 360, height: 740 } });

async function emptyCart(page: Page) {
  await page.goto("/cart");
  const remove = page.getByRole("button", { name: "删除", exact: true });
  for (let n = await remove.count(); n > 0; n--) {
    await remove.first().click();
    await expect(remove).toHaveCount(n - 1);
  }
}

async function addAnAppleToCart(page: Page) {
  await page.goto(`/listings?q=${encodeURIComponent("苹果")}`);
  await page.locator("main .grid .card").first().getByRole("link").first().click();
  await expect(page).toHaveURL(/\/listings\/\d+$/);
  await page.locator("form.add-to-cart").getByRole("button", { name: "加入购物车" }).click();
  await expect(page).toHaveURL(/\/cart\?added=1$/);
}

/** Submits the checkout form and opens the order page (the pay page comes first for online payment). */
async function placeOrderAndOpenIt(page: Page) {
  await page.getByRole("button", { name: /提交订单/ }).click();
  await expect(page).toHaveURL(/\/orders\/\d+(\/pay)?$/);
  const orderId = page.url().match(/\/orders\/(\d+)/)![1];
  await page.goto(`/orders/${orderId}`);
  await expect(page.locator("dd").filter({ hasText: LOCKER })).toBeVisible();
}

async function noHorizontalOverflow(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
}

test("a buyer picks a locker on the map at checkout", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "zh-CN", geolocation: NEAR_LOCKER, permissions: ["geolocation"] });
  const page = await context.newPage();
  await login(page, NEW_BUYER);
  await emptyCart(page);
  await addAnAppleToCart(page);

  await page.goto("/checkout");
  await expect(page.getByText("包裹只会送到您选择的自提点")).toBeVisible();
  // The phone's location sorts the list: the locker is nearest, proposed and pre-selected.
  await page.getByRole("button", { name: "使用我的位置" }).click();
  await expect(page).toHaveURL(/[?&]lat=34\.20000&lng=108\.98500$/);
  await expect(page.getByText("按与您当前位置的距离排序。")).toBeVisible();
  const lockerRadio = page.getByRole("radio", { name: new RegExp(LOCKER) });
  const lockerItem = page.locator("li").filter({ has: lockerRadio });
  await expect(lockerItem.getByText("推荐")).toBeVisible();
  await expect(lockerItem.getByText("智能快递柜 · 0.")).toBeVisible();
  await expect(lockerRadio).toBeChecked();

  // Choose another point in the list, then the locker again by its marker.
  const other = page.locator('input[name="deliveryPointId"]:not([disabled])').nth(1);
  await other.check();
  await expect(lockerRadio).not.toBeChecked();
  const lockerId = await lockerRadio.getAttribute("value");
  const marker = page.locator(`.points-map [data-point-id="${lockerId}"]`);
  await expect(marker).toBeVisible();
  await marker.click();
  await expect(lockerRadio).toBeChecked();
  await expect(other).not.toBeChecked();
  await noHorizontalOverflow(page);

  await placeOrderAndOpenIt(page);
  await context.close();
});

test("without JavaScript the buyer picks the locker from the list", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "zh-CN", javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, NEW_BUYER);
  await emptyCart(page);
  await addAnAppleToCart(page);

  await page.goto("/checkout");
  // No map, no location button: the village form and the list.
  await expect(page.locator(".points-map")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "使用我的位置" })).toHaveCount(0);
  const village = page.getByLabel("我在哪个村");
  const firstVillage = await village.locator("option").nth(1).getAttribute("value");
  await village.selectOption(firstVillage!);
  await page.getByRole("button", { name: "按距离排序" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]village=${firstVillage}$`));
  await expect(page.getByText(/^按与.+的距离排序。$/)).toBeVisible();
  await expect(page.locator("li").getByText("推荐")).toHaveCount(1);
  await noHorizontalOverflow(page);

  const lockerRadio = page.getByRole("radio", { name: new RegExp(LOCKER) });
  await lockerRadio.check();
  await placeOrderAndOpenIt(page);
  await context.close();
});

/**
 * Issue 13 §5: a buyer whose last order went to another point taps 使用我的位置: the list is sorted
 * from the phone and the radio moves to the point it recommends (it used to stay on the old one).
 */
test("使用我的位置 selects the point it recommends, not the last order's", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "zh-CN", geolocation: NEAR_LOCKER, permissions: ["geolocation"] });
  const page = await context.newPage();
  await page.goto("/signup");
  await page.locator('input[name="phone"]').fill(`136${String(Date.now()).slice(-8)}`);
  await page.locator('input[name="displayName"]').fill("定位买家");
  await page.locator('input[name="password"]').fill("cunpin123");
  await page.locator('input[name="passwordConfirm"]').fill("cunpin123");
  await page.locator("main form").getByRole("button", { name: "注册" }).click();
  await expect(page.getByRole("button", { name: "退出" })).toBeVisible();

  // A first order to a point near the locker that is not the locker.
  await addAnAppleToCart(page);
  await page.goto("/checkout");
  await page.getByRole("button", { name: "使用我的位置" }).click();
  await expect(page).toHaveURL(/[?&]lat=/);
  const lockerRadio = page.getByRole("radio", { name: new RegExp(LOCKER) });
  await expect(lockerRadio).toBeChecked();
  const other = page.locator('input[name="deliveryPointId"]:not([disabled])').nth(1);
  await other.check();
  const otherId = await other.getAttribute("value");
  await page.getByRole("button", { name: /提交订单/ }).click();
  await expect(page).toHaveURL(/\/orders\/\d+(\/pay)?$/);

  // The next checkout starts from that point; the phone's location moves the choice to the locker.
  await addAnAppleToCart(page);
  await page.goto("/checkout");
  await expect(page.locator(`input[name="deliveryPointId"][value="${otherId}"]`)).toBeChecked();
  await page.getByRole("button", { name: "使用我的位置" }).click();
  await expect(page.getByText("按与您当前位置的距离排序。")).toBeVisible();
  await expect(lockerRadio).toBeChecked();
  await expect(page.locator(`input[name="deliveryPointId"][value="${otherId}"]`)).not.toBeChecked();
  await context.close();
});

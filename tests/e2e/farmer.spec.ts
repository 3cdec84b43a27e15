/**
 * Farmer journeys. The first group runs as a cheap phone would: 360×780, touch, and no
 * JavaScript at all, so every step is a plain HTML form post. The last test checks that a
 * farmer cannot touch another producer's listing, by the page and by a forged POST.
 *
 * Each run shares one seeded database across all journeys, so created listings carry a
 * unique Latin token in their title (the search indexes Latin words whole).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import { DEMO, login, logout } from "./helpers";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const PHOTO = path.join(fixtures, "peach.jpg"); // a real 480×360 JPEG, 5 KB
const NOT_A_PHOTO = path.join(fixtures, "not-a-photo.jpg"); // UTF-8 text with a .jpg name

function uniqueToken(): string {
  return `e2e${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

/** Fills the new-listing form (everything except the photo). */
async function fillNewListing(page: Page, title: string, product = "水蜜桃"): Promise<void> {
  await page.getByLabel("品类").selectOption({ label: "水果" });
  await page.getByLabel("产品名称").fill(product);
  await page.getByLabel("商品标题").fill(title);
  await page.getByLabel("商品描述").fill("山坡上自然成熟的水蜜桃，当天采摘，冷链发货。");
  await page.getByLabel("价格（元）").fill("25.5");
  await page.getByLabel("单位", { exact: true }).selectOption({ label: "箱" });
  await page.getByLabel("库存", { exact: true }).fill("120");
}

async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
  }));
  expect(widths.scroll, "document.documentElement.scrollWidth at 360 px").toBeLessThanOrEqual(360);
  expect(widths.body, "document.body.scrollWidth at 360 px").toBeLessThanOrEqual(360);
}

test.describe("a farmer on a phone without JavaScript", () => {
  test.use({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, javaScriptEnabled: false });

  test("creates a listing with a photo, sells it from a traced lot, and a buyer finds it in the market", async ({ page, request }) => {
    const token = uniqueToken();
    const title = `洛川红富士苹果 ${token} 5斤装`;

    await login(page, DEMO.farmer);
    await page.getByRole("link", { name: "我的农场" }).click();
    await expect(page).toHaveURL(/\/farm$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("我的农场");
    await page.getByRole("link", { name: /发布新商品/ }).click();
    await expect(page).toHaveURL(/\/farm\/listings\/new$/);

    // Every listing sells from a lot with a trace chain: without one, "save and publish" is
    // refused in plain words and nothing is stored.
    await fillNewListing(page, title, "红富士苹果");
    await page.getByLabel("从相册选择").setInputFiles(PHOTO);
    await page.getByRole("button", { name: "保存并上架" }).click();
    await expect(page.locator(".form-error")).toContainText("这个商品暂时不能上架");
    await expect(page.locator(".form-error")).toContainText("该商品还没有关联批次");

    // So: save it as a draft, link one of the co-op's traced lots of 红富士苹果, then publish.
    await fillNewListing(page, title, "红富士苹果");
    await page.getByLabel("从相册选择").setInputFiles(PHOTO);
    await page.getByRole("button", { name: "保存为草稿" }).click();
    await expect(page).toHaveURL(/\/farm\/listings\/\d+\/edit\?notice=created$/);
    const draftId = /\/farm\/listings\/(\d+)\/edit/.exec(page.url())![1];
    await page.goto("/farm/batches");
    await page.locator(".tf-item").filter({ hasText: "LC2026-1015-01" }).getByRole("link").click();
    await page.getByLabel("关联商品").selectOption(draftId);
    await page.getByRole("button", { name: "关联", exact: true }).click();
    await expect(page).toHaveURL(/notice=linked/);
    await page.goto(`/farm/listings/${draftId}/edit`);
    await page.getByRole("button", { name: "上架销售" }).click();

    await expect(page).toHaveURL(/\/farm\/listings\/\d+\/edit\?notice=published$/);
    await expect(page.getByRole("status")).toHaveText("商品已上架，买家现在可以看到了。");
    await expect(page.locator(".status-panel .badge")).toHaveText("在售");
    const listingId = /\/farm\/listings\/(\d+)\/edit/.exec(page.url())![1];

    // The dashboard lists it as on sale.
    await page.getByRole("link", { name: /返回我的农场/ }).click();
    const row = page.locator(".farm-listing").filter({ hasText: token });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("在售");
    await expect(row.locator(".price")).toHaveText("¥25.50/箱");

    // Logged out, anyone finds it by the distinctive word in its title.
    await logout(page);
    await page.goto("/");
    await page.getByRole("search").getByRole("searchbox").fill(token);
    await page.getByRole("search").getByRole("button", { name: "搜索" }).click();
    await expect(page.getByRole("status")).toHaveText("共 1 件商品");
    const card = page.locator("main .grid .card");
    await expect(card).toHaveCount(1);
    await expect(card.locator(".title")).toHaveText(title);
    await expect(card.locator(".price")).toHaveText("¥25.50/箱");
    await expect(card).toContainText("洛川县苹果专业合作社");
    await card.getByRole("link").click();

    await expect(page).toHaveURL(new RegExp(`/listings/${listingId}$`));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
    await expect(page.locator(".listing-info .price")).toHaveText("¥25.50/箱");
    await expect(page.locator(".listing-info")).toContainText("120");
    // The uploaded JPEG is served back as a re-encoded WebP.
    const img = page.locator(".gallery img");
    await expect(img).toHaveCount(1);
    const src = await img.getAttribute("src");
    expect(src).toMatch(/^\/uploads\/[0-9a-f]+\.webp$/);
    const photo = await request.get(src!);
    expect(photo.status()).toBe(200);
    expect(photo.headers()["content-type"]).toBe("image/webp");
  });

  test("a text file named .jpg is refused with a translated error, and nothing is created", async ({ page }) => {
    const token = uniqueToken();
    await login(page, DEMO.farmer, undefined, "/farm/listings/new");
    await expect(page).toHaveURL(/\/farm\/listings\/new$/);

    await fillNewListing(page, `假照片测试 ${token}`);
    await page.getByLabel("从相册选择").setInputFiles(NOT_A_PHOTO);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/farm/listings/new"),
      page.getByRole("button", { name: "保存并上架" }).click(),
    ]);
    expect(response.status()).toBe(400);

    await expect(page).toHaveURL(/\/farm\/listings\/new$/);
    await expect(page.getByText("这个文件不是图片，请上传 JPG、PNG、WebP 或 HEIC 照片")).toBeVisible();
    await expectNoHorizontalOverflow(page);

    // Not as a draft either.
    await page.goto("/farm");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("我的农场");
    await expect(page.locator(".farm-listing").first()).toBeVisible();
    await expect(page.locator(".farm-listing").filter({ hasText: token })).toHaveCount(0);
  });

  test("the new-listing form fits a 360 px screen", async ({ page }) => {
    await login(page, DEMO.farmer, undefined, "/farm/listings/new");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("发布新商品");
    await expect(page.getByRole("button", { name: "保存并上架" })).toBeVisible();
    expect(page.viewportSize()?.width).toBe(360);
    await expectNoHorizontalOverflow(page);
    // The long Chinese hints wrap instead of widening the page.
    await expect(page.getByText("买家看到的标题，例如：洛川红富士苹果 80 果 10 斤装")).toBeVisible();
  });
});

test("a farmer cannot edit another producer's listing, by the page or by a forged POST", async ({ page, browser }) => {
  // Find a listing of 洛川县苹果专业合作社 the way anyone would: through the market.
  await login(page, DEMO.kiwiFarmer);
  await page.goto("/listings?q=%E7%BA%A2%E5%AF%8C%E5%A3%AB"); // 红富士
  const card = page.locator("main .grid .card").filter({ hasText: "洛川县苹果专业合作社" }).first();
  const title = (await card.locator(".title").textContent())!.trim();
  const price = (await card.locator(".price").textContent())!.trim();
  await card.getByRole("link").click();
  await expect(page).toHaveURL(/\/listings\/\d+$/);
  const listingId = /\/listings\/(\d+)$/.exec(page.url())![1];

  const edit = await page.goto(`/farm/listings/${listingId}/edit`);
  expect(edit?.status()).toBe(403);
  await expect(page.getByRole("alert")).toContainText("你没有权限执行这个操作");
  await expect(page.getByLabel("商品标题")).toHaveCount(0);

  // Forged status changes and a forged edit, with the kiwi farmer's session cookie.
  for (const form of [{ intent: "pause" }, { intent: "draft" }, { intent: "publish" }]) {
    const res = await page.request.post(`/farm/listings/${listingId}/edit`, { form, maxRedirects: 0 });
    expect(res.status(), `intent=${form.intent}`).toBe(403);
  }
  const forgedEdit = await page.request.post(`/farm/listings/${listingId}/edit`, {
    multipart: { intent: "save", category: "fruit", productName: "红富士苹果", title: "被篡改的标题", unit: "box", price: "0.01", stock: "1" },
    maxRedirects: 0,
  });
  expect(forgedEdit.status()).toBe(403);

  // Nothing changed: still on sale with its title and price, seen by a stranger…
  const stranger = await browser.newContext();
  const anon = await stranger.newPage();
  const res = await anon.goto(`/listings/${listingId}`);
  expect(res?.status()).toBe(200);
  await expect(anon.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(anon.locator(".listing-info .price")).toHaveText(price);
  await expect(anon.getByText("被篡改的标题")).toHaveCount(0);
  await stranger.close();

  // …and by its owner, whose edit page says 在售.
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await login(owner, DEMO.farmer, undefined, `/farm/listings/${listingId}/edit`);
  await expect(owner.locator(".status-panel .badge")).toHaveText("在售");
  await expect(owner.getByLabel("商品标题")).toHaveValue(title);
  await ownerContext.close();
});

test.describe("a farmer with JavaScript: a form rendered once writes once", () => {
  /** How many of the farmer's listings carry `token` in their title (the farm page lists them all). */
  async function listingsTitled(page: Page, token: string): Promise<number> {
    await page.goto("/farm");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("我的农场");
    await expect(page.locator(".farm-listing").first()).toBeVisible();
    return page.locator(".farm-listing").filter({ hasText: token }).count();
  }

  test("a double tap on 保存为草稿, each request sent twice over the network, makes one listing", async ({ page }) => {
    const token = uniqueToken();
    await login(page, DEMO.farmer, undefined, "/farm/listings/new");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("发布新商品");
    await fillNewListing(page, `双击测试 ${token}`);
    // Every POST of the form reaches the server twice (a flaky network retrying): the token, not the button, decides.
    let posts = 0;
    await page.route(
      (url) => url.pathname.startsWith("/farm/listings/new"),
      async (route) => {
        if (route.request().method() !== "POST") return route.continue();
        posts++;
        await route.fetch();
        await route.fulfill({ response: await route.fetch() });
      },
    );
    await page.getByRole("button", { name: "保存为草稿" }).dblclick();
    await expect(page).toHaveURL(/\/farm\/listings\/\d+\/edit\?notice=created$/);
    expect(posts).toBeGreaterThanOrEqual(1);
    expect(await listingsTitled(page, token)).toBe(1);
  });

  test("while the form is on its way its buttons are disabled and say so", async ({ page }) => {
    const token = uniqueToken();
    await login(page, DEMO.farmer, undefined, "/farm/listings/new");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("发布新商品");
    await fillNewListing(page, `等待测试 ${token}`);
    // Hold the POST until the page has been checked.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let posted!: () => void;
    const arrived = new Promise<void>((resolve) => (posted = resolve));
    await page.route(
      (url) => url.pathname.startsWith("/farm/listings/new"),
      async (route) => {
        if (route.request().method() !== "POST") return route.continue();
        posted();
        await held;
        await route.continue();
      },
    );
    await page.getByRole("button", { name: "保存为草稿" }).click();
    await arrived;
    await expect(page.getByRole("button", { name: "提交中…" })).toBeDisabled();
    await expect(page.getByRole("button", { name: "保存并上架" })).toBeDisabled();
    await expect(page.getByRole("button", { name: "保存为草稿" })).toHaveCount(0);
    release();
    await expect(page).toHaveURL(/\/farm\/listings\/\d+\/edit\?notice=created$/);
    expect(await listingsTitled(page, token)).toBe(1);
  });
});

/**
 * Issue 13 §4 at 360 px: the farmer copies a listing (a draft titled …副本) and edits prices and
 * stock of several listings in one table form; a wrong row saves nothing, a right one saves all.
 */
test.describe("a farmer's listing tools on a phone", () => {
  test.use({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });

  test("copies a listing and bulk-edits prices and stock", async ({ page }) => {
    await login(page, DEMO.coopAdmin);
    await page.goto("/farm");
    const source = page.locator("li.farm-listing").filter({ hasNotText: "副本" }).first();
    const sourceTitle = (await source.locator(".title").textContent())!.trim();
    await source.getByRole("button", { name: "复制" }).click();
    await expect(page).toHaveURL(/\/farm\/listings\/\d+\/edit\?notice=copied$/);
    const copyId = /\/farm\/listings\/(\d+)\/edit/.exec(page.url())![1];
    await expect(page.getByText("已复制为新的草稿")).toBeVisible();
    await expect(page.locator('input[name="title"]')).toHaveValue(`${sourceTitle} 副本`);

    await page.goto("/farm");
    const copyCard = page.locator("li.farm-listing").filter({ has: page.locator(`a[href="/farm/listings/${copyId}/edit"]`) });
    await expect(copyCard).toContainText("草稿");
    const form = page.getByTestId("bulk-form");
    const copyRow = form.locator(`tr[data-listing-id="${copyId}"]`);
    // Another listing's row, held by its id: the list's order may change while other journeys run.
    const otherId = await form
      .getByTestId("bulk-row")
      .filter({ hasNot: page.locator(`input[value="${copyId}"]`) })
      .first()
      .getAttribute("data-listing-id");
    const otherRow = form.locator(`tr[data-listing-id="${otherId}"]`);
    const otherPrice = await otherRow.locator('input[name$=".price"]').inputValue();

    // One wrong row: nothing is saved, the row says why.
    await otherRow.locator('input[name$=".price"]').fill("8.88");
    await copyRow.locator('input[name$=".price"]').fill("12,345.6.7");
    await form.getByRole("button", { name: "保存全部" }).click();
    await expect(page.getByText("价格或库存有误，请检查标红的行。")).toBeVisible();
    await expect(page.locator("tr.row-error")).toHaveCount(1);
    await page.goto("/farm");
    await expect(otherRow.locator('input[name$=".price"]')).toHaveValue(otherPrice);

    // Both rows right: both saved in one go.
    await copyRow.locator('input[name$=".price"]').fill("12.80");
    await copyRow.locator('input[name$=".stock"]').fill("33");
    await form.getByRole("button", { name: "保存全部" }).click();
    await expect(page).toHaveURL(/\/farm\?bulk=1$/);
    await expect(page.getByText("已保存 1 个商品的价格和库存。")).toBeVisible();
    await expect(copyCard).toContainText("¥12.80");
    await expect(copyRow.locator('input[name$=".stock"]')).toHaveValue("33");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });
});

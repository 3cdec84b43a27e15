/**
 * Buyer journeys: searching the market in Chinese, opening a listing, filtering by category,
 * an empty search, and the English interface. Runs against the small seed (seeds/demo-data.ts):
 * four 洛川红富士苹果 listings, three 蒲江红心猕猴桃, two 西湖龙井 (tea), one fertiliser.
 * Other journeys may add listings while these run, so no assertion counts all fruit.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import { DEMO, login } from "./helpers";

/** The titles of the result cards on a market page. */
async function resultTitles(page: Page): Promise<string[]> {
  return page.locator("main .grid .card .title").allTextContents();
}

/** Waits for a browse page with results and returns the card titles. */
async function expectResults(page: Page): Promise<string[]> {
  await expect(page.locator("main .grid .card").first()).toBeVisible();
  return resultTitles(page);
}

test("a buyer searches 苹果 from the home page, opens a listing, then finds 猕猴桃", async ({ page }) => {
  await login(page, DEMO.buyer);
  await page.goto("/");

  const home = page.getByRole("search");
  await home.getByRole("searchbox").fill("苹果");
  await home.getByRole("button", { name: "搜索" }).click();

  await expect(page).toHaveURL(/\/listings\?q=/);
  expect(new URL(page.url()).searchParams.get("q")).toBe("苹果");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("“苹果”的搜索结果");
  const apples = await expectResults(page);
  expect(apples.some((title) => title.includes("红富士苹果"))).toBe(true);
  for (const title of apples) {
    expect(title).toContain("苹果");
    expect(title).not.toContain("猕猴桃");
  }

  // Open the first 红富士 result; its page shows the same price as the card, in ¥x.xx form.
  const card = page.locator("main .grid .card").filter({ hasText: "红富士苹果" }).first();
  const cardTitle = (await card.locator(".title").textContent())!.trim();
  const cardPrice = (await card.locator(".price").textContent())!.trim();
  expect(cardPrice).toMatch(/^¥\d+\.\d{2}\/\S+$/);
  await card.getByRole("link").click();

  await expect(page).toHaveURL(/\/listings\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(cardTitle);
  const price = page.locator(".listing-info .price");
  await expect(price).toHaveText(/^¥\d+\.\d{2}\/(箱|斤)$/);
  await expect(price).toHaveText(cardPrice);
  const producer = page.locator("section.producer-card");
  await expect(producer.getByRole("heading")).toHaveText("生产者");
  await expect(producer.getByRole("link", { name: "洛川县苹果专业合作社" })).toBeVisible();
  await expect(page.locator(".gallery img").first()).toBeVisible();

  // A second search from the market page's own search box.
  await page.getByRole("link", { name: "逛市集" }).first().click();
  await expect(page).toHaveURL(/\/listings$/);
  const market = page.getByRole("search");
  await market.getByRole("searchbox").fill("猕猴桃");
  await market.getByRole("button", { name: "搜索" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("“猕猴桃”的搜索结果");
  const kiwis = await expectResults(page);
  expect(kiwis.some((title) => title.includes("红心猕猴桃"))).toBe(true);
  for (const title of kiwis) expect(title).not.toContain("苹果");
  await expect(page.locator("main .grid .card").filter({ hasText: "红心猕猴桃" }).first()).toContainText("蒲江县张家猕猴桃家庭农场");
});

test("the category filter narrows the market to that category", async ({ page }) => {
  await page.goto("/listings");
  // Unfiltered, the market mixes categories.
  const all = await expectResults(page);
  expect(all.some((title) => title.includes("苹果"))).toBe(true);

  await page.getByText("筛选", { exact: true }).click(); // opens the <details>
  await page.getByRole("combobox", { name: "分类" }).selectOption({ label: "茶叶" });
  await page.getByRole("button", { name: "应用筛选" }).click();

  await expect(page).toHaveURL(/[?&]category=tea(&|$)/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("茶叶");
  await expect(page.getByRole("status")).toHaveText("共 2 件商品");
  await expect(page.locator("main .grid .card")).toHaveCount(2);
  expect((await resultTitles(page)).sort()).toEqual(["西湖龙井 明前特级 250g 罐装", "西湖龙井 雨前一级 250g 纸包"]);
  await expect(page.getByRole("list", { name: "分类" }).getByRole("link", { name: "茶叶" })).toHaveAttribute("aria-current", "true");
  await expect(page.getByRole("combobox", { name: "分类" })).toHaveValue("tea");

  // A query inside the category: 苹果 is not tea.
  await page.getByRole("search").getByRole("searchbox").fill("苹果");
  await page.getByRole("search").getByRole("button", { name: "搜索" }).click();
  await expect(page).toHaveURL(/category=tea/);
  await expect(page.getByText("没有找到符合条件的商品")).toBeVisible();
});

test("a search with no results says so", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("search").getByRole("searchbox").fill("火星土豆");
  await page.getByRole("search").getByRole("button", { name: "搜索" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("“火星土豆”的搜索结果");
  await expect(page.getByRole("status")).toHaveText("共 0 件商品");
  await expect(page.getByText("没有找到符合条件的商品")).toBeVisible();
  await expect(page.getByText("换个关键词，或者减少筛选条件试试。")).toBeVisible();
  await expect(page.locator("main .grid .card")).toHaveCount(0);
});

test("in English, the market and a listing speak English", async ({ page }) => {
  await page.goto("/listings?q=%E7%8C%95%E7%8C%B4%E6%A1%83"); // 猕猴桃
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  // The switch returns to the same search.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Results for “猕猴桃”");
  await expect(page.getByRole("status")).toHaveText(/^\d+ listings$/);
  await expect(page.getByRole("search").getByRole("button", { name: "Search" })).toBeVisible();
  await expect(page.getByRole("search").getByRole("searchbox")).toHaveAttribute("placeholder", "Search produce, e.g. apple, kiwi");
  await expect(page.getByText("Filters", { exact: true })).toBeVisible();

  const card = page.locator("main .grid .card").filter({ hasText: "蒲江红心猕猴桃 12枚礼盒" });
  await expect(card.locator(".price")).toHaveText("¥69.80/box");
  await expect(card.locator(".meta")).toContainText("Zhang Family Kiwifruit Farm, Pujiang");
  await card.getByRole("link").click();

  await expect(page.locator(".listing-info .price")).toHaveText("¥69.80/box");
  await expect(page.locator("section.producer-card").getByRole("heading")).toHaveText("Producer");
  await expect(page.locator("section.producer-card").getByRole("link", { name: "Zhang Family Kiwifruit Farm, Pujiang" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "About this product" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Log in" })).toBeVisible();
  await expect(page.getByText("生产者")).toHaveCount(0);
});

test("a buyer rates a picked-up order with a comment and a photo, without JavaScript; the producer page shows it with the credit breakdown", async ({
  browser,
}) => {
  const PEACH = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "peach.jpg");
  // The rating form is a plain multipart POST: it must work with scripts off.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, DEMO.buyer);
  await page.goto("/orders");
  const hrefs = (await page.locator("main a[href^='/orders/']").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""))).filter((h) =>
    /^\/orders\/\d+$/.test(h),
  );
  // The seed leaves the demo buyer's picked-up orders unrated: find one the page offers to rate.
  let sub = null;
  for (const href of hrefs) {
    await page.goto(href);
    const rateable = page.getByTestId("sub-order").filter({ has: page.getByTestId("rating-form") });
    if ((await rateable.count()) > 0) {
      sub = rateable.first();
      break;
    }
  }
  expect(sub, "an order with a sub-order to rate").not.toBeNull();
  const comment = `包装结实，果子很新鲜 ${Date.now().toString(36)}`;
  await sub!.locator("summary", { hasText: "评价" }).click();
  const form = sub!.getByTestId("rating-form");
  await form.locator("textarea").fill(comment);
  await form.locator('input[type="file"][name="photos"]').setInputFiles(PEACH);
  await form.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/\/orders\/\d+\?rated=\d+$/);
  const subOrderId = new URL(page.url()).searchParams.get("rated");

  // From the rated sub-order to its producer's page.
  await page.locator(`[data-testid="sub-order"][aria-label*="${subOrderId}"]`).getByRole("link", { name: "信用档案" }).click();
  await expect(page).toHaveURL(/\/producers\/\d+$/);
  const panel = page.getByTestId("credit-panel");
  await expect(panel.getByTestId("credit-score")).toHaveText(/^(信用分 \d+ \/ 100|暂无足够数据)$/);
  await expect(panel).toContainText("加权平均");
  await expect(panel.locator("tbody tr")).toHaveCount(7);
  await expect(panel.getByTestId("credit-ratings")).toContainText("买家评价");
  await expect(panel.getByTestId("credit-fulfilment")).toContainText("48 小时内发货");
  const review = page.getByTestId("review").filter({ hasText: comment });
  await expect(review).toHaveCount(1);
  await expect(review.locator("img")).toHaveCount(1);
  await expect(review.locator("img")).toHaveJSProperty("complete", true);
  await context.close();
});

test("a producer with too little data shows 暂无足够数据, one with enough shows its score and comments", async ({ page }) => {
  await page.goto(`/listings?q=${encodeURIComponent("龙井")}`);
  await page.locator("main .grid .card").first().getByRole("link").first().click();
  await page.locator("main a[href^='/producers/']").first().click();
  await expect(page.getByTestId("credit-score")).toHaveText("暂无足够数据");

  await page.goto(`/listings?q=${encodeURIComponent("猕猴桃")}`);
  await page.locator("main .grid .card").first().getByRole("link").first().click();
  await page.locator("main a[href^='/producers/']").first().click();
  await expect(page.getByTestId("credit-score")).toHaveText(/^信用分 \d+ \/ 100$/);
  await expect(page.getByTestId("poverty-badge")).toHaveText("帮扶产品");
  await expect(page.getByTestId("review").first()).toBeVisible();
});

test("the credit filter keeps producers with a score of at least N, and 信用优先 puts the best first", async ({ page }) => {
  await page.goto("/listings");
  await page.getByText("筛选", { exact: true }).click();
  await page.getByRole("combobox", { name: "信用分" }).selectOption({ label: "60 分及以上" });
  await page.getByRole("combobox", { name: "排序" }).selectOption({ label: "信用优先" });
  await page.getByRole("button", { name: "应用筛选" }).click();
  await expect(page).toHaveURL(/[?&]minCredit=60(&|$)/);
  const cards = page.locator("main .grid .card");
  await expect(cards.first()).toBeVisible();
  // The tea co-operative has too little data for a score: filtered out; every card shows its producer's score.
  await expect(cards.filter({ hasText: "龙井" })).toHaveCount(0);
  const scores = (await cards.locator(".badge", { hasText: /^信用 \d+$/ }).allTextContents()).map((s) => Number(s.replace(/\D/g, "")));
  expect(scores.length).toBe(await cards.count());
  expect(scores.every((s) => s >= 60)).toBe(true);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
});

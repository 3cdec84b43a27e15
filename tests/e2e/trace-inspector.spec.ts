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
import { expect, test, type Page } from "@playwright/test";
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
  for (const kde of ["召回编号", "召回级别", "召回原因", "包裹码", "发货时间", "到站时间", "取货时间", "经手站点人员", "发票号码"])
    expect(lines[0]).toContain(kde);
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

// ─── Corrections under review and consumers' reports (issue 10 §1, §5) ──────────────────────────
// On a phone (360 px). Each journey works on its own lot, so they hold in any order.

/** YYYY-MM-DD in Asia/Shanghai, `days` days ago. */
function shanghaiDaysAgo(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10);
}

async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
  expect(width, `scrollWidth of ${page.url()} at 360 px`).toBeLessThanOrEqual(360);
}

/** As the logged-in farmer: retracts the record naming `product` on lot `lotId`, with `reason`; it is held for review. */
async function retractRecord(page: Page, lotId: string, product: string, reason: string): Promise<void> {
  await page.goto(`/farm/batches/${lotId}`);
  const record = page.locator(".tf-timeline > li:not(.correction)").filter({ hasText: product });
  await record.first().getByRole("link", { name: "更正这条" }).click();
  await expect(page).toHaveURL(new RegExp(`/farm/batches/${lotId}/events/correction\\?seq=\\d+$`));
  await page.getByLabel("撤销这条记录（记错了）").check();
  await page.getByLabel("原因", { exact: true }).fill(reason);
  await page.getByRole("button", { name: "保存更正" }).click();
  await expect(page).toHaveURL(new RegExp(`/farm/batches/${lotId}\\?recorded=correction$`));
  await expect(page.locator("#pending-review")).toContainText("待监管审核");
  await expect(page.locator(".tf-findings.blocked")).toContainText(product);
}

/** As the logged-in inspector on /inspect: the queued correction of lot `lotId`, decided with `note`. */
async function decide(page: Page, lotId: string, reason: string, decision: "认可更正" | "不予认可", note: string): Promise<void> {
  await page.goto("/inspect");
  await expect(page.getByRole("heading", { name: "待审核更正" })).toBeVisible();
  const item = page.locator(".correction-queue > li").filter({ has: page.locator(`a[href="/inspect/lots/${lotId}"]`) });
  await expect(item).toHaveCount(1);
  await expect(item).toContainText(`原因：${reason}`);
  await expect(item.locator("del")).toBeVisible(); // the record it would lift, struck through
  await expectNoHorizontalOverflow(page);
  // A blank note (spaces pass the browser's own check) is refused under the note field; nothing is decided.
  await item.getByLabel("审核意见").fill("   ");
  await item.getByRole("button", { name: decision }).click();
  await expect(item.locator(".field-error")).toHaveText("请填写审核意见（最多 500 字）。");
  await expect(page.locator("main > section > p.form-error")).toHaveCount(0);
  await expect(item).toHaveCount(1);
  await item.getByLabel("审核意见").fill(note);
  await item.getByRole("button", { name: decision }).click();
  await expect(page).toHaveURL(/\/inspect\?done=review#corrections$/);
  await expect(page.getByRole("status").first()).toContainText("已记录审核结果");
  await expect(page.locator(".correction-queue > li").filter({ has: page.locator(`a[href="/inspect/lots/${lotId}"]`) })).toHaveCount(0);
}

test.describe("corrections and reports on a phone", () => {
  test.use({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });

  test("an inspector accepts a held correction: the record is struck through and no longer blocks the lot", async ({ page }) => {
    test.setTimeout(90_000);
    // The seeded greenhouse cowpea lot, blocked by abamectin sprayed inside its interval.
    const LOT = "LC2026-1120-07";
    const PRODUCT = "1.8%阿维菌素乳油";
    const REASON = "这条喷药记录登记错了批次，实际喷在 3 号棚";
    const NOTE = "已核对 3 号棚用药登记和购药票据，认可撤销";
    await login(page, DEMO.farmer);
    await page.goto("/farm/batches");
    await page.locator(".tf-item").filter({ hasText: LOT }).getByRole("link").first().click();
    await expect(page).toHaveURL(/\/farm\/batches\/\d+$/);
    const lotId = /\/farm\/batches\/(\d+)/.exec(page.url())![1];
    await retractRecord(page, lotId, PRODUCT, REASON);
    await logout(page);

    await login(page, DEMO.inspector, undefined, "/inspect");
    await decide(page, lotId, REASON, "认可更正", NOTE);

    // The inspector's lot page lists the correction in place, accepted, and no finding on the record.
    await page.goto(`/inspect/lots/${lotId}`);
    const corrected = page.locator(".lot-corrections > li").filter({ hasText: PRODUCT });
    await expect(corrected).toHaveAttribute("data-outcome", "retracted");
    await expect(corrected.locator("del")).toContainText(PRODUCT);
    await expect(corrected).toContainText("已撤销");
    const accepted = corrected.locator('li.correction[data-status="accepted"]');
    await expect(accepted).toContainText(`原因：${REASON}`);
    await expect(accepted).toContainText("监管已认可");
    await expect(accepted).toContainText(NOTE);
    await expect(page.locator(".chain-status")).toHaveAttribute("data-state", "ok");
    await expect(page.locator("ul.findings li").filter({ hasText: PRODUCT })).toHaveCount(0);
    await expectNoHorizontalOverflow(page);
    await logout(page);

    // The farmer: nothing awaits review, and the record no longer blocks the lot.
    await login(page, DEMO.farmer, undefined, `/farm/batches/${lotId}`);
    await expect(page).toHaveURL(new RegExp(`/farm/batches/${lotId}$`));
    await expect(page.locator(".tf-timeline > li.retracted")).toContainText(PRODUCT);
    await expect(page.locator("#pending-review")).toHaveCount(0);
    await expect(page.locator(".tf-findings").filter({ hasText: PRODUCT })).toHaveCount(0);
  });

  test("an inspector rejects a held correction: the banned record stands and keeps blocking the lot", async ({ page }) => {
    test.setTimeout(90_000);
    const REASON = `药瓶标签看错了 ${Date.now().toString(36)}`;
    const NOTE = "没有购药票据，也没有其他用药记录佐证，不予认可";
    // A new apple lot on which the farmer records a banned pesticide from the catalogue.
    await login(page, DEMO.farmer);
    await page.goto("/farm/batches/new");
    await page.getByLabel("产品", { exact: true }).selectOption({ label: "红富士苹果" });
    await page.getByLabel("种植（定植）日期").fill(shanghaiDaysAgo(120));
    await page.getByRole("button", { name: "建立批次" }).click();
    await expect(page).toHaveURL(/\/farm\/batches\/\d+\?notice=created$/);
    const lotId = /\/farm\/batches\/(\d+)/.exec(page.url())![1];
    await page.getByRole("link", { name: /施肥\/用药/ }).click();
    await expect(page).toHaveURL(new RegExp(`/farm/batches/${lotId}/events/input_application$`));
    // Typed in from the bottle (not in the catalogue), with its label's use: 甲胺磷 is banned outright.
    const product = "50%甲胺磷乳油";
    for (const legend of ["目录里没有？手动填写", "农药标签上的登记用途"]) {
      const details = page.locator("details.tf-more").filter({ has: page.locator("summary", { hasText: legend }) });
      if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator("summary").click();
    }
    await page.getByLabel("投入品名称").fill(product);
    await page.getByLabel("类别", { exact: true }).selectOption("pesticide");
    await page.getByLabel("有效成分").fill("甲胺磷");
    await page.getByLabel("标签登记的作物").selectOption("apple");
    await page.getByLabel("标签安全间隔期（天）").fill("14");
    await page.getByLabel("日期", { exact: true }).fill(shanghaiDaysAgo(30));
    await page.getByRole("button", { name: "保存记录" }).click();
    await expect(page).toHaveURL(new RegExp(`/farm/batches/${lotId}\\?recorded=input_application$`));
    await expect(page.locator(".tf-findings.blocked")).toContainText(product);
    await retractRecord(page, lotId, product, REASON);
    await logout(page);

    await login(page, DEMO.inspector, undefined, "/inspect");
    await decide(page, lotId, REASON, "不予认可", NOTE);

    await page.goto(`/inspect/lots/${lotId}`);
    const record = page.locator(".lot-corrections > li").filter({ hasText: product });
    await expect(record).toHaveAttribute("data-outcome", "none");
    await expect(record.locator("del")).toHaveCount(0);
    const rejected = record.locator('li.correction[data-status="rejected"]');
    await expect(rejected).toContainText("监管未认可，原记录有效");
    await expect(rejected).toContainText(NOTE);
    await expect(page.locator("ul.findings")).toContainText(product);
    await logout(page);

    await login(page, DEMO.farmer, undefined, `/farm/batches/${lotId}`);
    await expect(page.locator("#pending-review")).toHaveCount(0);
    await expect(page.locator(".tf-findings.blocked")).toContainText(product);
    await expect(page.locator('[data-correction-status="rejected"]')).toHaveText("监管未认可");
  });

  test("a consumer's 食品安全 report reaches the inspector's inbox, who marks it 处理中 with a note", async ({ page }) => {
    test.setTimeout(90_000);
    const MESSAGE = `打开后发现果肉发黑有异味，孩子吃了肚子疼 ${Date.now().toString(36)}`;
    const NOTE = "已联系生产者，安排抽检同批次产品";
    // A shopper, not logged in, from a published apple listing's trace page.
    await page.goto(`/listings?q=${encodeURIComponent("苹果")}`);
    await page.locator("main .grid .card").filter({ hasText: "苹果" }).first().getByRole("link").first().click();
    await expect(page).toHaveURL(/\/listings\/\d+$/);
    const href = (await page.locator("section#traceability a.trace-link").getAttribute("href"))!;
    await page.goto(href);
    await expect(page.locator("#verification")).toBeVisible();
    const report = page.locator("#report");
    await report.getByLabel("问题类型").selectOption({ label: "食品安全" });
    await report.getByLabel("问题描述").fill(MESSAGE);
    await report.getByRole("button", { name: "提交反馈" }).click();
    await expect(report).toContainText("已收到您的反馈，谢谢！");
    await expectNoHorizontalOverflow(page);

    await login(page, DEMO.inspector, undefined, "/inspect");
    await expect(page.getByRole("heading", { name: /消费者反馈/ })).toBeVisible();
    const item = page.locator(".report-inbox > li").filter({ hasText: MESSAGE });
    await expect(item).toHaveCount(1);
    await expect(item).toHaveAttribute("data-status", "open");
    await expect(item.locator(".badge").first()).toHaveText("新");
    await expect(item).toContainText("食品安全");
    await expectNoHorizontalOverflow(page);

    await item.getByLabel("状态").selectOption({ label: "处理中" });
    await item.getByLabel("处理意见（生产者可见）").fill(NOTE);
    await item.getByRole("button", { name: "保存" }).click();
    await expect(page).toHaveURL(/\/inspect\?done=report#reports$/);
    await expect(page.getByRole("status").first()).toContainText("已更新反馈状态");
    const handled = page.locator(".report-inbox > li").filter({ hasText: MESSAGE });
    await expect(handled).toHaveAttribute("data-status", "in_progress");
    await expect(handled.locator(".badge").first()).toHaveText("处理中");
    await expect(handled.getByLabel("处理意见（生产者可见）")).toHaveValue(NOTE);

    // The lot and its chain are one tap away.
    await handled.getByRole("link", { name: "查看批次和溯源链" }).click();
    await expect(page).toHaveURL(/\/inspect\/lots\/\d+$/);
    await expect(page.locator(".chain-status")).toHaveAttribute("data-state", "ok");
  });
});

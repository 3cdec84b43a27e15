/**
 * Cooperative admin journey (issue 12 §3), on a 360 px phone without JavaScript: 陈志强 (manager of
 * 洛川县苹果专业合作社) invites a household by a fresh phone number; that person signs up with the
 * number, sees the invitation and accepts; the admin starts a lot grown by that household; the
 * member sees the lot on their farm page and records its harvest; the public trace page names the
 * household (never the phone). A member is refused the member list, and a bad number is refused.
 * Removed, the member loses the lot; the lot keeps its record and the household's name.
 */
import { expect, test, type Page } from "@playwright/test";
import { DEMO, login, logout } from "./helpers";

function shanghaiDaysAgo(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10);
}

async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
  expect(width, "page width at 360 px").toBeLessThanOrEqual(360);
}

test.describe("a cooperative admin and a member household, on phones without JavaScript", () => {
  test.use({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, javaScriptEnabled: false });

  test("invite by phone → sign up and accept → a lot grown by the household → the member records its harvest → the trace page names the household", async ({
    page,
  }) => {
    const suffix = String(Date.now()).slice(-8);
    const phone = `137${suffix}`;
    const household = `王家${suffix.slice(-4)}户`;

    // 1. The admin opens the member list from the farm page and invites the household.
    await login(page, DEMO.coopAdmin);
    await page.goto("/farm");
    await page.getByRole("link", { name: "合作社社员" }).click();
    await expect(page).toHaveURL(/\/farm\/members$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("合作社社员");
    // The seeded households are listed (户名, role), with the waiting invitation.
    await expect(page.locator("[data-member]").filter({ hasText: "王建国户" })).toContainText("社员农户");
    await expect(page.locator("[data-member]").filter({ hasText: "刘家" })).toContainText("记录员");

    // A number that is not a mobile number is refused in words, and nothing is stored.
    await page.getByLabel("手机号").fill("12345");
    await page.getByLabel("户名（公开显示）").fill(household);
    await page.getByRole("button", { name: "发送邀请" }).click();
    await expect(page.getByText("请输入正确的 11 位手机号。")).toBeVisible();
    await expect(page.locator("[data-member]").filter({ hasText: household })).toHaveCount(0);

    await page.getByLabel("手机号").fill(phone);
    await page.getByLabel("户名（公开显示）").fill(household);
    await page.getByLabel(/社员农户/).check();
    await expectNoHorizontalOverflow(page);
    await page.getByRole("button", { name: "发送邀请" }).click();
    await expect(page).toHaveURL(/\/farm\/members\?notice=invited$/);
    const invited = page.locator("[data-member]").filter({ hasText: household });
    await expect(invited).toContainText("待确认");
    await expect(invited).toContainText("尚未确认");
    await logout(page);

    // 2. The person signs up with that number: the invitation is the first thing they see.
    await page.goto("/signup");
    await page.locator('input[name="phone"]').fill(phone);
    await page.locator('input[name="displayName"]').fill("王大哥");
    await page.locator('input[name="password"]').fill("cunpin123");
    await page.locator('input[name="passwordConfirm"]').fill("cunpin123");
    await page.locator("main form").getByRole("button", { name: "注册" }).click();
    await expect(page).toHaveURL(/\/account\/invitations$/);
    const invitation = page.locator("[data-invitation]");
    await expect(invitation).toContainText("洛川县苹果专业合作社");
    await expect(invitation).toContainText(household);
    await expectNoHorizontalOverflow(page);
    await invitation.getByRole("button", { name: "接受邀请" }).click();
    await expect(page).toHaveURL(/\/farm\?joined=1$/);
    await expect(page.getByText("已加入合作社。")).toBeVisible();
    await expect(page.getByRole("heading", { name: "你参与的批次" })).toBeVisible();
    await expect(page.getByText("暂时没有分配给你的批次。")).toBeVisible();
    // A member does not manage the cooperative: the member list answers 403.
    const refused = await page.goto("/farm/members");
    expect(refused?.status()).toBe(403);
    await logout(page);

    // 3. The admin sees the household as a member and starts a lot grown by it.
    await login(page, DEMO.coopAdmin);
    await page.goto("/farm/members");
    await expect(page.locator("[data-member]").filter({ hasText: household })).toContainText("在册");
    await expect(page.locator("[data-member]").filter({ hasText: household })).toContainText("王大哥");
    await page.goto("/farm/batches/new");
    await page.getByLabel("产品", { exact: true }).selectOption({ label: "红富士苹果" });
    await page.getByLabel("种植（定植）日期").fill(shanghaiDaysAgo(120));
    await page.getByLabel("种植户").selectOption({ label: household });
    await page.getByRole("button", { name: "建立批次" }).click();
    await expect(page).toHaveURL(/\/farm\/batches\/\d+\?notice=created$/);
    await expect(page.getByTestId("batch-household")).toHaveText(household);
    const lotId = /\/farm\/batches\/(\d+)/.exec(page.url())![1];
    const lotCode = (await page.locator(".tf-head .tf-lot").textContent())!.replace(/^.*[：:]\s*/, "").trim();
    await logout(page);

    // 4. The member logs in: their farm page lists the lot; they open it and record the harvest.
    await login(page, phone, "cunpin123");
    await page.goto("/farm");
    const lotLink = page.locator(".member-lots").getByRole("link", { name: new RegExp(lotCode) });
    await expect(lotLink).toBeVisible();
    await lotLink.click();
    await expect(page).toHaveURL(new RegExp(`/farm/batches/${lotId}$`));
    await expect(page.getByText("你以社员身份查看此批次")).toBeVisible();
    await page.getByRole("link", { name: /采收/ }).first().click();
    await expect(page).toHaveURL(new RegExp(`/farm/batches/${lotId}/events/harvest$`));
    await page.getByLabel("数量", { exact: true }).fill("320");
    await expectNoHorizontalOverflow(page);
    await page.getByRole("button", { name: "保存采收记录" }).click();
    await expect(page).toHaveURL(new RegExp(`/farm/batches/${lotId}\\?recorded=harvest$`));
    await expect(page.getByRole("status").first()).toHaveText("已记录：采收。");

    // 5. The public trace page names the household, not the person's phone.
    const tracePath = await page.locator('a[href^="/01/"]').first().getAttribute("href");
    await logout(page);
    await page.goto(tracePath!);
    await expect(page.getByTestId("trace-household")).toHaveText(`种植户：${household}`);
    expect(await page.content()).not.toContain(phone);

    // 6. The admin removes the household: the member loses the lot, the record and the name stay.
    await login(page, DEMO.coopAdmin);
    await page.goto("/farm/members");
    await page.locator("[data-member]").filter({ hasText: household }).getByRole("button", { name: "移除社员" }).click();
    await expect(page).toHaveURL(/\/farm\/members\?notice=removed$/);
    await expect(page.getByRole("status")).toContainText("已移除");
    await logout(page);
    await login(page, phone, "cunpin123");
    const gone = await page.goto(`/farm/batches/${lotId}`);
    expect(gone?.status()).toBe(403);
    await page.goto(tracePath!);
    await expect(page.getByTestId("trace-household")).toHaveText(`种植户：${household}`);
    await expect(page.locator("ol.timeline")).toContainText("320");
  });
});

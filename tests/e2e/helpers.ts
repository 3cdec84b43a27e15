/** Shared steps for browser journeys. Demo accounts come from the seeds (see README). */
import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "cunpin123";

export const DEMO = {
  buyer: "13800000001", // 王小美
  farmer: "13800000002", // 李建国, owner of 洛川县苹果专业合作社
  kiwiFarmer: "13800000003", // 张秀英, 蒲江县张家猕猴桃家庭农场
  coopAdmin: "13800000004", // 陈志强, manager of 洛川县苹果专业合作社
  deliveryOperator: "13800000005", // 赵师傅
  inspector: "13800000006", // 刘检
  platformAdmin: "13800000007", // 平台管理员
  coopMemberFarmer: "13800000030", // 王建国, member farmer (王建国户) of 洛川县苹果专业合作社
  coopRecordKeeper: "13800000031", // 刘秀兰, record keeper (刘家) of 洛川县苹果专业合作社
  countyOfficial: "13800000009", // 洛川县商务局 (statistics of 洛川县 only)
  inputSeller: "13800000040", // 孙农资, 洛川县丰收农资经营部 (seeds/demo-inputs.ts)
} as const;

/** Logs in through the real /login form and waits until the page has left /login. */
export async function login(page: Page, phone: string, password = DEMO_PASSWORD, redirectTo?: string): Promise<void> {
  await page.goto(redirectTo ? `/login?redirectTo=${encodeURIComponent(redirectTo)}` : "/login");
  await page.locator('input[name="phone"]').fill(phone);
  await page.locator('input[name="password"]').fill(password);
  await page
    .locator('form button[type="submit"]')
    .filter({ hasText: /登录|Log in/ })
    .click();
  await expect(page).not.toHaveURL(/\/login(\?|$)/);
}

/** Logs out with the header button (a POST form). */
export async function logout(page: Page): Promise<void> {
  await page.getByRole("button", { name: /退出|Log out/ }).click();
  await expect(page.getByRole("link", { name: /登录|Log in/ })).toBeVisible();
}

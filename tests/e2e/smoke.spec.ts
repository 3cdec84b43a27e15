/** Smoke journey: the app is up, speaks Chinese first, switches language, and logs people in. */
import { expect, test } from "@playwright/test";
import { DEMO, login } from "./helpers";

test("home page loads in Simplified Chinese", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("link", { name: "逛市集" }).first()).toBeVisible();
  await expect(page).toHaveTitle(/村品/);
});

test("/healthz says the database is reachable", async ({ request }) => {
  const res = await request.get("/healthz");
  expect(res.status()).toBe(200);
  expect(res.headers()["cache-control"]).toBe("no-store");
  expect(await res.json()).toMatchObject({ status: "ok", database: { reachable: true, journalMode: "wal" } });
});

test("the header button switches to English and back", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("link", { name: "Market" }).first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Log in" })).toBeVisible();
  // The choice sticks across pages (cookie), then the same button switches back.
  await page.goto("/login");
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText(/登录/);
  await page.getByRole("button", { name: "中文" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("link", { name: "逛市集" }).first()).toBeVisible();
});

test("the demo buyer logs in, and a wrong password shows a translated error", async ({ page }) => {
  await page.goto("/login");
  await page.locator('input[name="phone"]').fill(DEMO.buyer);
  await page.locator('input[name="password"]').fill("wrong-password");
  await page.locator("form button[type=submit]").filter({ hasText: "登录" }).click();
  await expect(page.getByRole("alert")).toHaveText("手机号或密码不正确");
  await expect(page).toHaveURL(/\/login/);

  await login(page, DEMO.buyer);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("button", { name: "退出" })).toBeVisible();
  await expect(page.getByRole("link", { name: "登录" })).toHaveCount(0);
});

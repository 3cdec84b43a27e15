/** Smoke journey: the app is up, speaks Chinese first, switches language, and logs people in. */
import { expect, test } from "@playwright/test";
import { DEMO, DEMO_PASSWORD, login } from "./helpers";

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

// ─── Issue 11: headers, CSP, cross-site requests, redirects, body limits ──────────────────────

test("pages carry a nonce CSP and run under it: every script has the nonce, the app hydrates, no violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|CSP violation/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  // The cart hydrates (the market and the trace page ship no script since issue 13).
  const res = await page.goto("/cart");
  const headers = res!.headers();
  const csp = headers["content-security-policy"];
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'(;|$)/);
  expect(csp).not.toContain("unsafe-inline'; script");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  // Every script the server rendered (Remix, React streaming, the messages) carries the nonce.
  const scripts = await page.locator("script").evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(2);
  for (const n of scripts) expect(n).toBe(nonce);

  // Hydrated: a header link navigates on the client, without a new document request.
  let documents = 0;
  page.on("request", (r) => {
    if (r.resourceType() === "document") documents++;
  });
  await page.getByRole("link", { name: "一村一品" }).first().click();
  await expect(page).toHaveURL(/\/villages$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect(documents).toBe(0);
  expect(violations).toEqual([]);
});

test("a form auto-submitted from another site neither logs the buyer out nor switches the language (403)", async ({ page }) => {
  await login(page, DEMO.buyer);
  const origin = new URL(page.url()).origin;
  const attack = (action: string, fields: string) =>
    `<form id="f" method="post" action="${origin}${action}">${fields}</form><script>document.getElementById("f").submit()</script>`;
  for (const [action, fields] of [
    ["/logout", ""],
    ["/set-locale", '<input name="locale" value="en"><input name="redirectTo" value="/">'],
    ["/cart", '<input name="intent" value="remove"><input name="listingId" value="1">'],
  ]) {
    await page.route("https://evil.example/", (route) => route.fulfill({ contentType: "text/html", body: attack(action, fields) }));
    const answer = page.waitForResponse((r) => r.url() === `${origin}${action}`);
    await page.goto("https://evil.example/");
    expect((await answer).status(), action).toBe(403);
    await page.unroute("https://evil.example/");
  }
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("button", { name: "退出" })).toBeVisible();
  // A cross-origin POST to a page route is refused before Remix (it used to be a logged 500).
  const res = await page.request.post("/login", { headers: { Origin: "https://evil.example" }, form: { phone: DEMO.buyer, password: DEMO_PASSWORD } });
  expect(res.status()).toBe(403);
});

test("login and the language switch never redirect off the site", async ({ page }) => {
  await page.route(
    (url) => url.hostname.endsWith("evil.example"),
    (route) => route.abort(),
  );
  await page.goto("/");
  const origin = new URL(page.url()).origin;
  for (const to of ["/\t/evil.example", "/\\evil.example", "//evil.example", "https://evil.example/"]) {
    await page.context().clearCookies();
    await login(page, DEMO.buyer, DEMO_PASSWORD, to);
    await expect(page).toHaveURL(`${origin}/`);
  }
  for (const to of ["/\t/evil.example", "/\\evil.example", "//evil.example", "https://evil.example/", "/%2e//evil.example"]) {
    const res = await page.request.post("/set-locale", { form: { locale: "zh", redirectTo: to }, maxRedirects: 0 });
    expect(res.status(), to).toBe(302);
    expect(res.headers()["location"], to).toBe("/");
  }
  const ok = await page.request.post("/set-locale", { form: { locale: "zh", redirectTo: "/listings?page=2" }, maxRedirects: 0 });
  expect(ok.headers()["location"]).toBe("/listings?page=2");
});

test("a form body over the limit is answered 413 before the app reads it", async ({ request }) => {
  const started = Date.now();
  const res = await request.post("/login", {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    data: `phone=1&password=${"x".repeat(2 * 1024 * 1024)}`,
  });
  expect(res.status()).toBe(413);
  expect(Date.now() - started).toBeLessThan(10_000);
});

test("a trace page served from the cache ships no script (issue 13) and breaks no CSP rule", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.goto(`/listings?q=${encodeURIComponent("苹果")}`);
  await page.locator("main .grid .card").filter({ hasText: "苹果" }).first().getByRole("link").first().click();
  const href = (await page.locator("section#traceability a.trace-link").getAttribute("href"))!;
  await page.goto(href);
  const res = (await page.goto(href))!;
  expect(res.headers()["x-cunpin-cache"]).toBe("hit");
  const nonce = /'nonce-([^']+)'/.exec(res.headers()["content-security-policy"])![1];
  const scripts = await page.locator("script").evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
  for (const n of scripts) expect(n).toBe(nonce);
  expect(res.headers()["x-content-type-options"]).toBe("nosniff");
  // The trace page ships no script at all (issue 13): nothing there for a nonce to allow.
  expect(scripts).toEqual([]);
  expect(violations).toEqual([]);
});

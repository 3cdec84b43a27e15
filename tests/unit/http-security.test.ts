/**
 * Issue 11 §3 and §5, over real HTTP: server.js's middleware (server/security.js) on a small Express
 * app with the same order as server.js. Cross-site state-changing requests are refused with 403
 * before any route runs (the webhook exempt); bodies over their limit get 413 without being read;
 * security headers and CSP on every response; Secure cookies and HSTS over HTTPS, where
 * X-Forwarded-Proto counts only with TRUST_PROXY. And safeRedirect against open-redirect tricks.
 */
import express from "express";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyLimit, contentSecurityPolicy, FORM_BODY_LIMIT, sameOriginGuard, securityHeaders, tileOrigins, trustProxySetting } from "../../server/security.js";
import { safeRedirect } from "~/utils/safe-redirect";

const UPLOAD_LIMIT = 61 * 1024 * 1024;

type Refusal = { claimed: string | null; schemeOnly: boolean };
type Server = { base: string; port: number; reached: string[]; refused: Refusal[]; receivedBytes: () => number; close: () => Promise<void> };

async function startApp(opts: { trustProxy?: boolean | number | string; publicOrigin?: string } = {}): Promise<Server> {
  const reached: string[] = [];
  const refused: Refusal[] = [];
  const app = express();
  app.set("trust proxy", opts.trustProxy ?? false);
  app.use(securityHeaders({ trustProxy: opts.trustProxy ?? false, tileUrl: "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png" }));
  app.use(bodyLimit({ uploadLimit: UPLOAD_LIMIT }));
  app.use(sameOriginGuard({ trustProxy: opts.trustProxy ?? false, publicOrigin: opts.publicOrigin, onRefuse: (d) => refused.push(d) }));
  // Stands for Remix: records that a route ran, reads the whole body, sets a cookie.
  app.all("*", (req, res) => {
    reached.push(`${req.method} ${req.path}`);
    let n = 0;
    req.on("data", (c: Buffer) => (n += c.length));
    req.on("end", () => {
      if (req.path.endsWith(".pdf")) return void res.type("application/pdf").send(Buffer.from("%PDF-1.4"));
      res.setHeader("Set-Cookie", ["cp_session=abc; Path=/; HttpOnly; SameSite=Lax", "lng=en; Path=/"]);
      res.type("html").send(`<p>${n}</p>`);
    });
  });
  const server = http.createServer(app);
  let received = 0;
  server.on("connection", (socket) => socket.on("data", (d: Buffer) => (received += d.length)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    reached,
    refused,
    receivedBytes: () => received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let app: Server;
beforeAll(async () => {
  app = await startApp({ publicOrigin: "https://cunpin.example" });
});
afterAll(() => app.close());

const form = (headers: Record<string, string> = {}, method = "POST") => ({
  method,
  headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  body: "locale=en&redirectTo=%2F",
  redirect: "manual" as const,
});

describe("cross-site requests", () => {
  it("are refused with 403 before any route runs: /logout, /set-locale, page routes, every unsafe method", async () => {
    const before = app.reached.length;
    for (const path of ["/logout", "/set-locale", "/login", "/farm/listings/new", "/orders/1/pay"]) {
      const res = await fetch(`${app.base}${path}`, form({ origin: "https://evil.example" }));
      expect(res.status, path).toBe(403);
      expect(await res.text()).toMatch(/cross-site/);
    }
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      expect((await fetch(`${app.base}/logout`, form({ origin: "https://evil.example" }, method))).status).toBe(403);
    }
    // The Origin a sandboxed frame or a privacy redirect sends.
    expect((await fetch(`${app.base}/logout`, form({ origin: "null" }))).status).toBe(403);
    // Same host, other scheme or port: another origin.
    expect((await fetch(`${app.base}/logout`, form({ origin: `https://127.0.0.1:${app.port}` }))).status).toBe(403);
    expect((await fetch(`${app.base}/logout`, form({ origin: `http://127.0.0.1:${app.port + 1}` }))).status).toBe(403);
    // Without Origin: the Referer decides; without both, a browser's Sec-Fetch-Site does.
    expect((await fetch(`${app.base}/logout`, form({ referer: "https://evil.example/page" }))).status).toBe(403);
    expect((await fetch(`${app.base}/logout`, form({ "sec-fetch-site": "cross-site" }))).status).toBe(403);
    expect(app.reached.length).toBe(before);
    // server.js logs each refusal; a scheme-only mismatch (an HTTPS proxy not trusted) gets a hint.
    expect(app.refused.find((r) => r.claimed === `https://127.0.0.1:${app.port}`)?.schemeOnly).toBe(true);
    expect(app.refused.find((r) => r.claimed === "https://evil.example")?.schemeOnly).toBe(false);
  });

  it("from this site (or PUBLIC_ORIGIN) pass, as do GETs, non-browser clients and the signed Stripe webhook", async () => {
    const before = app.reached.length;
    expect((await fetch(`${app.base}/logout`, form({ origin: app.base }))).status).toBe(200);
    expect((await fetch(`${app.base}/set-locale`, form({ referer: `${app.base}/listings?q=1` }))).status).toBe(200);
    expect((await fetch(`${app.base}/login`, form({ origin: "https://cunpin.example" }))).status).toBe(200);
    expect((await fetch(`${app.base}/login`, form({ "sec-fetch-site": "same-origin" }))).status).toBe(200);
    expect((await fetch(`${app.base}/login`, form())).status).toBe(200);
    expect((await fetch(`${app.base}/listings`, { headers: { origin: "https://evil.example" } })).status).toBe(200);
    const webhook = await fetch(`${app.base}/webhooks/stripe`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/json" },
      body: "{}",
    });
    expect(webhook.status).toBe(200);
    expect(app.reached.slice(before)).toEqual([
      "POST /logout",
      "POST /set-locale",
      "POST /login",
      "POST /login",
      "POST /login",
      "GET /listings",
      "POST /webhooks/stripe",
    ]);
  });
});

/**
 * Sends headers declaring `declared` bytes, then keeps streaming the body until the server closes
 * the connection (or all is sent): a server that drained the body would take it all in.
 */
function oversizePost(port: number, path: string, declared: number, contentType: string): Promise<{ head: string; sent: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let head = "";
    let sent = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ head, sent, ms: Date.now() - started });
    };
    const chunk = Buffer.alloc(256 * 1024, "a");
    const pump = () => {
      while (!done && sent < declared) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once("drain", pump);
      }
      if (sent >= declared) socket.end();
    };
    socket.on("connect", () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: ${contentType}\r\nContent-Length: ${declared}\r\n\r\n`);
      pump();
    });
    socket.on("data", (d) => {
      head += d.toString("latin1");
    });
    socket.on("error", finish);
    socket.on("close", finish);
  });
}

describe("request bodies", () => {
  it("over the form limit: 413 at once, the connection closed, the body never read (200 MB POST /login)", async () => {
    const before = app.reached.length;
    const received = app.receivedBytes();
    const r = await oversizePost(app.port, "/login", 200 * 1024 * 1024, "application/x-www-form-urlencoded");
    expect(r.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.head).toMatch(/connection: close/i);
    expect(r.ms).toBeLessThan(5_000);
    // Socket buffers aside, the server took in a few MB at most of the 200 MB, and closed on the client.
    expect(app.receivedBytes() - received).toBeLessThan(16 * 1024 * 1024);
    expect(r.sent).toBeLessThan(64 * 1024 * 1024);
    expect(app.reached.length).toBe(before);
  });

  it("multipart gets the upload limit on the photo routes only; a chunked body is refused with 411", async () => {
    const multipart = "multipart/form-data; boundary=x";
    expect((await oversizePost(app.port, "/farm/listings/new", UPLOAD_LIMIT + 1, multipart)).head).toMatch(/^HTTP\/1\.1 413 /);
    expect((await oversizePost(app.port, "/account", FORM_BODY_LIMIT + 1, multipart)).head).toMatch(/^HTTP\/1\.1 413 /);
    // Within the limits: the route runs and reads it all.
    const photo = await fetch(`${app.base}/farm/listings/12/edit`, {
      method: "POST",
      headers: { "content-type": multipart },
      body: Buffer.alloc(2 * 1024 * 1024),
    });
    expect(photo.status).toBe(200);
    expect(await photo.text()).toContain(String(2 * 1024 * 1024));
    const small = await fetch(`${app.base}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "x".repeat(FORM_BODY_LIMIT),
    });
    expect(small.status).toBe(200);
    const chunked = await fetch(`${app.base}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode("a=1")), c.close()) }),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(411);
  });
});

describe("response headers", () => {
  it("HTML: CSP with a fresh nonce per response, no inline scripts, no framing; nosniff, referrer policy; no HSTS over http", async () => {
    const a = await fetch(`${app.base}/`);
    const b = await fetch(`${app.base}/`);
    const csp = a.headers.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'(;|$)/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("img-src 'self' data: blob: https://*.tile.openstreetmap.org");
    expect(csp).toContain("object-src 'none'");
    expect(b.headers.get("content-security-policy")).not.toBe(csp);
    expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    expect(a.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(a.headers.get("strict-transport-security")).toBeNull();
    expect(a.headers.getSetCookie().some((c) => /;\s*secure/i.test(c))).toBe(false);
    // Page policies on HTML only (a PDF under object-src 'none' can trip the browser's viewer).
    const pdf = await fetch(`${app.base}/invoices/1.pdf`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-security-policy")).toBeNull();
    expect(pdf.headers.get("x-content-type-options")).toBe("nosniff");
    // A client cannot claim HTTPS unless the server trusts a proxy.
    const claimed = await fetch(`${app.base}/`, { headers: { "x-forwarded-proto": "https" } });
    expect(claimed.headers.get("strict-transport-security")).toBeNull();
  });

  it("behind a trusted proxy over HTTPS: HSTS and Secure on every cookie; the https origin is this site's", async () => {
    const proxied = await startApp({ trustProxy: trustProxySetting("true") });
    try {
      const res = await fetch(`${proxied.base}/`, { headers: { "x-forwarded-proto": "https" } });
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
      const cookies = res.headers.getSetCookie();
      expect(cookies).toHaveLength(2);
      for (const c of cookies) expect(c).toMatch(/; Secure$/);
      const https = { "x-forwarded-proto": "https", "x-forwarded-host": "cunpin.example" };
      expect((await fetch(`${proxied.base}/logout`, form({ ...https, origin: "https://cunpin.example" }))).status).toBe(200);
      expect((await fetch(`${proxied.base}/logout`, form({ ...https, origin: "http://cunpin.example" }))).status).toBe(403);
    } finally {
      await proxied.close();
    }
  });

  it("image origins come only from the configured tile URL", () => {
    expect(tileOrigins(undefined)).toEqual([]);
    expect(tileOrigins("https://tiles.example.cn/{z}/{x}/{y}.png")).toEqual(["https://tiles.example.cn"]);
    expect(tileOrigins("javascript:alert(1)")).toEqual([]);
    expect(contentSecurityPolicy("n0nce", {})).toMatch(/img-src 'self' data: blob:;/);
  });
});

describe("safeRedirect (login, signup, language switch)", () => {
  it.each([
    ["/\t/evil.example", "tab between slashes (the browser drops it: //evil.example)"],
    ["/\n/evil.example", "newline"],
    ["/\\evil.example", "backslash (read as /)"],
    ["/\\/evil.example", "slash backslash slash"],
    ["\\\\evil.example", "two backslashes"],
    ["//evil.example", "network-path reference"],
    ["///evil.example", "three slashes"],
    ["/.//evil.example", "dot segment that normalises to //"],
    ["/%2e//evil.example", "encoded dot segment"],
    ["https://evil.example/", "absolute URL"],
    ["HTTPS://evil.example", "upper-case scheme"],
    ["javascript:alert(1)", "script URL"],
    ["evil.example", "relative path"],
    [" /listings", "leading space"],
    ["/\u3000/evil.example", "ideographic space"],
    ["", "empty"],
  ])("refuses %j (%s)", (to) => {
    expect(safeRedirect(to)).toBe("/");
    expect(safeRedirect(to, "/account")).toBe("/account");
  });

  it("keeps same-site paths, query and hash", () => {
    expect(safeRedirect("/checkout")).toBe("/checkout");
    expect(safeRedirect("/listings?q=%E8%8B%B9%E6%9E%9C&page=2#top")).toBe("/listings?q=%E8%8B%B9%E6%9E%9C&page=2#top");
    expect(safeRedirect("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example");
    expect(safeRedirect("/orders/../cart")).toBe("/cart");
    expect(safeRedirect("/01/06975000000017/10/LOT-1")).toBe("/01/06975000000017/10/LOT-1");
  });
});

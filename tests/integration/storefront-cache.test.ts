/**
 * Issue 14 §1 and §4 over real HTTP: server.js's storefront cache ahead of Remix, with two
 * separate server.js processes (A and B) and one WEB_CONCURRENCY=2 cluster (C) on one seeded
 * database. Changes made by this test process (a third connection, like a script) and through
 * process A must show at once everywhere; logged-in users get their own header; trace scans
 * counted in two processes add up; the background sweep runs in one process only.
 */
import { createCookieSessionStorage } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../db/client";
import { createSession, loadAuthUser } from "../../market/accounts/accounts";
import { getListingForEdit, setListingStatus, updateListing } from "../../market/listings/listings";
import { openRecall } from "../../traceability/recall";
import { get, prepareSeededApp, startServer, type AppEnv, type RunningServer } from "../helpers/app-server";

let env: AppEnv;
let cleanup = () => {};
let db: Db;
let a: RunningServer;
let b: RunningServer;
const servers: RunningServer[] = [];

beforeAll(async () => {
  ({ env, cleanup } = prepareSeededApp("storefront-cache"));
  db = openDatabase(env.DATABASE_PATH!);
  // A short sweep interval so that a few sweeps happen during the file.
  a = await startServer(env, { SWEEP_INTERVAL_MS: "300" });
  b = await startServer(env, { SWEEP_INTERVAL_MS: "300" });
  servers.push(a, b);
}, 300_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  db?.$client.close();
  cleanup();
});

type Row = { id: number; producerId: number; ownerId: number };
/** Published listings with their producer's owner, each test taking its own. */
function publishedListings(): Row[] {
  return db.$client
    .prepare(
      `select l.id, l.producer_id as producerId, m.user_id as ownerId from listings l
       join producer_members m on m.producer_id = l.producer_id and m.role = 'owner'
       where l.status = 'published' and l.stock > 0
         and exists (select 1 from listing_photos p where p.listing_id = l.id)
       order by l.id`,
    )
    .all() as Row[];
}

function editInput(ownerId: number, listingId: number) {
  const owner = loadAuthUser(db, ownerId)!;
  const { listing, product, certifications } = getListingForEdit(db, owner, listingId);
  return {
    owner,
    input: {
      categoryId: listing.categoryId,
      productName: product.nameZh,
      title: listing.title,
      description: listing.description,
      unit: listing.unit,
      priceFen: listing.priceFen,
      stock: listing.stock,
      certifications,
    },
  };
}

async function sessionCookie(userId: number): Promise<string> {
  const storage = createCookieSessionStorage({ cookie: { name: "cp_session", secrets: [env.SESSION_SECRET!], path: "/" } });
  const session = await storage.getSession();
  session.set("sessionId", createSession(db, userId).id);
  return (await storage.commitSession(session)).split(";")[0];
}

/** Two GETs: the second must come from the cache (warms it for the next assertion). */
/**
 * Waits until the background sweep has recomputed every credit score a previous test marked stale
 * (a recall, a status change): a recomputed score that moved rightly empties the storefront cache
 * (cards show 信用 N), and it must not land between this test's two requests. Waits on the database
 * showing it, not on a clock.
 */
async function creditSettled(): Promise<void> {
  const pending = db.$client.prepare(
    `select (select count(*) from producer_credit where stale = 1) + (select count(*) from producers where id not in (select producer_id from producer_credit))`,
  );
  const deadline = Date.now() + 60_000;
  while ((pending.pluck().get() as number) > 0) {
    if (Date.now() > deadline) throw new Error("credit scores stayed stale for a minute: is the sweep running?");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function warm(url: string): Promise<string> {
  await creditSettled();
  await get(url);
  const r = await get(url);
  expect(r.status).toBe(200);
  expect(r.headers["x-cunpin-cache"]).toBe("hit");
  return r.body;
}

describe("anonymous storefront pages from the cache", () => {
  it("serves each storefront page from the cache on the second request", async () => {
    const [l] = publishedListings();
    const villageId = db.$client.prepare("select village_id from producers where id = ? and village_id is not null").pluck().get(l.producerId);
    const paths = ["/", "/listings", `/listings?q=${encodeURIComponent("苹果")}`, `/listings/${l.id}`, `/producers/${l.producerId}`, "/villages"];
    if (villageId) paths.push(`/villages/${villageId}`);
    for (const p of paths) {
      const first = await get(a.base + p);
      expect(first.status, p).toBe(200);
      const second = await get(a.base + p);
      expect(second.headers["x-cunpin-cache"], p).toBe("hit");
      expect(second.body.length, p).toBeGreaterThan(1000);
    }
  });

  it("shows a new price and a sold-out listing at once, in both processes", async () => {
    const [l] = publishedListings();
    const { owner, input } = editInput(l.ownerId, l.id);
    await warm(`${a.base}/listings/${l.id}`);
    await warm(`${b.base}/listings/${l.id}`);
    updateListing(db, owner, l.id, { ...input, priceFen: 98_765 });
    for (const s of [a, b]) {
      const r = await get(`${s.base}/listings/${l.id}`);
      expect(r.headers["x-cunpin-cache"]).toBe("miss");
      expect(r.body).toContain("¥987.65");
    }
    await warm(`${b.base}/listings/${l.id}`);
    updateListing(db, owner, l.id, { ...input, priceFen: 98_765, stock: 0 });
    const soldOut = await get(`${b.base}/listings/${l.id}`);
    expect(soldOut.body).toContain("已售罄");
  });

  it("drops a paused listing at once", async () => {
    const l = publishedListings()[1];
    const owner = loadAuthUser(db, l.ownerId)!;
    await warm(`${b.base}/listings/${l.id}`);
    setListingStatus(db, owner, l.id, "paused");
    expect((await get(`${b.base}/listings/${l.id}`)).status).toBe(404);
  });

  it("shows a recall at once", async () => {
    const row = db.$client
      .prepare(
        `select lb.listing_id as listingId, lb.batch_id as batchId from listing_batches lb join listings l on l.id = lb.listing_id
         where l.status = 'published' order by lb.listing_id limit 1`,
      )
      .get() as { listingId: number; batchId: number };
    const inspectorId = db.$client.prepare("select user_id from user_roles where role in ('inspector', 'platform_admin') limit 1").pluck().get() as number;
    const before = await warm(`${a.base}/listings/${row.listingId}`);
    expect(before).toContain("<h1");
    openRecall(db, loadAuthUser(db, inspectorId)!, row.batchId, "农残超标（测试）");
    // Recalled listings are no longer public.
    expect((await get(`${a.base}/listings/${row.listingId}`)).status).toBe(404);
  });

  it("a logged-in user gets their own header, and the anonymous page stays anonymous", async () => {
    const [l] = publishedListings();
    const url = `${a.base}/listings/${l.id}`;
    await warm(url);
    const cookie = await sessionCookie(l.ownerId);
    const mine = await get(url, { Cookie: cookie });
    expect(mine.status).toBe(200);
    expect(mine.headers["x-cunpin-cache"]).toBeUndefined();
    expect(mine.body).toContain("退出"); // log out
    expect(mine.body).toContain('href="/farm"');
    const anonymous = await get(url);
    expect(anonymous.headers["x-cunpin-cache"]).toBe("hit");
    expect(anonymous.body).not.toContain("退出");
    expect(anonymous.body).toContain("/login?redirectTo=");
  });

  it("a change made through process A is not served stale by process B", async () => {
    const l = publishedListings()[0];
    const url = `/listings/${l.id}`;
    expect(await warm(b.base + url)).not.toContain("notPublished");
    const cookie = await sessionCookie(l.ownerId);
    const form = new FormData();
    form.set("intent", "pause");
    const posted = await fetch(`${a.base}/farm/listings/${l.id}/edit`, {
      method: "POST",
      body: form,
      headers: { Cookie: cookie, Origin: a.base },
      redirect: "manual",
    });
    expect(posted.status).toBe(302);
    expect(db.$client.prepare("select status from listings where id = ?").pluck().get(l.id)).toBe("paused");
    expect((await get(b.base + url)).status).toBe(404);
    expect((await get(a.base + url)).status).toBe(404);
  });
});

describe("more than one process", () => {
  it("runs the background sweep in one process only", async () => {
    // A and B have been up through the tests above, sweeping every 300 ms if they hold the lease.
    const holders = (s: RunningServer) =>
      s
        .output()
        .split("\n")
        .filter((line) => line.includes('"parcel holding sweep"'))
        .map((line) => JSON.parse(line).lease as string);
    const all = [...holders(a), ...holders(b)];
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(new Set(all).size).toBe(1);
  });

  it("trace scans from separate processes and from a WEB_CONCURRENCY=2 cluster add up; its sweep runs once", async () => {
    const lot = db.$client
      .prepare("select id, gtin, lot_code as lotCode from batches where gtin is not null and status != 'recalled' order by id limit 1")
      .get() as { id: number; gtin: string; lotCode: string };
    const scans = () => db.$client.prepare("select coalesce(sum(count), 0) from lot_scans where batch_id = ?").pluck().get(lot.id) as number;
    const trace = `/01/${lot.gtin}/10/${encodeURIComponent(lot.lotCode)}`;
    const before = scans();
    for (let i = 0; i < 15; i++) expect((await get(a.base + trace)).status).toBe(200);
    for (let i = 0; i < 25; i++) expect((await get(b.base + trace)).status).toBe(200);
    // Each flushes its in-memory counts on the way out (and gives up the sweep lease).
    await a.stop();
    await b.stop();
    expect(scans() - before).toBe(40);

    const c = await startServer(env, { WEB_CONCURRENCY: "2", SWEEP_INTERVAL_MS: "300" });
    servers.push(c);
    // Fresh connections: the primary hands them to its two processes in turn.
    for (let i = 0; i < 40; i++) expect((await get(c.base + trace)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Stopping the primary stops both app processes, each adding (not writing over) its counts.
    await c.stop();
    expect(scans() - before).toBe(80);
    const holders = c
      .output()
      .split("\n")
      .filter((line) => line.includes('"parcel holding sweep"'))
      .map((line) => JSON.parse(line).lease as string);
    expect(holders.length).toBeGreaterThanOrEqual(3);
    expect(new Set(holders).size).toBe(1);
  }, 60_000);
});

/**
 * The cooperative member pages as a browser posts to them (issue 12 §3), on the seeded demo data:
 * a bad phone is a 400 with the message and nothing stored; the cooperative's manager invites and
 * the invitation reaches /account/invitations of that phone once it has an account; a member, a
 * farmer of another producer and a buyer are refused the member list (403) and cannot invite; an
 * invitee accepts and the seeded member household sees its lots on /farm.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { createSession } from "../../market/accounts/accounts";
import { createUser } from "../../seeds/factories";
import { sessionStorage } from "~/utils/session.server";
import { callRoute, loadRouteModules, makeRequest, seedWithSessions, type RouteModule, type Seeded } from "../helpers/routes";

let seeded: Seeded;
let routes: Map<string, RouteModule>;

const count = (sql: string, ...args: unknown[]) =>
  getDb()
    .$client.prepare(sql)
    .pluck()
    .get(...args) as number;

async function cookieFor(userId: number): Promise<string> {
  const session = await sessionStorage.getSession();
  session.set("sessionId", createSession(getDb(), userId).id);
  return (await sessionStorage.commitSession(session)).split(";")[0];
}

function invite(cookie: string | null, fields: Record<string, string>) {
  const body = new URLSearchParams({ intent: "invite", producerId: String(seeded.producerA), role: "member_farmer", ...fields });
  return callRoute(routes.get("farm.members")!.action!, makeRequest("/farm/members", cookie, { method: "POST", body }), {});
}

beforeAll(async () => {
  seeded = await seedWithSessions(fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-coop-")));
  routes = await loadRouteModules();
}, 120_000);

describe("/farm/members and /account/invitations", () => {
  it("the manager sees the seeded households; members, other farmers and buyers get 403", async () => {
    const page = await callRoute(routes.get("farm.members")!.loader!, makeRequest("/farm/members", seeded.cookies.coopAdminA), {});
    expect(page.status).toBe(200);
    const names = (page.body as { coops: { members: { householdName: string; status: string }[] }[] }).coops[0].members.map(
      (m) => `${m.householdName}:${m.status}`,
    );
    expect(names).toEqual(expect.arrayContaining(["王建国户:active", "刘家:active", "张家:invited"]));
    for (const role of ["memberFarmerA", "recordKeeperA", "farmerB", "buyer"] as const) {
      const o = await callRoute(routes.get("farm.members")!.loader!, makeRequest("/farm/members", seeded.cookies[role]), {});
      expect(o.status, role).toBe(403);
    }
  });

  it("an invalid phone is a 400 with the message, and nothing is stored", async () => {
    const before = count("select count(*) from coop_members");
    const o = await invite(seeded.cookies.coopAdminA, { phone: "12345", householdName: "测试户" });
    expect(o.status).toBe(400);
    expect(JSON.stringify(o.body)).toContain("coop.error.phoneInvalid");
    expect(count("select count(*) from coop_members")).toBe(before);
  });

  it("a member (or another producer's farmer) cannot invite: 403, nothing stored", async () => {
    const before = count("select count(*) from coop_members");
    for (const role of ["memberFarmerA", "recordKeeperA", "farmerB"] as const) {
      const o = await invite(seeded.cookies[role], { phone: "13912349999", householdName: "越权户" });
      expect(o.status, role).toBe(403);
    }
    expect(count("select count(*) from coop_members")).toBe(before);
  });

  it("invite → the phone signs up → sees it on /account/invitations → accepts → /farm lists the lots assigned to the household", async () => {
    const phone = "13912345678";
    const o = await invite(seeded.cookies.coopAdminA, { phone, householdName: "赵家" });
    expect(o.status).toBe(302);
    expect(o.location).toBe("/farm/members?notice=invited");
    // Inviting the same phone again is refused with a message.
    const again = await invite(seeded.cookies.coopAdminA, { phone, householdName: "赵家" });
    expect(again.status).toBe(400);
    // Translated, on the phone field.
    expect((again.body as { result: { error: Record<string, string[]> } }).result.error.phone).toEqual([`${phone} 已被邀请或已是社员。`]);

    const user = await createUser(getDb(), { phone });
    const cookie = await cookieFor(user.id);
    const list = await callRoute(routes.get("account.invitations")!.loader!, makeRequest("/account/invitations", cookie), {});
    const invitations = (list.body as { invitations: { id: number; householdName: string }[] }).invitations;
    expect(invitations.map((i) => i.householdName)).toEqual(["赵家"]);
    // Before accepting, the farm pages are closed to a plain buyer account.
    const before = await callRoute(routes.get("farm._index")!.loader!, makeRequest("/farm", cookie), {});
    expect(before.status).toBe(403);

    const answer = await callRoute(
      routes.get("account.invitations")!.action!,
      makeRequest("/account/invitations", cookie, { method: "POST", body: new URLSearchParams({ invitationId: String(invitations[0].id), answer: "accept" }) }),
      {},
    );
    expect(answer.location).toBe("/farm?joined=1");
    const farm = await callRoute(routes.get("farm._index")!.loader!, makeRequest("/farm", cookie), {});
    expect(farm.status).toBe(200);
    expect((farm.body as { households: { householdName: string }[] }).households.map((h) => h.householdName)).toEqual(["赵家"]);
  });

  it("the seeded member farmer's /farm lists the lots his household grows, and a coop-B lot is 403 for him", async () => {
    const farm = await callRoute(routes.get("farm._index")!.loader!, makeRequest("/farm", seeded.cookies.memberFarmerA), {});
    const lots = (farm.body as { memberLots: { lotCode: string; householdName: string | null }[] }).memberLots;
    expect(lots.map((l) => l.lotCode)).toContain("LC-WJG-01");
    expect(new Set(lots.map((l) => l.householdName))).toEqual(new Set(["王建国户"]));
    const lotB = count("select id from batches where producer_id = ? order by id limit 1", seeded.producerB);
    const o = await callRoute(routes.get("farm.batches.$batchId._index")!.loader!, makeRequest(`/farm/batches/${lotB}`, seeded.cookies.memberFarmerA), {
      batchId: String(lotB),
    });
    expect(o.status).toBe(403);
  });
});

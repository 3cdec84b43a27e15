/**
 * The verification routes (issue 12 §2) called the way Remix calls them, against the small demo
 * data: the owner uploads a business licence photo (multipart, checked by content) and the legal
 * representative; only a platform admin decides on /admin/producers.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { getProducerVerification, listProducerDecisions } from "../../market/producers/verification";
import { producerRatingComments } from "../../market/orders/buyer-view";
import { makeTestImage } from "../../seeds/factories";
import { callRoute, loadRouteModules, makeRequest, seedWithSessions, type RouteModule, type Seeded } from "../helpers/routes";

let seeded: Seeded;
let routes: Map<string, RouteModule>;

beforeAll(async () => {
  seeded = await seedWithSessions(fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-credit-routes-")));
  routes = await loadRouteModules();
}, 120_000);

const verification = () => routes.get("farm.producers.$producerId.verification")!;
const adminProducers = () => routes.get("admin.producers")!;

function licenceForm(name: string, file: Blob | null): FormData {
  const form = new FormData();
  form.set("legalRepName", name);
  if (file) form.set("licence", file, "licence.jpg");
  return form;
}

async function postLicence(role: "farmerB" | "coopAdminA" | "farmerA", producerId: number, form: FormData) {
  const url = `/farm/producers/${producerId}/verification`;
  return callRoute(verification().action!, makeRequest(url, seeded.cookies[role], { method: "POST", body: form }), { producerId: String(producerId) });
}

describe("the owner's licence upload", () => {
  it("refuses a file that is not a photo with a 400, changing nothing", async () => {
    const before = getProducerVerification(getDb(), seeded.producerB);
    const out = await postLicence("farmerB", seeded.producerB, licenceForm("张秀英", new Blob(["not an image at all"], { type: "image/jpeg" })));
    expect(out.status).toBe(400);
    expect(getProducerVerification(getDb(), seeded.producerB)).toEqual(before);
  });

  it("refuses a missing photo or name with a 400", async () => {
    expect((await postLicence("farmerB", seeded.producerB, licenceForm("张秀英", null))).status).toBe(400);
    const jpeg = new Blob([new Uint8Array(await makeTestImage({ width: 400, height: 300, format: "jpeg" }))], { type: "image/jpeg" });
    expect((await postLicence("farmerB", seeded.producerB, licenceForm("", jpeg))).status).toBe(400);
  });

  it("stores a real photo and the legal representative, waiting for the platform", async () => {
    const jpeg = new Blob([new Uint8Array(await makeTestImage({ width: 640, height: 480, format: "jpeg", color: "#d32f2f" }))], { type: "image/jpeg" });
    const out = await postLicence("farmerB", seeded.producerB, licenceForm("张秀英", jpeg));
    expect(out.status).toBe(302);
    expect(out.location).toBe(`/farm/producers/${seeded.producerB}/verification?submitted=1`);
    const v = getProducerVerification(getDb(), seeded.producerB);
    expect(v).toMatchObject({ licenceStatus: "submitted", legalRepName: "张秀英" });
    expect(v.licencePhotoUrl).toMatch(/\.webp$/);
  });

  it("a member who is not the owner, or a farmer of another producer, is refused", async () => {
    const jpeg = new Blob([new Uint8Array(await makeTestImage({ format: "jpeg" }))], { type: "image/jpeg" });
    expect((await postLicence("coopAdminA", seeded.producerA, licenceForm("陈志强", jpeg))).status).toBe(403);
    expect((await postLicence("farmerA", seeded.producerB, licenceForm("李建国", jpeg))).status).toBe(403);
  });
});

describe("the platform's decisions on /admin/producers", () => {
  const post = (role: "platformAdmin" | "farmerB", fields: Record<string, string>) =>
    callRoute(adminProducers().action!, makeRequest("/admin/producers", seeded.cookies[role], { method: "POST", body: new URLSearchParams(fields) }), {});

  it("the producer cannot approve its own licence or designate itself", async () => {
    const id = String(seeded.producerB);
    expect((await post("farmerB", { intent: "licence", producerId: id, decision: "approved", note: "" })).status).toBe(403);
    expect((await post("farmerB", { intent: "poverty", producerId: id, designation: "set", reason: "自己" })).status).toBe(403);
    expect(getProducerVerification(getDb(), seeded.producerB).licenceStatus).toBe("submitted");
  });

  it("a rejection needs a note; an approval is recorded with who decided", async () => {
    const id = String(seeded.producerB);
    expect((await post("platformAdmin", { intent: "licence", producerId: id, decision: "rejected", note: "" })).status).toBe(400);
    const ok = await post("platformAdmin", { intent: "licence", producerId: id, decision: "approved", note: "信息一致" });
    expect(ok.status).toBe(302);
    expect(getProducerVerification(getDb(), seeded.producerB).licenceStatus).toBe("approved");
    expect(listProducerDecisions(getDb(), seeded.producerB)[0]).toMatchObject({
      kind: "licence",
      decision: "approved",
      note: "信息一致",
      deciderName: "平台管理员",
    });
  });

  it("the designation needs a reason", async () => {
    const id = String(seeded.producerA);
    expect((await post("platformAdmin", { intent: "poverty", producerId: id, designation: "set", reason: "" })).status).toBe(400);
    expect(getProducerVerification(getDb(), seeded.producerA).povertyAlleviation).toBe(false);
  });
});

describe("rating photos", () => {
  it("a rating takes up to 3 photos (checked by content); 4 are refused with nothing stored", async () => {
    const db = getDb();
    const sub = db.$client
      .prepare(
        `select s.id, s.order_id as orderId, s.producer_id as producerId from sub_orders s join orders o on o.id = s.order_id
         where o.buyer_id = ? and s.status = 'picked_up' and not exists (select 1 from ratings r where r.sub_order_id = s.id) order by s.id limit 1`,
      )
      .get(seeded.userIds.buyer) as { id: number; orderId: number; producerId: number };
    const rate = routes.get("orders.$orderId.sub.$subOrderId.rate")!;
    const jpeg = async (color: string) =>
      new Blob([new Uint8Array(await makeTestImage({ width: 320, height: 240, format: "jpeg", color }))], { type: "image/jpeg" });
    const form = async (n: number) => {
      const f = new FormData();
      f.set("stars", "4");
      f.set("body", "很甜，照片为证");
      for (let i = 0; i < n; i++) f.append("photos", await jpeg(["#ff0000", "#00ff00", "#0000ff", "#ffff00"][i]), `p${i}.jpg`);
      return f;
    };
    const call = async (n: number) =>
      callRoute(rate.action!, makeRequest(`/orders/${sub.orderId}/sub/${sub.id}/rate`, seeded.cookies.buyer, { method: "POST", body: await form(n) }), {
        orderId: String(sub.orderId),
        subOrderId: String(sub.id),
      });
    expect((await call(4)).status).toBe(400);
    expect(db.$client.prepare(`select count(*) from ratings where sub_order_id = ?`).pluck().get(sub.id)).toBe(0);
    const ok = await call(3);
    expect(ok.status).toBe(302);
    const ratingId = db.$client.prepare(`select id from ratings where sub_order_id = ?`).pluck().get(sub.id) as number;
    expect(db.$client.prepare(`select count(*) from rating_photos where rating_id = ?`).pluck().get(ratingId)).toBe(3);
    // The producer page's comments carry the photos, and the stored credit was recomputed.
    expect(producerRatingComments(db, sub.producerId).find((c) => c.body === "很甜，照片为证")!.photos).toHaveLength(3);
    expect(db.$client.prepare(`select stale from producer_credit where producer_id = ?`).pluck().get(sub.producerId)).toBe(0);
  });
});

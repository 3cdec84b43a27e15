/**
 * Issue 13 §4: a record that makes a lot on sale fail its gate is news for the farmer — every
 * member of the producer gets a notice naming the listing and the lot; a harmless record sends none.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Db } from "../../db/client";
import { setListingStatus } from "../../market/listings/listings";
import { actorFor, addProducerMember, createListing, createLotWithChain, createProducer, createTestDatabase, createUser } from "../../seeds/factories";
import { getLotChain, lotCompliance, recordEvent } from "../../traceability/store";

const DAY = 86_400_000;
let db: Db;
let cleanup: () => void;
beforeAll(() => {
  ({ db, cleanup } = createTestDatabase());
});
afterAll(() => cleanup?.());

test("a correction that puts a sold lot's spray inside its interval tells every member of the producer, once", async () => {
  const owner = await createUser(db, { roles: ["farmer"] });
  const member = await createUser(db, { roles: ["farmer"] });
  const stranger = await createUser(db, { roles: ["farmer"] });
  const producerId = createProducer(db, { ownerUserId: owner.id, nameZh: "通知测试合作社" });
  addProducerMember(db, producerId, member.id, "member");
  const farmer = actorFor(db, owner.id);
  const listingId = await createListing(db, { producerId, title: "通知测试苹果 5斤", productName: "通知测试苹果", categorySlug: "fruit" });
  const lot = createLotWithChain(db, { producerId, crop: "apple", category: "fruit", productName: "通知测试苹果", listingId });
  setListingStatus(db, farmer, listingId, "published");
  const notices = (userId: number) =>
    db.$client.prepare(`select message_key as key, params, link from notifications where user_id = ? and kind = 'listing_blocked'`).all(userId) as {
      key: string;
      params: string;
      link: string;
    }[];

  const spray = getLotChain(db, lot.batchId).contents.find((c) => c.type === "input_application" && c.payload.inputKind === "pesticide")!;
  // A harmless correction (a dose written wrong) changes nothing the gate looks at: no notice.
  recordEvent(db, farmer, lot.batchId, {
    type: "correction",
    occurredAt: Date.now(),
    correctsSeq: spray.seq,
    payload: { reason: "剂量写错", replacement: { ...spray.payload, dose: "2000倍液" } },
  });
  expect(notices(owner.id)).toEqual([]);

  // The spray was in fact 2 days before harvest (its label says 14): the lot now fails its gate.
  recordEvent(db, farmer, lot.batchId, {
    type: "correction",
    occurredAt: Date.now(),
    correctsSeq: spray.seq,
    payload: { reason: "日期记错了", occurredAt: lot.harvestAt - 2 * DAY },
  });
  expect(lotCompliance(db, lot.batchId).map((f) => f.code)).toContain("interval_violated");
  for (const userId of [owner.id, member.id]) {
    const got = notices(userId);
    expect(got).toHaveLength(1);
    expect(got[0].key).toBe("farmNotice.listingBlocked");
    expect(JSON.parse(got[0].params)).toEqual({ title: "通知测试苹果 5斤", lot: lot.lotCode });
    expect(got[0].link).toBe(`/farm/batches/${lot.batchId}`);
  }
  expect(notices(stranger.id)).toEqual([]);
});

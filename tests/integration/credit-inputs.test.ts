/**
 * What the producer credit score counts (issue 12 §2, review fixes), against a real SQLite file:
 * inspections per lot as the chain reads after corrections (padding cannot lift the part); an
 * input seller's lots (no events) left out of traceability.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { countInspectedLots, countTraceability, gatherCreditInputs } from "../../market/credit/credit";
import { computeCredit } from "../../market/credit/score";
import { createInputListing } from "../../market/inputs/listings";
import { setListingStatus } from "../../market/listings/listings";
import { addToCart } from "../../market/orders/cart";
import { checkout } from "../../market/orders/checkout";
import { createPaymentIntent } from "../../market/payments/stripe";
import { applyPaymentOutcome } from "../../market/payments/settle";
import { addAgriInput, recordEvent, seedInputsCatalogue } from "../../traceability/store";
import {
  actorFor,
  cachedPasswordHash,
  createDeliveryPoint,
  createLotWithChain,
  createProducer,
  createTestDatabase,
  createUser,
  createVillage,
  defaultListingPhoto,
  type LotWithChain,
} from "../../seeds/factories";
import { testStripe } from "../helpers/stripe";

let db: Db;
let cleanup: () => void;

beforeAll(() => {
  ({ db, cleanup } = createTestDatabase());
});
afterAll(() => cleanup());

const inspectionPart = (producerId: number) => computeCredit(gatherCreditInputs(db, producerId)).components.find((c) => c.key === "inspections")!;
const seqOf = (batchId: number, type: string) =>
  db.$client.prepare(`select seq from trace_events where batch_id = ? and type = ? order by seq desc limit 1`).pluck().get(batchId, type) as number;

describe("the inspection part of the credit score", () => {
  let producerId: number;
  let lots: LotWithChain[];

  it("counts each inspected lot once, by its latest inspection", () => {
    producerId = createProducer(db, {});
    // Three lots with one passing rapid test each, the third then failing a lab test.
    lots = [0, 1, 2].map(() => createLotWithChain(db, { producerId, productName: "苹果" }));
    const third = lots[2];
    recordEvent(db, third.actor, third.batchId, { type: "inspection", occurredAt: Date.now() - 60_000, payload: { result: "fail", kind: "lab_test" } });
    expect(countInspectedLots(db, producerId)).toEqual({ inspectedLots: 3, passedLots: 2 });
    expect(inspectionPart(producerId)).toMatchObject({ amount: 3, points: 67 });
  });

  it("extra self-recorded passes on one lot neither lift the part nor dilute the failure", () => {
    const before = inspectionPart(producerId);
    const first = lots[0];
    for (let i = 0; i < 6; i++) {
      recordEvent(db, first.actor, first.batchId, { type: "inspection", occurredAt: Date.now() - 30_000, payload: { result: "pass", kind: "self_check" } });
    }
    expect(inspectionPart(producerId)).toEqual(before);
  });

  it("a retracted pass no longer counts", () => {
    const second = lots[1];
    recordEvent(db, second.actor, second.batchId, {
      type: "correction",
      occurredAt: Date.now(),
      correctsSeq: seqOf(second.batchId, "inspection"),
      payload: { reason: "记错批次", retract: true },
    });
    expect(countInspectedLots(db, producerId)).toEqual({ inspectedLots: 2, passedLots: 1 });
    // Two inspected lots are under the part's minimum (3): not enough data, rather than 50.
    expect(inspectionPart(producerId)).toMatchObject({ amount: 2, points: null });
  });
});

describe("the traceability part of an input seller", () => {
  it("leaves input lots out: their empty chains do not read as complete traceability", async () => {
    seedInputsCatalogue(db);
    const hash = await cachedPasswordHash();
    const admin = actorFor(db, (await createUser(db, { roles: ["platform_admin"], passwordHash: hash })).id);
    const village = createVillage(db, { nameZh: `信用农资村${Math.floor(Math.random() * 1e6)}` });
    const sellerUser = await createUser(db, { roles: ["farmer"], passwordHash: hash });
    const sellerId = createProducer(db, { kind: "input_seller", ownerUserId: sellerUser.id, villageId: village, nameZh: "信用测试农资经营部" });
    const seller = actorFor(db, sellerUser.id);
    const farmerUser = await createUser(db, { roles: ["farmer"], passwordHash: hash });
    createProducer(db, { kind: "family_farm", ownerUserId: farmerUser.id, villageId: village });
    const farmer = actorFor(db, farmerUser.id);
    const pointId = createDeliveryPoint(db, {
      kind: "village_station",
      name: "信用测试服务站",
      address: "村委会旁",
      villageId: village,
      lat: 34.1,
      lng: 108.9,
    });
    const agriInputId = addAgriInput(db, admin, {
      kind: "pesticide",
      nameZh: "信用测试阿维菌素乳油",
      registrationNo: "PD20990077",
      activeIngredient: "阿维菌素",
      maker: "测试农药厂",
      toxicityClass: "low_toxic",
      intervals: [{ target: "apple", intervalDays: 14, maxApplications: 2 }],
    });
    const photo = await defaultListingPhoto();
    for (const lot of ["CR-1", "CR-2", "CR-3"]) {
      const listingId = createInputListing(
        db,
        seller,
        {
          producerId: sellerId,
          agriInputId,
          registrationNo: "PD20990077",
          makerLotNo: lot,
          producedOn: "2026-10-01",
          expiresOn: "2028-09-30",
          unit: "bottle",
          priceFen: 1800,
          stock: 5,
        },
        [photo],
      );
      setListingStatus(db, seller, listingId, "published");
      addToCart(db, farmer.id, listingId, 1);
    }
    const order = checkout(db, farmer, { contactPhone: farmerUser.phone, deliveryPointId: pointId });
    const pi = await createPaymentIntent(db, testStripe(), order.orderId);
    applyPaymentOutcome(db, { paymentIntentId: pi.id, outcome: "succeeded", amount: order.totalFen, currency: "cny", source: "webhook" });
    expect(db.$client.prepare(`select count(*) from sub_orders where producer_id = ? and status != 'pending_payment'`).pluck().get(sellerId)).toBe(1);

    expect(countTraceability(db, sellerId)).toEqual({ soldLots: 0, soldLotsComplete: 0 });
    const part = computeCredit(gatherCreditInputs(db, sellerId)).components.find((c) => c.key === "traceability")!;
    expect(part).toMatchObject({ amount: 0, points: null });
  });
});

/**
 * Inputs on the market (issue 12 §4), end to end against a real SQLite file and real stripe-mock:
 * a verified input seller lists a registered pesticide from an input lot (registration number
 * checked against the catalogue; banned and retired entries refused) → a farmer buys it → a
 * signed payment_intent.succeeded reaches POST /webhooks/stripe → the farm's input stock holds it
 * (once, even when the event is replayed) → an application is recorded from the stock on a
 * growing lot (the usual gate; more than is left is refused, nothing recorded) → the stock goes
 * down → the inspector's input-batch trace names the farm, the quantity and the lot it went on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { closeDb } from "../../db/client";
import { action as webhookAction } from "~/routes/webhooks.stripe";
import { addToCart } from "../../market/orders/cart";
import { checkout } from "../../market/orders/checkout";
import { createPaymentIntent, getStripe, webhookSecret, type Stripe } from "../../market/payments/stripe";
import { setListingStatus, updateListing } from "../../market/listings/listings";
import { refundSubOrder } from "../../market/orders/refunds";
import { createInputListing, inputSellersOf } from "../../market/inputs/listings";
import { getFarmInputStock, listFarmInputStock, recordApplicationFromStock } from "../../market/inputs/stock";
import { traceInputLots } from "../../market/inputs/trace";
import { addAgriInput, getLotChain, seedInputsCatalogue } from "../../traceability/store";
import { editAgriInput, getAgriInputWithHistory } from "../../traceability/catalogue-db";
import { editCatalogueEntry, retireCatalogueEntry } from "../../market/inputs/catalogue";
import {
  actorFor,
  cachedPasswordHash,
  createDeliveryPoint,
  createListing,
  createLotWithChain,
  createProducer,
  createTestDatabase,
  createUser,
  createVillage,
  defaultListingPhoto,
  withWrongCheckCharacter,
  uniqueCreditCode,
} from "../../seeds/factories";
import { signedEvent, testStripe } from "../helpers/stripe";
import type { Actor } from "../../core/permissions";

let db: Db;
let cleanup: () => void;
let stripe: Stripe;
let admin: Actor;
let inspector: Actor;
let seller: Actor;
let sellerId: number;
let farmer: Actor & { phone: string };
let farmId: number;
let pointId: number;
let pesticideId: number;
let growingLot: number;

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase(process.env.DATABASE_PATH!));
  seedInputsCatalogue(db);
  stripe = testStripe();
  const hash = await cachedPasswordHash();
  admin = actorFor(db, (await createUser(db, { roles: ["platform_admin"], passwordHash: hash })).id);
  inspector = actorFor(db, (await createUser(db, { roles: ["inspector"], passwordHash: hash })).id);
  const village = createVillage(db, { nameZh: `农资测试村${Math.floor(Math.random() * 1e6)}` });
  const sellerUser = await createUser(db, { roles: ["farmer"], passwordHash: hash });
  sellerId = createProducer(db, { kind: "input_seller", ownerUserId: sellerUser.id, villageId: village, nameZh: "测试农资经营部" });
  seller = actorFor(db, sellerUser.id);
  const farmerUser = await createUser(db, { roles: ["farmer"], passwordHash: hash });
  farmId = createProducer(db, { kind: "family_farm", ownerUserId: farmerUser.id, villageId: village, nameZh: "测试苹果家庭农场" });
  farmer = { ...actorFor(db, farmerUser.id), phone: farmerUser.phone };
  pointId = createDeliveryPoint(db, { kind: "village_station", name: "农资测试服务站", address: "村委会旁", villageId: village, lat: 34.1, lng: 108.9 });
  pesticideId = addAgriInput(db, admin, {
    kind: "pesticide",
    nameZh: "测试1.8%阿维菌素乳油",
    registrationNo: "PD20990001",
    activeIngredient: "阿维菌素",
    maker: "测试农药厂",
    toxicityClass: "low_toxic",
    intervals: [{ target: "apple", intervalDays: 14, maxApplications: 2 }],
  });
  growingLot = createLotWithChain(db, { producerId: farmId, actorUserId: farmerUser.id, harvest: false, inputs: [], lotCode: "APL-GROW-1" }).batchId;
});
afterAll(() => {
  closeDb();
  cleanup();
});

const count = (sql: string, ...args: unknown[]) =>
  db.$client
    .prepare(sql)
    .pluck()
    .get(...args) as number;

async function listPesticide(lot: string, stock = 20) {
  const id = createInputListing(
    db,
    seller,
    {
      producerId: sellerId,
      agriInputId: pesticideId,
      registrationNo: "pd 20990001",
      makerLotNo: lot,
      producedOn: "2026-10-01",
      expiresOn: "2028-09-30",
      unit: "bottle",
      priceFen: 1800,
      stock,
    },
    [await defaultListingPhoto()],
  );
  setListingStatus(db, seller, id, "published");
  return id;
}

function postWebhook(body: string, signature: string) {
  const headers = new Headers({ "content-type": "application/json", "stripe-signature": signature });
  return webhookAction({
    request: new Request("http://localhost/webhooks/stripe", { method: "POST", body, headers }),
    params: {},
    context: {},
  }) as Promise<Response>;
}

async function paidEvent(orderId: number, totalFen: number) {
  const pi = await createPaymentIntent(db, getStripe(), orderId);
  const object = { ...(await stripe.paymentIntents.retrieve(pi.id)), status: "succeeded", amount: totalFen, amount_received: totalFen, currency: "cny" };
  const event = {
    id: `evt_inputs_${orderId}_${Date.now()}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: "payment_intent.succeeded",
    data: { object },
  };
  return signedEvent(stripe, event, webhookSecret());
}

function applicationEvent() {
  return {
    type: "input_application" as const,
    occurredAt: Date.now() - 60_000,
    payload: {
      inputKind: "pesticide" as const,
      productName: "测试1.8%阿维菌素乳油",
      activeIngredient: "阿维菌素",
      registrationNo: "PD20990001",
      registeredCrop: "apple",
      labelIntervalDays: 14,
      labelMaxApplications: 2,
      intervalSource: "catalogue" as const,
    },
  };
}

describe("listing an input", () => {
  it("refuses a number that does not match the catalogue, a malformed one, a banned product; creates nothing", async () => {
    const before = count(`select count(*) from listings`);
    const base = {
      producerId: sellerId,
      agriInputId: pesticideId,
      makerLotNo: "X1",
      producedOn: "2026-01-01",
      expiresOn: "2027-01-01",
      unit: "bottle" as const,
      priceFen: 100,
      stock: 1,
    };
    expect(() => createInputListing(db, seller, { ...base, registrationNo: "PD20990002" })).toThrow(/inputsMarket.regno.mismatch/);
    expect(() => createInputListing(db, seller, { ...base, registrationNo: "PD2099" })).toThrow(/inputsMarket.regno.pesticideFormat/);
    const bannedId = addAgriInput(db, admin, { kind: "pesticide", nameZh: "测试40%甲胺磷乳油", registrationNo: "PD20990003", activeIngredient: "甲胺磷" });
    expect(() => createInputListing(db, seller, { ...base, agriInputId: bannedId, registrationNo: "PD20990003" })).toThrow(/inputsMarket.regno.banned/);
    expect(count(`select count(*) from listings`)).toBe(before);
    expect(count(`select count(*) from input_lots`)).toBe(0);
  });

  it("the listing form offers the actor's input sellers only", () => {
    expect(inputSellersOf(db, seller)).toEqual([expect.objectContaining({ id: sellerId, nameZh: "测试农资经营部" })]);
    expect(inputSellersOf(db, farmer)).toEqual([]);
  });

  it("is for verified input sellers only: a farm, or a seller whose credit code awaits review, is refused", async () => {
    const base = {
      agriInputId: pesticideId,
      registrationNo: "PD20990001",
      makerLotNo: "X2",
      producedOn: "2026-01-01",
      expiresOn: "2027-01-01",
      unit: "bottle" as const,
      priceFen: 100,
      stock: 1,
    };
    expect(() => createInputListing(db, farmer, { ...base, producerId: farmId })).toThrow(/inputsMarket.error.notInputSeller/);
    const pendingUser = await createUser(db, { roles: ["farmer"], passwordHash: await cachedPasswordHash() });
    const pending = createProducer(db, {
      kind: "input_seller",
      ownerUserId: pendingUser.id,
      creditCode: withWrongCheckCharacter(uniqueCreditCode(db, "input_seller", "610629")),
      creditCodeStatus: "pending_review",
    });
    expect(() => createInputListing(db, actorFor(db, pendingUser.id), { ...base, producerId: pending })).toThrow(/inputsMarket.error.sellerNotVerified/);
  });
});

describe("the inputs loop", () => {
  let listingId: number;
  let stockId: number;

  it("a farmer's paid order puts the input lot into the farm's stock, once", async () => {
    listingId = await listPesticide("B2026-1001");
    addToCart(db, farmer.id, listingId, 2);
    const order = await checkout(db, farmer, { contactPhone: farmer.phone, deliveryPointId: pointId });
    expect(listFarmInputStock(db, farmer)).toHaveLength(0); // not before it is paid
    const { body, signature } = await paidEvent(order.orderId, order.totalFen);
    expect((await postWebhook(body, signature)).status).toBe(200);
    const stock = listFarmInputStock(db, farmer);
    expect(stock).toHaveLength(1);
    expect(stock[0]).toMatchObject({
      producerId: farmId,
      registrationNo: "PD20990001",
      activeIngredient: "阿维菌素",
      makerLotNo: "B2026-1001",
      quantity: 2,
      boughtQuantity: 2,
      unit: "bottle",
      uses: [{ target: "apple", intervalDays: 14, maxApplications: 2, prohibited: false }],
    });
    stockId = stock[0].id;
    // The same event again (Stripe retries): still one stock row.
    expect((await postWebhook(body, signature)).status).toBe(200);
    expect(count(`select count(*) from farm_input_stock`)).toBe(1);
  });

  it("a buyer with no farm buys the same input: no stock row for anyone", async () => {
    const buyer = await createUser(db, { roles: ["buyer"], passwordHash: await cachedPasswordHash() });
    addToCart(db, buyer.id, listingId, 1);
    const order = await checkout(db, actorFor(db, buyer.id), { contactPhone: buyer.phone, deliveryPointId: pointId });
    const { body, signature } = await paidEvent(order.orderId, order.totalFen);
    expect((await postWebhook(body, signature)).status).toBe(200);
    expect(count(`select count(*) from farm_input_stock`)).toBe(1);
  });

  it("an application from stock goes on the lot's chain and takes the used amount off; more than is left is refused", () => {
    const chainBefore = getLotChain(db, growingLot).records.length;
    recordApplicationFromStock(db, farmer, { stockId, batchId: growingLot, quantity: 0.5, inputId: pesticideId }, applicationEvent());
    expect(getLotChain(db, growingLot).records).toHaveLength(chainBefore + 1);
    expect(getFarmInputStock(db, farmer, stockId).quantity).toBe(1.5);

    expect(() => recordApplicationFromStock(db, farmer, { stockId, batchId: growingLot, quantity: 2, inputId: pesticideId }, applicationEvent())).toThrow(
      /inputsMarket.error.notEnough/,
    );
    expect(getLotChain(db, growingLot).records).toHaveLength(chainBefore + 1);
    expect(getFarmInputStock(db, farmer, stockId).quantity).toBe(1.5);
  });

  it("an expired input lot cannot be applied", () => {
    const chain = getLotChain(db, growingLot).records.length;
    db.$client.prepare(`update input_lots set expires_on = '2020-01-01' where maker_lot_no = 'B2026-1001'`).run();
    try {
      expect(() => recordApplicationFromStock(db, farmer, { stockId, batchId: growingLot, quantity: 0.5, inputId: pesticideId }, applicationEvent())).toThrow(
        /inputsMarket.error.expired/,
      );
      expect(getLotChain(db, growingLot).records).toHaveLength(chain);
      expect(getFarmInputStock(db, farmer, stockId).quantity).toBe(1.5);
    } finally {
      db.$client.prepare(`update input_lots set expires_on = '2028-09-30' where maker_lot_no = 'B2026-1001'`).run();
    }
  });

  it("an application from stock must name the stock's input: another catalogue entry or product name is refused, nothing recorded", () => {
    const chain = getLotChain(db, growingLot).records.length;
    const other = addAgriInput(db, admin, { kind: "pesticide", nameZh: "测试吡虫啉可湿性粉剂", registrationNo: "PD20990007", activeIngredient: "吡虫啉" });
    expect(() => recordApplicationFromStock(db, farmer, { stockId, batchId: growingLot, quantity: 0.1, inputId: other }, applicationEvent())).toThrow(
      /inputsMarket.error.stockInput/,
    );
    expect(() => recordApplicationFromStock(db, farmer, { stockId, batchId: growingLot, quantity: 0.1, inputId: undefined }, applicationEvent())).toThrow(
      /inputsMarket.error.stockInput/,
    );
    const renamed = applicationEvent();
    renamed.payload.productName = "测试吡虫啉可湿性粉剂";
    expect(() => recordApplicationFromStock(db, farmer, { stockId, batchId: growingLot, quantity: 0.1, inputId: pesticideId }, renamed)).toThrow(
      /inputsMarket.error.stockInput/,
    );
    expect(getLotChain(db, growingLot).records).toHaveLength(chain);
    expect(getFarmInputStock(db, farmer, stockId).quantity).toBe(1.5);
  });

  it("another producer's member cannot use the farm's stock", () => {
    expect(() => recordApplicationFromStock(db, seller, { stockId, batchId: growingLot, quantity: 0.1, inputId: pesticideId }, applicationEvent())).toThrow(
      /Forbidden|forbidden/,
    );
  });

  it("the inspector's input-batch trace lists every buyer: the farm with its quantity and the lot it went on, and the buyer with no farm", () => {
    for (const q of ["B2026-1001", "b2026-1001", "PD20990001"]) {
      const lots = traceInputLots(db, inspector, q);
      expect(lots).toHaveLength(1);
      expect(lots[0].buyers).toEqual([
        expect.objectContaining({
          producerId: farmId,
          farmNameZh: "测试苹果家庭农场",
          quantity: 2,
          left: 1.5,
          orderStatus: "paid",
          applications: [expect.objectContaining({ batchId: growingLot, lotCode: "APL-GROW-1", quantity: 0.5 })],
        }),
        // The buyer without a farm (a gardener, a shop) is reached by a recall too: no stock, no uses.
        expect.objectContaining({ producerId: null, farmNameZh: null, left: null, quantity: 1, orderStatus: "paid", applications: [] }),
      ]);
    }
    expect(traceInputLots(db, inspector, "NO-SUCH-LOT")).toEqual([]);
    expect(() => traceInputLots(db, farmer, "B2026-1001")).toThrow(/Forbidden|forbidden/);
  });
});

describe("catalogue edit and retirement", () => {
  it("records edits with who and what; only the platform admin edits", () => {
    expect(() => editAgriInput(db, inspector, pesticideId, { nameZh: "改名" })).toThrow(/Forbidden|forbidden/);
    editAgriInput(db, admin, pesticideId, {
      nameZh: "测试1.8%阿维菌素乳油",
      registrationNo: "PD20990001",
      activeIngredient: "阿维菌素",
      maker: "测试农药二厂",
      toxicityClass: "low_toxic",
    });
    const { history } = getAgriInputWithHistory(db, inspector, pesticideId);
    expect(history[0]).toMatchObject({ action: "edit", changes: { maker: ["测试农药厂", "测试农药二厂"] } });
    expect(() => editAgriInput(db, admin, pesticideId, { nameZh: "x", registrationNo: "PD1" })).toThrow(/trace.regno.format/);
  });

  it("adding and editing check a registration number by the same rule, veterinary drugs included", () => {
    const vet = { kind: "veterinary_drug" as const, nameZh: "测试10%阿莫西林可溶性粉", activeIngredient: "阿莫西林" };
    expect(() => addAgriInput(db, admin, { ...vet, registrationNo: "兽药字123" })).toThrow(/trace.vetregno.format/);
    const id = addAgriInput(db, admin, { ...vet, registrationNo: "兽药字（2019）150681234" });
    expect(getAgriInputWithHistory(db, admin, id).entry.registrationNo).toBe("兽药字(2019)150681234");
    expect(() => editAgriInput(db, admin, id, { ...vet, registrationNo: "兽药字123" })).toThrow(/trace.vetregno.format/);
    // Without a number (the withdrawal tables' drugs have none): allowed for both.
    expect(addAgriInput(db, admin, { ...vet, nameZh: "测试恩诺沙星注射液", registrationNo: "" })).toBeGreaterThan(0);
    expect(() => addAgriInput(db, admin, { kind: "pesticide", nameZh: "测试无号农药", registrationNo: "" })).toThrow(/trace.regno.empty/);
  });

  it("a retired entry can be neither listed nor applied from stock; the chain keeps what was recorded", async () => {
    const chain = getLotChain(db, growingLot).records.length;
    const published = count(
      `select count(*) from listings l join listing_batches lb on lb.listing_id = l.id join input_lots il on il.batch_id = lb.batch_id where il.agri_input_id = ? and l.status = 'published'`,
      pesticideId,
    );
    expect(published).toBeGreaterThan(0);
    expect(() => retireCatalogueEntry(db, inspector, pesticideId, true)).toThrow(/Forbidden|forbidden/);
    expect(retireCatalogueEntry(db, admin, pesticideId, true)).toEqual({ paused: published });
    // Nothing of it is on sale any more: its listings are paused, and publishing one again is refused.
    const paused = count(
      `select l.id from listings l join listing_batches lb on lb.listing_id = l.id join input_lots il on il.batch_id = lb.batch_id where il.agri_input_id = ? limit 1`,
      pesticideId,
    );
    expect(count(`select count(*) from listings where id = ? and status = 'paused'`, paused)).toBe(1);
    expect(() => setListingStatus(db, seller, paused, "published")).toThrow(/inputsMarket.regno.retired/);
    await expect(listPesticide("B2026-1002")).rejects.toThrow(/inputsMarket.regno.retired/);
    const stockId = listFarmInputStock(db, farmer)[0].id;
    expect(() => recordApplicationFromStock(db, farmer, { stockId, batchId: growingLot, quantity: 0.5, inputId: pesticideId }, applicationEvent())).toThrow(
      /inputsMarket.error.retiredInput/,
    );
    expect(getLotChain(db, growingLot).records).toHaveLength(chain);
    expect(getAgriInputWithHistory(db, admin, pesticideId).history[0].action).toBe("retire");
    // Reinstated: listable again.
    retireCatalogueEntry(db, admin, pesticideId, false);
    await expect(listPesticide("B2026-1003")).resolves.toBeGreaterThan(0);
  });
});

describe("money back", () => {
  it("a full refund voids what the farm has not used: nothing more can be applied from it; the row and its uses stay", async () => {
    const listingId = await listPesticide("B2026-1004");
    addToCart(db, farmer.id, listingId, 3);
    const order = await checkout(db, farmer, { contactPhone: farmer.phone, deliveryPointId: pointId });
    const { body, signature } = await paidEvent(order.orderId, order.totalFen);
    expect((await postWebhook(body, signature)).status).toBe(200);
    const row = listFarmInputStock(db, farmer).find((s) => s.orderId === order.orderId)!;
    expect(row).toMatchObject({ quantity: 3, voidedAt: null });
    recordApplicationFromStock(db, farmer, { stockId: row.id, batchId: growingLot, quantity: 1, inputId: pesticideId }, applicationEvent());
    const chain = getLotChain(db, growingLot).records.length;

    const sub = count(`select id from sub_orders where order_id = ?`, order.orderId);
    const subtotal = count(`select subtotal_fen from sub_orders where id = ?`, sub);
    const result = await refundSubOrder(db, stripe, admin, sub, subtotal, "goodwill");
    expect(result.subOrderRefunded).toBe(true);

    // The stock page's row: kept, with what was voided and when; nothing left to apply.
    const voided = listFarmInputStock(db, farmer).find((s) => s.id === row.id)!;
    expect(voided).toMatchObject({ quantity: 0, boughtQuantity: 3, voidedQuantity: 2 });
    expect(voided.voidedAt).toEqual(expect.any(Number));
    expect(() =>
      recordApplicationFromStock(db, farmer, { stockId: row.id, batchId: growingLot, quantity: 0.1, inputId: pesticideId }, applicationEvent()),
    ).toThrow(/inputsMarket.error.voidedStock/);
    // What was applied before the refund stays on the lot's chain and in the uses.
    expect(getLotChain(db, growingLot).records).toHaveLength(chain);
    expect(count(`select count(*) from farm_input_uses where stock_id = ?`, row.id)).toBe(1);
  });
});

describe("editing an input listing", () => {
  it("keeps its catalogue product and category; publishing re-checks that its product is still the catalogue entry", async () => {
    const listingId = await listPesticide("B2026-1005");
    const fields = {
      categoryId: count(`select category_id from listings where id = ?`, listingId),
      productName: "测试1.8%阿维菌素乳油",
      title: "阿维菌素 新包装",
      description: "",
      unit: "bottle" as const,
      priceFen: 1900,
      stock: 20,
      certifications: [],
    };
    const other = count(`select id from categories where slug != 'agri_inputs' order by id limit 1`);
    expect(() => updateListing(db, seller, listingId, { ...fields, productName: "红富士苹果" })).toThrow(/inputsMarket.error.productFixed/);
    expect(() => updateListing(db, seller, listingId, { ...fields, categoryId: other })).toThrow(/inputsMarket.error.categoryFixed/);
    expect(count(`select price_fen from listings where id = ?`, listingId)).toBe(1800);
    // The price, stock and title stay the seller's to change.
    updateListing(db, seller, listingId, fields);
    expect(count(`select price_fen from listings where id = ?`, listingId)).toBe(1900);
    // A listing whose product no longer is its lot's catalogue entry (edited before this rule) cannot be published.
    db.$client.prepare(`update products set name_zh = '改过的名字' where id = (select product_id from listings where id = ?)`).run(listingId);
    setListingStatus(db, seller, listingId, "paused");
    expect(() => setListingStatus(db, seller, listingId, "published")).toThrow(/inputsMarket.error.productFixed/);
  });
});

describe("a farm's own supplies in the farm-supplies category", () => {
  it("a farm cannot sell a pesticide or veterinary drug there; its fruit bags and compost still publish", async () => {
    for (const [title, productName] of [
      ["自家剩余 吡虫啉 一箱", "吡虫啉"], // a catalogue entry's active ingredient (the demo's)
      ["果园用 阿维菌素 5瓶", "阿维菌素"], // the test catalogue's active ingredient
      ["10%可湿性粉剂 防蚜虫", "防虫粉"],
      ["猪用兽药 土霉素预混剂", "预混剂"],
      ["高效除草剂 20升", "除草剂"],
    ]) {
      await expect(createListing(db, { producerId: farmId, categorySlug: "agri_inputs", title, productName, unit: "box" }), title).rejects.toThrow(
        /inputsMarket.error.licensedInputs/,
      );
    }
    for (const [title, productName] of [
      ["苹果专用 双层纸套袋 1000只", "苹果套袋"],
      ["羊粪发酵有机肥 颗粒 25kg", "羊粪有机肥"],
      ["生物菌剂 改良土壤", "生物菌剂"],
    ]) {
      const id = await createListing(db, { producerId: farmId, categorySlug: "agri_inputs", title, productName, unit: "box" });
      expect(count(`select count(*) from listings where id = ? and status = 'published'`, id), title).toBe(1);
    }
  });

  it("an edit that names a pesticide in a published farm listing is refused", async () => {
    const id = await createListing(db, { producerId: farmId, categorySlug: "agri_inputs", title: "苹果纸袋", productName: "纸袋", unit: "box" });
    const categoryId = count(`select category_id from listings where id = ?`, id);
    const fields = {
      categoryId,
      productName: "纸袋",
      title: "纸袋 另送阿维菌素乳油",
      description: "",
      unit: "box" as const,
      priceFen: 1990,
      stock: 100,
      certifications: [],
    };
    expect(() => updateListing(db, farmer, id, fields)).toThrow(/inputsMarket.error.licensedInputs/);
    expect(count(`select count(*) from listings where id = ? and title = '苹果纸袋'`, id)).toBe(1);
  });
});

describe("expired input lots", () => {
  it("are refused at listing (and impossible dates too), and at publish once the lot has expired", async () => {
    const before = count(`select count(*) from listings`);
    const base = {
      producerId: sellerId,
      agriInputId: pesticideId,
      registrationNo: "PD20990001",
      makerLotNo: "EXP-1",
      producedOn: "2025-01-01",
      unit: "bottle" as const,
      priceFen: 100,
      stock: 1,
    };
    const now = Date.UTC(2026, 11, 3, 16, 30); // 2026-12-04 00:30 in Shanghai
    expect(() => createInputListing(db, seller, { ...base, expiresOn: "2026-12-03" }, [], undefined, now)).toThrow(/inputsMarket.error.lotExpired/);
    expect(() => createInputListing(db, seller, { ...base, expiresOn: "2027-02-31" }, [], undefined, now)).toThrow(/inputsMarket.error.dates/);
    expect(count(`select count(*) from listings`)).toBe(before);
    // Expiring today is still on sale today.
    expect(createInputListing(db, seller, { ...base, expiresOn: "2026-12-04" }, [await defaultListingPhoto()], undefined, now)).toBeGreaterThan(0);

    const listingId = await listPesticide("EXP-2");
    setListingStatus(db, seller, listingId, "paused");
    db.$client.prepare(`update input_lots set expires_on = '2020-01-01' where maker_lot_no = 'EXP-2'`).run();
    expect(() => setListingStatus(db, seller, listingId, "published")).toThrow(/inputsMarket.error.lotExpired/);
  });
});

describe("a catalogue edit that makes an entry banned", () => {
  it("pauses its listings in the same step; publishing one again is refused", async () => {
    const entryId = addAgriInput(db, admin, { kind: "pesticide", nameZh: "测试5%某某乳油", registrationNo: "PD20990009", activeIngredient: "某某" });
    const listingId = createInputListing(
      db,
      seller,
      {
        producerId: sellerId,
        agriInputId: entryId,
        registrationNo: "PD20990009",
        makerLotNo: "BAN-1",
        producedOn: "2026-10-01",
        expiresOn: "2028-09-30",
        unit: "bottle",
        priceFen: 900,
        stock: 5,
      },
      [await defaultListingPhoto()],
    );
    setListingStatus(db, seller, listingId, "published");
    // A harmless edit leaves it on sale.
    expect(editCatalogueEntry(db, admin, entryId, { nameZh: "测试5%某某乳油", registrationNo: "PD20990009", activeIngredient: "某某", maker: "某厂" })).toEqual(
      {
        paused: 0,
      },
    );
    expect(count(`select count(*) from listings where id = ? and status = 'published'`, listingId)).toBe(1);
    // The active ingredient corrected to a banned one (甲胺磷): off sale at once.
    expect(editCatalogueEntry(db, admin, entryId, { nameZh: "测试5%某某乳油", registrationNo: "PD20990009", activeIngredient: "甲胺磷" })).toEqual({
      paused: 1,
    });
    expect(count(`select count(*) from listings where id = ? and status = 'paused'`, listingId)).toBe(1);
    expect(() => setListingStatus(db, seller, listingId, "published")).toThrow(/inputsMarket.regno.banned/);
    expect(() => editCatalogueEntry(db, inspector, entryId, { nameZh: "x" })).toThrow(/Forbidden|forbidden/);
  });
});

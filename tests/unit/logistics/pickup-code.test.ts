/**
 * Pickup codes are derived (HMAC of parcel id and nonce under PICKUP_CODE_SECRET), never stored.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../../db/client";
import { closeDb } from "../../../db/client";
import { actorFor, createTestDatabase, createUser } from "../../../seeds/factories";
import { addToCart } from "../../../market/orders/cart";
import { checkout } from "../../../market/orders/checkout";
import { dispatchSubOrder, markParcelArrived } from "../../../logistics/parcels";
import { newPickupNonce, normalisePickupCode, parsePickupQrPayload, pickupCode, pickupQrPayload, verifyPickupCode } from "../../../logistics/pickup-code";
import { setSmsSender } from "../../../logistics/sms";
import { createMarket } from "../../helpers/orders";

const SECRET = "unit-test-pickup-secret-0123456789";

describe("pickupCode", () => {
  it("is six digits and deterministic per parcel and nonce", () => {
    const nonce = newPickupNonce();
    const code = pickupCode(42, nonce, SECRET);
    expect(code).toMatch(/^\d{6}$/);
    expect(pickupCode(42, nonce, SECRET)).toBe(code);
  });

  it("changes with the nonce, the parcel and the secret", () => {
    const nonce = newPickupNonce();
    const code = pickupCode(42, nonce, SECRET);
    // A one-in-a-million collision per comparison: take a few nonces so that the test cannot flake.
    const others = Array.from({ length: 5 }, () => pickupCode(42, newPickupNonce(), SECRET));
    expect(others.some((c) => c !== code)).toBe(true);
    expect([43, 44, 45].map((id) => pickupCode(id, nonce, SECRET)).some((c) => c !== code)).toBe(true);
    expect(
      ["wrong-secret-aaaaaaaaaaaa", "wrong-secret-bbbbbbbbbbbb", "wrong-secret-cccccccccccc"].map((s) => pickupCode(42, nonce, s)).some((c) => c !== code),
    ).toBe(true);
  });

  it("is zero-padded and spread over all six digits (HOTP dynamic truncation mod 10^6)", () => {
    const codes = Array.from({ length: 2000 }, (_, i) => pickupCode(i, "n", SECRET));
    expect(codes.every((c) => c.length === 6)).toBe(true);
    expect(codes.some((c) => c.startsWith("0"))).toBe(true);
    expect(new Set(codes).size).toBeGreaterThan(1990);
  });

  it("gives known codes for a fixed secret, parcel and nonce (RFC 4226 truncation of HMAC-SHA256)", () => {
    // Computed once outside this code: printf '%s' '7:abc' | openssl dgst -sha256 -hmac "$SECRET"
    //   = 84b18412956328d86b8c23e64ded37135074d55327d68faa773b161c542098b7
    // last byte b7 → offset 7 → bytes d8 6b 8c 23 → & 0x7fffffff = 0x586b8c23 = 1483443235 → mod 10^6 = 443235
    expect(pickupCode(7, "abc", SECRET)).toBe("443235");
    // printf '%s' '42:bm9uY2UtZm9yLXRlc3Rz' | openssl dgst -sha256 -hmac "$SECRET"
    //   = 89d00e366c886a8b02188315633c75f1a68cd76d661ad02950b6033d824b7ea3
    // last byte a3 → offset 3 → bytes 36 6c 88 6a → 0x366c886a = 913082474 → mod 10^6 = 82474 → "082474" (zero-padded)
    expect(pickupCode(42, "bm9uY2UtZm9yLXRlc3Rz", SECRET)).toBe("082474");
    expect(verifyPickupCode(42, "bm9uY2UtZm9yLXRlc3Rz", "082 474", SECRET)).toBe(true);
    expect(verifyPickupCode(42, "bm9uY2UtZm9yLXRlc3Rz", "82474", SECRET)).toBe(false);
  });

  it("verifies in constant time and refuses wrong or malformed input", () => {
    const nonce = newPickupNonce();
    const code = pickupCode(9, nonce, SECRET);
    expect(verifyPickupCode(9, nonce, code, SECRET)).toBe(true);
    expect(verifyPickupCode(9, nonce, ` ${code.slice(0, 3)} ${code.slice(3)} `, SECRET)).toBe(true);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    expect(verifyPickupCode(9, nonce, wrong, SECRET)).toBe(false);
    expect(verifyPickupCode(9, nonce, "12345", SECRET)).toBe(false);
    expect(verifyPickupCode(9, nonce, "abcdef", SECRET)).toBe(false);
    expect(verifyPickupCode(9, nonce, code, "another-secret-0123456789")).toBe(pickupCode(9, nonce, "another-secret-0123456789") === code);
    expect(normalisePickupCode("１２３４５６")).toBe("123456");
  });

  it("round-trips the QR payload", () => {
    expect(parsePickupQrPayload(pickupQrPayload("P7K2M9QX4T", "012345"))).toEqual({ parcelCode: "P7K2M9QX4T", code: "012345" });
    expect(parsePickupQrPayload("https://example.com")).toBeNull();
  });
});

describe("the database holds no pickup code", () => {
  let db: Db;
  let cleanup: () => void;
  beforeAll(() => {
    ({ db, cleanup } = createTestDatabase());
    setSmsSender({ send: () => undefined });
  });
  afterAll(() => {
    closeDb();
    cleanup();
  });

  it("stores only the nonce: no column of the parcel, its events, attempts or notices contains the code", async () => {
    const m = await createMarket(db);
    const op = await createUser(db, { roles: ["delivery_operator"] });
    db.$client.prepare(`insert into delivery_point_operators (delivery_point_id, user_id) values (?, ?)`).run(m.pointId, op.id);
    addToCart(db, m.buyer.id, m.apples, 2);
    const order = await checkout(db, actorFor(db, m.buyer.id), { contactPhone: m.buyer.phone, deliveryPointId: m.pointId, payAtPickup: true });
    const sub = db.$client.prepare(`select id, producer_id as producerId from sub_orders where order_id = ?`).get(order.orderId) as {
      id: number;
      producerId: number;
    };
    const owner = db.$client.prepare(`select user_id from producer_members where producer_id = ?`).pluck().get(sub.producerId) as number;
    dispatchSubOrder(db, actorFor(db, owner), sub.id);
    const parcel = db.$client.prepare(`select id, code from parcels where order_id = ?`).get(order.orderId) as { id: number; code: string };
    markParcelArrived(db, actorFor(db, op.id), parcel.code);

    const row = db.$client.prepare(`select * from parcels where id = ?`).get(parcel.id) as Record<string, unknown>;
    const code = pickupCode(parcel.id, row.pickup_code_nonce as string);
    expect(row.pickup_code_nonce).toEqual(expect.any(String));
    const dump = JSON.stringify([
      row,
      db.$client.prepare(`select * from parcel_events where parcel_id = ?`).all(parcel.id),
      db.$client.prepare(`select * from pickup_attempts`).all(),
      db.$client.prepare(`select * from notifications where user_id = ?`).all(m.buyer.id),
    ]);
    expect(dump).not.toContain(code);
    // Without the secret the nonce gives nothing: another secret makes another code.
    expect(pickupCode(parcel.id, row.pickup_code_nonce as string, "a-leaked-db-but-no-secret")).not.toBe(code);
  });
});

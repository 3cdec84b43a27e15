/** Commission and producer shares in fen (issue 4): no rounding loss, nothing negative. */
import { describe, expect, it } from "vitest";
import { lineTotalFen, splitOrder, splitSubtotal } from "../../market/orders/split";

/** Deterministic PRNG (mulberry32) so the property loops are reproducible. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("splitSubtotal", () => {
  it("takes floor(subtotal × bp / 10000) as commission and gives the remainder to the producer", () => {
    expect(splitSubtotal(1990, 500)).toEqual({ subtotalFen: 1990, commissionFen: 99, producerShareFen: 1891 }); // 99.5 → 99
    expect(splitSubtotal(3333, 500)).toEqual({ subtotalFen: 3333, commissionFen: 166, producerShareFen: 3167 });
    expect(splitSubtotal(1, 500)).toEqual({ subtotalFen: 1, commissionFen: 0, producerShareFen: 1 });
    expect(splitSubtotal(0, 500)).toEqual({ subtotalFen: 0, commissionFen: 0, producerShareFen: 0 });
    expect(splitSubtotal(12345, 0).producerShareFen).toBe(12345);
    expect(splitSubtotal(12345, 10000).commissionFen).toBe(12345);
  });

  it("refuses fractions of a fen, negatives and commissions outside 0..10000 bp", () => {
    expect(() => splitSubtotal(10.5, 500)).toThrow(RangeError);
    expect(() => splitSubtotal(-1, 500)).toThrow(RangeError);
    expect(() => splitSubtotal(100, -1)).toThrow(RangeError);
    expect(() => splitSubtotal(100, 10001)).toThrow(RangeError);
    expect(() => splitSubtotal(100, 2.5)).toThrow(RangeError);
    expect(() => lineTotalFen(0, 100)).toThrow(RangeError);
    expect(() => lineTotalFen(2 ** 40, 2 ** 20)).toThrow(RangeError);
  });

  it("property: commission + share = subtotal, both ≥ 0, commission ≤ exact rate (10 000 random cases)", () => {
    const r = rng(42);
    for (let i = 0; i < 10_000; i++) {
      const subtotal = Math.floor(r() * (i % 2 ? 1_000 : 100_000_000));
      const bp = Math.floor(r() * 10_001);
      const s = splitSubtotal(subtotal, bp);
      expect(s.commissionFen + s.producerShareFen).toBe(subtotal);
      expect(s.commissionFen).toBeGreaterThanOrEqual(0);
      expect(s.producerShareFen).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(s.commissionFen)).toBe(true);
      // Never more than the exact commission, and less by under one fen.
      expect(s.commissionFen * 10_000).toBeLessThanOrEqual(subtotal * bp);
      expect(subtotal * bp - s.commissionFen * 10_000).toBeLessThan(10_000);
    }
  });
});

describe("splitOrder", () => {
  it("makes one sub-order per producer whose amounts add up to the order total", () => {
    const split = splitOrder(
      [
        { producerId: 1, quantity: 3, unitPriceFen: 1990 },
        { producerId: 2, quantity: 1, unitPriceFen: 3333 },
        { producerId: 1, quantity: 1, unitPriceFen: 505 },
      ],
      500,
    );
    expect(split.totalFen).toBe(3 * 1990 + 3333 + 505);
    expect(split.subOrders.map((s) => [s.producerId, s.subtotalFen, s.commissionFen, s.producerShareFen])).toEqual([
      [1, 6475, 323, 6152],
      [2, 3333, 166, 3167],
    ]);
    expect(split.commissionFen).toBe(323 + 166);
  });

  it("property: Σ shares + Σ commissions = total for random multi-producer orders (2 000 orders)", () => {
    const r = rng(7);
    for (let i = 0; i < 2_000; i++) {
      const lines = Array.from({ length: 1 + Math.floor(r() * 12) }, () => ({
        producerId: 1 + Math.floor(r() * 5),
        quantity: 1 + Math.floor(r() * 20),
        unitPriceFen: Math.floor(r() * 50_000),
      }));
      const bp = Math.floor(r() * 3_000);
      const split = splitOrder(lines, bp);
      const total = lines.reduce((s, l) => s + l.quantity * l.unitPriceFen, 0);
      expect(split.totalFen).toBe(total);
      const shares = split.subOrders.reduce((s, x) => s + x.producerShareFen, 0);
      expect(shares + split.commissionFen).toBe(total);
      expect(new Set(split.subOrders.map((s) => s.producerId)).size).toBe(split.subOrders.length);
      for (const s of split.subOrders) expect(Math.min(s.commissionFen, s.producerShareFen)).toBeGreaterThanOrEqual(0);
    }
  });
});

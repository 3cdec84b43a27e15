/** The credit formula (issue 12 §2): each component moves the score the right way; too little data gives no score. */
import { describe, expect, it } from "vitest";
import { computeCredit, CREDIT_RULES, EMPTY_CREDIT_INPUTS, type CreditInputs } from "../../market/credit/score";

/** A producer with enough data everywhere and a middling record, so every component can move both ways. */
const base: CreditInputs = {
  fulfilmentDue: 20,
  fulfilmentOnTime: 16,
  paidSubOrders: 20,
  delivered: 20,
  disputesLost: 1,
  disputesOpen: 0,
  disputesWon: 1,
  salesFen: 100_000,
  refundedFen: 5_000,
  inspections: 10,
  inspectionsPassed: 8,
  lots: 10,
  recallsByGrade: { 1: 0, 2: 1, 3: 0 },
  ratingCount: 10,
  ratingAverage: 4,
  soldLots: 10,
  soldLotsComplete: 7,
};

const score = (i: CreditInputs) => computeCredit(i).score!;
const part = (i: CreditInputs, key: string) => computeCredit(i).components.find((c) => c.key === key)!;

describe("computeCredit", () => {
  it("gives a score between 0 and 100 with every component when there is enough data", () => {
    const r = computeCredit(base);
    expect(r.score).toBeGreaterThan(0);
    expect(r.score).toBeLessThan(100);
    expect(r.components.map((c) => c.key)).toEqual(["fulfilment", "disputes", "refunds", "inspections", "recalls", "ratings", "traceability"]);
    expect(r.components.every((c) => c.points !== null)).toBe(true);
    expect(Object.values(CREDIT_RULES).reduce((s, c) => s + c.weight, 0)).toBe(100);
  });

  it("a perfect record scores 100, the worst 0", () => {
    const perfect = { ...base, fulfilmentOnTime: 20, disputesLost: 0, disputesWon: 0, refundedFen: 0, inspectionsPassed: 10 };
    expect(score({ ...perfect, recallsByGrade: { 1: 0, 2: 0, 3: 0 }, ratingAverage: 5, soldLotsComplete: 10 })).toBe(100);
    const worst = { ...base, fulfilmentOnTime: 0, disputesLost: 20, refundedFen: 100_000, inspectionsPassed: 0, ratingAverage: 1, soldLotsComplete: 0 };
    expect(score({ ...worst, recallsByGrade: { 1: 10, 2: 0, 3: 0 } })).toBe(0);
  });

  it("more orders dispatched on time raise it", () => {
    expect(score({ ...base, fulfilmentOnTime: 20 })).toBeGreaterThan(score(base));
    expect(score({ ...base, fulfilmentOnTime: 10 })).toBeLessThan(score(base));
  });

  it("disputes lower it, a lost dispute more than an open one, an open one more than one won", () => {
    const lost = score({ ...base, disputesLost: base.disputesLost + 2 });
    const open = score({ ...base, disputesOpen: 2 });
    const won = score({ ...base, disputesWon: base.disputesWon + 2 });
    expect(won).toBeLessThan(score(base));
    expect(open).toBeLessThan(won);
    expect(lost).toBeLessThan(open);
    expect(score({ ...base, disputesLost: 0, disputesWon: 0 })).toBeGreaterThan(score(base));
  });

  it("a larger refunded share of sales lowers it", () => {
    expect(score({ ...base, refundedFen: 15_000 })).toBeLessThan(score(base));
    expect(score({ ...base, refundedFen: 0 })).toBeGreaterThan(score(base));
  });

  it("failed inspections lower it", () => {
    expect(score({ ...base, inspectionsPassed: 5 })).toBeLessThan(score(base));
    expect(score({ ...base, inspectionsPassed: 10 })).toBeGreaterThan(score(base));
  });

  it("recalls lower it, a grade-1 recall more than a grade-3 one", () => {
    const g1 = score({ ...base, recallsByGrade: { 1: 1, 2: 1, 3: 0 } });
    const g3 = score({ ...base, recallsByGrade: { 1: 0, 2: 1, 3: 1 } });
    expect(g3).toBeLessThan(score(base));
    expect(g1).toBeLessThan(g3);
  });

  it("better ratings raise it; the component carries the count", () => {
    expect(score({ ...base, ratingAverage: 5 })).toBeGreaterThan(score(base));
    expect(score({ ...base, ratingAverage: 2.5 })).toBeLessThan(score(base));
    expect(part(base, "ratings")).toMatchObject({ amount: 10, points: 75 });
  });

  it("more sold lots with a complete, verified chain raise it", () => {
    expect(score({ ...base, soldLotsComplete: 10 })).toBeGreaterThan(score(base));
    expect(score({ ...base, soldLotsComplete: 2 })).toBeLessThan(score(base));
  });

  it("a component below its minimum says not enough data and does not count", () => {
    const few = { ...base, ratingCount: 2, ratingAverage: 1 };
    expect(part(few, "ratings")).toMatchObject({ value: null, points: null, amount: 2, minimum: 3 });
    // Two one-star ratings do not drag the score down: the component is left out.
    expect(score(few)).toBeGreaterThan(score({ ...base, ratingAverage: 1 }));
  });

  it("a new producer, or one with data for less than half of the weight, has no score", () => {
    expect(computeCredit(EMPTY_CREDIT_INPUTS).score).toBeNull();
    expect(computeCredit(EMPTY_CREDIT_INPUTS).components.every((c) => c.points === null)).toBe(true);
    // Ratings (20) + inspections (15) = 35 of 100: not enough.
    const some = { ...EMPTY_CREDIT_INPUTS, ratingCount: 5, ratingAverage: 5, inspections: 5, inspectionsPassed: 5 };
    expect(computeCredit(some).score).toBeNull();
    // Adding fulfilment (20) brings it to 55: a score.
    expect(computeCredit({ ...some, fulfilmentDue: 5, fulfilmentOnTime: 5 }).score).toBe(100);
  });
});

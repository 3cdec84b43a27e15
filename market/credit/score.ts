/**
 * The producer credit score (信用, issue 12 §2): a pure formula from counted facts to components
 * and a 0–100 score. No database, no clock: market/credit/credit.ts gathers the inputs.
 *
 * Each component turns its facts into a value between 0 (worst) and 1 (best) and carries a
 * weight; a component with less data than its minimum says "not enough data" and is left out.
 * The score is the weighted average of the components that have enough data, × 100, rounded —
 * and null (暂无足够数据) when those cover less than half of the total weight, so a new producer
 * never shows a number made from one or two orders.
 */

export type CreditInputs = {
  /** Sub-orders whose dispatch was due (paid at least DISPATCH_PROMISE_HOURS ago, or dispatched). */
  fulfilmentDue: number;
  /** Of those, dispatched within DISPATCH_PROMISE_HOURS of payment. */
  fulfilmentOnTime: number;
  /** Paid sub-orders (cancelled and unpaid ones excluded). */
  paidSubOrders: number;
  /** Sub-orders handed to the buyer (picked up or completed, or refunded after pickup). */
  delivered: number;
  /** Disputes decided against the producer (full or partial refund). */
  disputesLost: number;
  /** Disputes still open or answered. */
  disputesOpen: number;
  /** Disputes decided for the producer (rejected). */
  disputesWon: number;
  /** Fen of paid sales (sub-order subtotals, cancelled excluded). */
  salesFen: number;
  /**
   * Fen refunded for the producer's fault outside disputes (reasons goodwill and other). Not a lost
   * dispute's refund (the disputes part counts it), weighing differences, recall refunds, nor
   * refunds of cancelled orders.
   */
  refundedFen: number;
  /**
   * The producer's lots with an inspection record, and of those the lots whose latest inspection
   * in force (after corrections) passed. Self-reported: every inspection is signed by the producer.
   */
  inspections: number;
  inspectionsPassed: number;
  /** Lots the producer harvested or sold; recalls of them by grade (1 most serious). */
  lots: number;
  recallsByGrade: { 1: number; 2: number; 3: number };
  ratingCount: number;
  /** Average stars (1–5), null without ratings. */
  ratingAverage: number | null;
  /** Lots the producer sold, and how many of those have a chain that verifies and no blocking finding. */
  soldLots: number;
  soldLotsComplete: number;
};

export const CREDIT_COMPONENT_KEYS = ["fulfilment", "disputes", "refunds", "inspections", "recalls", "ratings", "traceability"] as const;
export type CreditComponentKey = (typeof CREDIT_COMPONENT_KEYS)[number];

export type CreditComponent = {
  key: CreditComponentKey;
  weight: number;
  /** How much data the component had (orders, inspections, lots, ratings), and the minimum. */
  amount: number;
  minimum: number;
  /** 0–1, null = not enough data. */
  value: number | null;
  /** 0–100 of this component (value × 100, rounded), null = not enough data. */
  points: number | null;
};

export type CreditResult = { score: number | null; components: CreditComponent[] };

/** A producer promises to dispatch within this many hours of payment. */
export const DISPATCH_PROMISE_HOURS = 48;

/** Weight and minimum amount of data per component; the weights add up to 100. */
export const CREDIT_RULES: Record<CreditComponentKey, { weight: number; minimum: number }> = {
  fulfilment: { weight: 20, minimum: 5 },
  disputes: { weight: 15, minimum: 5 },
  refunds: { weight: 10, minimum: 5 },
  inspections: { weight: 15, minimum: 3 },
  recalls: { weight: 10, minimum: 3 },
  ratings: { weight: 20, minimum: 3 },
  traceability: { weight: 10, minimum: 3 },
};

/** A dispute lost counts fully, an open one half, one decided for the producer a quarter. */
export const DISPUTE_WEIGHTS = { lost: 1, open: 0.5, won: 0.25 } as const;
/** A weighted dispute rate (or refunded share of sales) of this much or more gives 0. */
export const DISPUTE_RATE_AT_ZERO = 0.25;
export const REFUND_SHARE_AT_ZERO = 0.25;
/** A grade-1 recall weighs fully, grade 2 at 0.6, grade 3 (labelling) at 0.3; one recall per 5 lots gives 0. */
export const RECALL_GRADE_WEIGHTS = { 1: 1, 2: 0.6, 3: 0.3 } as const;
export const RECALL_RATE_AT_ZERO = 0.2;
/** Less than half of the weight with enough data: no score. */
export const MIN_WEIGHT_FOR_SCORE = 50;

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

function component(key: CreditComponentKey, amount: number, value: () => number): CreditComponent {
  const { weight, minimum } = CREDIT_RULES[key];
  if (amount < minimum) return { key, weight, amount, minimum, value: null, points: null };
  const v = clamp01(value());
  return { key, weight, amount, minimum, value: v, points: Math.round(v * 100) };
}

export function computeCredit(i: CreditInputs): CreditResult {
  const weightedDisputes = i.disputesLost * DISPUTE_WEIGHTS.lost + i.disputesOpen * DISPUTE_WEIGHTS.open + i.disputesWon * DISPUTE_WEIGHTS.won;
  const weightedRecalls =
    i.recallsByGrade[1] * RECALL_GRADE_WEIGHTS[1] + i.recallsByGrade[2] * RECALL_GRADE_WEIGHTS[2] + i.recallsByGrade[3] * RECALL_GRADE_WEIGHTS[3];
  const components = [
    component("fulfilment", i.fulfilmentDue, () => i.fulfilmentOnTime / i.fulfilmentDue),
    component("disputes", i.delivered, () => 1 - weightedDisputes / i.delivered / DISPUTE_RATE_AT_ZERO),
    component("refunds", i.paidSubOrders, () => (i.salesFen > 0 ? 1 - i.refundedFen / i.salesFen / REFUND_SHARE_AT_ZERO : 1)),
    component("inspections", i.inspections, () => i.inspectionsPassed / i.inspections),
    component("recalls", i.lots, () => 1 - weightedRecalls / i.lots / RECALL_RATE_AT_ZERO),
    component("ratings", i.ratingCount, () => ((i.ratingAverage ?? 1) - 1) / 4),
    component("traceability", i.soldLots, () => i.soldLotsComplete / i.soldLots),
  ];
  const counted = components.filter((c) => c.value !== null);
  const weight = counted.reduce((s, c) => s + c.weight, 0);
  if (weight < MIN_WEIGHT_FOR_SCORE) return { score: null, components };
  const score = Math.round((100 * counted.reduce((s, c) => s + c.weight * c.value!, 0)) / weight);
  return { score, components };
}

/** Inputs of a producer with nothing yet (tests, seeds). */
export const EMPTY_CREDIT_INPUTS: CreditInputs = {
  fulfilmentDue: 0,
  fulfilmentOnTime: 0,
  paidSubOrders: 0,
  delivered: 0,
  disputesLost: 0,
  disputesOpen: 0,
  disputesWon: 0,
  salesFen: 0,
  refundedFen: 0,
  inspections: 0,
  inspectionsPassed: 0,
  lots: 0,
  recallsByGrade: { 1: 0, 2: 0, 3: 0 },
  ratingCount: 0,
  ratingAverage: null,
  soldLots: 0,
  soldLotsComplete: 0,
};

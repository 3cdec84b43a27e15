/** The order state machine (issue 4): the transition table, and that only listed moves pass. */
import { describe, expect, it } from "vitest";
import { assertTransition, canTransition, IllegalTransitionError, isTerminal, ORDER_STATUSES, ORDER_TRANSITIONS } from "../../market/orders/state";

describe("order state machine", () => {
  it("walks the happy path pending_payment → … → completed", () => {
    const path = ["pending_payment", "paid", "in_fulfilment", "ready_for_pickup", "picked_up", "completed"] as const;
    for (let i = 0; i + 1 < path.length; i++) expect(canTransition(path[i], path[i + 1])).toBe(true);
    // Completed leads only to a refund, when a dispute is decided for the buyer after completion.
    expect(ORDER_TRANSITIONS.completed).toEqual(["refunded"]);
    expect(isTerminal("refunded")).toBe(true);
  });

  it("cancels only unpaid orders, refunds only paid (or late-paid cancelled) ones", () => {
    expect(canTransition("pending_payment", "cancelled")).toBe(true);
    for (const s of ["paid", "in_fulfilment", "ready_for_pickup", "picked_up", "completed", "refunded"] as const) {
      expect(canTransition(s, "cancelled")).toBe(false);
    }
    for (const s of ["paid", "in_fulfilment", "ready_for_pickup", "picked_up", "completed", "cancelled"] as const)
      expect(canTransition(s, "refunded")).toBe(true);
    expect(canTransition("pending_payment", "refunded")).toBe(false);
  });

  it("refuses skipping steps, going back and leaving terminal states", () => {
    expect(canTransition("pending_payment", "in_fulfilment")).toBe(false);
    expect(canTransition("paid", "pending_payment")).toBe(false);
    expect(canTransition("picked_up", "ready_for_pickup")).toBe(false);
    expect(canTransition("cancelled", "paid")).toBe(false);
    for (const to of ORDER_STATUSES) expect(canTransition("refunded", to)).toBe(false);
    for (const s of ORDER_STATUSES) expect(canTransition(s, s)).toBe(false);
  });

  it("every status has a row and every target is a status", () => {
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual([...ORDER_STATUSES].sort());
    for (const targets of Object.values(ORDER_TRANSITIONS)) for (const t of targets) expect(ORDER_STATUSES).toContain(t);
  });

  it("assertTransition throws IllegalTransitionError naming the move, also for unknown statuses", () => {
    expect(() => assertTransition(7, "paid", "pending_payment")).toThrow(IllegalTransitionError);
    expect(() => assertTransition(7, "paid", "pending_payment")).toThrow(/order 7: paid → pending_payment/);
    expect(() => assertTransition(7, "awaiting_pickup", "picked_up")).toThrow(IllegalTransitionError);
    expect(() => assertTransition(7, "paid", "in_fulfilment")).not.toThrow();
  });
});

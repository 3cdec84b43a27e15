/**
 * What the producer credit score counts (issue 12 §2, review fixes), against a real SQLite file:
 * inspections per lot as the chain reads after corrections (padding cannot lift the part).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { countInspectedLots, gatherCreditInputs } from "../../market/credit/credit";
import { computeCredit } from "../../market/credit/score";
import { recordEvent } from "../../traceability/store";
import { createLotWithChain, createProducer, createTestDatabase, type LotWithChain } from "../../seeds/factories";

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

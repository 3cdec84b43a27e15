/**
 * The web layer's one mapping from domain errors to answers (app/utils/http.server.ts): what a
 * user sees when an action or a loader is refused, in both languages.
 */
import { parseWithZod } from "@conform-to/zod";
import { data } from "@remix-run/node";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { IllegalTransitionError } from "../../market/orders/state";
import { SoldOutError } from "../../market/orders/checkout";
import { PhotoRejectedError } from "../../market/photos/photos";
import { ComplianceBlockedError, TraceRuleError } from "../../traceability/errors";
import { act, idParam, load, refused } from "~/utils/http.server";
import { RequestTooLargeError } from "~/utils/upload.server";

const zhRequest = () => new Request("http://cunpin.test/x", { method: "POST", headers: { Cookie: "lng=zh" } });
const enRequest = () => new Request("http://cunpin.test/x", { method: "POST", headers: { Cookie: "lng=en" } });

/** A real Conform submission of a small form, as a route parses it. */
function submissionOf(fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return parseWithZod(form, { schema: z.object({ title: z.string(), price: z.string() }) });
}

/** The status and body of what `act` answered (a refusal is `data(body, { status })`). */
function answerOf(outcome: unknown): { status: number; body: any } {
  expect(refused(outcome)).toBe(true);
  const answer = outcome as { data: unknown; init: ResponseInit | null };
  return { status: answer.init?.status ?? 200, body: answer.data };
}

/** What a thrown Response says: its status and the message key the ErrorBoundary shows. */
async function thrownResponse(promise: Promise<unknown>): Promise<{ status: number; text: string }> {
  try {
    await promise;
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(Response);
    const res = thrown as Response;
    return { status: res.status, text: await res.text() };
  }
  throw new Error("expected a thrown Response");
}

const throwing = (error: unknown) => () => {
  throw error;
};

describe("loaders: 403 and 404 for the ErrorBoundary", () => {
  test("ForbiddenError → 403 error.forbidden, NotFoundError → 404 error.notFound", async () => {
    expect(await thrownResponse(load(throwing(new ForbiddenError())))).toEqual({ status: 403, text: "error.forbidden" });
    expect(await thrownResponse(load(throwing(new NotFoundError())))).toEqual({ status: 404, text: "error.notFound" });
  });

  test("a value passes through; any other error is rethrown as it is", async () => {
    expect(await load(() => ({ id: 7 }))).toEqual({ id: 7 });
    const bug = new TypeError("a bug");
    await expect(load(throwing(bug))).rejects.toBe(bug);
  });

  test("an id from the URL: positive integers only, else 404", async () => {
    expect(idParam("42")).toBe(42);
    for (const bad of [undefined, "", "0", "-3", "1.5", "abc", "2147483648"]) {
      expect(() => idParam(bad)).toThrow(Response);
    }
  });
});

describe("actions: a refused form keeps what was typed and says why, translated", () => {
  test("a domain rule → 400, Conform's reply with the message in Chinese and in English", async () => {
    const submission = submissionOf({ title: "苹果", price: "0" });
    const zh = answerOf(await act(throwing(new DomainRuleError("farm.publishNeedsPrice")), { request: zhRequest(), submission }));
    expect(zh.status).toBe(400);
    expect(zh.body.result.error).toEqual({ "": ["上架前请填写大于 0 的价格"] });
    expect(zh.body.result.initialValue).toEqual({ title: "苹果", price: "0" });

    const en = answerOf(await act(throwing(new DomainRuleError("farm.publishNeedsPrice")), { request: enRequest(), submission }));
    expect(en.body.result.error).toEqual({ "": ["Set a price above 0 before publishing"] });
  });

  test("the message's params are filled in, and `fieldOf` puts it on its field", async () => {
    const submission = submissionOf({ title: "红富士", price: "10" });
    const sold = answerOf(
      await act(throwing(new SoldOutError(3, "红富士", 2, 5)), { request: zhRequest(), submission, fieldOf: { "orders.error.soldOut": "title" } }),
    );
    expect(sold.body.result.error).toEqual({ title: ["「红富士」库存不足：仅剩 2 件，你需要 5 件。订单未创建，请修改数量。"] });
  });

  test("a TraceRuleError is a domain rule: the app's catalogue, then the traceability library's messages, then a plain fallback", async () => {
    const submission = submissionOf({ title: "x", price: "1" });
    const app = answerOf(await act(throwing(new TraceRuleError("trace.error.intervalDuplicate", { target: "apple" })), { request: enRequest(), submission }));
    expect(app.status).toBe(400);
    expect(app.body.result.error).toEqual({ "": ["Crop or target “apple” is listed twice."] });

    const library = answerOf(await act(throwing(new TraceRuleError("trace.finding.no_passing_inspection")), { request: zhRequest(), submission }));
    expect(library.body.result.error).toEqual({ "": ["本批次还没有合格的检测或检查记录。"] });

    const unknown = answerOf(await act(throwing(new TraceRuleError("trace.error.somethingNew")), { request: zhRequest(), submission }));
    expect(unknown.body.result.error).toEqual({ "": ["无法保存：trace.error.somethingNew"] });
  });

  test("without a submission the body is the message key and its params, for pages that word it themselves", async () => {
    const answer = answerOf(await act(throwing(new SoldOutError(3, "红富士", 2, 5)), { request: zhRequest() }));
    expect(answer).toEqual({ status: 400, body: { error: "orders.error.soldOut", params: { title: "红富士", available: 2, wanted: 5 } } });
    const illegal = answerOf(await act(throwing(new IllegalTransitionError(9, "completed", "paid")), { request: zhRequest() }));
    expect(illegal).toEqual({ status: 400, body: { error: "orders.error.illegalTransition", params: {} } });
  });

  test("the compliance gate → 400 with its title and each blocking lot in words", async () => {
    const blocked = new ComplianceBlockedError([
      { batchId: 4, lotCode: "L-2025-04", findings: [{ code: "no_passing_inspection", eventSeq: null, params: {} }] },
    ]);
    const zh = answerOf(await act(throwing(blocked), { request: zhRequest(), submission: submissionOf({ title: "x", price: "1" }) }));
    expect(zh.status).toBe(400);
    expect(zh.body.result.error[""]).toEqual(["这个商品暂时不能上架", "批次 L-2025-04：本批次还没有合格的检测或检查记录。"]);

    const en = answerOf(
      await act(throwing(blocked), { request: enRequest(), reply: (r) => ({ title: r.text, lines: r.blockerLines, lots: r.blockers?.map((b) => b.lotCode) }) }),
    );
    expect(en.body).toEqual({
      title: "This listing cannot be published yet",
      lines: ["Lot L-2025-04: This lot has no passing test or inspection yet."],
      lots: ["L-2025-04"],
    });
  });

  test("a rejected photo → 400 on the photos field; an oversize upload → 413", async () => {
    const submission = submissionOf({ title: "x", price: "1" });
    const photo = answerOf(await act(throwing(new PhotoRejectedError("photo.tooLarge")), { request: enRequest(), submission }));
    expect(photo.status).toBe(400);
    expect(photo.body.result.error).toEqual({ photos: ["The photo is too large; each must be at most 10 MB"] });
    // A form whose photo field has another name (the inspection record's certificate photo).
    const certificate = answerOf(await act(throwing(new PhotoRejectedError("photo.notImage")), { request: zhRequest(), submission, fieldOf: () => "photo" }));
    expect(Object.keys(certificate.body.result.error)).toEqual(["photo"]);

    const tooLarge = answerOf(await act(throwing(new RequestTooLargeError()), { request: zhRequest() }));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.result.error).toEqual({ "": ["farm.upload.tooLarge"] });
  });

  test("403 and 404 are thrown for the ErrorBoundary, unless the route words a missing thing itself", async () => {
    expect(await thrownResponse(act(throwing(new ForbiddenError()), { request: zhRequest() }))).toEqual({ status: 403, text: "error.forbidden" });
    expect(await thrownResponse(act(throwing(new NotFoundError()), { request: zhRequest() }))).toEqual({ status: 404, text: "error.notFound" });
    const asRule = answerOf(
      await act(throwing(new NotFoundError()), { request: zhRequest(), notFound: { messageKey: "cart.error.unavailable", status: 400 } }),
    );
    expect(asRule).toEqual({ status: 400, body: { error: "cart.error.unavailable", params: {} } });
  });

  test("anything else is rethrown (a 500), after the cleanup ran; a route may answer it itself", async () => {
    const bug = new TypeError("a bug");
    let cleaned = 0;
    await expect(act(throwing(bug), { request: zhRequest(), onError: () => cleaned++ })).rejects.toBe(bug);
    expect(cleaned).toBe(1);

    const down = answerOf(
      await act(throwing(new Error("stripe unreachable")), { request: zhRequest(), unexpected: () => data({ error: "down" }, { status: 502 }) }),
    );
    expect(down).toEqual({ status: 502, body: { error: "down" } });
  });

  test("a value passes through untouched and is no refusal; the cleanup does not run", async () => {
    let cleaned = 0;
    const value = await act(() => ({ ok: true }), { request: zhRequest(), onError: () => cleaned++ });
    expect(refused(value)).toBe(false);
    expect(value).toEqual({ ok: true });
    expect(cleaned).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { shanghaiDay } from "../../../core/clock";
import { parseContent } from "../../../traceability/chain";
import { checkCompliance, findingMessage, type ComplianceInput } from "../../../traceability/compliance";
import { loadInputsCatalogue } from "../../../traceability/inputs";
import type { CommitmentCertificate, EventContent, NewEventContent } from "../../../traceability/types";
import { P, PLATFORM, buildChain, sh } from "./fixtures";

const inputsCatalogue = loadInputsCatalogue();
const NOW = sh("2026-11-27T12:00:00");

const planting = (crop: string): NewEventContent => ({
  lotId: "1",
  type: "planting",
  occurredAt: sh("2026-03-01T08:00:00"),
  recordedAt: sh("2026-03-01T08:00:00"),
  actor: P,
  payload: { crop },
});
const spray = (at: string, productName: string, extra: Record<string, unknown> = {}): NewEventContent => ({
  lotId: "1",
  type: "input_application",
  occurredAt: sh(at),
  recordedAt: sh(at) + 60_000,
  actor: P,
  payload: { inputKind: "pesticide", productName, ...extra },
});
const harvest = (at: string): NewEventContent => ({
  lotId: "1",
  type: "harvest",
  occurredAt: sh(at),
  recordedAt: sh(at) + 60_000,
  actor: P,
  payload: { quantity: 500, unit: "kg", lotCode: "L1" },
});
const inspection = (at: string, result: "pass" | "fail" = "pass"): NewEventContent => ({
  lotId: "1",
  type: "inspection",
  occurredAt: sh(at),
  recordedAt: sh(at) + 60_000,
  actor: PLATFORM,
  payload: { result, kind: "rapid_test" },
});

const contents = (...cs: NewEventContent[]): EventContent[] => buildChain(cs).map(parseContent);
const check = (events: EventContent[], over: Partial<ComplianceInput> = {}) =>
  checkCompliance({ category: "vegetables", events, inputsCatalogue, now: NOW, certificate: validCert(), ...over });

function validCert(over: Partial<CommitmentCertificate> = {}): CommitmentCertificate {
  return {
    productName: "黄瓜",
    quantity: 500,
    unit: "kg",
    origin: "山东省潍坊市寿光市",
    issuedAt: sh("2026-06-05T08:00:00"),
    entityName: "寿光市绿源蔬菜专业合作社",
    entityContact: "13800000002",
    commitment: { noBannedOrRestrictedInputs: true, intervalsObserved: true, residueStandardsMet: true },
    ...over,
  };
}

describe("checkCompliance", () => {
  it("a clean lot has no findings", () => {
    const ev = contents(planting("cucumber"), spray("2026-05-20T08:00:00", "20%啶虫脒乳油"), harvest("2026-06-01T08:00:00"), inspection("2026-06-01T10:00:00"));
    expect(check(ev)).toEqual([]);
  });

  it("flags a banned input (from the day its ban started)", () => {
    const ev = contents(planting("apple"), spray("2026-05-01T08:00:00", "5%甲拌磷颗粒剂"), harvest("2026-10-01T08:00:00"), inspection("2026-10-02T08:00:00"));
    const findings = check(ev, { category: "fruit" });
    expect(findings).toEqual([
      { code: "banned_input", eventSeq: 2, params: { seq: 2, input: "5%甲拌磷颗粒剂", substanceZh: "甲拌磷", substanceEn: "phorate" } },
    ]);
    expect(findingMessage(findings[0], "zh")).toBe("第 2 条记录使用了国家禁用农药「甲拌磷」（5%甲拌磷颗粒剂）。该批次不能上架销售。");
    expect(findingMessage(findings[0], "en")).toContain("phorate (5%甲拌磷颗粒剂), a pesticide banned in China");
    // phorate was banned from 2024-09-01: a 2024-08 use is not a ban violation
    const before = contents(
      planting("apple"),
      spray("2024-08-01T08:00:00", "5%甲拌磷颗粒剂"),
      harvest("2024-10-01T08:00:00"),
      inspection("2024-10-02T08:00:00"),
    );
    expect(check(before, { category: "fruit" }).filter((f) => f.code === "banned_input")).toEqual([]);
  });

  it("flags a pre-harvest interval violated by one day, in Asia/Shanghai calendar days", () => {
    // 20%啶虫脒乳油 on cucumber: 2 days. Last spray 1 June 23:30 Beijing time (15:30 UTC); harvest 2 June 08:00.
    const ev = contents(
      planting("cucumber"),
      spray("2026-05-28T08:00:00", "20%啶虫脒乳油"),
      spray("2026-06-01T23:30:00", "20%啶虫脒乳油"),
      harvest("2026-06-02T08:00:00"),
      inspection("2026-06-01T23:45:00"),
    );
    const findings = check(ev);
    expect(findings).toEqual([
      {
        code: "interval_violated",
        eventSeq: 3,
        params: {
          kind: "pre_harvest",
          seq: 3,
          input: "20%啶虫脒乳油",
          days: 2,
          source: "catalogue",
          appliedOn: "2026-06-01",
          earliestOn: "2026-06-03",
          harvestOn: "2026-06-02",
        },
      },
    ]);
    expect(findingMessage(findings[0], "zh")).toContain("安全间隔期为 2 天，最早 2026-06-03 才能采收");
    expect(findingMessage(findings[0], "en")).toContain("pre-harvest interval is 2 days");
  });

  it("passes when the interval is respected exactly (N calendar days, whatever the hour)", () => {
    const ev = contents(planting("cucumber"), spray("2026-06-01T23:30:00", "20%啶虫脒乳油"), inspection("2026-06-01T23:45:00"), harvest("2026-06-03T00:10:00"));
    expect(check(ev)).toEqual([]);
    expect(shanghaiDay(sh("2026-06-03T00:10:00")) - shanghaiDay(sh("2026-06-01T23:30:00"))).toBe(2);
  });

  it("uses the longest interval of the matching label rows and the crop's groups", () => {
    // abamectin: 14 days on citrus; an orange is a citrus fruit
    const ev = contents(planting("orange"), spray("2026-10-01T08:00:00", "1.8%阿维菌素乳油"), inspection("2026-10-02T08:00:00"));
    const f = check(ev, { category: "fruit", harvestAt: sh("2026-10-14T08:00:00") });
    expect(f).toMatchObject([{ code: "interval_violated", params: { days: 14, earliestOn: "2026-10-15" } }]);
    expect(check(ev, { category: "fruit", harvestAt: sh("2026-10-15T08:00:00") })).toEqual([]);
  });

  it("flags more applications than the label allows", () => {
    const ev = contents(
      planting("spinach"),
      spray("2026-05-01T08:00:00", "1.8%阿维菌素乳油"),
      spray("2026-05-05T08:00:00", "1.8%阿维菌素乳油"),
      inspection("2026-05-20T08:00:00"),
    );
    expect(check(ev, { harvestAt: sh("2026-05-20T08:00:00") })).toMatchObject([{ code: "too_many_applications", eventSeq: 3, params: { count: 2, max: 1 } }]);
  });

  it("flags a pesticide forbidden on the crop, but not on other crops", () => {
    // acephate (乙酰甲胺磷): not on vegetables, fruit, tea, fungi or herbs from 2019-08-01 (MOA 2552)
    const onApple = { registeredCrop: "apple", labelIntervalDays: 14 };
    const apple = contents(
      planting("apple"),
      spray("2026-06-01T08:00:00", "30%乙酰甲胺磷乳油", onApple),
      harvest("2026-10-01T08:00:00"),
      inspection("2026-10-02T08:00:00"),
    );
    const f = check(apple, { category: "fruit" });
    expect(f).toMatchObject([{ code: "forbidden_on_crop", eventSeq: 2, params: { substanceZh: "乙酰甲胺磷", cropZh: "苹果", cropEn: "apple" } }]);
    expect(findingMessage(f[0], "zh")).toBe("第 2 条记录在苹果上使用了「乙酰甲胺磷」（30%乙酰甲胺磷乳油），该农药禁止用于这类作物。");
    // before the restriction started it was not a violation
    const early = contents(
      planting("apple"),
      spray("2019-06-01T08:00:00", "30%乙酰甲胺磷乳油", onApple),
      harvest("2019-10-01T08:00:00"),
      inspection("2019-10-02T08:00:00"),
    );
    expect(check(early, { category: "fruit", now: sh("2019-11-01T08:00:00") })).toEqual([]);
    const rice = contents(
      planting("rice"),
      spray("2026-06-01T08:00:00", "30%乙酰甲胺磷乳油", { registeredCrop: "rice", labelIntervalDays: 14 }),
      harvest("2026-10-01T08:00:00"),
      inspection("2026-10-02T08:00:00"),
    );
    expect(check(rice, { category: "grain" })).toEqual([]);
    // group-level restriction via the category when the crop is unknown: dimethoate on any vegetable
    const unknownVeg = contents(
      planting("蕹菜"),
      spray("2026-06-01T08:00:00", "40%乐果乳油", { registeredCrop: "蕹菜", labelIntervalDays: 7 }),
      harvest("2026-07-01T08:00:00"),
      inspection("2026-07-02T08:00:00"),
    );
    expect(check(unknownVeg)).toMatchObject([{ code: "forbidden_on_crop", params: { substanceEn: "dimethoate" } }]);
    // fipronil: all uses except seed coating
    const maize = { registeredCrop: "maize", labelIntervalDays: 0 };
    const seed = contents(
      planting("maize"),
      spray("2026-04-01T08:00:00", "5%氟虫腈悬浮种衣剂", { method: "seed_coating", ...maize }),
      harvest("2026-10-01T08:00:00"),
      inspection("2026-10-02T08:00:00"),
    );
    expect(check(seed, { category: "grain" })).toEqual([]);
    const sprayed = contents(
      planting("maize"),
      spray("2026-04-01T08:00:00", "5%氟虫腈悬浮剂", { method: "spray", ...maize }),
      harvest("2026-10-01T08:00:00"),
      inspection("2026-10-02T08:00:00"),
    );
    expect(check(sprayed, { category: "grain" })).toMatchObject([{ code: "forbidden_on_crop", params: { substanceEn: "fipronil" } }]);
  });

  it("requires a commitment compliance certificate for fruit, and none for grain", () => {
    const fruit = contents(planting("kiwifruit"), harvest("2026-10-01T08:00:00"), inspection("2026-10-02T08:00:00"));
    const f = check(fruit, { category: "fruit", certificate: undefined });
    expect(f).toEqual([{ code: "missing_certificate", eventSeq: null, params: { missing: "certificate" } }]);
    expect(findingMessage(f[0], "zh")).toContain("承诺达标合格证");
    expect(findingMessage(f[0], "en")).toContain("commitment compliance certificate");
    expect(check(fruit, { category: "fruit", certificate: validCert() })).toEqual([]);
    const incomplete = check(fruit, {
      category: "fruit",
      certificate: { ...validCert(), entityContact: "", commitment: { noBannedOrRestrictedInputs: true, intervalsObserved: false, residueStandardsMet: true } },
    });
    expect(incomplete).toMatchObject([{ code: "missing_certificate", params: { missing: "entityContact,commitment" } }]);
    expect(findingMessage(incomplete[0], "zh")).toContain("联系方式、承诺内容");
    const grain = contents(planting("rice"), harvest("2026-10-01T08:00:00"), inspection("2026-10-02T08:00:00"));
    expect(check(grain, { category: "grain", certificate: undefined })).toEqual([]);
    // before the order came into force (2026-02-01) it is not required
    expect(check(fruit, { category: "fruit", certificate: undefined, now: sh("2026-01-31T23:00:00") })).toEqual([]);
  });

  it("finds the certificate carried by a packing event", () => {
    const ev = contents(planting("apple"), harvest("2026-10-01T08:00:00"), inspection("2026-10-02T08:00:00"), {
      lotId: "1",
      type: "packing",
      occurredAt: sh("2026-10-03T08:00:00"),
      recordedAt: sh("2026-10-03T08:00:00"),
      actor: P,
      payload: { quantity: 500, unit: "kg", certificate: validCert({ productName: "洛川苹果" }) },
    });
    expect(checkCompliance({ category: "fruit", events: ev, inputsCatalogue, now: NOW })).toEqual([]);
  });

  it("requires a passing inspection that is not older than the last input", () => {
    const none = contents(planting("cucumber"), harvest("2026-06-01T08:00:00"));
    expect(check(none)).toEqual([{ code: "no_passing_inspection", eventSeq: null, params: { reason: "none" } }]);
    const failed = contents(planting("cucumber"), harvest("2026-06-01T08:00:00"), inspection("2026-06-02T08:00:00", "fail"));
    const f = check(failed);
    expect(f).toMatchObject([{ code: "no_passing_inspection", eventSeq: 3, params: { reason: "failed" } }]);
    expect(findingMessage(f[0], "en")).toBe("Record 3: the latest test failed; the lot needs a passing test before it can be sold.");
    const after = contents(
      planting("cucumber"),
      inspection("2026-05-01T08:00:00"),
      spray("2026-05-02T08:00:00", "叶面肥", { inputKind: "fertilizer" } as never),
      harvest("2026-06-01T08:00:00"),
    );
    expect(check(after)).toMatchObject([{ code: "no_passing_inspection", eventSeq: 3, params: { reason: "inputs_after" } }]);
    expect(check(none, { category: "agri_inputs" })).toEqual([]);
  });

  it("applies veterinary withdrawal periods to animals", () => {
    const dose = (at: string): NewEventContent => ({
      lotId: "1",
      type: "input_application",
      occurredAt: sh(at),
      recordedAt: sh(at),
      actor: P,
      payload: { inputKind: "veterinary_drug", productName: "土霉素注射液" },
    });
    const ev = contents(planting("pigs"), dose("2026-09-01T08:00:00"), inspection("2026-09-20T08:00:00"));
    const early = checkCompliance({
      category: "livestock_poultry",
      events: ev,
      inputsCatalogue,
      now: NOW,
      certificate: validCert(),
      harvestAt: sh("2026-09-28T08:00:00"),
    });
    expect(early).toMatchObject([{ code: "interval_violated", eventSeq: 2, params: { kind: "withdrawal", days: 28, earliestOn: "2026-09-29" } }]);
    expect(findingMessage(early[0], "zh")).toContain("休药期为 28 天");
    expect(
      checkCompliance({ category: "livestock_poultry", events: ev, inputsCatalogue, now: NOW, certificate: validCert(), harvestAt: sh("2026-09-29T08:00:00") }),
    ).toEqual([]);
  });

  it("works on the effective events: a correction that fixes a mistyped product counts", () => {
    const ev = contents(planting("apple"), spray("2026-05-01T08:00:00", "5%甲拌磷颗粒剂"), harvest("2026-10-01T08:00:00"), inspection("2026-10-02T08:00:00"), {
      lotId: "1",
      type: "correction",
      correctsSeq: 2,
      occurredAt: sh("2026-05-01T09:00:00"),
      recordedAt: sh("2026-05-01T09:00:00"),
      actor: P,
      payload: {
        reason: "选错了产品",
        replacement: { inputKind: "pesticide", productName: "1.8%阿维菌素乳油", registeredCrop: "apple", labelIntervalDays: 14 },
      },
    });
    expect(check(ev, { category: "fruit" })).toEqual([]);
  });
});

describe("registered use (农药管理条例 第三十四条)", () => {
  const apple = (...cs: NewEventContent[]) => contents(planting("apple"), ...cs, harvest("2026-11-25T08:00:00"), inspection("2026-11-25T10:00:00"));
  const fruit = { category: "fruit" as const };

  it("a catalogue product on a crop its registrations do not name blocks the lot, in plain words", () => {
    // the lot: 1.8%阿维菌素乳油 (registered here on leafy vegetables, citrus, cucumber, cowpea) on apples
    const f = check(apple(spray("2026-11-23T08:00:00", "1.8%阿维菌素乳油")), fruit);
    expect(f).toMatchObject([{ code: "off_label", eventSeq: 2, params: { reason: "catalogue_other_crops", cropZh: "苹果" } }]);
    expect(findingMessage(f[0], "zh")).toContain("平台目录里 1.8%阿维菌素乳油 没有登记用于苹果");
    expect(findingMessage(f[0], "en")).toContain("not registered for apple");
  });

  it("a declared label crop that is not the lot's crop is 超范围使用 and blocks", () => {
    const f = check(apple(spray("2026-10-01T08:00:00", "1.8%阿维菌素乳油", { registeredCrop: "citrus", labelIntervalDays: 14 })), fruit);
    expect(f).toMatchObject([{ code: "off_label", params: { reason: "not_on_label", labelCropZh: "柑橘", cropZh: "苹果" } }]);
    expect(findingMessage(f[0], "zh")).toContain("超范围使用");
    expect(findingMessage(f[0], "zh")).toContain("不包括苹果");
    // a label naming the group (果树) covers the apple; one naming the apple itself too
    expect(check(apple(spray("2026-10-01T08:00:00", "1.8%阿维菌素乳油", { registeredCrop: "果树", labelIntervalDays: 14 })), fruit)).toEqual([]);
    expect(check(apple(spray("2026-10-01T08:00:00", "1.8%阿维菌素乳油", { registeredCrop: "苹果", labelIntervalDays: 14 })), fruit)).toEqual([]);
  });

  it("a typed-in pesticide without its label's crop and interval blocks (a missing row proves nothing)", () => {
    const f = check(apple(spray("2026-11-23T08:00:00", "70%吡虫啉水分散粒剂")), fruit);
    expect(f).toMatchObject([{ code: "off_label", params: { reason: "undeclared" } }]);
    expect(findingMessage(f[0], "zh")).toContain("没有写明标签上登记的作物和安全间隔期");
    // fertilisers need no registered use
    expect(check(apple(spray("2026-11-23T08:00:00", "腐熟有机肥", { inputKind: "fertilizer" })), fruit)).toEqual([]);
  });

  it("a declared interval one day short blocks, and says the interval was declared, not verified", () => {
    const use = { registeredCrop: "apple", labelIntervalDays: 3, intervalSource: "declared" };
    const short = check(apple(spray("2026-11-23T08:00:00", "10%吡虫啉可湿性粉剂", use)), fruit);
    expect(short).toMatchObject([{ code: "interval_violated", params: { days: 3, source: "declared", earliestOn: "2026-11-26", harvestOn: "2026-11-25" } }]);
    expect(findingMessage(short[0], "zh")).toContain("农户申报的标签安全间隔期 3 天（未经平台核实）");
    expect(findingMessage(short[0], "en")).toContain("declared (not verified by the platform)");
    expect(check(apple(spray("2026-11-22T08:00:00", "10%吡虫啉可湿性粉剂", use)), fruit)).toEqual([]);
  });

  it("where sources disagree the longest interval wins (tea imidacloprid: 7, 10 and 12 days)", () => {
    const tea = (sprayAt: string, extra: Record<string, unknown>) =>
      contents(planting("tea"), spray(sprayAt, "10%吡虫啉", extra), harvest("2026-05-20T08:00:00"), inspection("2026-05-20T10:00:00"));
    // the farmer declares 7 days from the label; a reference list says 12 for imidacloprid on tea
    const f = check(tea("2026-05-09T08:00:00", { registeredCrop: "tea", labelIntervalDays: 7 }), { category: "tea" });
    expect(f).toMatchObject([{ code: "interval_violated", params: { days: 12, source: "catalogue", earliestOn: "2026-05-21" } }]);
    expect(check(tea("2026-05-08T08:00:00", { registeredCrop: "tea", labelIntervalDays: 7 }), { category: "tea" })).toEqual([]);
    // a declaration longer than every source wins too
    expect(check(tea("2026-05-01T08:00:00", { registeredCrop: "tea", labelIntervalDays: 20 }), { category: "tea" })).toMatchObject([
      { code: "interval_violated", params: { days: 20, source: "declared" } },
    ]);
  });

  it("the label's maximum number of applications counts, the smaller of label and catalogue winning", () => {
    const use = { registeredCrop: "apple", labelIntervalDays: 7, labelMaxApplications: 1 };
    const twice = apple(spray("2026-09-01T08:00:00", "10%吡虫啉可湿性粉剂", use), spray("2026-10-01T08:00:00", "10%吡虫啉可湿性粉剂", use));
    expect(check(twice, fruit)).toMatchObject([{ code: "too_many_applications", eventSeq: 3, params: { count: 2, max: 1 } }]);
    // on citrus the catalogue allows acetamiprid EC once, whatever the farmer declares
    const orange = contents(
      planting("orange"),
      spray("2026-08-01T08:00:00", "20%啶虫脒乳油", { registeredCrop: "citrus", labelIntervalDays: 14, labelMaxApplications: 3 }),
      spray("2026-09-01T08:00:00", "20%啶虫脒乳油", { registeredCrop: "citrus", labelIntervalDays: 14, labelMaxApplications: 3 }),
      harvest("2026-11-25T08:00:00"),
      inspection("2026-11-25T10:00:00"),
    );
    expect(check(orange, fruit)).toMatchObject([{ code: "too_many_applications", params: { count: 2, max: 1 } }]);
  });

  it("剧毒/高毒 pesticides block on fruit and vegetables whatever the label says, before any ban date", () => {
    const use = { registeredCrop: "apple", labelIntervalDays: 30 };
    // omethoate: restricted on cabbage and citrus only, but 高毒 (MARA 736): never on fruit
    const f = check(apple(spray("2026-03-01T08:00:00", "40%氧乐果乳油", use)), fruit);
    expect(f).toMatchObject([{ code: "highly_toxic_on_crop", params: { substanceZh: "氧乐果", groupZh: "果树" } }]);
    expect(findingMessage(f[0], "zh")).toContain("剧毒、高毒农药不得用于果树生产");
    // on a grain crop the toxicity rule does not apply (the registered use still must)
    const rice = contents(
      planting("rice"),
      spray("2026-03-01T08:00:00", "40%氧乐果乳油", { registeredCrop: "rice", labelIntervalDays: 30 }),
      harvest("2026-08-01T08:00:00"),
      inspection("2026-08-01T10:00:00"),
    );
    expect(check(rice, { category: "grain" })).toEqual([]);
    // a product whose label says 高毒 counts, listed or not
    const cucumber = contents(
      planting("cucumber"),
      spray("2026-05-01T08:00:00", "某杀虫剂", { registeredCrop: "cucumber", labelIntervalDays: 7, toxicityClass: "highly_toxic" }),
      harvest("2026-06-01T08:00:00"),
      inspection("2026-06-01T10:00:00"),
    );
    expect(check(cucumber)).toMatchObject([{ code: "highly_toxic_on_crop", params: { groupZh: "蔬菜" } }]);
  });

  it("a ban 'since 2026-06-01' applies to applications from that day (Asia/Shanghai)", () => {
    const maize = (at: string) =>
      contents(
        planting("maize"),
        spray(at, "3%克百威颗粒剂", { registeredCrop: "maize", labelIntervalDays: 60 }),
        harvest("2026-10-01T08:00:00"),
        inspection("2026-10-01T10:00:00"),
      );
    expect(check(maize("2026-05-31T23:30:00"), { category: "grain" })).toEqual([]);
    expect(check(maize("2026-06-01T00:30:00"), { category: "grain" })).toMatchObject([{ code: "banned_input", params: { substanceZh: "克百威" } }]);
  });

  it("a veterinary drug prohibited for a product (产蛋期禁用) blocks an egg lot", () => {
    const dose: NewEventContent = {
      lotId: "1",
      type: "input_application",
      occurredAt: sh("2026-09-01T08:00:00"),
      recordedAt: sh("2026-09-01T08:00:00"),
      actor: P,
      payload: { inputKind: "veterinary_drug", productName: "马杜霉素预混剂" },
    };
    const ev = contents(planting("eggs"), dose, inspection("2026-09-20T08:00:00"));
    const f = checkCompliance({
      category: "livestock_poultry",
      events: ev,
      inputsCatalogue,
      now: NOW,
      certificate: validCert(),
      harvestAt: sh("2026-09-28T08:00:00"),
    });
    expect(f).toMatchObject([{ code: "forbidden_on_crop", params: { substanceZh: "马杜霉素预混剂" } }]);
  });
});

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CsvError, inputContains, loadInputsCatalogue, parseCsv, validateFertilizerRegistrationNo, validateRegistrationNo } from "../../../traceability/inputs";

const catalogue = loadInputsCatalogue();

describe("inputs catalogue", () => {
  it("parses the reference CSVs into typed catalogues, keeping every row's source", () => {
    expect(catalogue.banned.length).toBe(53);
    expect(catalogue.restricted.length).toBe(18);
    expect(catalogue.intervals.length).toBe(60);
    expect(catalogue.withdrawals.length).toBe(46);
    expect(catalogue.toxic.length).toBe(23);
    for (const row of [...catalogue.banned, ...catalogue.restricted, ...catalogue.intervals, ...catalogue.withdrawals, ...catalogue.toxic]) {
      expect(row.source).not.toBe("");
    }
    expect(catalogue.banned.find((b) => b.nameEn === "paraquat")).toMatchObject({ nameZh: "百草枯", cas: "4685-14-7" });
    expect(catalogue.banned.find((b) => b.nameZh === "2,4-滴丁酯")).toMatchObject({ nameEn: "2,4-D butylate", since: "2023-01-23" });
    for (const zh of ["氧乐果", "克百威", "灭多威", "涕灭威"]) {
      expect(catalogue.banned.find((b) => b.nameZh === zh)).toMatchObject({ since: "2026-06-01" });
      expect(catalogue.toxic.find((t) => t.nameZh === zh)).toMatchObject({ toxicityClass: "highly_toxic" });
    }
    expect(catalogue.restricted.find((r) => r.nameEn === "methomyl")!.forbiddenOn).toEqual(["citrus", "apple", "tea", "crucifers"]);
    expect(catalogue.restricted.find((r) => r.nameEn === "fipronil")).toMatchObject({ allUses: true, exceptMethod: "seed_coating", forbiddenOn: [] });
    expect(catalogue.restricted.find((r) => r.nameEn === "chloropicrin")).toMatchObject({ allUses: true, exceptMethod: "fumigation" });
    expect(catalogue.restricted.find((r) => r.nameEn === "acephate")).toMatchObject({
      since: "2019-08-01",
      forbiddenOn: ["vegetables", "fruit", "tea", "edible fungi", "chinese herbs"],
    });
    expect(catalogue.intervals[0]).toMatchObject({
      productZh: "1.8%阿维菌素乳油",
      activeIngredient: "abamectin",
      crop: "leaf vegetables",
      maxApplications: 1,
      intervalDays: 7,
      quality: "B",
    });
    expect(catalogue.intervals.find((i) => i.crop === "citrus" && i.activeIngredient === "abamectin")!.maxApplications).toBe(2);
    // sources disagree on tea imidacloprid (7, 10 and 12 days): all rows are kept, the gate takes the longest
    const teaImidacloprid = catalogue.intervals.filter((i) => i.crop === "tea" && i.activeIngredient === "imidacloprid").map((i) => i.intervalDays);
    expect(Math.max(...teaImidacloprid)).toBe(12);
    expect(new Set(teaImidacloprid).size).toBeGreaterThan(1);
    expect(catalogue.withdrawals[0]).toMatchObject({ drugZh: "乙酰甲喹片", appliesTo: ["cattle"], withdrawalDays: 35, prohibited: false });
    expect(catalogue.withdrawals.find((w) => w.drugZh === "马杜霉素预混剂" && w.appliesTo[0] === "eggs")).toMatchObject({
      withdrawalDays: null,
      prohibited: true,
    });
    expect(catalogue.withdrawals.find((w) => w.appliesTo[0] === "fish")).toMatchObject({ withdrawalDays: null, prohibited: false, degreeDays: 500 });
  });

  it("the seed copies carry the same facts as the shared reference folder", () => {
    const shared = path.resolve(process.cwd(), "../shared/data/agri-inputs");
    if (!existsSync(shared)) return;
    for (const f of ["banned-pesticides.csv", "pre-harvest-intervals.csv", "restricted-pesticides.csv", "README.md", "NOTES.md", "ERRATA.md"]) {
      expect(readFileSync(path.join("seeds/reference/agri-inputs", f), "utf8")).toBe(readFileSync(path.join(shared, f), "utf8"));
    }
    // the shared withdrawal list has six rows with an unquoted comma in source_url; the copy quotes that field (see SOURCES.md)
    const sharedWithdrawals = readFileSync(path.join(shared, "withdrawal-periods.csv"), "utf8");
    expect(() => parseCsv(sharedWithdrawals)).toThrow(CsvError);
    expect(readFileSync("seeds/reference/agri-inputs/withdrawal-periods.csv", "utf8")).toBe(
      sharedWithdrawals.replace(/,\(doc-sharing reprint, no URL\)(\r?\n)/g, ',"(doc-sharing reprint, no URL)"$1'),
    );
  });

  it("parses RFC 4180 CSV and rejects ragged rows", () => {
    expect(parseCsv('a,b\r\n"x,1","say ""hi"""\n')).toEqual([{ a: "x,1", b: 'say "hi"' }]);
    expect(() => parseCsv("a,b\n1,2,3\n")).toThrow(/line 2/);
    expect(() => parseCsv('a\n"open\n')).toThrow(/unterminated/);
  });

  it("matches declared inputs by ingredient name, CAS number or product name", () => {
    const phorate = catalogue.banned.find((b) => b.nameEn === "phorate")!;
    expect(inputContains({ productName: "5%甲拌磷颗粒剂" }, phorate)).toBe(true);
    expect(inputContains({ productName: "某杀虫剂", activeIngredient: "Phorate" }, phorate)).toBe(true);
    expect(
      inputContains(
        { productName: "某杀虫剂", activeIngredient: "１０２６５－９２－６" },
        catalogue.banned.find((b) => b.nameEn === "methamidophos")!,
      ),
    ).toBe(true);
    expect(inputContains({ productName: "1.8%阿维菌素乳油" }, phorate)).toBe(false);
  });
});

describe("pesticide registration numbers", () => {
  it("accepts current PD/WP numbers", () => {
    expect(validateRegistrationNo("PD20080005")).toEqual({ ok: true, normalised: "PD20080005", kind: "current" });
    expect(validateRegistrationNo(" wp20180123 ")).toMatchObject({ ok: true, normalised: "WP20180123", kind: "current" });
    expect(validateRegistrationNo("ＰＤ２００８０００５")).toMatchObject({ ok: true, normalised: "PD20080005" });
  });
  it("recognises temporary, repackaging and legacy forms", () => {
    expect(validateRegistrationNo("LS20130012")).toMatchObject({ ok: true, kind: "temporary" });
    expect(validateRegistrationNo("LS20130012", { at: Date.UTC(2026, 0, 1) })).toMatchObject({ ok: false, reason: "temporary_expired" });
    expect(validateRegistrationNo("WL20120001", { at: Date.UTC(2016, 0, 1) })).toMatchObject({ ok: true, kind: "temporary" });
    expect(validateRegistrationNo("PD20080005F090021")).toMatchObject({ ok: true, kind: "repackaging", base: "PD20080005" });
    expect(validateRegistrationNo("PD1-85")).toMatchObject({ ok: true, kind: "legacy" });
    expect(validateRegistrationNo("PDN2-88")).toMatchObject({ ok: true, kind: "legacy" });
  });
  it("rejects other forms with a reason", () => {
    expect(validateRegistrationNo("")).toMatchObject({ ok: false, reason: "empty" });
    expect(validateRegistrationNo("PD2008005")).toMatchObject({ ok: false, reason: "format" });
    expect(validateRegistrationNo("XX20080005")).toMatchObject({ ok: false, reason: "format" });
    expect(validateRegistrationNo("F12345")).toMatchObject({ ok: false, reason: "format" });
    expect(validateRegistrationNo("兽药字(2019)123")).toMatchObject({ ok: false, reason: "format" });
  });
});

describe("fertiliser registration numbers", () => {
  it("accepts 农肥(20xx)准字/临字 and 微生物肥(20xx)准字 forms, full-width brackets included", () => {
    expect(validateFertilizerRegistrationNo("农肥(2019)准字1234号")).toMatchObject({ ok: true, kind: "fertilizer", tier: "formal", year: 2019 });
    expect(validateFertilizerRegistrationNo("农肥（2018）临字5678号")).toMatchObject({ ok: true, normalised: "农肥(2018)临字5678号", tier: "temporary" });
    expect(validateFertilizerRegistrationNo("鲁农肥(2021)准字0012号")).toMatchObject({ ok: true, kind: "fertilizer" });
    expect(validateFertilizerRegistrationNo("微生物肥（2020）准字（7788）号")).toMatchObject({
      ok: true,
      normalised: "微生物肥(2020)准字(7788)号",
      kind: "microbial",
    });
  });
  it("rejects pesticide numbers and malformed forms", () => {
    expect(validateFertilizerRegistrationNo("")).toMatchObject({ ok: false, reason: "empty" });
    expect(validateFertilizerRegistrationNo("PD20080005")).toMatchObject({ ok: false, reason: "format" });
    expect(validateFertilizerRegistrationNo("农肥(19)准字1234号")).toMatchObject({ ok: false, reason: "format" });
    expect(validateFertilizerRegistrationNo("微生物肥(2020)准字7788号")).toMatchObject({ ok: false, reason: "format" });
  });
});

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CsvError, inputContains, loadInputsCatalogue, parseCsv, validateRegistrationNo } from "../../../traceability/inputs";

const catalogue = loadInputsCatalogue();

describe("inputs catalogue", () => {
  it("parses the four reference CSVs into typed catalogues", () => {
    expect(catalogue.banned.length).toBe(49);
    expect(catalogue.restricted.length).toBe(13);
    expect(catalogue.intervals.length).toBe(11);
    expect(catalogue.withdrawals.length).toBe(9);
    expect(catalogue.banned.find((b) => b.nameEn === "paraquat")).toMatchObject({ nameZh: "百草枯", cas: "4685-14-7", since: "2016-07-01" });
    expect(catalogue.banned.find((b) => b.nameZh === "2,4-滴丁酯")).toMatchObject({ nameEn: "2,4-D butylate", since: "2023-01-23" });
    expect(catalogue.banned.find((b) => b.nameZh === "敌枯双")).toMatchObject({ nameEn: "", cas: null, since: null });
    expect(catalogue.restricted.find((r) => r.nameEn === "methomyl")!.forbiddenOn).toEqual(["citrus", "apple", "tea", "crucifers"]);
    expect(catalogue.restricted.find((r) => r.nameEn === "fipronil")).toMatchObject({ allCropsExceptSeedCoating: true, forbiddenOn: [] });
    expect(catalogue.intervals[0]).toEqual({ productZh: "1.8%阿维菌素乳油", activeIngredient: "abamectin", crop: "leaf vegetables", maxApplications: 1, intervalDays: 7 });
    expect(catalogue.intervals.find((i) => i.crop === "citrus" && i.activeIngredient === "abamectin")!.maxApplications).toBeNull();
    expect(catalogue.withdrawals[0]).toMatchObject({ drugZh: "土霉素片", appliesTo: ["cattle", "sheep", "pigs"], withdrawalDays: 7 });
  });

  it("the seed copies carry the same facts as the shared reference folder", () => {
    const shared = path.resolve(process.cwd(), "../shared/data/agri-inputs");
    if (!existsSync(shared)) return;
    for (const f of ["pre-harvest-intervals.csv", "restricted-pesticides.csv", "withdrawal-periods.csv"]) {
      expect(readFileSync(path.join("seeds/reference/agri-inputs", f), "utf8")).toBe(readFileSync(path.join(shared, f), "utf8"));
    }
    // the shared banned list has one row with unquoted commas; the copy quotes it (see SOURCES.md)
    expect(() => parseCsv(readFileSync(path.join(shared, "banned-pesticides.csv"), "utf8"))).toThrow(CsvError);
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
    expect(inputContains({ productName: "某杀虫剂", activeIngredient: "１０２６５－９２－６" }, catalogue.banned.find((b) => b.nameEn === "methamidophos")!)).toBe(true);
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

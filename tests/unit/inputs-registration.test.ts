/**
 * The registration-number check an input listing passes (issue 12 §4): format per kind, the match
 * with the catalogue entry, and the refusal of banned or retired entries whatever is typed.
 */
import { describe, expect, it } from "vitest";
import { checkListingRegistration, type CatalogueEntryForListing } from "../../market/inputs/registration";
import { validateVetDrugApprovalNo } from "../../traceability/inputs";

const pesticide: CatalogueEntryForListing = { kind: "pesticide", registrationNo: "PD20080005", banned: false, retiredAt: null };
const fertilizer: CatalogueEntryForListing = { kind: "fertilizer", registrationNo: "农肥(2019)准字1234号", banned: false, retiredAt: null };
const exemptFertilizer: CatalogueEntryForListing = { kind: "fertilizer", registrationNo: null, banned: false, retiredAt: null };
const vetDrug: CatalogueEntryForListing = { kind: "veterinary_drug", registrationNo: "兽药字(2019)150681234", banned: false, retiredAt: null };
const seed: CatalogueEntryForListing = { kind: "seed", registrationNo: null, banned: false, retiredAt: null };

describe("pesticide registration numbers at listing time", () => {
  it("accepts the catalogue's number, however it is typed (lower case, full-width, spaces)", () => {
    expect(checkListingRegistration(pesticide, "PD20080005")).toEqual({ ok: true, registrationNo: "PD20080005" });
    expect(checkListingRegistration(pesticide, " pd 20080005 ")).toEqual({ ok: true, registrationNo: "PD20080005" });
    expect(checkListingRegistration(pesticide, "ＰＤ２００８０００５")).toEqual({ ok: true, registrationNo: "PD20080005" });
  });
  it("refuses a malformed number with the pesticide format message", () => {
    for (const typed of ["PD2008000", "XY20080005", "20080005", "PD-20080005X"]) {
      expect(checkListingRegistration(pesticide, typed)).toEqual({ ok: false, problem: "inputsMarket.regno.pesticideFormat" });
    }
  });
  it("refuses a well-formed number of another product", () => {
    expect(checkListingRegistration(pesticide, "PD20080006")).toEqual({ ok: false, problem: "inputsMarket.regno.mismatch" });
    expect(checkListingRegistration(pesticide, "WP20080005")).toEqual({ ok: false, problem: "inputsMarket.regno.mismatch" });
  });
  it("needs a number", () => {
    expect(checkListingRegistration(pesticide, "")).toEqual({ ok: false, problem: "inputsMarket.regno.required" });
    expect(checkListingRegistration(pesticide, null)).toEqual({ ok: false, problem: "inputsMarket.regno.required" });
  });
  it("refuses a banned product whatever number is typed, even the right one", () => {
    expect(checkListingRegistration({ ...pesticide, banned: true }, "PD20080005")).toEqual({ ok: false, problem: "inputsMarket.regno.banned" });
  });
  it("refuses a retired catalogue entry", () => {
    expect(checkListingRegistration({ ...pesticide, retiredAt: Date.now() }, "PD20080005")).toEqual({ ok: false, problem: "inputsMarket.regno.retired" });
  });
});

describe("fertiliser registration numbers", () => {
  it("accepts the catalogue's number with full-width brackets", () => {
    expect(checkListingRegistration(fertilizer, "农肥（2019）准字1234号")).toEqual({ ok: true, registrationNo: "农肥(2019)准字1234号" });
  });
  it("refuses a malformed number and a different one", () => {
    expect(checkListingRegistration(fertilizer, "农肥2019准字1234")).toEqual({ ok: false, problem: "inputsMarket.regno.fertilizerFormat" });
    expect(checkListingRegistration(fertilizer, "PD20080005")).toEqual({ ok: false, problem: "inputsMarket.regno.fertilizerFormat" });
    expect(checkListingRegistration(fertilizer, "农肥(2019)准字1235号")).toEqual({ ok: false, problem: "inputsMarket.regno.mismatch" });
  });
  it("lists an exempt fertiliser without a number, but not with one the catalogue does not have", () => {
    expect(checkListingRegistration(exemptFertilizer, "")).toEqual({ ok: true, registrationNo: null });
    expect(checkListingRegistration(exemptFertilizer, "农肥(2019)准字1234号")).toEqual({ ok: false, problem: "inputsMarket.regno.mismatch" });
  });
});

describe("veterinary drug approval numbers", () => {
  it("validates 兽药字 / 兽药生字 / 兽药添字 with the year and 9 digits", () => {
    expect(validateVetDrugApprovalNo("兽药字(2019)150681234")).toMatchObject({ ok: true, year: 2019, category: "chemical" });
    expect(validateVetDrugApprovalNo("兽药生字（2020）010012345")).toMatchObject({ ok: true, category: "biological" });
    expect(validateVetDrugApprovalNo("兽药添字(2018)110010001")).toMatchObject({ ok: true, category: "additive" });
    expect(validateVetDrugApprovalNo("兽药字(2019)15068123")).toMatchObject({ ok: false, reason: "format" });
    expect(validateVetDrugApprovalNo("")).toMatchObject({ ok: false, reason: "empty" });
  });
  it("checks a listing's number against the catalogue", () => {
    expect(checkListingRegistration(vetDrug, "兽药字（2019）150681234")).toEqual({ ok: true, registrationNo: "兽药字(2019)150681234" });
    expect(checkListingRegistration(vetDrug, "兽药字2019-150681234")).toEqual({ ok: false, problem: "inputsMarket.regno.vetFormat" });
    expect(checkListingRegistration(vetDrug, "兽药字(2019)150681235")).toEqual({ ok: false, problem: "inputsMarket.regno.mismatch" });
    expect(checkListingRegistration(vetDrug, "")).toEqual({ ok: false, problem: "inputsMarket.regno.required" });
  });
});

describe("seeds", () => {
  it("have no national number format: listed without one, refused when banned or retired", () => {
    expect(checkListingRegistration(seed, "")).toEqual({ ok: true, registrationNo: null });
    expect(checkListingRegistration({ ...seed, retiredAt: 1 }, "")).toEqual({ ok: false, problem: "inputsMarket.regno.retired" });
  });
});

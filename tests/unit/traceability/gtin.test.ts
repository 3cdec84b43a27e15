import { describe, expect, it } from "vitest";
import {
  assignGtin,
  canonicalLotUri,
  digitalLinkUrl,
  encodeDigitalLinkValue,
  gs1CheckDigit,
  parseDigitalLinkPath,
  validateGtin14,
  validateLot,
} from "../../../traceability/gtin";

describe("GS1 check digits and GTINs", () => {
  it("computes mod-10 check digits with weights 3/1 from the right", () => {
    expect(gs1CheckDigit("0950600013435")).toBe(2);
    expect(gs1CheckDigit("400638133393")).toBe(1);
    expect(gs1CheckDigit("629104150021")).toBe(3);
    expect(gs1CheckDigit("9638507")).toBe(4); // GTIN-8 96385074
  });

  it("accepts known GTINs and normalises them to 14 digits", () => {
    expect(validateGtin14("09506000134352")).toEqual({ ok: true, gtin14: "09506000134352", kind: "GTIN-14" });
    expect(validateGtin14("4006381333931")).toEqual({ ok: true, gtin14: "04006381333931", kind: "GTIN-13" });
    expect(validateGtin14("036000291452")).toEqual({ ok: true, gtin14: "00036000291452", kind: "GTIN-12" });
    expect(validateGtin14("96385074")).toEqual({ ok: true, gtin14: "00000096385074", kind: "GTIN-8" });
    expect(validateGtin14("6 901234 567892").ok).toBe(true);
  });

  it("rejects wrong check digits, lengths and characters", () => {
    expect(validateGtin14("09506000134353")).toEqual({ ok: false, reason: "check_digit" });
    expect(validateGtin14("4006381333932")).toEqual({ ok: false, reason: "check_digit" });
    expect(validateGtin14("1234567890")).toEqual({ ok: false, reason: "length" });
    expect(validateGtin14("40063813339A1")).toEqual({ ok: false, reason: "not_digits" });
  });

  it("assigns GTIN-14s from a company prefix, item reference and indicator", () => {
    expect(assignGtin("950600013", 435)).toBe("09506000134352");
    expect(assignGtin("950600013", "435", 1)).toMatch(/^1950600013435\d$/);
    expect(validateGtin14(assignGtin("6901234", 1, 0)).ok).toBe(true);
    expect(assignGtin("6901234", 1)).toBe("0690123400001" + gs1CheckDigit("0690123400001"));
    expect(() => assignGtin("950600013", 4350)).toThrow(/fit/);
    expect(() => assignGtin("12ab", 1)).toThrow();
    expect(() => assignGtin("950600013", 1, 10)).toThrow();
  });
});

describe("lots and Digital Link", () => {
  it("validates AI (10) lots: 1–20 characters of set 82", () => {
    expect(validateLot("LC2026-A07").ok).toBe(true);
    expect(validateLot("A/B.C_d%e'(x)*+,:;<=>?!\"&").ok).toBe(false); // too long
    expect(validateLot("A/B.C_d%e'(x)*+,:;<=").ok).toBe(true);
    expect(validateLot("")).toEqual({ ok: false, reason: "empty" });
    expect(validateLot("123456789012345678901")).toEqual({ ok: false, reason: "too_long" });
    expect(validateLot("批次1")).toEqual({ ok: false, reason: "charset" });
    expect(validateLot("A 1")).toEqual({ ok: false, reason: "charset" });
    expect(validateLot("A#1")).toEqual({ ok: false, reason: "charset" });
  });

  it("builds Digital Link URLs with the lot percent-encoded", () => {
    expect(digitalLinkUrl("cunpin.example", "09506000134352", "LC2026-A07")).toBe("https://cunpin.example/01/09506000134352/10/LC2026-A07");
    expect(encodeDigitalLinkValue("A/B%C&D")).toBe("A%2FB%25C%26D");
    expect(digitalLinkUrl("localhost:3000", "09506000134352", "A/B 1".replace(" ", ""))).toBe("https://localhost:3000/01/09506000134352/10/A%2FB1");
    expect(canonicalLotUri("09506000134352", "ABC")).toBe("https://id.gs1.org/01/09506000134352/10/ABC");
    expect(() => digitalLinkUrl("cunpin.example", "4006381333931", "X")).toThrow(/14-digit/);
    expect(() => digitalLinkUrl("cunpin.example/x", "09506000134352", "X")).toThrow(/host/);
    expect(() => digitalLinkUrl("cunpin.example", "09506000134352", "批次")).toThrow(/lot/);
  });

  it("parses Digital Link paths back, including encoded lots, prefixes and short GTINs", () => {
    const url = new URL(digitalLinkUrl("cunpin.example", "09506000134352", "A/B%C"));
    expect(parseDigitalLinkPath(url.pathname)).toEqual({ gtin14: "09506000134352", lot: "A/B%C" });
    expect(parseDigitalLinkPath("/01/09506000134352/10/LC2026-A07?linkType=all")).toEqual({ gtin14: "09506000134352", lot: "LC2026-A07" });
    expect(parseDigitalLinkPath("/dl/01/4006381333931/10/X1")).toEqual({ gtin14: "04006381333931", lot: "X1" });
    expect(parseDigitalLinkPath("/01/09506000134352")).toEqual({ gtin14: "09506000134352", lot: null });
    expect(parseDigitalLinkPath("/01/09506000134353/10/X")).toBeNull();
    expect(parseDigitalLinkPath("/01/09506000134352/10/%E6%89%B9")).toBeNull();
    expect(parseDigitalLinkPath("/01/09506000134352/10/%E0%A4%A")).toBeNull();
    expect(parseDigitalLinkPath("/02/09506000134352/10/X")).toBeNull();
  });
});

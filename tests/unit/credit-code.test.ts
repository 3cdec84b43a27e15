import { describe, expect, test } from "vitest";
import { checkCreditCode, creditCodeCheckCharacter, makeCreditCode, normaliseCreditCode } from "../../core/credit-code";

describe("unified social credit code (GB 32100-2015)", () => {
  test.each(["91350100M000100Y43", "91110000600037341L"])("real code %s passes the check", (code) => {
    expect(checkCreditCode(code)).toEqual({ ok: true, code, checkPasses: true, expectedCheck: code[17] });
  });

  test("one wrong check character keeps the format valid but fails the check", () => {
    const result = checkCreditCode("91350100M000100Y44");
    expect(result).toEqual({ ok: true, code: "91350100M000100Y44", checkPasses: false, expectedCheck: "3" });
  });

  test("a changed body character is caught by the check character", () => {
    const result = checkCreditCode("91110000600037342L");
    expect(result.ok && result.checkPasses).toBe(false);
  });

  test.each([
    ["", "length"],
    ["91350100M000100Y4", "length"],
    ["91350100M000100Y433", "length"],
    ["91350100M000100YO3", "characters"], // O is not in the alphabet
    ["91350100M00010OI43", "characters"],
    ["9135010!M000100Y43", "characters"],
    ["9135A100M000100Y43", "division"], // positions 3–8 must be digits
    ["91ABCDEFM000100Y43", "division"],
  ] as const)("%j is rejected for %s", (input, reason) => {
    expect(checkCreditCode(input)).toEqual({ ok: false, reason });
  });

  test("lower case, spaces, dashes and full-width characters are normalised", () => {
    expect(normaliseCreditCode(" 9135 0100-m000 100y43 ")).toBe("91350100M000100Y43");
    expect(normaliseCreditCode("９１１１００００６０００３７３４１ｌ")).toBe("91110000600037341L");
    const result = checkCreditCode("91350100m000100y43 ");
    expect(result).toMatchObject({ ok: true, code: "91350100M000100Y43", checkPasses: true });
  });

  test("makeCreditCode builds codes that pass, for any body", () => {
    expect(makeCreditCode("91350100M000100Y4")).toBe("91350100M000100Y43");
    expect(makeCreditCode("91110000600037341")).toBe("91110000600037341L");
    for (const body of ["93610629MA0000001", "92510131MA6DGKE1X", "12100000000000000"]) {
      const code = makeCreditCode(body);
      expect(code).toHaveLength(18);
      expect(checkCreditCode(code)).toMatchObject({ ok: true, checkPasses: true });
    }
  });

  test("the check character of 31 is written as 0", () => {
    // Search a body whose weighted sum is a multiple of 31, so 31 − 0 = 31 → "0".
    let found = "";
    for (let n = 0; n < 10_000 && !found; n++) {
      const body = `9135010000000${String(n).padStart(4, "0")}`;
      if (creditCodeCheckCharacter(body) === "0") found = body;
    }
    expect(found).not.toBe("");
    expect(checkCreditCode(`${found}0`)).toMatchObject({ ok: true, checkPasses: true });
  });

  test("creditCodeCheckCharacter rejects characters outside the alphabet", () => {
    expect(() => creditCodeCheckCharacter("9135010IM000100Y4")).toThrow();
  });
});

import { describe, expect, test } from "vitest";
import { maskPhone, normalisePhone } from "../../core/phone";

describe("normalisePhone", () => {
  test.each([
    ["13800000001", "13800000001"],
    ["138 0000 0001", "13800000001"],
    ["138-0000-0001", "13800000001"],
    ["+86 138 0000 0001", "13800000001"],
    ["+8613800000001", "13800000001"],
    ["008613800000001", "13800000001"],
    ["8613800000001", "13800000001"],
    ["(138)00000001", "13800000001"],
    ["１３８００００００01", "13800000001"], // full-width digits
    ["19912345678", "19912345678"],
  ])("%j → %s", (input, phone) => {
    expect(normalisePhone(input)).toBe(phone);
  });

  test.each(["", "1380000000", "138000000012", "12800000001", "23800000001", "1380000000a", "010-12345678", "+1 415 555 0100"])(
    "%j is not a mainland mobile number",
    (input) => {
      expect(normalisePhone(input)).toBeNull();
    },
  );
});

describe("maskPhone", () => {
  test("hides the middle four digits", () => {
    expect(maskPhone("13800138000")).toBe("138****8000");
  });
  test("leaves anything that is not 11 digits alone", () => {
    expect(maskPhone("12345")).toBe("12345");
  });
});

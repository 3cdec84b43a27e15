import { describe, expect, test } from "vitest";
import { fenToYuanInput, formatFen, parseYuanToFen } from "../../core/money";

describe("formatFen", () => {
  test.each([
    [1250, "¥12.50"],
    [0, "¥0.00"],
    [1, "¥0.01"],
    [99, "¥0.99"],
    [100, "¥1.00"],
    [123456789, "¥1,234,567.89"],
    [-1250, "-¥12.50"],
  ])("%i fen → %s", (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  test("refuses fractions of a fen", () => {
    expect(() => formatFen(12.5)).toThrow();
  });
});

describe("parseYuanToFen", () => {
  test.each([
    ["12.5", 1250],
    ["12.50", 1250],
    ["12", 1200],
    ["0", 0],
    ["0.01", 1],
    ["¥12", 1200],
    ["￥12.3", 1230],
    [" 12.50 ", 1250],
    ["1,234.56", 123456],
    ["１２.５", 1250], // full-width digits from a Chinese IME
    ["１２．５０", 1250], // full-width dot too
    ["0.1", 10],
    ["19.99", 1999], // no floating-point drift (19.99 * 100 = 1998.9999…)
    ["999999999.99", 99999999999],
    // A comma before one or two digits is a decimal mark (issue 13: "12,5" was saved as ¥125.00).
    ["12,5", 1250],
    ["12,50", 1250],
    ["１２，５", 1250], // full-width comma from a Chinese IME
    ["¥0,99", 99],
    // Between groups of three digits it separates thousands.
    ["1,250", 125000],
    ["12,345,678.9", 1234567890],
  ])("%j → %i fen", (input, fen) => {
    expect(parseYuanToFen(input)).toBe(fen);
  });

  test.each(["", " ", "abc", "12.345", "1.2.3", "-5", "12.", ".5", "1e3", "¥", "12元", "1234567890", "12,5,0", "1,2345", "12,", ",5", "12,345,6", "1,250,5"])(
    "%j → null",
    (input) => {
      expect(parseYuanToFen(input)).toBeNull();
    },
  );
});

describe("fenToYuanInput", () => {
  test("prefills a price field and parses back to the same amount", () => {
    for (const fen of [0, 5, 1250, 1999, 123456789]) {
      expect(parseYuanToFen(fenToYuanInput(fen))).toBe(fen);
    }
    expect(fenToYuanInput(1250)).toBe("12.50");
  });
});

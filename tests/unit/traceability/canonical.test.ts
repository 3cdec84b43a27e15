import { describe, expect, it } from "vitest";
import { CanonicalJsonError, canonicalize, stripUndefined } from "../../../traceability/canonical";
import { contentHashOf } from "../../../traceability/chain";

describe("canonical JSON", () => {
  it("sorts keys at every level, without whitespace", () => {
    expect(canonicalize({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it("is independent of insertion order, so hashes are deterministic", () => {
    const a = { seq: 1, lotId: "7", payload: { crop: "苹果", areaMu: 2.5 } };
    const b = { payload: { areaMu: 2.5, crop: "苹果" }, lotId: "7", seq: 1 };
    expect(canonicalize(a)).toBe(canonicalize(b));
    expect(contentHashOf(canonicalize(a))).toBe(contentHashOf(canonicalize(b)));
    expect(canonicalize(a)).toBe('{"lotId":"7","payload":{"areaMu":2.5,"crop":"苹果"},"seq":1}');
    // Known answer, computed once outside this code: printf '%s' '<the string above>' | sha256sum
    expect(contentHashOf(canonicalize(a))).toBe("13487febd9c52067c0af5133a513cc78dc9ac9646adb68dd5071c60e77792b03");
  });

  it("serialises numbers and strings as ECMAScript JSON does", () => {
    expect(canonicalize([1e21, 0.1, -0, 1.5e-7, 100])).toBe("[1e+21,0.1,0,1.5e-7,100]");
    expect(canonicalize('引号"\n\u2028')).toBe('"引号\\"\\n\u2028"');
  });

  it("sorts keys by UTF-16 code units", () => {
    expect(canonicalize({ "\u00e9": 1, z: 2, "\ud83d\ude00": 3, 品: 4 })).toBe('{"z":2,"é":1,"品":4,"😀":3}');
  });

  it("rejects values JSON cannot represent faithfully", () => {
    expect(() => canonicalize({ a: undefined })).toThrow(CanonicalJsonError);
    expect(() => canonicalize([1, undefined])).toThrow(/undefined/);
    expect(() => canonicalize({ n: NaN })).toThrow(/non-finite/);
    expect(() => canonicalize({ n: Infinity })).toThrow(/non-finite/);
    expect(() => canonicalize({ f: () => 1 })).toThrow(/function/);
    expect(() => canonicalize({ d: new Date(0) })).toThrow(/non-plain/);
    expect(() => canonicalize({ b: BigInt(1) })).toThrow(/bigint/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalize(cyclic)).toThrow(/cycle/);
  });

  it("stripUndefined removes optional fields that were left undefined", () => {
    expect(canonicalize(stripUndefined({ a: 1, b: undefined, c: { d: undefined, e: [1] } }))).toBe('{"a":1,"c":{"e":[1]}}');
  });
});

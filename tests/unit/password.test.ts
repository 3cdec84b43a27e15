import { describe, expect, test } from "vitest";
import { getDummyHash, hashPassword, verifyPassword } from "../../market/accounts/password";

describe("scrypt password hashing", () => {
  test("stores scrypt$N$r$p$salt$hash with the parameters used", async () => {
    const hash = await hashPassword("cunpin123");
    const parts = hash.split("$");
    expect(parts).toHaveLength(6);
    expect(parts.slice(0, 4)).toEqual(["scrypt", "32768", "8", "1"]);
    expect(Buffer.from(parts[4], "base64url")).toHaveLength(16);
    expect(Buffer.from(parts[5], "base64url")).toHaveLength(32);
    expect(hash).not.toContain("cunpin123");
  });

  test("verifies the right password and rejects a wrong one", async () => {
    const hash = await hashPassword("cunpin123");
    expect(await verifyPassword("cunpin123", hash)).toBe(true);
    expect(await verifyPassword("cunpin124", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  test("two hashes of the same password differ (random salt) and both verify", async () => {
    const [a, b] = await Promise.all([hashPassword("同一个密码"), hashPassword("同一个密码")]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("同一个密码", a)).toBe(true);
    expect(await verifyPassword("同一个密码", b)).toBe(true);
  });

  test("full-width input is normalised (NFKC), so an IME does not lock people out", async () => {
    const hash = await hashPassword("abc12345");
    expect(await verifyPassword("ａｂｃ１２３４５", hash)).toBe(true);
  });

  test("a malformed stored value never verifies", async () => {
    expect(await verifyPassword("x", "")).toBe(false);
    expect(await verifyPassword("x", "bcrypt$10$abc")).toBe(false);
    expect(await verifyPassword("x", "scrypt$32768$8$1$$")).toBe(false);
  });

  test("the dummy hash is a real hash, computed once", async () => {
    const dummy = await getDummyHash();
    expect(dummy.startsWith("scrypt$")).toBe(true);
    expect(await getDummyHash()).toBe(dummy);
  });
});

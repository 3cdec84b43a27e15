/** Small builders for test data. Keep them explicit: tests should show what matters. */
import type { Db } from "../../db/client";
import type { Role } from "../../db/schema";
import { createUser } from "../../market/accounts/accounts";

let phoneCounter = 0;

/** A unique, valid mainland mobile number per call (139xxxxxxxx). */
export function uniquePhone(): string {
  phoneCounter += 1;
  return `139${String(process.pid % 10000).padStart(4, "0")}${String(phoneCounter).padStart(4, "0")}`;
}

export const TEST_PASSWORD = "cunpin123";

export async function createTestUser(
  db: Db,
  opts: { phone?: string; password?: string; displayName?: string; roles?: Role[] } = {},
): Promise<{ id: number; phone: string; password: string }> {
  const phone = opts.phone ?? uniquePhone();
  const password = opts.password ?? TEST_PASSWORD;
  const id = await createUser(db, { phone, password, displayName: opts.displayName ?? "测试用户", roles: opts.roles });
  return { id, phone, password };
}

import { describe, expect, test } from "vitest";
import { canEditListing, canManageProducer, canRegisterProducer, canReviewProducers, hasRole, type Actor } from "../../core/permissions";

const actor = (roles: Actor["roles"], producerIds: number[] = []): Actor => ({ id: 1, roles, producerIds });
const listing = { producerId: 7 };

describe("canEditListing", () => {
  test("a farmer who is a member of the listing's producer may edit it", () => {
    expect(canEditListing(actor(["buyer", "farmer"], [7]), listing)).toBe(true);
  });

  test("a coop admin of the producer may edit it", () => {
    expect(canEditListing(actor(["buyer", "coop_admin"], [3, 7]), listing)).toBe(true);
  });

  test("a farmer of another producer may not", () => {
    expect(canEditListing(actor(["farmer"], [8]), listing)).toBe(false);
  });

  test("membership without a producer role is not enough", () => {
    expect(canEditListing(actor(["buyer"], [7]), listing)).toBe(false);
    expect(canEditListing(actor(["delivery_operator", "inspector"], [7]), listing)).toBe(false);
  });

  test("platform admins do not edit producers' listings", () => {
    expect(canEditListing(actor(["platform_admin"], []), listing)).toBe(false);
  });

  test("anonymous visitors may not", () => {
    expect(canEditListing(null, listing)).toBe(false);
    expect(canEditListing(undefined, listing)).toBe(false);
  });

  test("canManageProducer follows the same rule", () => {
    expect(canManageProducer(actor(["farmer"], [7]), 7)).toBe(true);
    expect(canManageProducer(actor(["farmer"], [7]), 8)).toBe(false);
  });
});

describe("other permissions", () => {
  test("hasRole", () => {
    expect(hasRole(actor(["buyer", "inspector"]), "inspector")).toBe(true);
    expect(hasRole(actor(["buyer"]), "farmer", "coop_admin")).toBe(false);
    expect(hasRole(null, "buyer")).toBe(false);
  });

  test("any logged-in user may register a producer", () => {
    expect(canRegisterProducer(actor(["buyer"]))).toBe(true);
    expect(canRegisterProducer(null)).toBe(false);
  });

  test("only platform admins review credit codes", () => {
    expect(canReviewProducers(actor(["platform_admin"]))).toBe(true);
    expect(canReviewProducers(actor(["coop_admin", "inspector"]))).toBe(false);
    expect(canReviewProducers(null)).toBe(false);
  });
});

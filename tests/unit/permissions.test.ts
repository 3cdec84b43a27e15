import { describe, expect, test } from "vitest";
import {
  canEditListing,
  canManageCoopMembers,
  canManageProducer,
  canRecordOnLot,
  canRegisterProducer,
  canReviewProducers,
  hasRole,
  type Actor,
  type HouseholdMembership,
} from "../../core/permissions";

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

// ─── cooperative member households (issue 12 §3) ─────────────────────────────

describe("canManageCoopMembers", () => {
  const coop = { id: 7, kind: "cooperative" };
  test("the cooperative's owner and manager may", () => {
    expect(canManageCoopMembers(actor(["farmer"], [7]), coop, "owner")).toBe(true);
    expect(canManageCoopMembers(actor(["coop_admin"], [7]), coop, "manager")).toBe(true);
  });
  test("a plain member row, another cooperative, or a producer that is not a cooperative may not", () => {
    expect(canManageCoopMembers(actor(["farmer"], [7]), coop, "member")).toBe(false);
    expect(canManageCoopMembers(actor(["farmer"], [7]), coop, null)).toBe(false);
    expect(canManageCoopMembers(actor(["coop_admin"], [8]), coop, "manager")).toBe(false);
    expect(canManageCoopMembers(actor(["farmer"], [7]), { id: 7, kind: "family_farm" }, "owner")).toBe(false);
    expect(canManageCoopMembers(null, coop, "owner")).toBe(false);
  });
});

describe("canRecordOnLot", () => {
  const farmer: HouseholdMembership = { id: 21, producerId: 7, role: "member_farmer" };
  const keeper: HouseholdMembership = { id: 22, producerId: 7, role: "record_keeper" };
  const member = actor(["buyer", "farmer"], []);
  test("a member farmer records on the lots of their own household only", () => {
    expect(canRecordOnLot(member, { producerId: 7, householdId: 21 }, [farmer])).toBe(true);
    expect(canRecordOnLot(member, { producerId: 7, householdId: 23 }, [farmer])).toBe(false);
    expect(canRecordOnLot(member, { producerId: 7, householdId: null }, [farmer])).toBe(false);
  });
  test("a record keeper records on every lot of their cooperative, not another's", () => {
    expect(canRecordOnLot(member, { producerId: 7, householdId: null }, [keeper])).toBe(true);
    expect(canRecordOnLot(member, { producerId: 8, householdId: null }, [keeper])).toBe(false);
  });
  test("the producer's managers record on all its lots; nobody without a household or management does", () => {
    expect(canRecordOnLot(actor(["coop_admin"], [7]), { producerId: 7, householdId: 21 }, [])).toBe(true);
    expect(canRecordOnLot(member, { producerId: 7, householdId: 21 }, [])).toBe(false);
    expect(canRecordOnLot(null, { producerId: 7, householdId: 21 }, [farmer])).toBe(false);
  });
});

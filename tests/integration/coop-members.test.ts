/**
 * Cooperative member households (issue 12 §3), against a real SQLite file and real signed chains:
 * the invitation lifecycle (invite by phone, accept, decline, withdraw, remove, re-invite), who may
 * invite, what a member farmer and a record keeper may see and record, that a removed member loses
 * access while their records stay attributed, and the household (never the phone) on the trace page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { actorFor, addProducerMember, createProducer, createTestDatabase, createUser, seedCategories } from "../../seeds/factories";
import { changeCoopMemberRole, invitationsFor, inviteCoopMember, listCoopMembers, removeCoopMember, respondToInvitation } from "../../market/producers/members";
import { changeBatchHousehold, createBatch, getLotChain, recordEvent } from "../../traceability/store";
import { getFarmBatch, listActorBatches } from "../../traceability/batches";
import { getTracePage } from "../../traceability/trace-page";
import { householdChoices, householdOfBatch } from "../../traceability/households";

let db: Db;
let cleanup: () => void;
let coopA: number;
let coopB: number;
let farmA: number;
let ownerA: number;
let ownerB: number;
let managerA: number;
let productA: number;
let productB: number;
let lotSeq = 0;

const DAY = 86_400_000;

function newLot(producerId: number, productId: number, actorId: number, householdId: number | null = null) {
  return createBatch(db, actorFor(db, actorId), {
    producerId,
    productId,
    crop: "apple",
    plantedAt: Date.now() - 100 * DAY,
    lotCode: `COOP${++lotSeq}`,
    householdId,
  });
}

function harvest(actorId: number, batchId: number) {
  const lot = db.$client.prepare(`select lot_code from batches where id = ?`).pluck().get(batchId) as string;
  return recordEvent(db, actorFor(db, actorId), batchId, {
    type: "harvest",
    occurredAt: Date.now() - DAY,
    payload: { quantity: 100, unit: "kg", lotCode: lot },
  });
}

/** Invites `phone` to coop A as `role` and has that user accept; returns the household id. */
async function joinedMember(role: "member_farmer" | "record_keeper", householdName: string) {
  const user = await createUser(db);
  const { id } = inviteCoopMember(db, actorFor(db, managerA), { producerId: coopA, phone: user.phone, householdName, role });
  respondToInvitation(db, actorFor(db, user.id), id, true);
  return { userId: user.id, phone: user.phone, householdId: id };
}

beforeAll(async () => {
  ({ db, cleanup } = createTestDatabase());
  const cats = seedCategories(db);
  ownerA = (await createUser(db, { roles: ["farmer"] })).id;
  ownerB = (await createUser(db, { roles: ["farmer"] })).id;
  managerA = (await createUser(db, { roles: ["coop_admin"] })).id;
  coopA = createProducer(db, { kind: "cooperative", ownerUserId: ownerA, nameZh: "社员测试合作社甲" });
  addProducerMember(db, coopA, managerA, "manager");
  coopB = createProducer(db, { kind: "cooperative", ownerUserId: ownerB, nameZh: "社员测试合作社乙" });
  farmA = createProducer(db, { kind: "family_farm", ownerUserId: ownerA, nameZh: "社员测试家庭农场" });
  const insertProduct = db.$client.prepare(`insert into products (producer_id, category_id, name_zh) values (?, ?, ?) returning id`);
  productA = (insertProduct.get(coopA, cats.fruit, "红富士苹果") as { id: number }).id;
  productB = (insertProduct.get(coopB, cats.fruit, "秦冠苹果") as { id: number }).id;
});

afterAll(() => cleanup?.());

describe("inviting a member household", () => {
  it("an invitation waits for the phone: nobody joins before saying yes; a phone signed up later sees it", async () => {
    const phone = "13912340001";
    const { id } = inviteCoopMember(db, actorFor(db, managerA), {
      producerId: coopA,
      phone: "139 1234 0001",
      householdName: "王建国户",
      role: "member_farmer",
    });
    const row = listCoopMembers(db, actorFor(db, ownerA), coopA).find((m) => m.id === id)!;
    expect(row).toMatchObject({ phone, status: "invited", householdName: "王建国户", displayName: null });

    // The phone has no account yet; once it signs up, the invitation is there for it.
    const user = await createUser(db, { phone });
    const invitee = actorFor(db, user.id);
    expect(invitationsFor(db, invitee).map((i) => i.id)).toEqual([id]);
    // Nothing of the cooperative's is open to it before it accepts.
    const lot = newLot(coopA, productA, ownerA, null);
    expect(() => getFarmBatch(db, invitee, lot.id)).toThrow(ForbiddenError);

    respondToInvitation(db, invitee, id, true);
    expect(invitationsFor(db, invitee)).toEqual([]);
    const after = listCoopMembers(db, actorFor(db, ownerA), coopA).find((m) => m.id === id)!;
    expect(after.status).toBe("active");
    // Accepting opens the farm pages: the account now has the farmer role.
    expect(actorFor(db, user.id).roles).toContain("farmer");
  });

  it("an existing account is invited too, and declining keeps it out", async () => {
    const user = await createUser(db);
    const { id } = inviteCoopMember(db, actorFor(db, ownerA), { producerId: coopA, phone: user.phone, householdName: "李家", role: "record_keeper" });
    // The account hears of it in its notices, with a link to answer.
    const notice = db.$client.prepare(`select message_key as messageKey, link from notifications where user_id = ? and kind = 'coop_invitation'`).get(user.id);
    expect(notice).toEqual({ messageKey: "coop.notice.invited", link: `/account/invitations#invitation-${id}` });
    respondToInvitation(db, actorFor(db, user.id), id, false);
    expect(db.$client.prepare(`select read_at from notifications where user_id = ? and kind = 'coop_invitation'`).pluck().get(user.id)).not.toBeNull();
    expect(listCoopMembers(db, actorFor(db, ownerA), coopA).find((m) => m.id === id)!.status).toBe("declined");
    const lot = newLot(coopA, productA, ownerA, null);
    expect(() => harvest(user.id, lot.id)).toThrow(ForbiddenError);
    // Answered once: a second answer is refused with a message, not a change.
    expect(() => respondToInvitation(db, actorFor(db, user.id), id, true)).toThrow(DomainRuleError);
    // A declined phone may be invited again (a new invitation).
    const again = inviteCoopMember(db, actorFor(db, ownerA), { producerId: coopA, phone: user.phone, householdName: "李家", role: "record_keeper" });
    expect(again.id).not.toBe(id);
  });

  it("refuses an invalid phone, a double invitation, and an invitation by anyone but the cooperative's owner or manager", async () => {
    const manager = actorFor(db, managerA);
    const bad = (phone: string) => () => inviteCoopMember(db, manager, { producerId: coopA, phone, householdName: "张家", role: "member_farmer" });
    for (const phone of ["12345", "1381234567a", "23800000000", ""]) {
      expect(bad(phone)).toThrow(expect.objectContaining({ messageKey: "coop.error.phoneInvalid" }));
    }
    const member = await joinedMember("member_farmer", "赵家");
    expect(bad(member.phone)).toThrow(expect.objectContaining({ messageKey: "coop.error.alreadyInvited" }));
    expect(() => inviteCoopMember(db, manager, { producerId: coopA, phone: "13912340002", householdName: "  ", role: "member_farmer" })).toThrow(
      expect.objectContaining({ messageKey: "coop.error.householdName" }),
    );

    const stranger = await createUser(db, { roles: ["farmer"] });
    const attempts: [string, number, number][] = [
      ["a member of coop A", member.userId, coopA],
      ["the owner of another cooperative", ownerB, coopA],
      ["an unrelated farmer", stranger.id, coopA],
      ["the owner of a family farm (not a cooperative)", ownerA, farmA],
    ];
    for (const [, userId, producerId] of attempts) {
      expect(() => inviteCoopMember(db, actorFor(db, userId), { producerId, phone: "13912340003", householdName: "钱家", role: "member_farmer" })).toThrow(
        ForbiddenError,
      );
    }
    expect(() => listCoopMembers(db, actorFor(db, member.userId), coopA)).toThrow(ForbiddenError);
    expect(() => removeCoopMember(db, actorFor(db, member.userId), member.householdId)).toThrow(ForbiddenError);
    expect(() => changeCoopMemberRole(db, actorFor(db, ownerB), member.householdId, "record_keeper")).toThrow(ForbiddenError);
  });

  it("only the invited phone can answer an invitation", async () => {
    const invited = await createUser(db);
    const other = await createUser(db);
    const { id } = inviteCoopMember(db, actorFor(db, ownerA), { producerId: coopA, phone: invited.phone, householdName: "孙家", role: "member_farmer" });
    expect(() => respondToInvitation(db, actorFor(db, other.id), id, true)).toThrow(NotFoundError);
    expect(listCoopMembers(db, actorFor(db, ownerA), coopA).find((m) => m.id === id)!.status).toBe("invited");
  });
});

describe("what a member may do on the cooperative's lots", () => {
  it("a member farmer sees and records on their household's lots only; a record keeper on all of the cooperative's", async () => {
    const farmer = await joinedMember("member_farmer", "周家");
    const keeper = await joinedMember("record_keeper", "吴家");
    const mine = newLot(coopA, productA, managerA, farmer.householdId);
    const notMine = newLot(coopA, productA, managerA, null);
    const otherCoop = newLot(coopB, productB, ownerB, null);

    const farmerLots = listActorBatches(db, actorFor(db, farmer.userId)).map((b) => b.id);
    expect(farmerLots).toEqual([mine.id]);
    expect(listActorBatches(db, actorFor(db, farmer.userId))[0]).toMatchObject({ householdName: "周家", viaHousehold: true });
    harvest(farmer.userId, mine.id);
    expect(() => harvest(farmer.userId, notMine.id)).toThrow(ForbiddenError);
    expect(() => getFarmBatch(db, actorFor(db, farmer.userId), notMine.id)).toThrow(ForbiddenError);

    const keeperLots = listActorBatches(db, actorFor(db, keeper.userId)).map((b) => b.id);
    expect(keeperLots).toEqual(expect.arrayContaining([mine.id, notMine.id]));
    expect(keeperLots).not.toContain(otherCoop.id);
    harvest(keeper.userId, notMine.id);
    // A member of coop A cannot see or record on coop B's lots.
    expect(() => getFarmBatch(db, actorFor(db, keeper.userId), otherCoop.id)).toThrow(ForbiddenError);
    expect(() => harvest(keeper.userId, otherCoop.id)).toThrow(ForbiddenError);
    // The farm page tells a member's view apart: no listings or money there.
    expect(getFarmBatch(db, actorFor(db, keeper.userId), notMine.id).managed).toBe(false);
    expect(getFarmBatch(db, actorFor(db, managerA), notMine.id).managed).toBe(true);
    // Members do not start lots or reassign them.
    expect(() => newLot(coopA, productA, keeper.userId, null)).toThrow(ForbiddenError);
    expect(() => changeBatchHousehold(db, actorFor(db, keeper.userId), notMine.id, keeper.householdId)).toThrow(ForbiddenError);
  });

  it("a role change takes effect at once: a record keeper made member farmer keeps only the household's lots", async () => {
    const m = await joinedMember("record_keeper", "郑家");
    const other = newLot(coopA, productA, ownerA, null);
    expect(listActorBatches(db, actorFor(db, m.userId)).map((b) => b.id)).toContain(other.id);
    changeCoopMemberRole(db, actorFor(db, managerA), m.householdId, "member_farmer");
    expect(listActorBatches(db, actorFor(db, m.userId)).map((b) => b.id)).not.toContain(other.id);
    expect(() => harvest(m.userId, other.id)).toThrow(ForbiddenError);
  });

  it("a removed member loses access; their records stay on the chain, attributed, and the lot still names the household; re-invitation works", async () => {
    const m = await joinedMember("member_farmer", "冯家");
    const lot = newLot(coopA, productA, managerA, m.householdId);
    const record = harvest(m.userId, lot.id);

    removeCoopMember(db, actorFor(db, ownerA), m.householdId);
    const row = listCoopMembers(db, actorFor(db, ownerA), coopA).find((x) => x.id === m.householdId)!;
    expect(row.status).toBe("removed");
    expect(row.removedAt).not.toBeNull();
    expect(listActorBatches(db, actorFor(db, m.userId))).toEqual([]);
    expect(() => getFarmBatch(db, actorFor(db, m.userId), lot.id)).toThrow(ForbiddenError);
    expect(() =>
      recordEvent(db, actorFor(db, m.userId), lot.id, { type: "inspection", occurredAt: Date.now(), payload: { result: "pass", kind: "self_check" } }),
    ).toThrow(ForbiddenError);

    // The record stays on the chain (still verifying) with its recorder.
    expect(getLotChain(db, lot.id).records.some((r) => r.seq === record.seq)).toBe(true);
    const recordedBy = db.$client.prepare(`select recorded_by from trace_events where batch_id = ? and seq = ?`).pluck().get(lot.id, record.seq);
    expect(recordedBy).toBe(m.userId);
    const page = getTracePage(db, lot.gtin, lot.lotCode)!;
    expect(page.household?.name).toBe("冯家");
    // A removed household cannot be given new lots.
    expect(() => newLot(coopA, productA, managerA, m.householdId)).toThrow(expect.objectContaining({ messageKey: "coop.error.householdNotActive" }));
    // Removing twice is refused with a message.
    expect(() => removeCoopMember(db, actorFor(db, ownerA), m.householdId)).toThrow(DomainRuleError);

    // Re-invited: a new household row; accepting opens the new household's lots, the old lot stays with the old row.
    const { id } = inviteCoopMember(db, actorFor(db, managerA), { producerId: coopA, phone: m.phone, householdName: "冯家", role: "member_farmer" });
    expect(id).not.toBe(m.householdId);
    respondToInvitation(db, actorFor(db, m.userId), id, true);
    const fresh = newLot(coopA, productA, managerA, id);
    expect(listActorBatches(db, actorFor(db, m.userId)).map((b) => b.id)).toEqual([fresh.id]);
  });
});

describe("which households a lot can name", () => {
  it("only active member-farmer households: a record keeper's household is neither offered nor accepted", async () => {
    const farmer = await joinedMember("member_farmer", "许家");
    const keeper = await joinedMember("record_keeper", "何家");
    const offered = householdChoices(db, actorFor(db, managerA)).map((h) => h.id);
    expect(offered).toContain(farmer.householdId);
    expect(offered).not.toContain(keeper.householdId);
    expect(() => newLot(coopA, productA, managerA, keeper.householdId)).toThrow(expect.objectContaining({ messageKey: "coop.error.householdNotActive" }));
    // Nor can an existing lot be moved to it.
    const lot = newLot(coopA, productA, managerA, farmer.householdId);
    expect(() => changeBatchHousehold(db, actorFor(db, managerA), lot.id, keeper.householdId)).toThrow(
      expect.objectContaining({ messageKey: "coop.error.householdNotActive" }),
    );
    expect(householdOfBatch(db, lot.id)?.id).toBe(farmer.householdId);
  });
});

describe("the household on the trace page", () => {
  it("shows the household's name and never the member's phone; a reassignment is shown, not overwritten", async () => {
    const a = await joinedMember("member_farmer", "陈家");
    const b = await joinedMember("member_farmer", "林家");
    const lot = newLot(coopA, productA, managerA, a.householdId);
    harvest(a.userId, lot.id);
    const page = getTracePage(db, lot.gtin, lot.lotCode)!;
    expect(page.household).toEqual({ name: "陈家", changes: [] });
    const json = JSON.stringify(page);
    expect(json).not.toContain(a.phone);

    changeBatchHousehold(db, actorFor(db, managerA), lot.id, b.householdId);
    const after = getTracePage(db, lot.gtin, lot.lotCode)!;
    expect(after.household?.name).toBe("林家");
    expect(after.household?.changes).toEqual([expect.objectContaining({ fromName: "陈家", toName: "林家" })]);
    expect(JSON.stringify(after)).not.toContain(b.phone);
    // B now records on the lot; A no longer does.
    expect(() => harvest(a.userId, lot.id)).toThrow(ForbiddenError);
  });

  it("a lot with no household shows none", () => {
    const lot = newLot(coopA, productA, ownerA, null);
    expect(getTracePage(db, lot.gtin, lot.lotCode)!.household).toBeNull();
  });
});

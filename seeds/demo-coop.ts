/**
 * The demo cooperative's member households (issue 12 §3): 洛川县苹果专业合作社 (admin 陈志强,
 * 13800000004) has a member farmer household (王建国户, 13800000030) and a record keeper (刘家,
 * 13800000031), both accepted, and one invitation waiting for a phone with no account yet
 * (13800000039). The coop's demo lots are grown by 王建国户, and a growing lot is his to record on.
 * Goes through the same domain functions as the pages.
 */
import type { Db } from "../db/client";
import { actorFor } from "./factories";
import { inviteCoopMember, respondToInvitation } from "../market/producers/members";
import { createBatch } from "../traceability/store";

export const DEMO_COOP_MEMBERS = {
  memberFarmer: { phone: "13800000030", displayName: "王建国", household: "王建国户" },
  recordKeeper: { phone: "13800000031", displayName: "刘秀兰", household: "刘家" },
  pendingPhone: "13800000039",
} as const;

export function seedDemoCoopMembers(db: Db, input: { producerId: number; adminUserId: number; userIds: Map<string, number>; now: number }): void {
  const admin = actorFor(db, input.adminUserId);
  const { memberFarmer, recordKeeper } = DEMO_COOP_MEMBERS;
  const join = (who: { phone: string; household: string }, role: "member_farmer" | "record_keeper") => {
    const { id } = inviteCoopMember(db, admin, { producerId: input.producerId, phone: who.phone, householdName: who.household, role });
    respondToInvitation(db, actorFor(db, input.userIds.get(who.phone)!), id, true);
    return id;
  };
  const wang = join(memberFarmer, "member_farmer");
  join(recordKeeper, "record_keeper");
  inviteCoopMember(db, admin, { producerId: input.producerId, phone: DEMO_COOP_MEMBERS.pendingPhone, householdName: "张家", role: "member_farmer" });

  // The coop's seeded lots were grown by 王建国户 (named as they were started: no reassignment to record).
  db.$client.prepare(`update batches set household_id = ? where producer_id = ? and household_id is null`).run(wang, input.producerId);
  // And this season's lot, still growing: the member farmer records its work from his phone.
  const productId = db.$client.prepare(`select id from products where producer_id = ? order by id limit 1`).pluck().get(input.producerId) as number | undefined;
  if (productId !== undefined) {
    createBatch(db, admin, {
      producerId: input.producerId,
      productId,
      crop: "apple",
      plantedAt: input.now - 120 * 86_400_000,
      lotCode: "LC-WJG-01",
      householdId: wang,
    });
  }
}

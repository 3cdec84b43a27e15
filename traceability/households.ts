/**
 * Cooperative member households on the lots (issue 12 §3): which household grows a lot, who may
 * record on it, and the open record of a lot moved to another household. The invitations and
 * roles themselves are managed in market/producers/members.ts; this module only reads them,
 * because the recording gate (traceability/store.ts) must check them and may not import market/.
 */
import type { Db } from "../db/client";
import type { Actor, HouseholdMembership } from "../core/permissions";
import { TraceRuleError } from "./errors";

/** The acting user's active households (read fresh: a removal takes effect on the next request). */
export function activeHouseholdsOf(db: Db, userId: number): HouseholdMembership[] {
  return db.$client
    .prepare(`select id, producer_id as producerId, role from coop_members where user_id = ? and status = 'active' order by id`)
    .all(userId) as HouseholdMembership[];
}

export type HouseholdChoice = { id: number; producerId: number; householdName: string; role: HouseholdMembership["role"] };

/**
 * The active member-farmer households a manager may assign lots to, for the given producers. A
 * record keeper is not one: they record for the whole cooperative and grow no lot of their own.
 */
export function householdChoices(db: Db, actor: Actor): HouseholdChoice[] {
  if (!actor.producerIds.length) return [];
  return db.$client
    .prepare(
      `select id, producer_id as producerId, household_name as householdName, role from coop_members
        where status = 'active' and role = 'member_farmer' and producer_id in (${actor.producerIds.map(() => "?").join(",")})
        order by producer_id, household_name`,
    )
    .all(...actor.producerIds) as HouseholdChoice[];
}

/** Throws unless `householdId` is an active member-farmer household of `producerId` (assigning a lot to it). */
export function assertAssignableHousehold(db: Db, producerId: number, householdId: number): void {
  const row = db.$client.prepare(`select producer_id as producerId, status, role from coop_members where id = ?`).get(householdId) as
    { producerId: number; status: string; role: HouseholdMembership["role"] } | undefined;
  if (!row || row.producerId !== producerId || row.status !== "active" || row.role !== "member_farmer") {
    throw new TraceRuleError("coop.error.householdNotActive");
  }
}

/** The household a lot names, for the farm page and the public trace page (its name, never a phone). */
export function householdOfBatch(db: Db, batchId: number): { id: number; householdName: string } | null {
  return (
    (db.$client
      .prepare(`select m.id, m.household_name as householdName from batches b join coop_members m on m.id = b.household_id where b.id = ?`)
      .get(batchId) as { id: number; householdName: string } | undefined) ?? null
  );
}

export type HouseholdChange = { fromName: string | null; toName: string | null; changedAt: number };

/** Every reassignment of the lot, oldest first: a change is shown, never silently overwritten. */
export function householdChanges(db: Db, batchId: number): HouseholdChange[] {
  return db.$client
    .prepare(
      `select f.household_name as fromName, t.household_name as toName, c.created_at as changedAt
         from batch_household_changes c
         left join coop_members f on f.id = c.from_household_id
         left join coop_members t on t.id = c.to_household_id
        where c.batch_id = ? order by c.id`,
    )
    .all(batchId) as HouseholdChange[];
}

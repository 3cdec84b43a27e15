/**
 * Cooperative member households (合作社社员, issue 12 §3): a cooperative's owner or manager invites
 * a household by mobile number with a role (社员农户 member farmer / 记录员 record keeper); the
 * person says yes or no (nobody joins a cooperative without saying yes, whether or not they have an
 * account yet: a phone without one sees the invitation once it signs up). Managers change the role
 * and remove members; a removal is soft (removed_at), so the lots the household grew keep naming it.
 * What a member may do on the lots is in core/permissions.ts (canRecordOnLot) and traceability/.
 * Plain module: takes a Db and the acting user, never imports Remix.
 */
import type { Db } from "../../db/client";
import { COOP_MEMBER_ROLES, type CoopMemberRole, type CoopMemberStatus } from "../../db/schema";
import { canManageCoopMembers, type Actor } from "../../core/permissions";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { normalisePhone } from "../../core/phone";
import { once } from "../../core/once";

export { COOP_MEMBER_ROLES };

type ProducerFacts = { id: number; kind: string; nameZh: string; nameEn: string };

function producerFacts(db: Db, producerId: number): ProducerFacts {
  const p = db.$client.prepare(`select id, kind, name_zh as nameZh, name_en as nameEn from producers where id = ?`).get(producerId) as
    ProducerFacts | undefined;
  if (!p) throw new NotFoundError("producer");
  return p;
}

function producerRoleOf(db: Db, producerId: number, userId: number): "owner" | "manager" | "member" | null {
  return (
    (db.$client.prepare(`select role from producer_members where producer_id = ? and user_id = ?`).pluck().get(producerId, userId) as
      "owner" | "manager" | "member" | undefined) ?? null
  );
}

/** Throws ForbiddenError unless the actor is an owner or manager of this cooperative. */
function assertCoopManager(db: Db, actor: Actor, producerId: number): ProducerFacts {
  const producer = producerFacts(db, producerId);
  if (!canManageCoopMembers(actor, producer, producerRoleOf(db, producerId, actor.id))) throw new ForbiddenError();
  return producer;
}

/** The cooperatives whose members the actor manages (the /farm/members page). */
export function managedCooperatives(db: Db, actor: Actor): ProducerFacts[] {
  if (!actor.producerIds.length) return [];
  const rows = db.$client
    .prepare(
      `select p.id, p.kind, p.name_zh as nameZh, p.name_en as nameEn from producers p
         join producer_members m on m.producer_id = p.id and m.user_id = ?
        where p.kind = 'cooperative' and m.role in ('owner', 'manager') order by p.id`,
    )
    .all(actor.id) as ProducerFacts[];
  return rows.filter((p) => canManageCoopMembers(actor, p, "manager"));
}

export type CoopMemberRow = {
  id: number;
  phone: string;
  householdName: string;
  role: CoopMemberRole;
  status: CoopMemberStatus;
  displayName: string | null;
  invitedAt: number;
  respondedAt: number | null;
  removedAt: number | null;
  batchCount: number;
};

/** Every household of the cooperative, live ones first, with how many lots name it. */
export function listCoopMembers(db: Db, actor: Actor, producerId: number): CoopMemberRow[] {
  assertCoopManager(db, actor, producerId);
  return db.$client
    .prepare(
      `select m.id, m.phone, m.household_name as householdName, m.role, m.status, u.display_name as displayName,
              m.created_at as invitedAt, m.responded_at as respondedAt, m.removed_at as removedAt,
              (select count(*) from batches b where b.household_id = m.id) as batchCount
         from coop_members m left join users u on u.id = m.user_id
        where m.producer_id = ?
        order by case m.status when 'active' then 0 when 'invited' then 1 else 2 end, m.household_name, m.id desc`,
    )
    .all(producerId) as CoopMemberRow[];
}

export type InviteInput = { producerId: number; phone: string; householdName: string; role: CoopMemberRole };

/**
 * Invites a household by phone. The phone must be a mainland mobile number (coop.error.phoneInvalid),
 * not already invited or a member (coop.error.alreadyInvited), not one of the cooperative's managers.
 * `formToken`: the invite form's one-time token (a double tap invites once).
 */
export function inviteCoopMember(db: Db, actor: Actor, input: InviteInput, formToken?: string): { id: number } {
  return once(db, { actorId: actor.id, token: formToken, kind: "coop_invite" }, () => inviteOnce(db, actor, input));
}

function inviteOnce(db: Db, actor: Actor, input: InviteInput): { id: number } {
  assertCoopManager(db, actor, input.producerId);
  const phone = normalisePhone(input.phone);
  if (!phone) throw new DomainRuleError("coop.error.phoneInvalid");
  const householdName = input.householdName.trim();
  if (!householdName || householdName.length > 40) throw new DomainRuleError("coop.error.householdName");
  if (!COOP_MEMBER_ROLES.includes(input.role)) throw new DomainRuleError("coop.error.role");
  return db.transaction(
    () => {
      const sqlite = db.$client;
      const live = sqlite
        .prepare(`select 1 from coop_members where producer_id = ? and phone = ? and status in ('invited', 'active')`)
        .get(input.producerId, phone);
      if (live) throw new DomainRuleError("coop.error.alreadyInvited", { phone });
      const manager = sqlite
        .prepare(
          `select 1 from producer_members pm join users u on u.id = pm.user_id where pm.producer_id = ? and u.phone = ? and pm.role in ('owner', 'manager')`,
        )
        .get(input.producerId, phone);
      if (manager) throw new DomainRuleError("coop.error.isManager");
      const row = sqlite
        .prepare(`insert into coop_members (producer_id, phone, household_name, role, status, invited_by) values (?, ?, ?, ?, 'invited', ?) returning id`)
        .get(input.producerId, phone, householdName, input.role, actor.id) as { id: number };
      // An account with that phone hears of it at once (a phone without one sees it when it signs up).
      const invitee = sqlite.prepare(`select id from users where phone = ?`).pluck().get(phone) as number | undefined;
      if (invitee !== undefined) {
        const producer = producerFacts(db, input.producerId);
        sqlite
          .prepare(`insert into notifications (user_id, kind, message_key, params, link) values (?, 'coop_invitation', 'coop.notice.invited', ?, ?)`)
          .run(invitee, JSON.stringify({ producer: producer.nameZh, household: householdName }), invitationLink(row.id));
      }
      return { id: row.id };
    },
    { behavior: "immediate" },
  );
}

/** Where a notice about an invitation points (its anchor on /account/invitations). */
const invitationLink = (invitationId: number) => `/account/invitations#invitation-${invitationId}`;

export type InvitationForUser = {
  id: number;
  producerId: number;
  producerNameZh: string;
  producerNameEn: string;
  householdName: string;
  role: CoopMemberRole;
  invitedAt: number;
};

/** The open invitations addressed to the user's phone (shown on /farm and /account). */
export function invitationsFor(db: Db, actor: Actor): InvitationForUser[] {
  return db.$client
    .prepare(
      `select m.id, m.producer_id as producerId, p.name_zh as producerNameZh, p.name_en as producerNameEn,
              m.household_name as householdName, m.role, m.created_at as invitedAt
         from coop_members m join producers p on p.id = m.producer_id join users u on u.phone = m.phone
        where u.id = ? and m.status = 'invited' order by m.id`,
    )
    .all(actor.id) as InvitationForUser[];
}

export type MyHousehold = { id: number; producerId: number; producerNameZh: string; producerNameEn: string; householdName: string; role: CoopMemberRole };

/** The cooperatives the user works in as an active member household. */
export function householdsOfUser(db: Db, actor: Actor): MyHousehold[] {
  return db.$client
    .prepare(
      `select m.id, m.producer_id as producerId, p.name_zh as producerNameZh, p.name_en as producerNameEn, m.household_name as householdName, m.role
         from coop_members m join producers p on p.id = m.producer_id
        where m.user_id = ? and m.status = 'active' order by m.id`,
    )
    .all(actor.id) as MyHousehold[];
}

/**
 * The invitee says yes (accept) or no. Only the account whose phone was invited may answer, and
 * only while the invitation is open. Accepting gives the account the farmer role, so the farm
 * pages (the lots it works on) open for it; the rights on the lots come from the household.
 */
export function respondToInvitation(db: Db, actor: Actor, invitationId: number, accept: boolean): void {
  db.transaction(
    () => {
      const sqlite = db.$client;
      const row = sqlite.prepare(`select id, phone, status from coop_members where id = ?`).get(invitationId) as
        { id: number; phone: string; status: string } | undefined;
      const phone = sqlite.prepare(`select phone from users where id = ?`).pluck().get(actor.id) as string | undefined;
      // Someone else's invitation does not exist for this actor.
      if (!row || row.phone !== phone) throw new NotFoundError("invitation");
      if (row.status !== "invited") throw new DomainRuleError("coop.error.invitationClosed");
      const now = Date.now();
      sqlite
        .prepare(`update coop_members set status = ?, user_id = ?, responded_at = ? where id = ?`)
        .run(accept ? "active" : "declined", actor.id, now, invitationId);
      if (accept) sqlite.prepare(`insert into user_roles (user_id, role) values (?, 'farmer') on conflict do nothing`).run(actor.id);
      // The notice that announced it is answered now.
      sqlite
        .prepare(`update notifications set read_at = ? where user_id = ? and kind = 'coop_invitation' and link = ? and read_at is null`)
        .run(now, actor.id, invitationLink(invitationId));
    },
    { behavior: "immediate" },
  );
}

function liveRowOfCoop(db: Db, actor: Actor, memberId: number) {
  const row = db.$client.prepare(`select id, producer_id as producerId, status from coop_members where id = ?`).get(memberId) as
    { id: number; producerId: number; status: CoopMemberStatus } | undefined;
  if (!row) throw new NotFoundError("member");
  assertCoopManager(db, actor, row.producerId);
  if (row.status !== "invited" && row.status !== "active") throw new DomainRuleError("coop.error.memberGone");
  return row;
}

/** Switches a live household between member farmer and record keeper. */
export function changeCoopMemberRole(db: Db, actor: Actor, memberId: number, role: CoopMemberRole): void {
  if (!COOP_MEMBER_ROLES.includes(role)) throw new DomainRuleError("coop.error.role");
  db.transaction(() => {
    liveRowOfCoop(db, actor, memberId);
    db.$client.prepare(`update coop_members set role = ? where id = ?`).run(role, memberId);
  });
}

/**
 * Removes a member (or withdraws an open invitation). Soft: the row stays with removed_at, the lots
 * keep naming the household and their events keep their recorder; only the access ends.
 */
export function removeCoopMember(db: Db, actor: Actor, memberId: number): void {
  db.transaction(() => {
    liveRowOfCoop(db, actor, memberId);
    db.$client.prepare(`update coop_members set status = 'removed', removed_at = ?, removed_by = ? where id = ?`).run(Date.now(), actor.id, memberId);
  });
}

/** Whether an invitation waits for the user's phone: login and sign-up then open /account/invitations. */
export function hasOpenInvitation(db: Db, userId: number): boolean {
  return (
    db.$client.prepare(`select 1 from coop_members m join users u on u.phone = m.phone where u.id = ? and m.status = 'invited' limit 1`).get(userId) !==
    undefined
  );
}

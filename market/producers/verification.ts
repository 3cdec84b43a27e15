/**
 * Producer verification beyond the credit code (issue 12 §2): the owner sends a business licence
 * photo and the legal representative's name; a platform admin approves or rejects it, and sets or
 * clears the poverty-alleviation designation (帮扶 / 脱贫地区产品). Every decision is kept in
 * producer_decisions (who, when, what, why), shown to admins and to the producer.
 * Only a platform admin decides, and never about a producer they belong to. Plain module.
 */
import type { Db } from "../../db/client";
import { canReviewProducers, hasRole, type Actor } from "../../core/permissions";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { storefrontChanged } from "../../core/events";
import { photoUrl } from "../photos/photos";
import type { LICENCE_STATUSES, PRODUCER_DECISION_KINDS, PRODUCER_DECISIONS } from "../../db/enums";
import { getProducerCredit, type StoredCredit } from "../credit/credit";

export type LicenceStatus = (typeof LICENCE_STATUSES)[number];
export type ProducerDecisionKind = (typeof PRODUCER_DECISION_KINDS)[number];
export type ProducerDecisionValue = (typeof PRODUCER_DECISIONS)[number];

export const MAX_LEGAL_REP_LENGTH = 40;
export const MAX_DECISION_NOTE_LENGTH = 500;

function producerExists(db: Db, producerId: number): void {
  const found = db.$client.prepare(`select 1 from producers where id = ?`).get(producerId);
  if (!found) throw new NotFoundError("producer");
}

/** A platform admin who is not a member of the producer (nobody decides about their own producer). */
function assertDecider(actor: Actor, producerId: number): void {
  if (!canReviewProducers(actor)) throw new ForbiddenError();
  if (actor.producerIds.includes(producerId)) throw new ForbiddenError();
}

export function isProducerOwner(db: Db, actor: Actor, producerId: number): boolean {
  if (!actor.producerIds.includes(producerId) || !hasRole(actor, "farmer", "coop_admin")) return false;
  return db.$client.prepare(`select 1 from producer_members where producer_id = ? and user_id = ? and role = 'owner'`).get(producerId, actor.id) != null;
}

function recordDecision(db: Db, actor: Actor, producerId: number, kind: ProducerDecisionKind, decision: ProducerDecisionValue, note: string, now: number) {
  db.$client
    .prepare(`insert into producer_decisions (producer_id, kind, decision, note, decided_by, decided_at) values (?, ?, ?, ?, ?, ?)`)
    .run(producerId, kind, decision, note, actor.id, now);
}

/**
 * The owner sends (or sends again after a rejection) the licence photo, already stored and checked
 * by content (market/photos), and the legal representative's name. Waits for a platform admin.
 */
export function submitLicence(db: Db, actor: Actor, producerId: number, input: { licenceFileKey: string; legalRepName: string }, now = Date.now()): void {
  producerExists(db, producerId);
  if (!isProducerOwner(db, actor, producerId)) throw new ForbiddenError();
  const name = input.legalRepName.trim();
  if (name.length < 2 || name.length > MAX_LEGAL_REP_LENGTH) throw new DomainRuleError("verification.error.legalRep");
  db.$client
    .transaction(() => {
      const status = db.$client.prepare(`select licence_status from producer_verification where producer_id = ?`).pluck().get(producerId) as
        LicenceStatus | undefined;
      if (status === "approved") throw new DomainRuleError("verification.error.alreadyApproved");
      db.$client
        .prepare(
          `insert into producer_verification (producer_id, licence_file_key, legal_rep_name, licence_status, submitted_at) values (?, ?, ?, 'submitted', ?)
           on conflict (producer_id) do update set licence_file_key = excluded.licence_file_key, legal_rep_name = excluded.legal_rep_name,
             licence_status = 'submitted', submitted_at = excluded.submitted_at`,
        )
        .run(producerId, input.licenceFileKey, name, now);
    })
    .immediate();
}

/** A platform admin approves or rejects a submitted licence; the note is required for a rejection. */
export function decideLicence(db: Db, actor: Actor, producerId: number, decision: "approved" | "rejected", note: string, now = Date.now()): void {
  assertDecider(actor, producerId);
  producerExists(db, producerId);
  const text = note.trim();
  if (decision === "rejected" && !text) throw new DomainRuleError("verification.error.noteRequired");
  if (text.length > MAX_DECISION_NOTE_LENGTH) throw new DomainRuleError("verification.error.noteLong");
  db.$client
    .transaction(() => {
      const changed = db.$client
        .prepare(`update producer_verification set licence_status = ? where producer_id = ? and licence_status = 'submitted'`)
        .run(decision, producerId).changes;
      if (changed !== 1) throw new DomainRuleError("verification.error.notSubmitted");
      recordDecision(db, actor, producerId, "licence", decision, text, now);
      storefrontChanged(db, { kind: "producer", producerId });
    })
    .immediate();
}

/** A platform admin sets or clears the poverty-alleviation designation, with a reason. */
export function setPovertyAlleviation(db: Db, actor: Actor, producerId: number, on: boolean, reason: string, now = Date.now()): void {
  assertDecider(actor, producerId);
  producerExists(db, producerId);
  const text = reason.trim();
  if (!text) throw new DomainRuleError("verification.error.reasonRequired");
  if (text.length > MAX_DECISION_NOTE_LENGTH) throw new DomainRuleError("verification.error.noteLong");
  db.$client
    .transaction(() => {
      const current = db.$client.prepare(`select poverty_alleviation from producer_verification where producer_id = ?`).pluck().get(producerId) as
        number | undefined;
      if (Boolean(current) === on) throw new DomainRuleError(on ? "verification.error.alreadySet" : "verification.error.notSet");
      db.$client
        .prepare(
          `insert into producer_verification (producer_id, poverty_alleviation) values (?, ?)
           on conflict (producer_id) do update set poverty_alleviation = excluded.poverty_alleviation`,
        )
        .run(producerId, on ? 1 : 0);
      recordDecision(db, actor, producerId, "poverty_alleviation", on ? "set" : "cleared", text, now);
      // The badge shows on every listing card and page of the producer, and the filter changes.
      storefrontChanged(db, { kind: "producer", producerId });
    })
    .immediate();
}

/** Called by reviewProducer: the credit-code decision joins the same history. */
export function recordCreditCodeDecision(db: Db, actor: Actor, producerId: number, decision: "approved" | "rejected", note: string, now = Date.now()) {
  recordDecision(db, actor, producerId, "credit_code", decision, note, now);
}

export type ProducerDecision = {
  id: number;
  kind: ProducerDecisionKind;
  decision: ProducerDecisionValue;
  note: string;
  decidedAt: number;
  deciderName: string;
};

export type ProducerVerification = {
  licenceStatus: LicenceStatus;
  licencePhotoUrl: string | null;
  legalRepName: string | null;
  submittedAt: number | null;
  povertyAlleviation: boolean;
};

export function getProducerVerification(db: Db, producerId: number): ProducerVerification {
  const row = db.$client
    .prepare(
      `select licence_status as licenceStatus, licence_file_key as fileKey, legal_rep_name as legalRepName, submitted_at as submittedAt,
              poverty_alleviation as poverty from producer_verification where producer_id = ?`,
    )
    .get(producerId) as
    { licenceStatus: LicenceStatus; fileKey: string | null; legalRepName: string | null; submittedAt: number | null; poverty: number } | undefined;
  if (!row) return { licenceStatus: "none", licencePhotoUrl: null, legalRepName: null, submittedAt: null, povertyAlleviation: false };
  return {
    licenceStatus: row.licenceStatus,
    licencePhotoUrl: row.fileKey ? photoUrl(row.fileKey) : null,
    legalRepName: row.legalRepName,
    submittedAt: row.submittedAt,
    povertyAlleviation: row.poverty === 1,
  };
}

export function listProducerDecisions(db: Db, producerId: number, limit = 50): ProducerDecision[] {
  return db.$client
    .prepare(
      `select d.id, d.kind, d.decision, d.note, d.decided_at as decidedAt, u.display_name as deciderName
       from producer_decisions d join users u on u.id = d.decided_by where d.producer_id = ? order by d.decided_at desc, d.id desc limit ?`,
    )
    .all(producerId, limit) as ProducerDecision[];
}

/** What the producer's owner sees on its verification page. */
export function getOwnVerification(db: Db, actor: Actor, producerId: number) {
  producerExists(db, producerId);
  if (!actor.producerIds.includes(producerId)) throw new ForbiddenError();
  const name = db.$client.prepare(`select name_zh from producers where id = ?`).pluck().get(producerId) as string;
  return {
    producerId,
    name,
    isOwner: isProducerOwner(db, actor, producerId),
    verification: getProducerVerification(db, producerId),
    decisions: listProducerDecisions(db, producerId),
  };
}

export type AdminProducerRow = {
  id: number;
  nameZh: string;
  creditCodeStatus: string;
  verification: ProducerVerification;
  credit: StoredCredit;
  decisions: ProducerDecision[];
};

/** Every producer for the platform admin, licences waiting first, with credit and decision history. */
export function listProducersForAdmin(db: Db, actor: Actor, limit = 100): AdminProducerRow[] {
  if (!canReviewProducers(actor)) throw new ForbiddenError();
  const rows = db.$client
    .prepare(
      `select p.id, p.name_zh as nameZh, p.credit_code_status as creditCodeStatus from producers p
       left join producer_verification v on v.producer_id = p.id
       order by coalesce(v.licence_status = 'submitted', 0) desc, p.id limit ?`,
    )
    .all(limit) as { id: number; nameZh: string; creditCodeStatus: string }[];
  return rows.map((p) => ({
    ...p,
    verification: getProducerVerification(db, p.id),
    credit: getProducerCredit(db, p.id),
    decisions: listProducerDecisions(db, p.id, 10),
  }));
}

/**
 * Errors of the traceability store (re-exported by store.ts, which is what callers import).
 * Kept apart so that the store's internal modules can throw them without import cycles.
 */
import { DomainRuleError } from "../core/errors";
import type { Finding } from "./compliance";

/** Thrown for a rule of the domain; `messageKey` is an i18n key (trace.* in app/i18n/messages/trace.ts). */
export class TraceRuleError extends DomainRuleError {
  constructor(messageKey: string, params: Record<string, string | number> = {}) {
    super(messageKey, params);
    this.name = "TraceRuleError";
  }
}

export type LotBlockers = { batchId: number; lotCode: string; findings: Finding[] };

/** A lot's compliance gate refused an action; the findings say which events block it and why. */
export class ComplianceBlockedError extends Error {
  constructor(public blockers: LotBlockers[]) {
    super("compliance gate");
    this.name = "ComplianceBlockedError";
  }
}

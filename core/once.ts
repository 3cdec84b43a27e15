/**
 * A form rendered once writes once. Every create form carries a one-time token (newFormToken(),
 * rendered by its loader into a hidden field); the domain function that creates runs inside once(),
 * which records the token, the actor and what was created in the SAME transaction as the creation.
 * A second submission of that form (a double tap, a browser retry, two tabs of one page) finds the
 * record and gets the first result back, creating nothing. Plain module, no Remix.
 *
 * Without a token (domain calls from scripts, seeds, tests; a client that strips the field) the
 * create simply runs: the token protects forms, it does not gate the domain.
 */
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { formSubmissions } from "../db/schema";
import { DomainRuleError, ForbiddenError } from "./errors";

/** 128 random bits as 32 lowercase hex digits. */
const TOKEN_PATTERN = /^[0-9a-f]{32}$/;

/** A fresh one-time token for a form the page is about to render. */
export function newFormToken(): string {
  return crypto.randomBytes(16).toString("hex");
}

export function isFormToken(value: unknown): value is string {
  return typeof value === "string" && TOKEN_PATTERN.test(value);
}

/** Who is submitting which form: the acting user, the token the page rendered, what the form makes. */
export type FormClaim = { actorId: number; token: string | null | undefined; kind: string };

/** The token was issued for a different kind of form (a token is good for one thing). */
export class FormTokenError extends DomainRuleError {
  constructor() {
    super("form.error.token");
  }
}

type Handle = Pick<Db, "select" | "insert" | "transaction">;

/**
 * What an earlier submission with this token created, or undefined when there was none. A token
 * another user submitted is refused (ForbiddenError): tokens are not shared, so that is a forgery.
 */
export function priorSubmission<T>(db: Handle, claim: FormClaim): { result: T } | undefined {
  if (!claim.token) return undefined;
  if (!isFormToken(claim.token)) throw new FormTokenError();
  const row = db.select().from(formSubmissions).where(eq(formSubmissions.token, claim.token)).get();
  if (!row) return undefined;
  if (row.actorUserId !== claim.actorId) throw new ForbiddenError("form token belongs to another user");
  if (row.kind !== claim.kind) throw new FormTokenError();
  return { result: row.result as T };
}

/**
 * Runs `create` at most once per token: in one IMMEDIATE transaction (the write lock is taken at
 * BEGIN, so two connections cannot both find the token free), it returns the recorded result of an
 * earlier submission, or runs `create` and records its result. `create`'s own transaction nests as
 * a savepoint, so the record and the creation commit or roll back together: a create that throws
 * leaves the token unused and the form can be sent again. The result must be plain JSON.
 */
export function once<T>(db: Db, claim: FormClaim, create: () => T): T {
  if (!claim.token) return create();
  const token = claim.token;
  return db.transaction(
    (tx) => {
      const prior = priorSubmission<T>(tx, claim);
      if (prior) return prior.result;
      const result = create();
      // A create with nothing to return (a message added) is recorded as null.
      tx.insert(formSubmissions)
        .values({ token, actorUserId: claim.actorId, kind: claim.kind, result: result ?? null })
        .run();
      return result;
    },
    { behavior: "immediate" },
  );
}

/** The token a submitted form carries in its hidden `formToken` field (FormToken in app/components/forms.tsx). */
export function formTokenOf(formData: FormData): string | undefined {
  const value = formData.get("formToken");
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * What this actor's earlier submission of this form created, or undefined (also for a token that is
 * malformed, another user's or another kind's: the create itself refuses those, with its error
 * handling). For a page that does slow work before the create (photos) and can skip it on a repeat.
 */
export function earlierSubmission<T>(db: Db, claim: FormClaim): { result: T } | undefined {
  try {
    return priorSubmission<T>(db, claim);
  } catch {
    return undefined;
  }
}

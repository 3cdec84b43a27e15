/**
 * The errors every domain throws. The web layer maps them to answers in one place
 * (app/utils/http.server.ts): ForbiddenError → 403, NotFoundError → 404, DomainRuleError → 400 with
 * its message, translated.
 */

export type MessageParams = Record<string, string | number>;

/** The acting user may not do this (wrong role, not a member of the producer, not the buyer). */
export class ForbiddenError extends Error {
  constructor(message = "forbidden") {
    super(message);
    this.name = "ForbiddenError";
  }
}

/** The thing does not exist (or the actor may not know that it does). */
export class NotFoundError extends Error {
  constructor(message = "not found") {
    super(message);
    this.name = "NotFoundError";
  }
}

/** A rule of the domain was broken; `messageKey` is an i18n key shown to the user, with its params. */
export class DomainRuleError extends Error {
  constructor(
    public messageKey: string,
    public params: MessageParams = {},
  ) {
    super(messageKey);
    this.name = "DomainRuleError";
  }
}

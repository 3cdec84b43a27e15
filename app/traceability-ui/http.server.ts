/** Remix glue shared by the farmer's traceability routes: ids from the URL and domain errors as HTTP answers. */
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { isMessageKey, translate, type Locale } from "~/i18n";
import { formatMessage, zh as traceMessages, type TraceMessageKey } from "../../traceability/messages";
import type { TraceRuleError } from "../../traceability/store";

export function idParam(value: string | undefined): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("error.notFound", { status: 404 });
  return id;
}

/** By class, and by name for errors of the same meaning thrown by other modules (the store may define its own). */
function isNamed(error: unknown, cls: abstract new (...args: never[]) => Error, name: string): boolean {
  return error instanceof cls || (error instanceof Error && (error.name === name || error.constructor.name === name));
}

/** Not found → 404, not a member of the producer → 403, another domain rule (a reused form token) → 400; anything else is rethrown. */
export function asHttpError(error: unknown): never {
  if (isNamed(error, ForbiddenError, "ForbiddenError")) throw new Response("error.forbidden", { status: 403 });
  if (isNamed(error, NotFoundError, "NotFoundError")) throw new Response("error.notFound", { status: 404 });
  if (error instanceof DomainRuleError) throw new Response(error.messageKey, { status: 400 });
  throw error;
}

/** A TraceRuleError in plain words (the app's catalogue first, then the library's trace.* messages). */
export function ruleText(error: TraceRuleError, locale: Locale): string {
  if (isMessageKey(error.messageKey)) return translate(locale, error.messageKey, error.params);
  if (error.messageKey in traceMessages) return formatMessage(locale, error.messageKey as TraceMessageKey, error.params);
  return translate(locale, "farmTrace.ruleRefused", { detail: error.messageKey });
}

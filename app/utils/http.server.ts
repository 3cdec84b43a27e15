/**
 * The one place where the errors the domains throw become HTTP answers, so that no route writes
 * the try/catch again:
 *
 *   ForbiddenError → 403 and NotFoundError → 404, thrown as Responses (the route's ErrorBoundary
 *   shows them);
 *   DomainRuleError (and TraceRuleError, PickupRefusedError… which extend it; IllegalTransitionError)
 *   → 400 with the message translated into the request's language;
 *   ComplianceBlockedError → 400 with the blocking lots described;
 *   PhotoRejectedError → 400 on the photos field; RequestTooLargeError → 413.
 *
 * Anything else is rethrown (a 500: a bug, not something a user typed).
 *
 * Loaders: `return await load(() => getThing(db, user, id))`.
 * Actions: `return await act(() => { doThing(db, user, value); return redirect(…) }, { request, submission })`;
 * a refused action answers `{ result: submission.reply(…) }`, or whatever body the route's page
 * expects (`reply`).
 */
import type { Submission, SubmissionResult } from "@conform-to/react";
import { data } from "@remix-run/node";
import { DomainRuleError, ForbiddenError, NotFoundError, type MessageParams } from "../../core/errors";
import { isMessageKey, translate, type Locale } from "~/i18n";
import { formatMessage, zh as traceMessages, type TraceMessageKey } from "../../traceability/messages";
import { ComplianceBlockedError, describeBlockers, type LotBlockers } from "~/traceability.server";
import { IllegalTransitionError, PhotoRejectedError } from "~/market.server";
import { getLocale } from "~/utils/i18n.server";
import { RequestTooLargeError } from "~/utils/upload.server";

/** 404 with the shared "not found" message (the ErrorBoundary translates it). */
export function notFound(): never {
  throw new Response("error.notFound", { status: 404 });
}

/** 403 with the shared "forbidden" message. */
export function forbidden(): never {
  throw new Response("error.forbidden", { status: 403 });
}

/** A database id from the URL (a positive integer that fits SQLite's INTEGER); anything else is a 404. */
export function idParam(value: string | undefined): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) notFound();
  return id;
}

/** ForbiddenError → 403, NotFoundError → 404 (thrown Responses); anything else is rethrown. */
export function asHttpError(error: unknown): never {
  if (error instanceof ForbiddenError) forbidden();
  if (error instanceof NotFoundError) notFound();
  throw error;
}

/** A domain rule's message in plain words: the app's catalogue first, then the traceability library's trace.* messages. */
export function ruleText(messageKey: string, params: MessageParams, locale: Locale): string {
  if (isMessageKey(messageKey)) return translate(locale, messageKey, params);
  if (messageKey in traceMessages) return formatMessage(locale, messageKey as TraceMessageKey, params);
  return translate(locale, "farmTrace.ruleRefused", { detail: messageKey });
}

/** Runs a loader's domain call: 403/404 become thrown Responses that the route's ErrorBoundary shows. */
export async function load<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    asHttpError(error);
  }
}

/** An action the domain refused, described for the answer. */
export type Refusal = {
  kind: "rule" | "blocked" | "photo" | "tooLarge" | "notFound";
  status: number;
  /** The i18n key (for pages that translate it themselves, with `params`). */
  messageKey: string;
  params: MessageParams;
  /** The message translated into the request's language. */
  text: string;
  /** The form field the message belongs to, if any (`fieldOf`, or "photos" for a rejected photo). */
  field?: string;
  /** The compliance gate's blocking lots (kind "blocked"), and those described in plain words. */
  blockers?: LotBlockers[];
  blockerLines?: string[];
  /** The error itself, for a page that tells its subclasses apart. */
  error: unknown;
};

/** The kernel's and the domains' refusals; undefined for anything that is not one. */
export function refusalOf(error: unknown, locale: Locale, fieldOf?: (messageKey: string) => string | undefined): Refusal | undefined {
  if (error instanceof DomainRuleError || error instanceof IllegalTransitionError) {
    const params = error instanceof DomainRuleError ? error.params : {};
    return {
      kind: "rule",
      status: 400,
      messageKey: error.messageKey,
      params,
      text: ruleText(error.messageKey, params, locale),
      field: fieldOf?.(error.messageKey),
      error,
    };
  }
  if (error instanceof ComplianceBlockedError) {
    const messageKey = "trace.blocked.publishTitle";
    return {
      kind: "blocked",
      status: 400,
      messageKey,
      params: {},
      text: translate(locale, messageKey),
      blockers: error.blockers,
      blockerLines: describeBlockers(error.blockers, locale),
      error,
    };
  }
  if (error instanceof PhotoRejectedError) {
    return {
      kind: "photo",
      status: 400,
      messageKey: error.messageKey,
      params: {},
      text: translate(locale, error.messageKey),
      field: fieldOf?.(error.messageKey) ?? "photos",
      error,
    };
  }
  if (error instanceof RequestTooLargeError) {
    const messageKey = "farm.upload.tooLarge";
    return {
      kind: "tooLarge",
      status: 413,
      messageKey,
      params: {},
      text: translate(locale, messageKey),
      error,
    };
  }
  return undefined;
}

type DefaultBody = { result: SubmissionResult<string[]> } | { error: string; params: MessageParams };

export type ActOptions<B> = {
  /** For the language of the message. */
  request: Request;
  /** The parsed form: a refusal answers `{ result: submission.reply(…) }` so the form keeps what was typed. */
  submission?: Submission<unknown>;
  /** The form field a rule's message belongs to (else it is a form error). */
  fieldOf?: Record<string, string> | ((messageKey: string) => string | undefined);
  /** The 400/413 body the route's page expects, when not the default one. */
  reply?: (refusal: Refusal) => B;
  /** Answer a NotFoundError as a refusal with this message (and status) instead of the 404 page. */
  notFound?: { messageKey: string; status: number };
  /** Runs when `fn` throws anything, before the answer (e.g. discard photos staged for it). */
  onError?: () => unknown;
  /** The answer to an error that is no refusal and no 403/404 (e.g. the payment provider failed); without it, rethrown. */
  unexpected?: (error: unknown) => Answer<B>;
};

/**
 * Conform's reply for a refused form: the message on its field, or as a form error (a gate's
 * refusal lists the blocking lots after its title); `more` adds form errors after it.
 */
export function formReply(submission: Submission<unknown>, refusal: Refusal, more: string[] = []): SubmissionResult<string[]> {
  if (refusal.field && !more.length) return submission.reply({ fieldErrors: { [refusal.field]: [refusal.text] } });
  return submission.reply({ formErrors: [refusal.text, ...(refusal.blockerLines ?? []), ...more] });
}

/** The default body: Conform's reply when there is a submission, else the bare message key and params. */
function defaultBody(refusal: Refusal, submission: Submission<unknown> | undefined): DefaultBody {
  if (submission) return { result: formReply(submission, refusal) };
  if (refusal.kind === "tooLarge") return { result: { status: "error", initialValue: null, error: { "": [refusal.messageKey] } } };
  return { error: refusal.messageKey, params: refusal.params };
}

/** What `data()` makes: a body with its status. */
export type Answer<B> = ReturnType<typeof data<B>>;

const refusals = new WeakSet<object>();

/** Whether `act` answered with a refusal (for a step whose value the action goes on with). */
export function refused<T, B>(outcome: T | Answer<B>): outcome is Answer<B> {
  return typeof outcome === "object" && outcome !== null && refusals.has(outcome);
}

/**
 * Runs an action's domain call. A refusal becomes a 400 (413 for an oversize upload) with the
 * route's body; ForbiddenError/NotFoundError become thrown 403/404 Responses; anything else is rethrown.
 */
export async function act<T, B = DefaultBody>(fn: () => T | Promise<T>, options: ActOptions<B>): Promise<T | Answer<B>> {
  try {
    return await fn();
  } catch (error) {
    await options.onError?.();
    const { fieldOf } = options;
    const locale = getLocale(options.request);
    let refusal = refusalOf(error, locale, typeof fieldOf === "function" ? fieldOf : fieldOf ? (key) => fieldOf[key] : undefined);
    if (!refusal && error instanceof NotFoundError && options.notFound) {
      const { messageKey, status } = options.notFound;
      refusal = {
        kind: "notFound",
        status,
        messageKey,
        params: {},
        text: ruleText(messageKey, {}, locale),
        error,
      };
    }
    if (!refusal) {
      if (options.unexpected && !(error instanceof ForbiddenError) && !(error instanceof NotFoundError)) {
        const answer = options.unexpected(error);
        refusals.add(answer);
        return answer;
      }
      asHttpError(error);
    }
    const body = options.reply ? options.reply(refusal) : (defaultBody(refusal, options.submission) as B);
    const answer = data(body, { status: refusal.status });
    refusals.add(answer);
    return answer;
  }
}

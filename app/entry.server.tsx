import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { messages } from "~/i18n";
import { logger } from "../core/logger";
import { getDb } from "~/utils/db.server";
import { sweepHolding } from "../logistics/holding";
import { buildDueManifests } from "../logistics/manifests";
import { refreshStaleCredit } from "../market/credit/credit";
import { getEnv } from "../core/env";
import { NonceContext } from "~/utils/nonce";

/** server.js bounds request bodies with the photo routes' own limit. */
export { MAX_UPLOAD_REQUEST_BYTES } from "~/utils/upload.server";

// Server rendering translates with the whole catalogue (see app/i18n/core.ts messagesFor).
(globalThis as { __cunpinCatalogue?: typeof messages }).__cunpinCatalogue = messages;

/**
 * server.js runs this every 10 minutes: parcel reminders and return flags (logistics/holding.ts),
 * and the day's joint-delivery manifests once past MANIFEST_CUTOFF (logistics/manifests.ts); and
 * credit scores marked stale by a trigger or older than a day (market/credit/credit.ts).
 */
export function sweepParcelHolding() {
  const db = getDb();
  const manifestsBuilt = buildDueManifests(db, getEnv().MANIFEST_CUTOFF);
  return { ...sweepHolding(db), manifestsBuilt, creditRefreshed: refreshStaleCredit(db) };
}

const ABORT_DELAY = 5_000;
export const streamTimeout = ABORT_DELAY;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // server.js's per-request nonce, named by the Content-Security-Policy it sends (server/security.js).
  const nonce = typeof loadContext?.cspNonce === "string" ? loadContext.cspNonce : undefined;
  // Bots and no-JS clients get the whole document at once; browsers get it streamed.
  const callback = isbot(request.headers.get("user-agent") || "") ? "onAllReady" : "onShellReady";
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce ?? ""}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        [callback]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) logger.error({ err: error, url: request.url }, "render error");
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  // A 4xx (unknown URL, bad method, a thrown 404 Response) is the client's mistake, not ours:
  // it is logged as such, so that error-level lines mean something for us to fix.
  const status = isRouteErrorResponse(error) ? error.status : error instanceof Response ? error.status : 500;
  if (status < 500) {
    logger.info({ status, method: request.method, url: request.url }, "client error");
    return;
  }
  logger.error({ err: error, method: request.method, url: request.url }, "unhandled error");
}

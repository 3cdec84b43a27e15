/**
 * HTTP hardening in front of Remix, as plain Express middleware (server.js; tests/unit/http-security.test.ts):
 *
 * - sameOriginGuard: a state-changing request (POST, PUT, PATCH, DELETE) whose Origin (or, without
 *   one, Referer) is not this site's is refused with 403 before any route runs. Remix checks the
 *   Origin of page actions only, not of resource routes such as /logout or /set-locale, and
 *   answers a cross-site page action with a 500. The Stripe webhook is exempt: it is signed.
 *   Requests without Origin, Referer and a cross-site Sec-Fetch-Site are not from a browser page
 *   (curl, Stripe, monitoring) and carry no ambient authority worth forging.
 * - bodyLimit: every request body has a size limit, checked on Content-Length before a byte is
 *   read (413, and the connection is closed rather than drained); a body without a length
 *   (chunked) is refused with 411, since no browser form sends one.
 * - securityHeaders: per-request CSP nonce (res.locals.cspNonce, handed to Remix as loadContext),
 *   Content-Security-Policy, X-Content-Type-Options, Referrer-Policy, and over HTTPS HSTS and
 *   Secure on every cookie.
 *
 * HTTPS is the socket's, or X-Forwarded-Proto only when TRUST_PROXY is set (behind a reverse proxy
 * that sets it); a client cannot claim HTTPS otherwise.
 */
import crypto from "node:crypto";

/** @typedef {boolean | number | string} TrustProxy Express's "trust proxy" setting (trustProxySetting). */

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);
/** Signed by Stripe, sent without Origin: the only state-changing request another site may make. */
export const WEBHOOK_PATHS = new Set(["/webhooks/stripe"]);
/** url-encoded and other small bodies (login, checkout, every form without a file). */
export const FORM_BODY_LIMIT = 512 * 1024;
/** Stripe events are a few KB; a large margin for big orders' metadata. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/**
 * The routes that take photos (multipart): their actions enforce MAX_UPLOAD_REQUEST_BYTES
 * themselves (app/utils/upload.server.ts, a translated 413 on the form, without reading the body),
 * so here they get that limit too. Multipart to any other route gets FORM_BODY_LIMIT.
 */
export const UPLOAD_PATHS = [
  /^\/farm\/listings\/new\/?$/,
  /^\/farm\/listings\/[^/]+\/edit\/?$/,
  /^\/farm\/batches\/[^/]+\/events\/[^/]+\/?$/,
  /^\/orders\/[^/]+\/sub\/[^/]+\/dispute\/?$/,
];

/**
 * TRUST_PROXY → Express's "trust proxy" value: unset = false, "true"/"1" = true, "2" = hops, else a list of addresses.
 * @param {string | undefined} value
 * @returns {TrustProxy}
 */
export function trustProxySetting(value) {
  if (!value || ["0", "false", "off", "no"].includes(value.toLowerCase())) return false;
  if (["1", "true", "on", "yes"].includes(value.toLowerCase())) return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/** Over HTTPS: the TLS socket, or (TRUST_PROXY) the proxy's X-Forwarded-Proto. */
export function requestIsHttps(req, trustProxy) {
  if (req.socket?.encrypted) return true;
  if (!trustProxy) return false;
  const proto = String(req.headers["x-forwarded-proto"] ?? "")
    .split(",")[0]
    .trim()
    .toLowerCase();
  return proto === "https";
}

/** The origins this request may come from: its own (scheme + Host), and PUBLIC_ORIGIN. */
export function ownOrigins(req, { trustProxy, publicOrigin }) {
  const origins = new Set();
  const forwardedHost = trustProxy
    ? String(req.headers["x-forwarded-host"] ?? "")
        .split(",")[0]
        .trim()
    : "";
  const host = forwardedHost || req.headers.host;
  if (host) origins.add(`${requestIsHttps(req, trustProxy) ? "https" : "http"}://${host}`.toLowerCase());
  if (publicOrigin) {
    try {
      origins.add(new URL(publicOrigin).origin.toLowerCase());
    } catch {
      // env validation reports a malformed PUBLIC_ORIGIN
    }
  }
  return origins;
}

/** The origin a browser says the request comes from: Origin, else the Referer's; null when neither is sent. */
function claimedOrigin(req) {
  const origin = req.headers.origin;
  if (origin) return origin.toLowerCase();
  const referer = req.headers.referer;
  if (!referer) return null;
  try {
    return new URL(referer).origin.toLowerCase();
  } catch {
    return "null";
  }
}

function refuse(res, status, message) {
  res.status(status).type("text/plain; charset=utf-8").set("Cache-Control", "no-store").send(message);
}

/**
 * `onRefuse(details)` is told about every refusal (server.js logs it, with a hint when only the
 * scheme differs: a TLS-terminating proxy without TRUST_PROXY or PUBLIC_ORIGIN).
 * @param {{ trustProxy?: TrustProxy, publicOrigin?: string, onRefuse?: (details: { method: string, path: string, claimed: string | null, expected: string[], schemeOnly: boolean }) => void }} [options]
 */
export function sameOriginGuard({ trustProxy = false, publicOrigin, onRefuse } = {}) {
  return function sameOrigin(req, res, next) {
    if (SAFE_METHODS.has(req.method) || WEBHOOK_PATHS.has(req.path)) return next();
    const claimed = claimedOrigin(req);
    const own = ownOrigins(req, { trustProxy, publicOrigin });
    if (claimed === null) {
      // No Origin and no Referer: not a cross-site browser request unless the browser says so.
      const site = req.headers["sec-fetch-site"];
      if (!site || site === "same-origin" || site === "none") return next();
    } else if (own.has(claimed)) {
      return next();
    }
    if (onRefuse) {
      const hostOf = (/** @type {string} */ o) => o.replace(/^[a-z]+:\/\//, "");
      const expected = [...own];
      onRefuse({ method: req.method, path: req.path, claimed, expected, schemeOnly: claimed !== null && expected.some((o) => hostOf(o) === hostOf(claimed)) });
    }
    refuse(res, 403, "Forbidden: cross-site request");
  };
}

/** The body limit of a request, by route and content type. */
export function bodyLimitFor(req, uploadLimit) {
  if (WEBHOOK_PATHS.has(req.path)) return WEBHOOK_BODY_LIMIT;
  const type = String(req.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data") && UPLOAD_PATHS.some((re) => re.test(req.path))) return uploadLimit;
  return FORM_BODY_LIMIT;
}

export function bodyLimit({ uploadLimit }) {
  return function limitBody(req, res, next) {
    const lengthHeader = req.headers["content-length"];
    if (lengthHeader === undefined) {
      // A chunked body has no length to check up front; browsers never send forms that way.
      if (req.headers["transfer-encoding"]) return closeAfter(res, 411, "Length Required");
      return next();
    }
    const length = Number(lengthHeader);
    if (!Number.isSafeInteger(length) || length < 0) return closeAfter(res, 400, "Bad Request");
    if (length > bodyLimitFor(req, uploadLimit)) return closeAfter(res, 413, "Payload Too Large");
    next();
  };
}

/** Answers and closes the connection, so that Node does not read (and discard) the rest of the body. */
function closeAfter(res, status, message) {
  res.set("Connection", "close");
  refuse(res, status, message);
}

/** Image origins of a tile URL template ({s} subdomains become a wildcard); none when unset or unparseable. */
export function tileOrigins(tileUrl) {
  if (!tileUrl) return [];
  const m = /^(https?):\/\/([^/?#]+)/i.exec(tileUrl.trim());
  if (!m) return [];
  const host = m[2].replace(/\{s\}/g, "*");
  if (/[{}]/.test(host)) return [];
  return [`${m[1].toLowerCase()}://${host.toLowerCase()}`];
}

/**
 * The Content-Security-Policy of a page rendered with `nonce`: scripts only from this origin or
 * carrying the nonce (Remix's <Scripts>, React's streaming scripts), images from this origin,
 * data: (QR codes) and the map tiles' origin; no framing by anyone.
 */
export function contentSecurityPolicy(nonce, { tileUrl, development = false } = {}) {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // Inline style attributes (React style props, Leaflet's positioning) and the print page's <style>.
    "style-src 'self' 'unsafe-inline'",
    ["img-src 'self' data: blob:", ...tileOrigins(tileUrl)].join(" "),
    "font-src 'self' data:",
    // remix dev's live reload talks over a websocket.
    development ? "connect-src 'self' ws: wss:" : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}

export const newCspNonce = () => crypto.randomBytes(16).toString("base64");

/** The headers of a response (CSP and X-Frame-Options only for HTML); HSTS only over HTTPS. */
export function baseSecurityHeaders(nonce, { https, tileUrl, development, html = true }) {
  /** @type {Record<string, string>} */
  const headers = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
  };
  if (html) {
    headers["Content-Security-Policy"] = contentSecurityPolicy(nonce, { tileUrl, development });
    headers["X-Frame-Options"] = "DENY";
  }
  if (https) headers["Strict-Transport-Security"] = "max-age=15552000";
  return headers;
}

/** True for an HTML content type (no type: treated as HTML, the safe side). */
export function isHtml(contentType) {
  return contentType === undefined || contentType === null || /^\s*text\/html\b/i.test(String(contentType));
}

/** Adds "; Secure" to a Set-Cookie value that lacks it. */
export function secureCookie(value) {
  return /;\s*secure\s*(;|$)/i.test(value) ? value : `${value}; Secure`;
}

/** @param {{ trustProxy?: TrustProxy, tileUrl?: string, development?: boolean }} [options] */
export function securityHeaders({ trustProxy = false, tileUrl, development = false } = {}) {
  return function setSecurityHeaders(req, res, next) {
    const nonce = newCspNonce();
    const https = requestIsHttps(req, trustProxy);
    res.locals.cspNonce = nonce;
    res.locals.https = https;
    for (const [name, value] of Object.entries(baseSecurityHeaders(nonce, { https, tileUrl, development }))) res.setHeader(name, value);
    // The page policies belong on HTML only: a PDF (invoice, labels) or an image under
    // object-src 'none' can trip the browser's own viewer.
    const writeHead = res.writeHead;
    res.writeHead = /** @type {any} */ (
      function (/** @type {any[]} */ ...args) {
        const given = args.find((a, i) => i > 0 && a && typeof a === "object" && !Array.isArray(a));
        const givenType = given && Object.entries(given).find(([k]) => k.toLowerCase() === "content-type")?.[1];
        if (!isHtml(res.getHeader("content-type") ?? givenType)) {
          res.removeHeader("Content-Security-Policy");
          res.removeHeader("X-Frame-Options");
        }
        return writeHead.apply(res, /** @type {any} */ (args));
      }
    );
    if (https) {
      // Every cookie the app sets (session, cart, locale) is Secure when the page came over HTTPS.
      const setHeader = res.setHeader.bind(res);
      res.setHeader = (name, value) => {
        if (String(name).toLowerCase() === "set-cookie") value = Array.isArray(value) ? value.map(secureCookie) : secureCookie(String(value));
        return setHeader(name, value);
      };
    }
    next();
  };
}

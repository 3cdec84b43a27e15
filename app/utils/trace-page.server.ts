/**
 * Server-only entry to traceability/trace-page.ts for routes: the `.server` suffix keeps it (and
 * the store, node:crypto, SQLite) out of the browser bundle even though the module has load-time
 * side effects (it registers the scan counter and the cache hook that server.js relies on).
 */
export * from "../../traceability/trace-page";

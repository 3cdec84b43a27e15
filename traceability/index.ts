/**
 * Cunpin traceability core: pure, database-free. The app wires it to SQLite and routes.
 * (epcis-validate.ts is not re-exported: it needs ajv, a devDependency.)
 */
export * from "./canonical";
export * from "./types";
export * from "./chain";
export * from "./verify";
export * from "./gtin";
export * from "./crops";
export * from "./inputs";
export * from "./compliance";
export * from "./epcis";
export { zh as traceMessagesZh, en as traceMessagesEn, formatMessage as formatTraceMessage } from "./messages";
export type { TraceMessageKey, TraceLocale } from "./messages";

/**
 * The traceability domain as the web layer reaches it (see market.server.ts for why routes import
 * through a `.server` gateway). trace-page.ts registers, when loaded, the scan counter and the cache
 * hook that server.js relies on.
 */
export * from "../traceability/batches";
export * from "../traceability/store";
export { validateFertilizerRegistrationNo, validateRegistrationNo } from "../traceability/inputs";
export { editAgriInput, setAgriInputRetired, getAgriInputWithHistory, type AgriInputEdit } from "../traceability/catalogue-db";
export * from "../traceability/trace-page";
export * from "../traceability/plots";
export * from "../traceability/households";

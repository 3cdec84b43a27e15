/**
 * The traceability store and the server-only parts of the library, as the farmer's routes use
 * them. A *.server module, so the browser bundle never pulls in node:crypto / node:fs / SQLite.
 */
export {
  addAgriInput,
  ComplianceBlockedError,
  createBatch,
  createPlot,
  describeBlockers,
  getLotChain,
  linkListingBatch,
  listAgriInputs,
  listingBlockers,
  listPlots,
  lotCompliance,
  recordEvent,
  TraceRuleError,
  verifyLot,
  type LotBlockers,
  type NewProducerEvent,
} from "../../traceability/store";
export { validateRegistrationNo } from "../../traceability/inputs";

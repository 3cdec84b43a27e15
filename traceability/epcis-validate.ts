/**
 * JSON Schema validation of EPCIS 2.0 documents against GS1's EPCIS-JSON-Schema.json (draft-07).
 * One code path for our exports and GS1's own examples. Uses ajv + ajv-formats (devDependencies):
 * import this from tests, scripts and admin tooling, not from request-serving code.
 * The schema is not bundled: pass it in (tests read ../shared/data/epcis, or GS1's published URL).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

export const GS1_EPCIS_SCHEMA_URL = "https://ref.gs1.org/standards/epcis/epcis-json-schema.json";

export type EpcisValidation = { ok: true } | { ok: false; errors: string[] };

export function createEpcisValidator(schema: object): (doc: unknown) => EpcisValidation {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate: ValidateFunction = ajv.compile(schema);
  return (doc) => {
    if (validate(doc)) return { ok: true };
    return { ok: false, errors: (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message ?? ""}`.trim()) };
  };
}

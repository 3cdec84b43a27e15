/**
 * GS1's EPCIS 2.0 schema and examples for the tests. They are GS1's files and are not copied into
 * the project: read them from ../shared/data/epcis (relative to the repository root), else fetch
 * them from GS1 (schema: ref.gs1.org; examples: the gs1/EPCIS repository). If neither is
 * available the EPCIS validation tests are skipped with a message saying why.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { GS1_EPCIS_SCHEMA_URL } from "../../../traceability/epcis-validate";

export const LOCAL_EPCIS_DIR = path.resolve(process.cwd(), "../shared/data/epcis");
const RAW = "https://raw.githubusercontent.com/gs1/EPCIS/master/JSON/";
export const EXAMPLES: Record<string, string> = {
  "Example_9.6.1-ObjectEventWithDigitalLink.jsonld": `${RAW}WithDigitalLinkID/Example_9.6.1-ObjectEventWithDigitalLink.jsonld`,
  "Example_9.6.2-ObjectEventWithDigitalLink.jsonld": `${RAW}WithDigitalLinkID/Example_9.6.2-ObjectEventWithDigitalLink.jsonld`,
  "Example_9.6.4-TransformationEvent.jsonld": `${RAW}Example_9.6.4-TransformationEvent.jsonld`,
};

async function fetchJson(url: string): Promise<unknown | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

export interface EpcisFixtures {
  source: string;
  schema: object;
  examples: Record<string, unknown>;
}

export async function loadEpcisFixtures(): Promise<EpcisFixtures | null> {
  if (existsSync(path.join(LOCAL_EPCIS_DIR, "EPCIS-JSON-Schema.json"))) {
    const read = (f: string) => JSON.parse(readFileSync(path.join(LOCAL_EPCIS_DIR, f), "utf8"));
    const examples: Record<string, unknown> = {};
    for (const f of Object.keys(EXAMPLES)) if (existsSync(path.join(LOCAL_EPCIS_DIR, f))) examples[f] = read(f);
    return { source: LOCAL_EPCIS_DIR, schema: read("EPCIS-JSON-Schema.json"), examples };
  }
  const schema = (await fetchJson(GS1_EPCIS_SCHEMA_URL)) ?? (await fetchJson(`${RAW}EPCIS-JSON-Schema.json`));
  if (!schema) return null;
  const examples: Record<string, unknown> = {};
  for (const [f, url] of Object.entries(EXAMPLES)) {
    const ex = await fetchJson(url);
    if (ex) examples[f] = ex;
  }
  return { source: "network (GS1)", schema: schema as object, examples };
}

/**
 * EPCIS 2.0 JSON-LD export of a lot's chain, and the EPCIS Event Hash ID (CBV 2.0 §8.9).
 *
 * Mapping (CBV 2.0 business steps; CBV has no farming steps, so two project-defined step URIs are used):
 *   planting           ObjectEvent OBSERVE  bizStep <cunpin voc>BizStep-planting
 *   input_application  ObjectEvent OBSERVE  bizStep <cunpin voc>BizStep-input_application
 *   harvest            ObjectEvent ADD      commissioning, active; lot master data in ilmd
 *   inspection         ObjectEvent OBSERVE  inspecting, conformant | non_conformant
 *   packing            ObjectEvent OBSERVE  packing, in_progress — or, when the packs get their own
 *                      GTIN/lot, TransformationEvent packing (input lot → output lot, ilmd for the output)
 *   shipping           ObjectEvent OBSERVE  shipping, in_transit
 *   arrival            ObjectEvent OBSERVE  receiving, in_progress
 *   pickup             ObjectEvent OBSERVE  retail_selling, retail_sold
 *   recall             ObjectEvent OBSERVE  (no step), recalled
 *   correction         the corrected event gets an errorDeclaration (incorrect_data, or did_not_occur for a
 *                      retraction) pointing at a corrective event that carries the corrected data; the
 *                      producer's reason travels as cunpin:correctionReason. Only corrections in force are
 *                      declared: one held for an inspector (or rejected) leaves the original standing.
 *   correction_review  no event of its own; an accepted correction's errorDeclaration carries the
 *                      inspector's note (cunpin:reviewNote).
 * When the lot is recalled, every event carries disposition "recalled" (so event IDs differ from
 * the non-recalled export: the ID is the hash of the event as published).
 * What the lot is: quantityList [{epcClass: https://id.gs1.org/01/<gtin>/10/<lot>}] (class level).
 * Where: readPoint = geo: URI of the event's place, else the site's GLN (https://id.gs1.org/414/<gln>);
 * bizLocation = the site's GLN for on-farm steps when known.
 * Project data (chain seq and hash, inputs used, test results) travel as cunpin:* extension fields.
 * Personal data (inspector or receiver names, order ids) is deliberately not exported.
 *
 * Event Hash ID: implemented after CBV 2.0 and GS1's reference implementation for the fields this
 * exporter and GS1's examples use (see epcisEventHashId). Deviations, documented:
 *   - sensorElementList is not supported (throws);
 *   - EPC URNs are converted to Digital Link for sgtin, lgtin, sgln, pgln and sscc only;
 *   - extension/ILMD namespaces are written as the IRI the @context declares for the prefix,
 *     e.g. {https://ref.gs1.org/cbv/...} or {urn:epcglobal:cbv:mda:}lotNumber — GS1's tool
 *     writes XML-style namespaces, which may differ by a trailing separator.
 */
import { shanghaiIso } from "../core/clock";
import { createHash } from "node:crypto";
import { correctionStates, effectiveEvents } from "./chain";
import { canonicalLotUri, gs1CheckDigit } from "./gtin";
import type { EventContent, PayloadOf, Place, TraceUnit } from "./types";

export const EPCIS_CONTEXT_URL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
/** Namespace of the project's EPCIS extension fields and vocabulary (prefix "cunpin"). */
export const CUNPIN_EPCIS_NS = "https://cunpin.org/ns/epcis/";
export const CUNPIN_VOC = "https://cunpin.org/ns/voc/";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type EpcisEvent = { [k: string]: Json };
export interface EpcisDocument {
  "@context": Json;
  type: "EPCISDocument";
  schemaVersion: "2.0";
  creationDate: string;
  id?: string;
  epcisBody: { eventList: EpcisEvent[] };
  [k: string]: Json | undefined;
}

export interface EpcisLotInfo {
  gtin14: string;
  lotCode: string;
  /** GLN (13 digits) of the producer's site, when it has one. */
  gln?: string | null;
  /** ISO 3166-1 alpha-2 country of origin (default CN). */
  countryOfOrigin?: string;
}

export interface ChainEventForExport {
  content: EventContent;
  /** The chain's event hash of this event (linking the export to the signed record). */
  eventHash: string;
}

export { shanghaiIso };

function placeUri(place: Place | undefined): string | null {
  if (!place) return null;
  const r = (x: number) => Number(x.toFixed(6));
  return `geo:${r(place.lat)},${r(place.lng)}`;
}

function glnUri(gln: string | null | undefined): string | null {
  return gln && /^\d{13}$/.test(gln) ? `https://id.gs1.org/414/${gln}` : null;
}

function quantityElement(epcClass: string, quantity?: number, unit?: TraceUnit): EpcisEvent {
  const q: EpcisEvent = { epcClass };
  if (quantity === undefined) return q;
  if (unit === "kg") return { epcClass, quantity, uom: "KGM" };
  if (unit === "jin") return { epcClass, quantity: Number((quantity * 0.5).toFixed(6)), uom: "KGM" }; // 1 市斤 = 0.5 kg
  if (unit === "dozen") return { epcClass, quantity: quantity * 12 };
  return { epcClass, quantity }; // a count of trade items
}

const ON_FARM = new Set(["planting", "input_application", "harvest", "inspection", "packing"]);

function extensions(c: EventContent): EpcisEvent {
  const ext: Record<string, Json | undefined> = {};
  switch (c.type) {
    case "planting":
      Object.assign(ext, {
        "cunpin:crop": c.payload.crop,
        "cunpin:variety": c.payload.variety,
        "cunpin:plot": c.payload.plot,
        "cunpin:areaMu": c.payload.areaMu,
      });
      break;
    case "input_application":
      Object.assign(ext, {
        "cunpin:inputKind": c.payload.inputKind,
        "cunpin:inputName": c.payload.productName,
        "cunpin:activeIngredient": c.payload.activeIngredient,
        "cunpin:registrationNo": c.payload.registrationNo,
        "cunpin:dose": c.payload.dose,
        "cunpin:method": c.payload.method,
      });
      break;
    case "inspection":
      Object.assign(ext, { "cunpin:inspectionKind": c.payload.kind, "cunpin:result": c.payload.result, "cunpin:reportNo": c.payload.reportNo });
      break;
    case "shipping":
      Object.assign(ext, { "cunpin:carrier": c.payload.carrier, "cunpin:trackingNo": c.payload.trackingNo });
      break;
    case "recall":
      Object.assign(ext, { "cunpin:recallReason": c.payload.reason, "cunpin:recallScope": c.payload.scope });
      break;
  }
  const out: EpcisEvent = {};
  for (const [k, v] of Object.entries(ext)) if (v !== undefined) out[k] = v;
  return out;
}

/** One chain event (with its effective payload and time) as an EPCIS event, without eventID. */
function toEpcisEvent(c: EventContent, eventHash: string, lot: EpcisLotInfo, recalled: boolean): EpcisEvent {
  const lotClass = canonicalLotUri(lot.gtin14, lot.lotCode);
  const place = (c.payload as { place?: Place }).place;
  const readPoint = placeUri(place) ?? glnUri(lot.gln);
  const bizLocation = ON_FARM.has(c.type) ? glnUri(lot.gln) : null;
  const e: EpcisEvent = {
    type: "ObjectEvent",
    eventTime: shanghaiIso(c.occurredAt),
    recordTime: shanghaiIso(c.recordedAt),
    eventTimeZoneOffset: "+08:00",
  };
  let bizStep: string | null = null;
  let disposition: string | null = null;
  let action = "OBSERVE";
  let quantityList: EpcisEvent[] = [quantityElement(lotClass)];
  let ilmd: EpcisEvent | null = null;

  switch (c.type) {
    case "planting":
      bizStep = `${CUNPIN_VOC}BizStep-planting`;
      break;
    case "input_application":
      bizStep = `${CUNPIN_VOC}BizStep-input_application`;
      break;
    case "harvest": {
      const p = c.payload;
      action = "ADD";
      bizStep = "commissioning";
      disposition = "active";
      quantityList = [quantityElement(lotClass, p.quantity, p.unit)];
      ilmd = {
        "cbvmda:lotNumber": lot.lotCode,
        "cbvmda:countryOfOrigin": lot.countryOfOrigin ?? "CN",
        "cbvmda:harvestStartDate": shanghaiIso(c.occurredAt),
      };
      break;
    }
    case "inspection":
      bizStep = "inspecting";
      disposition = c.payload.result === "pass" ? "conformant" : "non_conformant";
      break;
    case "packing": {
      const p = c.payload as PayloadOf<"packing">;
      bizStep = "packing";
      disposition = "in_progress";
      const newIdentity = p.outputGtin !== undefined || p.outputLotCode !== undefined;
      if (newIdentity) {
        const outGtin = p.outputGtin ?? lot.gtin14;
        const outLot = p.outputLotCode ?? lot.lotCode;
        if (outGtin !== lot.gtin14 || outLot !== lot.lotCode) {
          e.type = "TransformationEvent";
          e.inputQuantityList = [quantityElement(lotClass)];
          e.outputQuantityList = [
            quantityElement(canonicalLotUri(outGtin, outLot), p.packageCount ?? p.quantity, p.packageCount !== undefined ? "each" : p.unit),
          ];
          ilmd = { "cbvmda:lotNumber": outLot, "cbvmda:countryOfOrigin": lot.countryOfOrigin ?? "CN" };
        }
      } else if (p.quantity !== undefined) {
        quantityList = [quantityElement(lotClass, p.quantity, p.unit)];
      }
      break;
    }
    case "shipping":
      bizStep = "shipping";
      disposition = "in_transit";
      break;
    case "arrival":
      bizStep = "receiving";
      disposition = "in_progress";
      break;
    case "pickup":
      bizStep = "retail_selling";
      disposition = "retail_sold";
      break;
    case "recall":
      disposition = "recalled";
      break;
    case "correction":
    case "correction_review":
      throw new Error("corrections are exported as error declarations, not as events");
  }
  if (e.type === "ObjectEvent") {
    e.quantityList = quantityList;
    e.action = action;
  }
  if (bizStep) e.bizStep = bizStep;
  if (recalled) disposition = "recalled";
  if (disposition) e.disposition = disposition;
  if (readPoint) e.readPoint = { id: readPoint };
  if (bizLocation) e.bizLocation = { id: bizLocation };
  if (ilmd) e.ilmd = ilmd;
  Object.assign(e, extensions(c), {
    "cunpin:seq": c.seq,
    "cunpin:eventType": c.type,
    "cunpin:actorKind": c.actor.kind,
    "cunpin:chainEventHash": eventHash,
  });
  return e;
}

export interface BuildEpcisInput {
  lot: EpcisLotInfo;
  /** The lot's whole chain in seq order, corrections included. */
  events: ChainEventForExport[];
  creationDate: number;
  /** Document id (a URI), e.g. the lot's Digital Link plus "#epcis". */
  documentId?: string;
}

export function buildEpcisDocument(input: BuildEpcisInput): EpcisDocument {
  const { lot } = input;
  const contents = input.events.map((e) => e.content);
  const recalled = effectiveEvents(contents).some((e) => e.type === "recall");
  const hashBySeq = new Map(input.events.map((e) => [e.content.seq, e.eventHash]));
  const context: Json = [EPCIS_CONTEXT_URL, { cunpin: CUNPIN_EPCIS_NS }];
  const prefixes = prefixesFromContext(context);

  const eventList: EpcisEvent[] = [];
  /** For each original seq, the index in eventList of its currently valid version. */
  const current = new Map<number, { index: number; content: EventContent }>();
  const withId = (ev: EpcisEvent): EpcisEvent => ({ eventID: epcisEventHashId(ev, prefixes), ...ev });

  const states = correctionStates(contents);
  for (const c of contents) {
    if (c.type === "correction_review") continue;
    if (c.type !== "correction") {
      eventList.push(withId(toEpcisEvent(c, hashBySeq.get(c.seq)!, lot, recalled)));
      current.set(c.seq, { index: eventList.length - 1, content: c });
      continue;
    }
    const state = states.get(c.seq);
    if (state?.status !== "applied" && state?.status !== "accepted") continue;
    const target = c.correctsSeq !== undefined ? current.get(c.correctsSeq) : undefined;
    if (!target) continue;
    const old = eventList[target.index];
    const declared: EpcisEvent = {
      "cunpin:correctionSeq": c.seq,
      "cunpin:correctionReason": c.payload.reason,
      ...(state.review ? { "cunpin:reviewNote": state.review.note, "cunpin:reviewSeq": state.review.seq } : {}),
    };
    if (c.payload.retract) {
      old.errorDeclaration = { declarationTime: shanghaiIso(c.recordedAt), reason: "did_not_occur", ...declared };
      current.delete(c.correctsSeq!);
      continue;
    }
    const corrected = {
      ...target.content,
      payload: (c.payload.replacement ?? target.content.payload) as EventContent["payload"],
      occurredAt: c.payload.occurredAt ?? target.content.occurredAt,
      recordedAt: c.recordedAt,
    } as EventContent;
    const ev = toEpcisEvent(corrected, hashBySeq.get(c.seq)!, lot, recalled);
    Object.assign(ev, { "cunpin:seq": c.seq, "cunpin:correctsSeq": target.content.seq, "cunpin:correctionReason": c.payload.reason });
    const corrective = withId(ev);
    old.errorDeclaration = {
      declarationTime: shanghaiIso(c.recordedAt),
      reason: "incorrect_data",
      correctiveEventIDs: [corrective.eventID as string],
      ...declared,
    };
    eventList.push(corrective);
    current.set(c.correctsSeq!, { index: eventList.length - 1, content: corrected });
  }

  const doc: EpcisDocument = {
    "@context": context,
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: shanghaiIso(input.creationDate),
    epcisBody: { eventList },
  };
  if (input.documentId) doc.id = input.documentId;
  return doc;
}

// ─── EPCIS Event Hash ID ─────────────────────────────────────────────────────

const DEFAULT_PREFIXES: Record<string, string> = {
  epcis: "https://ref.gs1.org/epcis/",
  cbv: "https://ref.gs1.org/cbv/",
  cbvmda: "urn:epcglobal:cbv:mda:",
  gs1: "https://gs1.org/voc/",
};

/** CURIE prefixes declared in a document's @context (objects inside it), on top of the EPCIS context's own. */
export function prefixesFromContext(context: unknown): Record<string, string> {
  const out = { ...DEFAULT_PREFIXES };
  const items = Array.isArray(context) ? context : [context];
  for (const item of items) {
    if (item && typeof item === "object") {
      for (const [k, v] of Object.entries(item)) if (typeof v === "string") out[k] = v;
    }
  }
  return out;
}

const CBV_TYPES: Record<string, string> = {
  bizStep: "BizStep",
  disposition: "Disp",
  bizTransactionType: "BTT",
  sourceDestType: "SDT",
  errorReason: "ER",
};

/** Bare CBV word or urn:epcglobal:cbv:… → https://ref.gs1.org/cbv/<Type>-<word>; other URIs unchanged. */
function cbvUri(value: string, kind: keyof typeof CBV_TYPES): string {
  const v = value.trim();
  const urn = /^urn:epcglobal:cbv:[a-z]+:(.+)$/.exec(v);
  if (urn) return `https://ref.gs1.org/cbv/${CBV_TYPES[kind]}-${urn[1]}`;
  if (/^[a-z_]+$/.test(v)) return `https://ref.gs1.org/cbv/${CBV_TYPES[kind]}-${v}`;
  return v;
}

/** EPC URN → canonical GS1 Digital Link (sgtin, lgtin, sgln, pgln, sscc); DL URIs constrained to id.gs1.org without query. */
export function normaliseEpcUri(value: string): string {
  const v = value.trim();
  let m: RegExpExecArray | null;
  const withCheck = (digits: string) => digits + gs1CheckDigit(digits);
  if ((m = /^urn:epc:id:sgtin:(\d+)\.(\d)(\d*)\.(.+)$/.exec(v))) {
    return `https://id.gs1.org/01/${withCheck(m[2] + m[1] + m[3])}/21/${m[4]}`;
  }
  if ((m = /^urn:epc:class:lgtin:(\d+)\.(\d)(\d*)\.(.+)$/.exec(v))) {
    return `https://id.gs1.org/01/${withCheck(m[2] + m[1] + m[3])}/10/${m[4]}`;
  }
  if ((m = /^urn:epc:id:sgln:(\d+)\.(\d*)\.(.+)$/.exec(v))) {
    const gln = withCheck(m[1] + m[2]);
    return m[3] === "0" ? `https://id.gs1.org/414/${gln}` : `https://id.gs1.org/414/${gln}/254/${m[3]}`;
  }
  if ((m = /^urn:epc:id:pgln:(\d+)\.(\d*)$/.exec(v))) return `https://id.gs1.org/417/${withCheck(m[1] + m[2])}`;
  if ((m = /^urn:epc:id:sscc:(\d+)\.(\d)(\d*)$/.exec(v))) return `https://id.gs1.org/00/${withCheck(m[2] + m[1] + m[3])}`;
  if ((m = /^https?:\/\/[^/]+(?:\/[^?#]*?)?(\/(?:00|01|253|255|401|402|414|417|8003|8004|8006|8010|8017|8018)\/[^?#]*)(?:[?#].*)?$/.exec(v))) {
    return `https://id.gs1.org${m[1]}`;
  }
  return v;
}

/** eventTime in UTC with exactly milliseconds (4th decimal rounds half up), as the hash algorithm requires. */
export function hashTimestamp(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(value.trim());
  if (!m) throw new Error(`not an EPCIS timestamp: ${value}`);
  const frac = (m[2] ?? "").padEnd(4, "0");
  const ms = Number(frac.slice(0, 3)) + (Number(frac[3]) >= 5 ? 1 : 0);
  const base = Date.parse(`${m[1]}${m[3] === "Z" ? "Z" : m[3]}`);
  return new Date(base + ms).toISOString();
}

function expandKey(key: string, prefixes: Record<string, string>): string {
  const i = key.indexOf(":");
  if (i > 0) {
    const ns = prefixes[key.slice(0, i)];
    if (ns) return `{${ns}}${key.slice(i + 1)}`;
  }
  return key;
}

function extensionStrings(key: string, value: unknown, prefixes: Record<string, string>): string[] {
  const name = expandKey(key, prefixes);
  if (Array.isArray(value)) return value.flatMap((v) => extensionStrings(key, v, prefixes));
  if (value !== null && typeof value === "object") {
    const children = Object.entries(value as Record<string, unknown>)
      .flatMap(([k, v]) => extensionStrings(k, v, prefixes))
      .sort(cmp);
    return [name + children.join("")];
  }
  return [`${name}=${String(value).trim()}`];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0); // code-unit order (= UTF-8 byte order for BMP text)

const STANDARD_KEYS = new Set([
  "@context",
  "type",
  "eventTime",
  "recordTime",
  "eventTimeZoneOffset",
  "eventID",
  "certificationInfo",
  "errorDeclaration",
  "epcList",
  "parentID",
  "inputEPCList",
  "childEPCs",
  "quantityList",
  "childQuantityList",
  "inputQuantityList",
  "outputEPCList",
  "outputQuantityList",
  "action",
  "transformationID",
  "bizStep",
  "disposition",
  "persistentDisposition",
  "readPoint",
  "bizLocation",
  "bizTransactionList",
  "sourceList",
  "destinationList",
  "sensorElementList",
  "ilmd",
]);

/** The CBV 2.0 pre-hash string of an EPCIS event (JSON-LD form). */
export function epcisPreHashString(event: Record<string, unknown>, prefixes: Record<string, string> = DEFAULT_PREFIXES): string {
  const out: string[] = [];
  const str = (v: unknown) => String(v).trim();
  const list = (name: string, child: string) => {
    const v = event[name];
    if (Array.isArray(v) && v.length > 0)
      out.push(
        name +
          v
            .map((x) => `${child}=${normaliseEpcUri(str(x))}`)
            .sort(cmp)
            .join(""),
      );
  };
  const qlist = (name: string) => {
    const v = event[name];
    if (!Array.isArray(v) || v.length === 0) return;
    const items = v.map((q: Record<string, unknown>) => {
      let s = `quantityElementepcClass=${normaliseEpcUri(str(q.epcClass))}`;
      if (q.quantity !== undefined) s += `quantity=${Number(q.quantity)}`;
      if (q.uom !== undefined) s += `uom=${str(q.uom)}`;
      return s;
    });
    out.push(name + items.sort(cmp).join(""));
  };
  const typedList = (name: string, field: string) => {
    const v = event[name];
    if (!Array.isArray(v) || v.length === 0) return;
    const kind = name === "bizTransactionList" ? "bizTransactionType" : "sourceDestType";
    const items = v.map(
      (x: Record<string, unknown>) => `${field}=${normaliseEpcUri(str(x[field]))}` + (x.type !== undefined ? `type=${cbvUri(str(x.type), kind)}` : ""),
    );
    out.push(name + items.sort(cmp).join(""));
  };
  const idField = (name: string) => {
    const v = event[name] as Record<string, unknown> | undefined;
    if (!v) return;
    const extra = Object.entries(v)
      .filter(([k]) => k !== "id")
      .flatMap(([k, x]) => extensionStrings(k, x, prefixes))
      .sort(cmp);
    out.push(`${name}id=${normaliseEpcUri(str(v.id))}${extra.join("")}`);
  };

  if (event.sensorElementList !== undefined) throw new Error("sensorElementList is not supported by this hash implementation");
  out.push(`eventType=${str(event.type)}`);
  out.push(`eventTime=${hashTimestamp(str(event.eventTime))}`);
  out.push(`eventTimeZoneOffset=${str(event.eventTimeZoneOffset)}`);
  list("epcList", "epc");
  if (event.parentID !== undefined) out.push(`parentID=${normaliseEpcUri(str(event.parentID))}`);
  list("inputEPCList", "epc");
  list("childEPCs", "epc");
  qlist("quantityList");
  qlist("childQuantityList");
  qlist("inputQuantityList");
  list("outputEPCList", "epc");
  qlist("outputQuantityList");
  if (event.action !== undefined) out.push(`action=${str(event.action)}`);
  if (event.transformationID !== undefined) out.push(`transformationID=${normaliseEpcUri(str(event.transformationID))}`);
  if (event.bizStep !== undefined) out.push(`bizStep=${cbvUri(str(event.bizStep), "bizStep")}`);
  if (event.disposition !== undefined) out.push(`disposition=${cbvUri(str(event.disposition), "disposition")}`);
  const pd = event.persistentDisposition as { set?: string[]; unset?: string[] } | undefined;
  if (pd) {
    const part = (k: "set" | "unset") =>
      (pd[k] ?? [])
        .map((d) => `${k}=${cbvUri(d, "disposition")}`)
        .sort(cmp)
        .join("");
    out.push(`persistentDisposition${part("set")}${part("unset")}`);
  }
  idField("readPoint");
  idField("bizLocation");
  typedList("bizTransactionList", "bizTransaction");
  typedList("sourceList", "source");
  typedList("destinationList", "destination");
  const ilmd = event.ilmd as Record<string, unknown> | undefined;
  if (ilmd && Object.keys(ilmd).length > 0) {
    out.push(
      "ilmd" +
        Object.entries(ilmd)
          .flatMap(([k, v]) => extensionStrings(k, v, prefixes))
          .sort(cmp)
          .join(""),
    );
  }
  const ext = Object.entries(event)
    .filter(([k]) => !STANDARD_KEYS.has(k))
    .flatMap(([k, v]) => extensionStrings(k, v, prefixes))
    .sort(cmp);
  out.push(ext.join(""));
  return out.join("");
}

/** ni:///sha-256;<hex>?ver=CBV2.0 */
export function epcisEventHashId(event: Record<string, unknown>, prefixes: Record<string, string> = DEFAULT_PREFIXES): string {
  const hex = createHash("sha256").update(epcisPreHashString(event, prefixes), "utf8").digest("hex");
  return `ni:///sha-256;${hex}?ver=CBV2.0`;
}

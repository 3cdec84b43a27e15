/**
 * Deterministic canonical JSON, modelled on RFC 8785 (JSON Canonicalization Scheme):
 *
 * - object keys sorted by UTF-16 code units (what Array#sort does with no comparator),
 * - no insignificant whitespace,
 * - strings and numbers serialised exactly as ECMAScript JSON.stringify does
 *   (which is what JCS prescribes; -0 becomes 0),
 * - anything JSON cannot represent faithfully is rejected instead of silently dropped:
 *   undefined (also as an object property value), NaN/±Infinity, functions, symbols,
 *   bigints, non-plain objects (Date, Map, class instances…), and cycles.
 *
 * Rejecting `undefined` matters: JSON.stringify({a: undefined}) is "{}", so two different
 * in-memory values would hash the same. Callers must omit optional fields, not set them
 * to undefined (use `stripUndefined` when building content from optional inputs).
 */

export class CanonicalJsonError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${message} at ${path || "$"}`);
    this.name = "CanonicalJsonError";
  }
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function canonicalize(value: unknown): string {
  const seen = new Set<object>();
  const out: string[] = [];
  write(value, "$", seen, out);
  return out.join("");
}

function write(value: unknown, path: string, seen: Set<object>, out: string[]): void {
  if (value === null) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "number":
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`non-finite number ${value}`, path);
      out.push(JSON.stringify(value)); // ES Number::toString; -0 → "0"
      return;
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "undefined":
      throw new CanonicalJsonError("undefined value", path);
    case "function":
      throw new CanonicalJsonError("function value", path);
    case "symbol":
      throw new CanonicalJsonError("symbol value", path);
    case "bigint":
      throw new CanonicalJsonError("bigint value", path);
  }
  const obj = value as object;
  if (seen.has(obj)) throw new CanonicalJsonError("cycle", path);
  seen.add(obj);
  if (Array.isArray(obj)) {
    out.push("[");
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out.push(",");
      if (!(i in obj)) throw new CanonicalJsonError("sparse array hole", `${path}[${i}]`);
      write(obj[i], `${path}[${i}]`, seen, out);
    }
    out.push("]");
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      throw new CanonicalJsonError(`non-plain object (${proto?.constructor?.name ?? "unknown"})`, path);
    }
    if (Object.getOwnPropertySymbols(obj).length > 0) throw new CanonicalJsonError("symbol key", path);
    const keys = Object.keys(obj).sort();
    out.push("{");
    keys.forEach((key, i) => {
      if (i > 0) out.push(",");
      out.push(JSON.stringify(key), ":");
      write((obj as Record<string, unknown>)[key], `${path}.${key}`, seen, out);
    });
    out.push("}");
  }
  seen.delete(obj);
}

/** Returns a copy without properties whose value is undefined (recursively), for building content from optional inputs. */
export function stripUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => stripUndefined(v)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = stripUndefined(v);
    return out as T;
  }
  return value;
}

/**
 * Where a login, signup or language switch may send the browser afterwards: only a path on this
 * site. The value is normalised the way a browser reads a Location header before it is judged:
 * browsers drop tabs and newlines ("/\t/evil.example" is "//evil.example") and read "\" as "/",
 * so any control character, whitespace or backslash refuses it outright; then it is resolved
 * against a placeholder origin and must stay there, and the path that comes out must not begin
 * with "//" (a network-path reference, e.g. "/.//evil.example" normalises to "//evil.example").
 */
const PLACEHOLDER = "http://cunpin.invalid";

export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (!to || typeof to !== "string" || to.length > 2048) return fallback;
  if (!to.startsWith("/") || /[\u0000-\u0020\u007f-\u00a0\\\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]/.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, PLACEHOLDER);
  } catch {
    return fallback;
  }
  if (url.origin !== PLACEHOLDER) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith("/") || path.startsWith("//")) return fallback;
  return path;
}

import { createHash } from "node:crypto";
import { messages, resolveLocale, translate, type Locale, type MessageKey, type Params } from "~/i18n";

export function getLocale(request: Request): Locale {
  return resolveLocale(request.headers.get("Cookie"), request.headers.get("Accept-Language"));
}

/** A translator for the request's locale, for error messages made on the server. */
export function getTranslator(request: Request) {
  const locale = getLocale(request);
  return { locale, t: (key: MessageKey, params?: Params) => translate(locale, key, params) };
}
export { translate } from "~/i18n";

/** `/i18n/<locale>.<hash>.js`: the browser's copy of one locale's messages; the hash changes with them. */
export function messagesScriptUrl(locale: Locale): string {
  return `/i18n/${locale}.${messagesScript(locale).hash}.js`;
}

const scripts = new Map<Locale, { body: string; hash: string }>();
export function messagesScript(locale: Locale): { body: string; hash: string } {
  let script = scripts.get(locale);
  if (!script) {
    // JSON is valid JavaScript; "<" is escaped so the body could also be inlined safely.
    const json = JSON.stringify({ locale, messages: messages[locale] }).replace(/</g, "\\u003c");
    const body = `globalThis.__cunpinMessages=${json};\n`;
    script = { body, hash: createHash("sha256").update(body).digest("hex").slice(0, 10) };
    scripts.set(locale, script);
  }
  return script;
}

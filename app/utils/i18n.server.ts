import { resolveLocale, translate, type Locale, type MessageKey, type Params } from "~/i18n";

export function getLocale(request: Request): Locale {
  return resolveLocale(request.headers.get("Cookie"), request.headers.get("Accept-Language"));
}

/** A translator for the request's locale, for error messages made on the server. */
export function getTranslator(request: Request) {
  const locale = getLocale(request);
  return { locale, t: (key: MessageKey, params?: Params) => translate(locale, key, params) };
}
export { translate } from "~/i18n";

/** The messages of one locale, for the root loader to send to the browser. */
export { messages } from "~/i18n";

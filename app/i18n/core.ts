/**
 * The part of i18n that ships to the browser: no message catalogue here. The browser loads the
 * messages of the reader's locale as one small script, `/i18n/<locale>.<hash>.js`, cached for good
 * (a new catalogue gets a new hash), instead of both languages of every feature in its JavaScript
 * (~28 KB gzipped on every page) or in every HTML document. The server registers the whole
 * catalogue on globalThis in entry.server.tsx.
 */
import type { MessageKey } from "./catalogue";
import { DEFAULT_LOCALE, formatMessage, type Locale, type Params } from "./format";

export type { MessageKey };
export { DEFAULT_LOCALE, formatMessage, LOCALES, type Locale, type Params } from "./format";
export type Messages = Partial<Record<MessageKey, string>>;

/** Shown when even the root loader failed, so that the error page still speaks Chinese. */
const FALLBACK: Messages = {
  "error.title": "出错了",
  "error.server": "服务器出了点问题，请稍后再试",
  "error.notFound": "找不到这个页面",
  "error.forbidden": "你没有权限执行这个操作",
  "error.backHome": "返回首页",
};

export type Translator = ((key: MessageKey, params?: Params) => string) & {
  /** Whether `key` is a message (e.g. a zod error that is an i18n key rather than text). */
  has(key: string): key is MessageKey;
};

type CatalogueGlobals = {
  /** Server: every locale's messages (entry.server.tsx). */
  __cunpinCatalogue?: Record<Locale, Messages>;
  /** Browser: the reader's locale, set by the /i18n/<locale>.<hash>.js script. */
  __cunpinMessages?: { locale: Locale; messages: Messages };
};

/** The messages of a locale, wherever this runs. */
export function messagesFor(locale: Locale): Messages | undefined {
  const g = globalThis as CatalogueGlobals;
  if (g.__cunpinCatalogue) return g.__cunpinCatalogue[locale];
  return g.__cunpinMessages?.locale === locale ? g.__cunpinMessages.messages : undefined;
}

export function makeTranslator(messages: Messages | null | undefined): Translator {
  const table = messages ?? FALLBACK;
  const t = ((key: MessageKey, params?: Params) => formatMessage(table[key] ?? key, params)) as Translator;
  t.has = (key: string): key is MessageKey => key in table;
  return t;
}

/** Picks the locale from the `lng` cookie, then Accept-Language; Chinese by default. */
export function resolveLocale(cookieHeader: string | null, acceptLanguage: string | null): Locale {
  const fromCookie = /(?:^|;\s*)lng=(zh|en)(?:;|$)/.exec(cookieHeader ?? "")?.[1];
  if (fromCookie) return fromCookie as Locale;
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const ranked = acceptLanguage
    .split(",")
    .map((part) => {
      const [tag, ...rest] = part.trim().split(";");
      const q = rest.find((r) => r.trim().startsWith("q="));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith("zh")) return "zh";
    if (tag.startsWith("en")) return "en";
  }
  return DEFAULT_LOCALE;
}

/** Picks the Chinese or English variant of a bilingual database field, falling back to Chinese. */
export function pick(locale: Locale, zhValue: string, enValue: string | null | undefined): string {
  return locale === "en" && enValue ? enValue : zhValue;
}

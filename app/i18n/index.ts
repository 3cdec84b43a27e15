/**
 * Translation: Simplified Chinese first, English second. Plain module, usable on server and client.
 * Messages live in one file per feature under ./messages; keys are checked at compile time.
 */
import * as common from "./messages/common";
import * as auth from "./messages/auth";
import * as storefront from "./messages/storefront";
import * as farm from "./messages/farm";
import * as admin from "./messages/admin";
import * as traceRecall from "./messages/trace-recall";
import * as trace from "./messages/trace";

export const LOCALES = ["zh", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh";

const zh = { ...common.zh, ...auth.zh, ...storefront.zh, ...farm.zh, ...admin.zh, ...traceRecall.zh, ...trace.zh };
const en: Record<keyof typeof zh, string> = { ...common.en, ...auth.en, ...storefront.en, ...farm.en, ...admin.en, ...traceRecall.en, ...trace.en };

export type MessageKey = keyof typeof zh;
export const messages: Record<Locale, Record<MessageKey, string>> = { zh, en };

export type Params = Record<string, string | number>;

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = messages[locale][key] ?? messages.zh[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function isMessageKey(key: string): key is MessageKey {
  return key in zh;
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

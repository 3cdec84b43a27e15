/** Translated page titles for route `meta` functions, which cannot use hooks. */
import { DEFAULT_LOCALE, makeTranslator, messagesFor, pick, type Locale, type MessageKey, type Params } from "~/i18n/core";

type Match = { id: string; data?: unknown };
type RootI18n = { locale?: Locale } | undefined;

function rootData(matches: readonly Match[]): RootI18n {
  return matches.find((m) => m.id === "root")?.data as RootI18n;
}

/** The locale chosen by the root loader, read from the meta function's matches. */
export function localeFromMatches(matches: readonly Match[]): Locale {
  return rootData(matches)?.locale ?? DEFAULT_LOCALE;
}

/**
 * `[{ title: "<page> · 村品" }]`. `page` is a message key, literal text (a listing title),
 * or a bilingual database name ({zh, en}) picked for the locale.
 */
export function pageTitle(matches: readonly Match[], page: MessageKey | { literal: string } | { zh: string; en: string }, params?: Params) {
  const locale = localeFromMatches(matches);
  const t = makeTranslator(messagesFor(locale));
  const text = typeof page === "string" ? t(page, params) : "literal" in page ? page.literal : pick(locale, page.zh, page.en);
  return [{ title: t("storefront.title", { page: text }) }];
}

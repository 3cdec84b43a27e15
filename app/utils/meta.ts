/** Translated page titles for route `meta` functions, which cannot use hooks. */
import { DEFAULT_LOCALE, pick, translate, type Locale, type MessageKey, type Params } from "~/i18n";

type Match = { id: string; data?: unknown };

/** The locale chosen by the root loader, read from the meta function's matches. */
export function localeFromMatches(matches: readonly Match[]): Locale {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: Locale } | undefined;
  return root?.locale ?? DEFAULT_LOCALE;
}

/**
 * `[{ title: "<page> · 村品" }]`. `page` is a message key, literal text (a listing title),
 * or a bilingual database name ({zh, en}) picked for the locale.
 */
export function pageTitle(
  matches: readonly Match[],
  page: MessageKey | { literal: string } | { zh: string; en: string },
  params?: Params,
) {
  const locale = localeFromMatches(matches);
  const text =
    typeof page === "string" ? translate(locale, page, params) : "literal" in page ? page.literal : pick(locale, page.zh, page.en);
  return [{ title: translate(locale, "storefront.title", { page: text }) }];
}

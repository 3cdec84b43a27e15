import { useRouteLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { DEFAULT_LOCALE, makeTranslator, messagesFor, type Locale, type Translator } from "./core";

/** The locale chosen by the root loader. */
export function useLocale(): Locale {
  return (useRouteLoaderData("root") as { locale?: Locale } | undefined)?.locale ?? DEFAULT_LOCALE;
}

/** Translates into the reader's locale (see core.ts for where the messages come from). */
export function useT(): Translator {
  const locale = useLocale();
  return useMemo(() => makeTranslator(messagesFor(locale)), [locale]);
}

import { useRouteLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { DEFAULT_LOCALE, makeTranslator, type Locale, type Messages, type Translator } from "./core";

type RootI18n = { locale?: Locale; messages?: Messages } | undefined;

/** The locale chosen by the root loader. */
export function useLocale(): Locale {
  return (useRouteLoaderData("root") as RootI18n)?.locale ?? DEFAULT_LOCALE;
}

/** Translates with the messages the root loader sent for the reader's locale. */
export function useT(): Translator {
  const messages = (useRouteLoaderData("root") as RootI18n)?.messages;
  return useMemo(() => makeTranslator(messages), [messages]);
}

/** Server-side i18n: the catalogue and translation (loaders, actions, CSV, notices); core.ts is what the browser gets too. */
import { messages, type MessageKey } from "./catalogue";
import { formatMessage, type Locale, type Params } from "./format";

export * from "./core";
export { messages };

/** Server-side translation (loaders, actions, emails, CSV): the whole catalogue is here. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  return formatMessage(messages[locale][key] ?? messages.zh[key] ?? key, params);
}

export function isMessageKey(key: string): key is MessageKey {
  return key in messages.zh;
}

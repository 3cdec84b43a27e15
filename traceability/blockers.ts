/**
 * Plain-language reasons why a lot (or a listing's lots) may not be packed or published.
 * Pure (no database), so loaders can call it and components can import it.
 */
import { findingMessage } from "./compliance";
import type { LotBlockers } from "./errors";
import { formatMessage, type TraceLocale } from "./messages";

/** One sentence per finding, prefixed with the lot code when there is one. */
export function describeBlockers(blockers: readonly LotBlockers[], locale: TraceLocale): string[] {
  const out: string[] = [];
  for (const b of blockers) {
    for (const f of b.findings) {
      const message = findingMessage(f, locale);
      out.push(b.lotCode ? formatMessage(locale, "trace.blocked.lot", { lotCode: b.lotCode, message }) : message);
    }
  }
  return out;
}

/** Small display helpers shared by the inspector and notice pages (Asia/Shanghai times). */
import type { Locale } from "~/i18n/core";

export function formatDateTime(ms: number | null | undefined, locale: Locale): string {
  if (ms == null) return "";
  return new Date(ms).toLocaleString(locale === "en" ? "en-GB" : "zh-CN", {
    timeZone: "Asia/Shanghai",
    dateStyle: "medium",
    timeStyle: "short",
  });
}

export function formatDate(ms: number | null | undefined, locale: Locale): string {
  if (ms == null) return "";
  return new Date(ms).toLocaleDateString(locale === "en" ? "en-GB" : "zh-CN", { timeZone: "Asia/Shanghai", dateStyle: "medium" });
}

/** The statistics filter as a GET form (works without JavaScript): date range, granularity, region. */
import { Form } from "@remix-run/react";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import type { StatsFilterInput } from "./filter";

type Option = { id: number; nameZh: string; nameEn: string; parentId: number | null };

export function StatsFilterForm({
  action,
  filter,
  options,
  lockedCounty,
  invalid,
}: {
  action: string;
  filter: StatsFilterInput;
  options: { provinces: Option[]; counties: Option[]; villages: Option[] };
  lockedCounty: { nameZh: string; nameEn: string } | null;
  invalid: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const name = (o: { nameZh: string; nameEn: string }) => pick(locale, o.nameZh, o.nameEn);
  const select = (field: "provinceId" | "countyId" | "villageId", label: string, list: Option[]) => (
    <div className="field">
      <label htmlFor={`stats-${field}`}>{label}</label>
      <select id={`stats-${field}`} name={field} defaultValue={filter[field] ? String(filter[field]) : ""}>
        <option value="">{t("stats.filter.all")}</option>
        {list.map((o) => (
          <option key={o.id} value={o.id}>
            {name(o)}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <Form method="get" action={action} className="panel" aria-label={t("stats.filter.legend")}>
      {invalid ? <p className="notice">{t("stats.filter.invalid")}</p> : null}
      {lockedCounty ? <p className="notice">{t("stats.filter.locked", { county: name(lockedCounty) })}</p> : null}
      <div className="stats-filter">
        <div className="field">
          <label htmlFor="stats-from">{t("stats.filter.from")}</label>
          <input id="stats-from" type="date" name="from" defaultValue={filter.from} required />
        </div>
        <div className="field">
          <label htmlFor="stats-to">{t("stats.filter.to")}</label>
          <input id="stats-to" type="date" name="to" defaultValue={filter.to} required />
        </div>
        <div className="field">
          <label htmlFor="stats-granularity">{t("stats.filter.granularity")}</label>
          <select id="stats-granularity" name="granularity" defaultValue={filter.granularity}>
            <option value="day">{t("stats.granularity.day")}</option>
            <option value="week">{t("stats.granularity.week")}</option>
            <option value="month">{t("stats.granularity.month")}</option>
          </select>
        </div>
        {lockedCounty ? null : select("provinceId", t("stats.filter.province"), options.provinces)}
        {lockedCounty ? null : select("countyId", t("stats.filter.county"), options.counties)}
        {select("villageId", t("stats.filter.village"), options.villages)}
        <button type="submit" className="button">
          {t("stats.filter.apply")}
        </button>
      </div>
    </Form>
  );
}

/**
 * The delivery point form, shared by /admin/logistics/points/new and /admin/logistics/points/:id.
 * A plain POST (works without JavaScript); Conform adds instant field errors when JavaScript runs.
 * One column, usable at 360 px. Villages and routes are grouped by county (optgroups), so the
 * choice works without a script filtering them; the server checks they belong to the county.
 */
import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import type { z } from "zod";
import { Field, FieldError, FormErrors, FormToken, SubmitButton } from "~/components/forms";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { HOLDING_DAYS, POINT_KINDS } from "../../logistics/point-rules";
import type { PlaceOptions } from "../../logistics/points-admin";
import { PointSchema } from "./point-schemas";

/** Which form field a domain rule's message belongs next to (the domain repeats the form's checks). */
export const POINT_RULE_FIELD: Record<string, string> = {
  "pointsAdmin.error.kind": "kind",
  "pointsAdmin.error.kindChange": "kind",
  "pointsAdmin.error.name": "name",
  "pointsAdmin.error.address": "address",
  "pointsAdmin.error.township": "township",
  "pointsAdmin.error.county": "county",
  "pointsAdmin.error.villageCounty": "village",
  "pointsAdmin.error.lat": "lat",
  "pointsAdmin.error.lng": "lng",
  "pointsAdmin.error.capacity": "parcelCapacity",
  "pointsAdmin.error.lockerCapacity": "parcelCapacity",
  "pointsAdmin.error.hours": "openingHours",
  "pointsAdmin.error.holdingDays": "holdingDaysFresh",
  "pointsAdmin.error.route": "route",
};

type Shape = z.input<typeof PointSchema>;

export type PointFormDefaults = {
  kind?: string;
  name?: string;
  address?: string;
  county?: number | null;
  township?: string | null;
  village?: number | null;
  lat?: number;
  lng?: number;
  parcelCapacity?: number | null;
  openingHours?: string;
  holdingDaysFresh?: number;
  holdingDaysOther?: number;
  route?: number | null;
  active?: boolean;
};

const str = (v: number | string | null | undefined) => (v === null || v === undefined ? undefined : String(v));

export function PointForm({
  id,
  lastResult,
  defaultValue,
  places,
  submitLabel,
  showActive,
}: {
  id: string;
  lastResult?: SubmissionResult<string[]> | null;
  defaultValue: PointFormDefaults;
  places: PlaceOptions;
  submitLabel: string;
  showActive: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const [form, fields] = useForm<Shape>({
    id,
    lastResult,
    defaultValue: {
      kind: defaultValue.kind,
      name: defaultValue.name,
      address: defaultValue.address,
      county: str(defaultValue.county),
      township: defaultValue.township ?? undefined,
      village: str(defaultValue.village),
      lat: str(defaultValue.lat),
      lng: str(defaultValue.lng),
      parcelCapacity: str(defaultValue.parcelCapacity),
      openingHours: defaultValue.openingHours,
      holdingDaysFresh: str(defaultValue.holdingDaysFresh),
      holdingDaysOther: str(defaultValue.holdingDaysOther),
      route: str(defaultValue.route),
      active: defaultValue.active === false ? undefined : "on",
    } as Record<string, string | undefined>,
    constraint: getZodConstraint(PointSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PointSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onBlur",
  });
  const countyName = (countyId: number) => {
    const c = places.counties.find((x) => x.id === countyId);
    return c ? pick(locale, c.nameZh, c.nameEn) : String(countyId);
  };
  const byCounty = <T extends { countyId: number }>(rows: T[]) => {
    const groups = new Map<number, T[]>();
    for (const r of rows) groups.set(r.countyId, [...(groups.get(r.countyId) ?? []), r]);
    return [...groups.entries()];
  };
  const formErrors = form.errors?.filter(Boolean) ?? [];

  return (
    <Form method="post" className="form point-form" {...getFormProps(form)}>
      <FormErrors id={form.errorId} errors={formErrors} />
      <input type="hidden" name="intent" value="point" />

      <Field field={fields.kind} label={t("pointsAdmin.field.kind")}>
        <select {...getSelectProps(fields.kind)}>
          <option value="">{t("pointsAdmin.choose")}</option>
          {POINT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`networkAdmin.kind.${k}`)}
            </option>
          ))}
        </select>
      </Field>

      <Field field={fields.name} label={t("pointsAdmin.field.name")}>
        <input {...getInputProps(fields.name, { type: "text" })} autoComplete="off" />
      </Field>

      <Field field={fields.address} label={t("pointsAdmin.field.address")}>
        <input {...getInputProps(fields.address, { type: "text" })} autoComplete="off" />
      </Field>

      <Field field={fields.county} label={t("pointsAdmin.field.county")}>
        <select {...getSelectProps(fields.county)}>
          <option value="">{t("pointsAdmin.choose")}</option>
          {places.counties.map((c) => (
            <option key={c.id} value={c.id}>
              {c.province ? `${c.province} · ` : ""}
              {pick(locale, c.nameZh, c.nameEn)}
            </option>
          ))}
        </select>
      </Field>

      <Field field={fields.township} label={t("pointsAdmin.field.township")} hint={t("pointsAdmin.field.optional")}>
        <input {...getInputProps(fields.township, { type: "text" })} autoComplete="off" />
      </Field>

      <Field field={fields.village} label={t("pointsAdmin.field.village")} hint={t("pointsAdmin.field.villageHint")}>
        <select {...getSelectProps(fields.village)}>
          <option value="">{t("pointsAdmin.noVillage")}</option>
          {byCounty(places.villages).map(([countyId, villages]) => (
            <optgroup key={countyId} label={countyName(countyId)}>
              {villages.map((v) => (
                <option key={v.id} value={v.id}>
                  {pick(locale, v.nameZh, v.nameEn)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </Field>

      <div className="field-pair">
        <Field field={fields.lat} label={t("pointsAdmin.field.lat")}>
          <input {...getInputProps(fields.lat, { type: "text" })} inputMode="decimal" autoComplete="off" placeholder="35.76" />
        </Field>
        <Field field={fields.lng} label={t("pointsAdmin.field.lng")}>
          <input {...getInputProps(fields.lng, { type: "text" })} inputMode="decimal" autoComplete="off" placeholder="109.42" />
        </Field>
      </div>

      <Field field={fields.parcelCapacity} label={t("pointsAdmin.field.capacity")} hint={t("pointsAdmin.field.capacityHint")}>
        <input {...getInputProps(fields.parcelCapacity, { type: "number" })} inputMode="numeric" step={1} />
      </Field>

      <Field field={fields.openingHours} label={t("pointsAdmin.field.hours")} hint={t("pointsAdmin.field.hoursHint")}>
        <input {...getInputProps(fields.openingHours, { type: "text" })} autoComplete="off" placeholder="08:00-20:00" />
      </Field>

      <div className="field-pair">
        <Field field={fields.holdingDaysFresh} label={t("pointsAdmin.field.holdingFresh")}>
          <input {...getInputProps(fields.holdingDaysFresh, { type: "number" })} inputMode="numeric" step={1} />
        </Field>
        <Field field={fields.holdingDaysOther} label={t("pointsAdmin.field.holdingOther")}>
          <input {...getInputProps(fields.holdingDaysOther, { type: "number" })} inputMode="numeric" step={1} />
        </Field>
      </div>
      <p className="hint">{t("pointsAdmin.field.holdingHint", HOLDING_DAYS)}</p>

      <Field field={fields.route} label={t("pointsAdmin.field.route")} hint={t("pointsAdmin.field.routeHint")}>
        <select {...getSelectProps(fields.route)}>
          <option value="">{t("pointsAdmin.noRoute")}</option>
          {byCounty(places.routes).map(([countyId, routes]) => (
            <optgroup key={countyId} label={countyName(countyId)}>
              {routes.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}（{r.depotName}）
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </Field>

      {showActive ? (
        <div className="field">
          <label htmlFor={fields.active.id}>
            <input {...getInputProps(fields.active, { type: "checkbox" })} aria-describedby={`${fields.active.id}-hint`} /> {t("pointsAdmin.field.active")}
          </label>
          <p className="hint" id={`${fields.active.id}-hint`}>
            {t("pointsAdmin.field.activeHint")}
          </p>
          <FieldError id={fields.active.errorId} errors={fields.active.errors} />
        </div>
      ) : (
        <input type="hidden" name={fields.active.name} value="on" />
      )}

      <div className="button-row">
        <FormToken />
        <SubmitButton className="primary">{submitLabel}</SubmitButton>
      </div>
    </Form>
  );
}

/** The domain input from a parsed point form. */
export function pointInputFromForm(v: z.output<typeof PointSchema>) {
  return {
    kind: v.kind,
    name: v.name,
    address: v.address,
    countyId: v.county,
    township: v.township ?? null,
    villageId: v.village ?? null,
    lat: v.lat,
    lng: v.lng,
    parcelCapacity: v.parcelCapacity ?? null,
    openingHours: v.openingHours,
    holdingDaysFresh: v.holdingDaysFresh,
    holdingDaysOther: v.holdingDaysOther,
    courierRouteId: v.route ?? null,
    active: v.active ?? false,
  };
}

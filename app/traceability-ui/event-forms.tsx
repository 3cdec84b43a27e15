/**
 * One form per kind of record on a lot (施肥/用药, 采收, 检测, 包装, 发货, 更正). Plain POST forms
 * that work without JavaScript at 360 px; Conform adds instant errors when JavaScript runs.
 * Everything the farmer need not type is prefilled (today's date, lot code, certificate fields).
 */
import { shanghaiToday } from "../../core/clock";
import {
  getCollectionProps,
  getFormProps,
  getInputProps,
  getSelectProps,
  getTextareaProps,
  useForm,
  type FieldMetadata,
  type SubmissionResult,
} from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { Form, useLoaderData } from "@remix-run/react";
import { FieldError, Field, FormErrors, FormToken, SubmitButton } from "~/components/forms";
import { type MessageKey } from "~/i18n/core";
import { useT } from "~/i18n/react";
import {
  APPLICATION_METHODS,
  CORRECTION_ACTIONS,
  CorrectionSchema,
  HarvestSchema,
  INPUT_KINDS,
  InputApplicationSchema,
  INSPECTION_KINDS,
  InspectionSchema,
  PackingSchema,
  ShippingSchema,
  UNITS,
  type EventFormType,
} from "./schemas";
import type { z } from "zod";

export type FormResult = SubmissionResult<string[]> | null | undefined;

/** A labelled field with its hint and errors. */
function DateInput({ field, label }: { field: FieldMetadata<string>; label: string }) {
  return (
    <Field field={field} label={label}>
      <input {...getInputProps(field, { type: "date" })} max={shanghaiToday()} />
    </Field>
  );
}

/** The submit button, with the page's one-time token (an event is permanent: a double tap records one). */
function Submit({ label }: { label: string }) {
  const { formToken } = useLoaderData() as { formToken?: string };
  return (
    <div className="tf-submit">
      {formToken ? <FormToken token={formToken} /> : null}
      <SubmitButton className="primary">{label}</SubmitButton>
    </div>
  );
}

function useEventForm<S extends z.ZodTypeAny>(id: string, schema: S, lastResult: FormResult, defaultValue: Record<string, unknown>) {
  return useForm<z.input<S>, z.output<S>>({
    id,
    lastResult,
    defaultValue: defaultValue as never,
    constraint: getZodConstraint(schema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onBlur",
  });
}

// ─── 施肥/用药 ───────────────────────────────────────────────────────────────

export type CatalogueGroup = {
  kind: string;
  items: {
    id: number;
    label: string;
    banned: boolean;
    /** 剧毒/高毒 (label class, or a listed substance in it). */
    highlyToxic: boolean;
    /** The catalogue's registered use on this lot's crop, rendered ("苹果 · 安全间隔期 14 天"); null if none. */
    use: string | null;
    /** A pesticide the catalogue has no use for on this crop: the farmer must copy the label's use. */
    noUse: boolean;
  }[];
};

/** Choices for the label's registered crop: this lot's crop first, then crops and crop groups. */
export type CropChoices = {
  lotCrop: { value: string; label: string } | null;
  crops: { value: string; label: string }[];
  groups: { value: string; label: string }[];
};

export function InputApplicationForm({
  lastResult,
  formError,
  catalogue,
  inputKinds,
  cropChoices,
  fromStock,
}: {
  lastResult: FormResult;
  formError?: string | null;
  catalogue: CatalogueGroup[];
  /** Recording from the farm's input stock (/farm/inputs): the input is preset and the used quantity comes off the stock. */
  fromStock?: { id: number; agriInputId: number; label: string; left: number; unit: string } | null;
  /** The input kinds this lot takes (crops: pesticides, fertilisers; animals: veterinary drugs, feed). */
  inputKinds: readonly string[];
  /** Null for animal lots (no pesticide labels to copy). */
  cropChoices: CropChoices | null;
}) {
  const t = useT();
  const [form, fields] = useEventForm("input_application", InputApplicationSchema, lastResult, {
    date: shanghaiToday(),
    ...(fromStock ? { inputId: String(fromStock.agriInputId) } : {}),
  });
  const usedError = (lastResult?.error?.usedQuantity ?? null) as string[] | null;
  const typedOpen = Boolean(fields.productName.errors || fields.inputKind.errors || fields.productName.initialValue);
  const useOpen = Boolean(fields.registeredCrop.errors || fields.labelIntervalDays.errors || fields.registeredCrop.initialValue || typedOpen);
  const photoError = (lastResult?.error?.labelPhoto ?? null) as string[] | null;
  return (
    <Form method="post" encType="multipart/form-data" className="form" {...getFormProps(form)}>
      <FormErrors errors={form.errors} extra={formError} />
      <DateInput field={fields.date} label={t("farmTrace.field.date")} />
      {fromStock ? (
        <div className="field" data-testid="from-stock">
          <input type="hidden" name="stockId" value={fromStock.id} />
          <p className="notice">
            {t("inputsMarket.apply.fromStock", { name: fromStock.label, left: fromStock.left, unit: t(`unit.${fromStock.unit}` as MessageKey) })}
          </p>
          <label htmlFor="used-quantity">{t("inputsMarket.apply.usedQuantity", { unit: t(`unit.${fromStock.unit}` as MessageKey) })}</label>
          <input
            id="used-quantity"
            name="usedQuantity"
            type="text"
            inputMode="decimal"
            autoComplete="off"
            defaultValue="1"
            aria-invalid={usedError ? true : undefined}
            aria-describedby={usedError ? "used-quantity-error" : undefined}
          />
          <FieldError id="used-quantity-error" errors={usedError} />
        </div>
      ) : null}
      <Field field={fields.inputId} label={t("farmTrace.field.inputFromCatalogue")} hint={t("farmTrace.field.inputFromCatalogueHint")}>
        <select {...getSelectProps(fields.inputId)}>
          <option value="">{t("farmTrace.choose")}</option>
          {catalogue.map((group) => (
            <optgroup key={group.kind} label={t(`farmTrace.agriKind.${group.kind}` as MessageKey)}>
              {group.items.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.banned ? `⚠ ${t("farmTrace.banned")} · ` : item.highlyToxic ? `⚠ ${t("farmTrace.input.highlyToxic")} · ` : ""}
                  {item.label}
                  {item.use ? ` · ${item.use}` : item.noUse ? ` · ${t("farmTrace.input.noCatalogueUse")}` : ""}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </Field>
      <details className="tf-more" open={typedOpen}>
        <summary>{t("farmTrace.input.typeIt")}</summary>
        <Field field={fields.productName} label={t("farmTrace.field.input")} hint={t("farmTrace.field.inputHint")}>
          <input {...getInputProps(fields.productName, { type: "text" })} />
        </Field>
        <Field field={fields.inputKind} label={t("farmTrace.field.inputKind")}>
          <select {...getSelectProps(fields.inputKind)}>
            <option value="">{t("farmTrace.choose")}</option>
            {INPUT_KINDS.filter((k) => inputKinds.includes(k)).map((k) => (
              <option key={k} value={k}>
                {t(`farmTrace.inputKind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field field={fields.activeIngredient} label={t("farmTrace.field.activeIngredient")}>
          <input {...getInputProps(fields.activeIngredient, { type: "text" })} />
        </Field>
        <Field field={fields.registrationNo} label={t("farmTrace.field.registrationNo")} hint={t("farmTrace.field.registrationNoHint")}>
          <input {...getInputProps(fields.registrationNo, { type: "text" })} autoCapitalize="characters" />
        </Field>
      </details>
      {cropChoices ? (
        <details className="tf-more" open={useOpen}>
          <summary>{t("farmTrace.input.useLegend")}</summary>
          <p className="hint">{t("farmTrace.input.useLead")}</p>
          <Field field={fields.registeredCrop} label={t("farmTrace.field.registeredCrop")} hint={t("farmTrace.field.registeredCropHint")}>
            <select {...getSelectProps(fields.registeredCrop)}>
              <option value="">{t("farmTrace.choose")}</option>
              {cropChoices.lotCrop ? <option value={cropChoices.lotCrop.value}>{cropChoices.lotCrop.label}</option> : null}
              <optgroup label={t("farmTrace.input.cropGroups")}>
                {cropChoices.groups.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </optgroup>
              <optgroup label={t("farmTrace.input.crops")}>
                {cropChoices.crops.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </optgroup>
            </select>
          </Field>
          <div className="field-pair">
            <Field field={fields.labelIntervalDays} label={t("farmTrace.field.labelIntervalDays")} hint={t("farmTrace.field.labelIntervalDaysHint")}>
              <input {...getInputProps(fields.labelIntervalDays, { type: "text" })} inputMode="numeric" autoComplete="off" />
            </Field>
            <Field field={fields.labelMaxApplications} label={t("farmTrace.field.labelMaxApplications")}>
              <input {...getInputProps(fields.labelMaxApplications, { type: "text" })} inputMode="numeric" autoComplete="off" />
            </Field>
          </div>
          <fieldset>
            <legend>{t("farmTrace.field.labelPhoto")}</legend>
            <label className="file-button" htmlFor="label-photo-camera">
              {t("farm.takePhoto")}
            </label>
            <input id="label-photo-camera" type="file" name="labelPhoto" accept="image/*" capture="environment" />
            <label className="file-button" htmlFor="label-photo-album">
              {t("farm.chooseFromAlbum")}
            </label>
            <input id="label-photo-album" type="file" name="labelPhoto" accept="image/*" />
            <FieldError errors={photoError} />
          </fieldset>
        </details>
      ) : null}
      <div className="field-pair">
        <Field field={fields.dose} label={t("farmTrace.field.dose")} hint={t("farmTrace.field.doseHint")}>
          <input {...getInputProps(fields.dose, { type: "text" })} />
        </Field>
        <Field field={fields.areaMu} label={t("farmTrace.field.areaMu")}>
          <input {...getInputProps(fields.areaMu, { type: "text" })} inputMode="decimal" />
        </Field>
      </div>
      <Field field={fields.method} label={t("farmTrace.field.method")}>
        <select {...getSelectProps(fields.method)}>
          <option value="">{t("farmTrace.choose")}</option>
          {APPLICATION_METHODS.map((m) => (
            <option key={m} value={m}>
              {t(`farmTrace.method.${m}`)}
            </option>
          ))}
        </select>
      </Field>
      <Submit label={t("farmTrace.saveRecord")} />
    </Form>
  );
}

// ─── 采收 ────────────────────────────────────────────────────────────────────

export function HarvestForm({
  lastResult,
  formError,
  lotCode,
  gtin,
  defaultUnit,
}: {
  lastResult: FormResult;
  formError?: string | null;
  lotCode: string;
  gtin: string | null;
  defaultUnit: string;
}) {
  const t = useT();
  const [form, fields] = useEventForm("harvest", HarvestSchema, lastResult, { date: shanghaiToday(), unit: defaultUnit });
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <FormErrors errors={form.errors} extra={formError} />
      <div className="tf-fixed">
        <dl className="kv">
          <dt>{t("farmTrace.field.lotCode")}</dt>
          <dd className="tf-lot">{lotCode}</dd>
          <dt>{t("farmTrace.field.gtin")}</dt>
          <dd className="tf-gtin">{gtin ?? "—"}</dd>
        </dl>
      </div>
      <DateInput field={fields.date} label={t("farmTrace.field.harvestDate")} />
      <div className="field-pair">
        <Field field={fields.quantity} label={t("farmTrace.field.quantity")}>
          <input {...getInputProps(fields.quantity, { type: "text" })} inputMode="decimal" autoComplete="off" />
        </Field>
        <Field field={fields.unit} label={t("farmTrace.field.unit")}>
          <select {...getSelectProps(fields.unit)}>
            {UNITS.map((u) => (
              <option key={u} value={u}>
                {t(`unit.${u}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Submit label={t("farmTrace.saveHarvest")} />
    </Form>
  );
}

// ─── 检测 ────────────────────────────────────────────────────────────────────

export function InspectionForm({ lastResult, formError }: { lastResult: FormResult; formError?: string | null }) {
  const t = useT();
  const [form, fields] = useEventForm("inspection", InspectionSchema, lastResult, { date: shanghaiToday(), kind: "rapid_test" });
  const photoError = (lastResult?.error?.photo ?? null) as string[] | null;
  return (
    <Form method="post" encType="multipart/form-data" className="form" {...getFormProps(form)}>
      <FormErrors errors={form.errors} extra={formError} />
      <fieldset>
        <legend>{t("farmTrace.field.inspectionKind")}</legend>
        <div className="tf-radios">
          {getCollectionProps(fields.kind, { type: "radio", options: [...INSPECTION_KINDS] }).map((props) => (
            <label key={props.id} htmlFor={props.id}>
              <input {...props} />
              {t(`farmTrace.inspectionKind.${props.value as (typeof INSPECTION_KINDS)[number]}`)}
            </label>
          ))}
        </div>
        <FieldError id={fields.kind.errorId} errors={fields.kind.errors} />
      </fieldset>
      <fieldset>
        <legend>{t("farmTrace.field.result")}</legend>
        <div className="tf-radios two">
          {getCollectionProps(fields.result, { type: "radio", options: ["pass", "fail"] }).map((props) => (
            <label key={props.id} htmlFor={props.id}>
              <input {...props} />
              {props.value === "pass" ? `✓ ${t("farmTrace.result.pass")}` : `✗ ${t("farmTrace.result.fail")}`}
            </label>
          ))}
        </div>
        <FieldError id={fields.result.errorId} errors={fields.result.errors} />
      </fieldset>
      <DateInput field={fields.date} label={t("farmTrace.field.inspectionDate")} />
      <Field field={fields.inspector} label={t("farmTrace.field.lab")} hint={t("farmTrace.field.labHint")}>
        <input {...getInputProps(fields.inspector, { type: "text" })} />
      </Field>
      <Field field={fields.reportNo} label={t("farmTrace.field.reportNo")}>
        <input {...getInputProps(fields.reportNo, { type: "text" })} autoCapitalize="characters" />
      </Field>
      <fieldset>
        <legend>{t("farmTrace.field.certificatePhoto")}</legend>
        <label className="file-button" htmlFor="inspection-photo-camera">
          {t("farm.takePhoto")}
        </label>
        <input id="inspection-photo-camera" type="file" name="photo" accept="image/*" capture="environment" />
        <label className="file-button" htmlFor="inspection-photo-album">
          {t("farm.chooseFromAlbum")}
        </label>
        <input id="inspection-photo-album" type="file" name="photo" accept="image/*" />
        <p className="hint">{t("farmTrace.field.certificatePhotoHint")}</p>
        <FieldError errors={photoError} />
      </fieldset>
      <Field field={fields.notes} label={t("farmTrace.field.notes")}>
        <textarea {...getTextareaProps(fields.notes)} rows={3} />
      </Field>
      <Submit label={t("farmTrace.saveRecord")} />
    </Form>
  );
}

// ─── 包装 + 承诺达标合格证 ───────────────────────────────────────────────────

export type CertificateDefaults = {
  productName: string;
  quantity: number | null;
  unit: string;
  origin: string;
  entityName: string;
  entityContact: string;
};

export function PackingForm({ lastResult, formError, cert }: { lastResult: FormResult; formError?: string | null; cert: CertificateDefaults }) {
  const t = useT();
  const [form, fields] = useEventForm("packing", PackingSchema, lastResult, {
    date: shanghaiToday(),
    certProductName: cert.productName,
    certQuantity: cert.quantity ?? undefined,
    certUnit: cert.unit,
    certOrigin: cert.origin,
    certEntityName: cert.entityName,
    certEntityContact: cert.entityContact,
    commitNoBanned: true,
    commitIntervals: true,
    commitResidue: true,
  });
  const certFields = [
    fields.certProductName,
    fields.certQuantity,
    fields.certUnit,
    fields.certOrigin,
    fields.certEntityName,
    fields.certEntityContact,
    fields.date,
    fields.packageCount,
  ];
  const editOpen = certFields.some((f) => f.errors?.length) || cert.quantity === null || !cert.entityContact;
  const commits = [
    [fields.commitNoBanned, "farmTrace.cert.commit.noBanned"],
    [fields.commitIntervals, "farmTrace.cert.commit.intervals"],
    [fields.commitResidue, "farmTrace.cert.commit.residue"],
  ] as const;
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <FormErrors errors={form.errors} extra={formError} />
      <section className="tf-fixed" aria-labelledby="cert-preview-title">
        <h2 id="cert-preview-title" style={{ marginTop: 0 }}>
          {t("farmTrace.cert.title")}
        </h2>
        <dl className="kv">
          <dt>{t("farmTrace.cert.productName")}</dt>
          <dd>{cert.productName}</dd>
          <dt>{t("farmTrace.cert.quantity")}</dt>
          <dd>{cert.quantity !== null ? `${cert.quantity} ${t(`unit.${cert.unit}` as MessageKey)}` : "—"}</dd>
          <dt>{t("farmTrace.cert.origin")}</dt>
          <dd>{cert.origin || "—"}</dd>
          <dt>{t("farmTrace.cert.entityName")}</dt>
          <dd>{cert.entityName}</dd>
          <dt>{t("farmTrace.cert.entityContact")}</dt>
          <dd>{cert.entityContact || "—"}</dd>
          <dt>{t("farmTrace.cert.issuedAt")}</dt>
          <dd>{shanghaiToday()}</dd>
        </dl>
      </section>
      <fieldset>
        <legend>{t("farmTrace.cert.commitLegend")}</legend>
        <div className="tf-commit">
          {commits.map(([field, key]) => (
            <div key={field.name}>
              <label htmlFor={field.id}>
                <input {...getInputProps(field, { type: "checkbox" })} />
                {t(key)}
              </label>
              <FieldError id={field.errorId} errors={field.errors} />
            </div>
          ))}
        </div>
      </fieldset>
      <details className="tf-more" open={editOpen}>
        <summary>{t("farmTrace.cert.edit")}</summary>
        <Field field={fields.certProductName} label={t("farmTrace.cert.productName")}>
          <input {...getInputProps(fields.certProductName, { type: "text" })} />
        </Field>
        <div className="field-pair">
          <Field field={fields.certQuantity} label={t("farmTrace.cert.quantity")}>
            <input {...getInputProps(fields.certQuantity, { type: "text" })} inputMode="decimal" />
          </Field>
          <Field field={fields.certUnit} label={t("farmTrace.field.unit")}>
            <select {...getSelectProps(fields.certUnit)}>
              {UNITS.map((u) => (
                <option key={u} value={u}>
                  {t(`unit.${u}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field field={fields.certOrigin} label={t("farmTrace.cert.origin")}>
          <input {...getInputProps(fields.certOrigin, { type: "text" })} />
        </Field>
        <Field field={fields.certEntityName} label={t("farmTrace.cert.entityName")}>
          <input {...getInputProps(fields.certEntityName, { type: "text" })} />
        </Field>
        <Field field={fields.certEntityContact} label={t("farmTrace.cert.entityContact")}>
          <input {...getInputProps(fields.certEntityContact, { type: "tel" })} />
        </Field>
        <Field field={fields.packageCount} label={t("farmTrace.field.packageCount")}>
          <input {...getInputProps(fields.packageCount, { type: "text" })} inputMode="numeric" />
        </Field>
        <DateInput field={fields.date} label={t("farmTrace.field.packingDate")} />
      </details>
      <Submit label={t("farmTrace.cert.confirm")} />
    </Form>
  );
}

// ─── 发货 ────────────────────────────────────────────────────────────────────

export function ShippingForm({ lastResult, formError }: { lastResult: FormResult; formError?: string | null }) {
  const t = useT();
  const [form, fields] = useEventForm("shipping", ShippingSchema, lastResult, { date: shanghaiToday() });
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <FormErrors errors={form.errors} extra={formError} />
      <DateInput field={fields.date} label={t("farmTrace.field.shippingDate")} />
      <Field field={fields.carrier} label={t("farmTrace.field.carrier")} hint={t("farmTrace.field.carrierHint")}>
        <input {...getInputProps(fields.carrier, { type: "text" })} />
      </Field>
      <Field field={fields.trackingNo} label={t("farmTrace.field.trackingNo")}>
        <input {...getInputProps(fields.trackingNo, { type: "text" })} autoCapitalize="characters" />
      </Field>
      <Field field={fields.destination} label={t("farmTrace.field.destination")}>
        <input {...getInputProps(fields.destination, { type: "text" })} />
      </Field>
      <Field field={fields.orderId} label={t("farmTrace.field.orderId")}>
        <input {...getInputProps(fields.orderId, { type: "text" })} />
      </Field>
      <Submit label={t("farmTrace.saveRecord")} />
    </Form>
  );
}

// ─── 更正 ────────────────────────────────────────────────────────────────────

export type CorrectableEvent = { seq: number; label: string };

export function CorrectionForm({
  lastResult,
  formError,
  events,
  seq,
}: {
  lastResult: FormResult;
  formError?: string | null;
  events: CorrectableEvent[];
  seq: number | null;
}) {
  const t = useT();
  const [form, fields] = useEventForm("correction", CorrectionSchema, lastResult, { seq: seq ?? undefined, action: "retract" });
  const photoError = (lastResult?.error?.evidencePhoto ?? null) as string[] | null;
  return (
    <Form method="post" encType="multipart/form-data" className="form" {...getFormProps(form)}>
      <FormErrors errors={form.errors} extra={formError} />
      <Field field={fields.seq} label={t("farmTrace.field.correctWhich")}>
        <select {...getSelectProps(fields.seq)}>
          <option value="">{t("farmTrace.choose")}</option>
          {events.map((e) => (
            <option key={e.seq} value={e.seq}>
              {e.label}
            </option>
          ))}
        </select>
      </Field>
      <fieldset>
        <legend>{t("farmTrace.field.change")}</legend>
        <div className="tf-radios">
          {getCollectionProps(fields.action, { type: "radio", options: [...CORRECTION_ACTIONS] }).map((props) => (
            <label key={props.id} htmlFor={props.id}>
              <input {...props} />
              {t(`farmTrace.correction.action.${props.value as (typeof CORRECTION_ACTIONS)[number]}`)}
            </label>
          ))}
        </div>
        <FieldError id={fields.action.errorId} errors={fields.action.errors} />
      </fieldset>
      <Field field={fields.newDate} label={t("farmTrace.field.newDate")} hint={t("farmTrace.field.newDateHint")}>
        <input {...getInputProps(fields.newDate, { type: "date" })} max={shanghaiToday()} />
      </Field>
      <Field field={fields.reason} label={t("farmTrace.field.reason")} hint={t("farmTrace.field.reasonHint")}>
        <textarea {...getTextareaProps(fields.reason)} rows={3} />
      </Field>
      <fieldset>
        <legend>{t("farmTrace.field.evidencePhoto")}</legend>
        <label className="file-button" htmlFor="correction-photo-camera">
          {t("farm.takePhoto")}
        </label>
        <input id="correction-photo-camera" type="file" name="evidencePhoto" accept="image/*" capture="environment" />
        <label className="file-button" htmlFor="correction-photo-album">
          {t("farm.chooseFromAlbum")}
        </label>
        <input id="correction-photo-album" type="file" name="evidencePhoto" accept="image/*" />
        <p className="hint">{t("farmTrace.field.evidencePhotoHint")}</p>
        <FieldError errors={photoError} />
      </fieldset>
      <p className="hint">{t("farmTrace.correction.appendOnly")}</p>
      <Submit label={t("farmTrace.saveCorrection")} />
    </Form>
  );
}

export const EVENT_TITLE_KEYS: Record<EventFormType, MessageKey> = {
  input_application: "farmTrace.button.input_application",
  harvest: "farmTrace.button.harvest",
  inspection: "farmTrace.button.inspection",
  packing: "farmTrace.button.packing",
  shipping: "farmTrace.button.shipping",
  correction: "farmTrace.button.correction",
};

import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError, FormErrors, FormToken, SubmitButton } from "~/components/forms";
import { formTokenOf, newFormToken } from "~/kernel.server";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { PRODUCER_KINDS, RegisterProducerSchema } from "~/listings/schemas";
import { getRegionChoices, registerProducer, resolveProducerPlace } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { requireUser } from "~/utils/session.server";
import { act } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "登记经营主体 · 村品" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return { ...getRegionChoices(getDb()), formToken: newFormToken() };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: RegisterProducerSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply() }, { status: 400 });
  }
  const value = submission.value;
  const db = getDb();
  const place = resolveProducerPlace(db, value);
  if (!place.ok) {
    return data({ result: submission.reply({ fieldErrors: { [place.field]: [place.messageKey] } }) }, { status: 400 });
  }
  return act(
    () => {
      const { status } = registerProducer(
        db,
        user,
        {
          kind: value.kind,
          nameZh: value.nameZh,
          creditCode: value.creditCode,
          address: value.address,
          provinceId: value.provinceId,
          countyId: value.countyId,
          townshipId: place.townshipId,
          villageId: value.villageId ?? null,
          lat: place.lat,
          lng: place.lng,
          contactPhone: value.contactPhone,
          descriptionZh: value.descriptionZh,
        },
        formTokenOf(formData),
      );
      return redirect(`/farm?registered=${status}`);
    },
    { request, submission, fieldOf: (key) => (key.startsWith("producer.creditCode.") ? "creditCode" : undefined) },
  );
}

/** Typed by hand: env.d.ts does not declare the single-fetch Future flag. */
type ActionData = { result: SubmissionResult<string[]> };

export default function RegisterProducerRoute() {
  const t = useT();
  const locale = useLocale();
  const { provinces, counties, villages, formToken } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  const [form, fields] = useForm({
    id: "register-producer",
    lastResult: actionData?.result,
    constraint: getZodConstraint(RegisterProducerSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RegisterProducerSchema }),
    shouldRevalidate: "onBlur",
  });
  const formErrors = form.errors ?? [];
  const countyName = new Map(counties.map((c) => [c.id, pick(locale, c.nameZh, c.nameEn)]));

  return (
    <section>
      <p>
        <Link to="/farm">← {t("farm.backToFarm")}</Link>
      </p>
      <h1>{t("producer.registerTitle")}</h1>
      <p className="hint">{t("producer.registerIntro")}</p>
      <Form method="post" className="form" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={formErrors} />
        <FormToken token={formToken} />

        <div className="field">
          <label htmlFor={fields.kind.id}>{t("producer.field.kind")}</label>
          <select {...getSelectProps(fields.kind)}>
            <option value="">{t("farm.choose")}</option>
            {PRODUCER_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`producerKind.${kind}`)}
              </option>
            ))}
          </select>
          <FieldError id={fields.kind.errorId} errors={fields.kind.errors} />
        </div>

        <div className="field">
          <label htmlFor={fields.nameZh.id}>{t("producer.field.name")}</label>
          <input {...getInputProps(fields.nameZh, { type: "text" })} autoComplete="organization" />
          <p className="hint">{t("producer.field.nameHint")}</p>
          <FieldError id={fields.nameZh.errorId} errors={fields.nameZh.errors} />
        </div>

        <div className="field">
          <label htmlFor={fields.creditCode.id}>{t("producer.field.creditCode")}</label>
          <input {...getInputProps(fields.creditCode, { type: "text" })} autoCapitalize="characters" autoComplete="off" spellCheck={false} className="mono" />
          <p className="hint">{t("producer.field.creditCodeHint")}</p>
          <FieldError id={fields.creditCode.errorId} errors={fields.creditCode.errors} />
        </div>

        <div className="field">
          <label htmlFor={fields.provinceId.id}>{t("producer.field.province")}</label>
          <select {...getSelectProps(fields.provinceId)}>
            <option value="">{t("farm.choose")}</option>
            {provinces.map((p) => (
              <option key={p.id} value={p.id}>
                {pick(locale, p.nameZh, p.nameEn)}
              </option>
            ))}
          </select>
          <FieldError id={fields.provinceId.errorId} errors={fields.provinceId.errors} />
        </div>

        <div className="field">
          <label htmlFor={fields.countyId.id}>{t("producer.field.county")}</label>
          {/* Grouped by province so that the choice is clear without JavaScript; the server checks the pair. */}
          <select {...getSelectProps(fields.countyId)}>
            <option value="">{t("farm.choose")}</option>
            {provinces.map((p) => (
              <optgroup key={p.id} label={pick(locale, p.nameZh, p.nameEn)}>
                {counties
                  .filter((c) => c.provinceId === p.id)
                  .map((c) => (
                    <option key={c.id} value={c.id}>
                      {pick(locale, c.nameZh, c.nameEn)}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
          <FieldError id={fields.countyId.errorId} errors={fields.countyId.errors} />
        </div>

        <div className="field">
          <label htmlFor={fields.villageId.id}>{t("producer.field.village")}</label>
          <select {...getSelectProps(fields.villageId)}>
            <option value="">{t("producer.field.villageNone")}</option>
            {counties
              .filter((c) => villages.some((v) => v.countyId === c.id))
              .map((c) => (
                <optgroup key={c.id} label={countyName.get(c.id)}>
                  {villages
                    .filter((v) => v.countyId === c.id)
                    .map((v) => (
                      <option key={v.id} value={v.id}>
                        {pick(locale, v.nameZh, v.nameEn)}
                      </option>
                    ))}
                </optgroup>
              ))}
          </select>
          <FieldError id={fields.villageId.errorId} errors={fields.villageId.errors} />
        </div>

        <div className="field">
          <label htmlFor={fields.address.id}>{t("producer.field.address")}</label>
          <input {...getInputProps(fields.address, { type: "text" })} autoComplete="street-address" />
          <FieldError id={fields.address.errorId} errors={fields.address.errors} />
        </div>

        <div className="field">
          <label htmlFor={fields.contactPhone.id}>{t("producer.field.contactPhone")}</label>
          <input {...getInputProps(fields.contactPhone, { type: "tel" })} inputMode="tel" autoComplete="tel" />
          <FieldError id={fields.contactPhone.errorId} errors={fields.contactPhone.errors} />
        </div>

        <div className="field">
          <label htmlFor={fields.descriptionZh.id}>{t("producer.field.description")}</label>
          <textarea {...getTextareaProps(fields.descriptionZh)} rows={4} />
          <FieldError id={fields.descriptionZh.errorId} errors={fields.descriptionZh.errors} />
        </div>

        <div className="button-row">
          <SubmitButton className="primary">{t("producer.submit")}</SubmitButton>
        </div>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

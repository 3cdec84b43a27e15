/**
 * /farm/inputs/new: a verified input seller (农资经营者) lists a catalogue input from one of its
 * input lots (issue 12 §4). The registration number typed is checked against the catalogue entry
 * (format per kind, then the match); banned and retired entries are not offered and are refused.
 * The listing is a draft: the seller adds photos and publishes it on the usual edit page.
 */
import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors, FormToken, SubmitButton } from "~/components/forms";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import { act } from "~/utils/http.server";
import { formTokenOf, newFormToken } from "~/kernel.server";
import { createInputListing, inputSellersOf, listableCatalogue } from "~/market.server";
import { InputListingSchema } from "~/inputs-market/schemas";
import { UNITS } from "~/listings/schemas";
import traceStyles from "~/traceability-ui/trace-ui.css";

export const meta: MetaFunction = () => [{ title: "上架农资 · 村品" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: traceStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const sellers = inputSellersOf(db, user);
  return { sellers, catalogue: sellers.length ? listableCatalogue(db) : [], formToken: newFormToken() };
}

const FIELD_OF: Record<string, string> = {
  "inputsMarket.regno.pesticideFormat": "registrationNo",
  "inputsMarket.regno.fertilizerFormat": "registrationNo",
  "inputsMarket.regno.vetFormat": "registrationNo",
  "inputsMarket.regno.required": "registrationNo",
  "inputsMarket.regno.mismatch": "registrationNo",
  "inputsMarket.regno.banned": "agriInputId",
  "inputsMarket.regno.retired": "agriInputId",
  "inputsMarket.error.makerLot": "makerLotNo",
  "inputsMarket.error.makerLotTaken": "makerLotNo",
  "inputsMarket.error.dates": "expiresOn",
  "inputsMarket.error.lotExpired": "expiresOn",
  "inputsMarket.error.notInputSeller": "producerId",
  "inputsMarket.error.sellerNotVerified": "producerId",
};

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: InputListingSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const v = submission.value;
  return act(
    () => {
      const id = createInputListing(
        getDb(),
        user,
        {
          producerId: v.producerId,
          agriInputId: v.agriInputId,
          registrationNo: v.registrationNo ?? "",
          makerLotNo: v.makerLotNo,
          producedOn: v.producedOn,
          expiresOn: v.expiresOn,
          title: v.title,
          unit: v.unit,
          priceFen: v.price,
          stock: v.stock,
        },
        [],
        formTokenOf(formData),
      );
      return redirect(`/farm/listings/${id}/edit`);
    },
    { request, submission, fieldOf: FIELD_OF },
  );
}

export default function NewInputListingRoute() {
  const t = useT();
  const locale = useLocale();
  const { sellers, catalogue } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as { result?: SubmissionResult<string[]> } | undefined;
  const [form, fields] = useForm({
    id: "input-listing",
    lastResult: actionData?.result,
    defaultValue: { producerId: sellers[0]?.id, unit: "bottle" },
    constraint: getZodConstraint(InputListingSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: InputListingSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onBlur",
  });
  if (sellers.length === 0) {
    return (
      <section className="tf-page">
        <h1>{t("inputsMarket.seller.new")}</h1>
        <p className="empty">{t("inputsMarket.seller.none")}</p>
        <p>
          <Link to="/farm/producers/new">{t("inputsMarket.seller.register")}</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="tf-page">
      <h1>{t("inputsMarket.seller.new")}</h1>
      <p className="hint">{t("inputsMarket.seller.lead")}</p>
      <Form method="post" className="form" {...getFormProps(form)}>
        <FormToken />
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field field={fields.producerId} label={t("inputsMarket.field.seller")}>
          <select {...getSelectProps(fields.producerId)}>
            {sellers.map((s) => (
              <option key={s.id} value={s.id}>
                {pick(locale, s.nameZh, s.nameEn)}
              </option>
            ))}
          </select>
        </Field>
        <Field field={fields.agriInputId} label={t("inputsMarket.field.catalogueEntry")} hint={t("inputsMarket.field.catalogueEntryHint")}>
          <select {...getSelectProps(fields.agriInputId)}>
            <option value="">{t("farmTrace.choose")}</option>
            {catalogue.map((c) => (
              <option key={c.id} value={c.id}>
                {t(`farmTrace.agriKind.${c.kind}` as "farmTrace.agriKind.pesticide")} · {pick(locale, c.nameZh, c.nameEn)}
              </option>
            ))}
          </select>
        </Field>
        <Field field={fields.registrationNo} label={t("inputsMarket.field.registrationNo")} hint={t("inputsMarket.field.registrationNoHint")}>
          <input {...getInputProps(fields.registrationNo, { type: "text" })} autoComplete="off" placeholder="PD20080005" />
        </Field>
        <Field field={fields.makerLotNo} label={t("inputsMarket.field.makerLotNo")}>
          <input {...getInputProps(fields.makerLotNo, { type: "text" })} autoComplete="off" autoCapitalize="characters" />
        </Field>
        <Field field={fields.producedOn} label={t("inputsMarket.field.producedOn")}>
          <input {...getInputProps(fields.producedOn, { type: "date" })} />
        </Field>
        <Field field={fields.expiresOn} label={t("inputsMarket.field.expiresOn")}>
          <input {...getInputProps(fields.expiresOn, { type: "date" })} />
        </Field>
        <Field field={fields.title} label={t("inputsMarket.field.title")} hint={t("inputsMarket.field.titleHint")}>
          <input {...getInputProps(fields.title, { type: "text" })} />
        </Field>
        <Field field={fields.unit} label={t("inputsMarket.field.unit")}>
          <select {...getSelectProps(fields.unit)}>
            {UNITS.map((u) => (
              <option key={u} value={u}>
                {t(`unit.${u}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field field={fields.price} label={t("inputsMarket.field.price")}>
          <input {...getInputProps(fields.price, { type: "text" })} inputMode="decimal" autoComplete="off" />
        </Field>
        <Field field={fields.stock} label={t("inputsMarket.field.stock")}>
          <input {...getInputProps(fields.stock, { type: "text" })} inputMode="numeric" autoComplete="off" />
        </Field>
        <SubmitButton className="primary">{t("inputsMarket.seller.create")}</SubmitButton>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

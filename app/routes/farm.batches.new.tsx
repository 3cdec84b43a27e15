import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { occurredAtOf, shanghaiToday } from "../../core/clock";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError, FormErrors, FormToken, SubmitButton } from "~/components/forms";
import { formTokenOf, newFormToken } from "~/kernel.server";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import { actorPlots, actorProducers, actorProducts, createBatch, householdChoices } from "~/traceability.server";
import { act, refused } from "~/utils/http.server";
import { CROP_KEYS, NewBatchSchema } from "~/traceability-ui/schemas";
import traceStyles from "~/traceability-ui/trace-ui.css";
import { CROPS, findCrop } from "../../traceability/crops";

export const meta: MetaFunction = () => [{ title: "新建批次 · 村品" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: traceStyles }];

/** The crop a product's name names ("红富士苹果" → apple, "大棚豇豆" → cowpea). */
function cropOfProductName(name: string): string | null {
  // The longest name found wins: 土鸡蛋 is eggs, not chickens; 猕猴桃 is kiwifruit, not peach.
  const found = CROP_KEYS.filter((key) => name.includes(CROPS[key].zh)).sort((a, b) => CROPS[b].zh.length - CROPS[a].zh.length);
  return found[0] ?? findCrop(name)?.key ?? null;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const producers = actorProducers(db, user);
  if (producers.length === 0) throw redirect("/farm/producers/new");
  const products = actorProducts(db, user);
  const plots = actorPlots(db, user);
  return {
    producers,
    products: products.map((p) => ({ id: p.id, producerId: p.producerId, nameZh: p.nameZh, nameEn: p.nameEn })),
    // Retired plots are not offered for new lots.
    plots: plots.filter((p) => p.retiredAt == null).map((p) => ({ id: p.id, producerId: p.producerId, name: p.name, areaMu: p.areaMu })),
    defaultProductId: products.length === 1 ? products[0].id : undefined,
    // A cooperative names the member household that grows the lot (shown on the trace page).
    households: householdChoices(db, user).map((h) => ({ id: h.id, producerId: h.producerId, householdName: h.householdName })),
    formToken: newFormToken(),
  };
}

const RULE_FIELD: Record<string, string> = {
  "trace.error.productOtherProducer": "productId",
  "trace.error.cropRequired": "crop",
  "trace.error.plotNotFound": "plotId",
  "trace.error.gtinInvalid": "gtin",
  "trace.error.gtinPlatformPrefix": "gtin",
  "trace.error.gtinCapacity": "gtin",
  "trace.error.lotInvalid": "lotCode",
  "trace.error.lotTaken": "lotCode",
  "coop.error.householdNotActive": "householdId",
};

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: NewBatchSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const value = submission.value;
  const product = actorProducts(db, user).find((p) => p.id === value.productId);
  if (!product) return data({ result: submission.reply({ fieldErrors: { productId: ["farmTrace.batch.product.required"] } }) }, { status: 400 });
  if (value.plotId !== undefined && !actorPlots(db, user).some((p) => p.id === value.plotId && p.producerId === product.producerId && p.retiredAt == null)) {
    return data({ result: submission.reply({ fieldErrors: { plotId: ["farmTrace.batch.plot.otherProducer"] } }) }, { status: 400 });
  }
  // "Automatic": the crop its name names ("红富士苹果" → apple), so the usual case needs no tap.
  const crop = value.cropValue ?? cropOfProductName(product.nameZh);
  if (!crop) return data({ result: submission.reply({ fieldErrors: { crop: ["farmTrace.batch.crop.required"] } }) }, { status: 400 });
  const create = () =>
    createBatch(
      db,
      user,
      {
        producerId: product.producerId,
        productId: product.id,
        plotId: value.plotId ?? null,
        householdId: value.householdId ?? null,
        crop,
        variety: value.variety || null,
        plantedAt: occurredAtOf(value.plantedAt),
        lotCode: value.lotCode || null,
        gtin: value.gtin14,
      },
      formTokenOf(formData),
    );
  const created = await act(create, { request, submission, fieldOf: RULE_FIELD });
  if (refused(created)) return created;
  return redirect(`/farm/batches/${created.id}?notice=created`);
}

type ActionData = { result: SubmissionResult<string[]> };

export default function NewBatchRoute() {
  const t = useT();
  const locale = useLocale();
  const { producers, products, plots, households, defaultProductId, formToken } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  const [form, fields] = useForm({
    id: "new-batch",
    lastResult: actionData?.result,
    defaultValue: { plantedAt: shanghaiToday(), productId: defaultProductId },
    constraint: getZodConstraint(NewBatchSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NewBatchSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onBlur",
  });
  const several = producers.length > 1;
  const producerName = (id: number) => {
    const p = producers.find((x) => x.id === id);
    return p ? pick(locale, p.nameZh, p.nameEn) : "";
  };
  const moreOpen = Boolean(fields.gtin.errors || fields.lotCode.errors || fields.variety.errors);
  const formErrors = form.errors?.filter(Boolean) ?? [];
  return (
    <section className="tf-page">
      <p>
        <Link to="/farm/batches">← {t("farmTrace.batches.title")}</Link>
      </p>
      <h1>{t("farmTrace.batches.new")}</h1>
      <Form method="post" className="form" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={formErrors} />
        <FormToken token={formToken} />
        <div className="field">
          <label htmlFor={fields.productId.id}>{t("farmTrace.field.product")}</label>
          {products.length === 0 ? (
            <p className="warning">
              {t("farmTrace.batch.noProducts")} <Link to="/farm/listings/new">{t("farm.newListing")}</Link>
            </p>
          ) : (
            <select {...getSelectProps(fields.productId)}>
              <option value="">{t("farmTrace.choose")}</option>
              {several
                ? producers.map((producer) => (
                    <optgroup key={producer.id} label={producerName(producer.id)}>
                      {products
                        .filter((p) => p.producerId === producer.id)
                        .map((p) => (
                          <option key={p.id} value={p.id}>
                            {pick(locale, p.nameZh, p.nameEn)}
                          </option>
                        ))}
                    </optgroup>
                  ))
                : products.map((p) => (
                    <option key={p.id} value={p.id}>
                      {pick(locale, p.nameZh, p.nameEn)}
                    </option>
                  ))}
            </select>
          )}
          <FieldError id={fields.productId.errorId} errors={fields.productId.errors} />
        </div>

        <div className="field">
          <label htmlFor={fields.crop.id}>{t("farmTrace.field.crop")}</label>
          <select {...getSelectProps(fields.crop)}>
            <option value="">{t("farmTrace.crop.auto")}</option>
            {CROP_KEYS.map((key) => (
              <option key={key} value={key}>
                {pick(locale, CROPS[key].zh, CROPS[key].en)}
              </option>
            ))}
          </select>
          <FieldError id={fields.crop.errorId} errors={fields.crop.errors} />
        </div>
        <div className="field">
          <label htmlFor={fields.cropOther.id}>{t("farmTrace.field.cropOther")}</label>
          <input {...getInputProps(fields.cropOther, { type: "text" })} aria-describedby={`${fields.cropOther.id}-hint`} />
          <p className="hint" id={`${fields.cropOther.id}-hint`}>
            {t("farmTrace.field.cropOtherHint")}
          </p>
          <FieldError id={fields.cropOther.errorId} errors={fields.cropOther.errors} />
        </div>

        <div className="field">
          <label htmlFor={fields.plotId.id}>{t("farmTrace.field.plot")}</label>
          <select {...getSelectProps(fields.plotId)}>
            <option value="">{t("farmTrace.plot.none")}</option>
            {plots.map((p) => (
              <option key={p.id} value={p.id}>
                {several ? `${producerName(p.producerId)} · ` : ""}
                {p.name}
                {p.areaMu !== null ? ` (${t("farmTrace.mu", { area: p.areaMu })})` : ""}
              </option>
            ))}
          </select>
          <p className="hint">
            <Link to="/farm/plots">{t("farmTrace.plots.add")}</Link>
          </p>
          <FieldError id={fields.plotId.errorId} errors={fields.plotId.errors} />
        </div>

        {households.length > 0 ? (
          <div className="field">
            <label htmlFor={fields.householdId.id}>{t("coop.batch.household")}</label>
            <select {...getSelectProps(fields.householdId)} aria-describedby={`${fields.householdId.id}-hint`}>
              <option value="">{t("coop.batch.householdNone")}</option>
              {households.map((h) => (
                <option key={h.id} value={h.id}>
                  {several ? `${producerName(h.producerId)} · ` : ""}
                  {h.householdName}
                </option>
              ))}
            </select>
            <p className="hint" id={`${fields.householdId.id}-hint`}>
              {t("coop.batch.householdHint")}
            </p>
            <FieldError id={fields.householdId.errorId} errors={fields.householdId.errors} />
          </div>
        ) : null}

        <div className="field">
          <label htmlFor={fields.plantedAt.id}>{t("farmTrace.field.plantedAt")}</label>
          <input {...getInputProps(fields.plantedAt, { type: "date" })} max={shanghaiToday()} />
          <FieldError id={fields.plantedAt.errorId} errors={fields.plantedAt.errors} />
        </div>

        <details className="tf-more" open={moreOpen}>
          <summary>{t("farmTrace.batch.more")}</summary>
          <div className="field">
            <label htmlFor={fields.variety.id}>{t("farmTrace.field.variety")}</label>
            <input {...getInputProps(fields.variety, { type: "text" })} />
            <FieldError id={fields.variety.errorId} errors={fields.variety.errors} />
          </div>
          <div className="field">
            <label htmlFor={fields.gtin.id}>{t("farmTrace.field.ownGtin")}</label>
            <input {...getInputProps(fields.gtin, { type: "text" })} inputMode="numeric" autoComplete="off" aria-describedby={`${fields.gtin.id}-hint`} />
            <p className="hint" id={`${fields.gtin.id}-hint`}>
              {t("farmTrace.field.ownGtinHint")}
            </p>
            <FieldError id={fields.gtin.errorId} errors={fields.gtin.errors} />
          </div>
          <div className="field">
            <label htmlFor={fields.lotCode.id}>{t("farmTrace.field.ownLotCode")}</label>
            <input
              {...getInputProps(fields.lotCode, { type: "text" })}
              autoCapitalize="characters"
              autoComplete="off"
              aria-describedby={`${fields.lotCode.id}-hint`}
            />
            <p className="hint" id={`${fields.lotCode.id}-hint`}>
              {t("farmTrace.field.ownLotCodeHint")}
            </p>
            <FieldError id={fields.lotCode.errorId} errors={fields.lotCode.errors} />
          </div>
        </details>

        <div className="tf-submit">
          <SubmitButton className="primary">{t("farmTrace.batch.create")}</SubmitButton>
        </div>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

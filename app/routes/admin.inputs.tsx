/**
 * The agricultural inputs catalogue (platform admins and inspectors): browse by kind (a GET form),
 * see banned entries marked, and add an entry with its pre-harvest intervals / withdrawal periods.
 */
import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError, FormErrors } from "~/components/forms";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import { act } from "~/utils/http.server";
import { AGRI_INPUT_KINDS, CATALOGUE_ERROR_FIELD, INTERVAL_ROWS, InputsFilterSchema, NewAgriInputSchema, TOXICITY_CLASSES } from "~/traceability-ui/schemas";
import { addAgriInput, listAgriInputs } from "~/traceability.server";
import traceStyles from "~/traceability-ui/trace-ui.css";
import { CROPS, cropDisplay, findCrop } from "../../traceability/crops";

export const meta: MetaFunction = () => [{ title: "投入品目录 · 村品" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: traceStyles }];

/** Crop and group terms the interval rules match (apple, fruit, leaf vegetables, poultry …). */
const TARGET_TERMS = [...new Set(Object.values(CROPS).flatMap((c) => c.terms))].sort();

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "platform_admin", "inspector");
  const url = new URL(request.url);
  const filter = InputsFilterSchema.parse({ kind: url.searchParams.get("kind") || undefined, q: url.searchParams.get("q") || undefined });
  const inputs = listAgriInputs(getDb(), filter);
  // Inspectors read the catalogue; only the platform admin adds, edits and retires entries.
  return { inputs, filter, canEdit: user.roles.includes("platform_admin") };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "platform_admin");
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: NewAgriInputSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const v = submission.value;
  const added = () =>
    addAgriInput(getDb(), user, {
      kind: v.kind,
      nameZh: v.nameZh,
      nameEn: v.nameEn,
      registrationNo: v.registrationNo || null,
      activeIngredient: v.activeIngredient || null,
      maker: v.maker || null,
      toxicityClass: v.toxicityClass ?? null,
      // "苹果" and "Apple" are stored as the term the rules match: "apple".
      intervals: v.intervalRows.map((r) => ({ ...r, target: findCrop(r.target)?.info.en ?? r.target.toLowerCase() })),
    });
  return act(
    () => {
      const id = added();
      return redirect(`/admin/inputs?kind=${v.kind}&added=${id}#input-${id}`);
    },
    { request, submission, fieldOf: CATALOGUE_ERROR_FIELD },
  );
}

type ActionData = { result: SubmissionResult<string[]> };

function NewInputForm({ lastResult }: { lastResult?: SubmissionResult<string[]> }) {
  const t = useT();
  const locale = useLocale();
  const [form, fields] = useForm({
    id: "new-input",
    lastResult,
    defaultValue: { kind: "pesticide", intervals: Array.from({ length: INTERVAL_ROWS }, () => ({})) },
    constraint: getZodConstraint(NewAgriInputSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NewAgriInputSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onBlur",
  });
  const rows = fields.intervals.getFieldList();
  const formErrors = form.errors?.filter(Boolean) ?? [];
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <FormErrors id={form.errorId} errors={formErrors} />
      <div className="field">
        <label htmlFor={fields.kind.id}>{t("farmTrace.admin.kind")}</label>
        <select {...getSelectProps(fields.kind)}>
          {AGRI_INPUT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`farmTrace.agriKind.${k}`)}
            </option>
          ))}
        </select>
        <FieldError id={fields.kind.errorId} errors={fields.kind.errors} />
      </div>
      <div className="field">
        <label htmlFor={fields.nameZh.id}>{t("farmTrace.admin.nameZh")}</label>
        <input {...getInputProps(fields.nameZh, { type: "text" })} placeholder="1.8%阿维菌素乳油" />
        <FieldError id={fields.nameZh.errorId} errors={fields.nameZh.errors} />
      </div>
      <div className="field">
        <label htmlFor={fields.nameEn.id}>{t("farmTrace.admin.nameEn")}</label>
        <input {...getInputProps(fields.nameEn, { type: "text" })} />
        <FieldError id={fields.nameEn.errorId} errors={fields.nameEn.errors} />
      </div>
      <div className="field">
        <label htmlFor={fields.registrationNo.id}>{t("farmTrace.field.registrationNo")}</label>
        <input {...getInputProps(fields.registrationNo, { type: "text" })} autoCapitalize="characters" autoComplete="off" placeholder="PD20080005" />
        <p className="hint">{t("farmTrace.admin.registrationHint")}</p>
        <FieldError id={fields.registrationNo.errorId} errors={fields.registrationNo.errors} />
      </div>
      <div className="field">
        <label htmlFor={fields.activeIngredient.id}>{t("farmTrace.field.activeIngredient")}</label>
        <input {...getInputProps(fields.activeIngredient, { type: "text" })} placeholder={pick(locale, "阿维菌素", "abamectin")} />
        <FieldError id={fields.activeIngredient.errorId} errors={fields.activeIngredient.errors} />
      </div>
      <div className="field">
        <label htmlFor={fields.toxicityClass.id}>{t("farmTrace.admin.toxicity")}</label>
        <select {...getSelectProps(fields.toxicityClass)}>
          <option value="">{t("farmTrace.choose")}</option>
          {TOXICITY_CLASSES.map((c) => (
            <option key={c} value={c}>
              {t(`trace.toxicity.${c}`)}
            </option>
          ))}
        </select>
        <FieldError id={fields.toxicityClass.errorId} errors={fields.toxicityClass.errors} />
      </div>
      <div className="field">
        <label htmlFor={fields.maker.id}>{t("farmTrace.admin.maker")}</label>
        <input {...getInputProps(fields.maker, { type: "text" })} />
        <FieldError id={fields.maker.errorId} errors={fields.maker.errors} />
      </div>
      <fieldset>
        <legend>{t("farmTrace.admin.intervals")}</legend>
        <p className="hint">{t("farmTrace.admin.intervalsHint")}</p>
        <datalist id="interval-targets">
          {TARGET_TERMS.map((term) => (
            <option key={term} value={term} />
          ))}
        </datalist>
        {rows.map((row, i) => {
          const r = row.getFieldset();
          return (
            <div key={row.key} className="tf-interval-row" style={{ marginTop: i ? "0.5rem" : 0 }}>
              <div className="field">
                <label htmlFor={r.target.id}>{t("farmTrace.admin.target", { n: i + 1 })}</label>
                <input {...getInputProps(r.target, { type: "text" })} list="interval-targets" autoComplete="off" />
                <FieldError id={r.target.errorId} errors={r.target.errors} />
              </div>
              <div className="field">
                <label htmlFor={r.intervalDays.id}>{t("farmTrace.admin.days")}</label>
                <input {...getInputProps(r.intervalDays, { type: "text" })} inputMode="numeric" autoComplete="off" />
                <FieldError id={r.intervalDays.errorId} errors={r.intervalDays.errors} />
              </div>
              <div className="field">
                <label htmlFor={r.maxApplications.id}>{t("farmTrace.admin.maxApplications")}</label>
                <input {...getInputProps(r.maxApplications, { type: "text" })} inputMode="numeric" autoComplete="off" />
                <FieldError id={r.maxApplications.errorId} errors={r.maxApplications.errors} />
              </div>
            </div>
          );
        })}
      </fieldset>
      <div className="tf-submit">
        <button type="submit" className="primary">
          {t("farmTrace.admin.add")}
        </button>
      </div>
    </Form>
  );
}

export default function AdminInputsRoute() {
  const t = useT();
  const locale = useLocale();
  const { inputs, filter, canEdit } = useLoaderData<typeof loader>();
  const cropName = (term: string) => {
    const d = cropDisplay(term);
    return pick(locale, d.zh, d.en);
  };
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  const [searchParams] = useSearchParams();
  const added = Number(searchParams.get("added")) || null;
  return (
    <section className="tf-page">
      <h1>{t("farmTrace.admin.title")}</h1>
      {added && !actionData ? (
        <p className="notice" role="status">
          {t("farmTrace.admin.added")}
        </p>
      ) : null}
      <Form method="get" className="form filters" role="search">
        <div className="field">
          <label htmlFor="filter-kind">{t("farmTrace.admin.kind")}</label>
          <select id="filter-kind" name="kind" defaultValue={filter.kind ?? ""}>
            <option value="">{t("farmTrace.admin.allKinds")}</option>
            {AGRI_INPUT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`farmTrace.agriKind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-q">{t("farmTrace.admin.search")}</label>
          <input id="filter-q" type="search" name="q" defaultValue={filter.q ?? ""} />
        </div>
        <div className="filter-actions">
          <button type="submit" className="primary">
            {t("farmTrace.admin.filter")}
          </button>
        </div>
      </Form>
      <p className="meta" role="status">
        {t("farmTrace.admin.count", { count: inputs.length })}
      </p>
      <ul className="tf-list">
        {inputs.map((i) => (
          <li key={i.id} id={`input-${i.id}`} className="tf-item">
            <span className="title">
              {i.banned ? <span className="badge danger">{t("farmTrace.banned")}</span> : null}
              {i.retiredAt ? <span className="badge danger">{t("inputsMarket.retired")}</span> : null}
              <Link to={`/admin/inputs/${i.id}`}>{pick(locale, i.nameZh, i.nameEn)}</Link>
            </span>
            <span className="meta">
              {t(`farmTrace.agriKind.${i.kind}`)}
              {i.registrationNo ? ` · ${i.registrationNo}` : ""}
              {/* The reference data names active ingredients in English only; a Chinese product name already contains its own. */}
              {i.activeIngredient && locale === "en" ? ` · ${i.activeIngredient}` : ""}
              {i.maker ? ` · ${i.maker}` : ""}
              {i.toxicityClass ? ` · ${t(`trace.toxicity.${i.toxicityClass}`)}` : ""}
            </span>
            {i.intervals.length ? (
              <span className="meta">
                {t(i.kind === "veterinary_drug" ? "farmTrace.admin.withdrawalList" : "farmTrace.admin.intervalList")}
                {i.intervals
                  .map(
                    (iv) =>
                      `${cropName(iv.target)} ${iv.prohibited ? t("farmTrace.admin.prohibited") : iv.intervalDays === null ? "—" : t("farmTrace.days", { days: iv.intervalDays })}${iv.maxApplications ? ` (≤${iv.maxApplications}×)` : ""}${iv.quality ? `（${iv.quality === "label" ? t("farmTrace.admin.qualityLabel") : t("farmTrace.admin.quality", { grade: iv.quality })}）` : ""}`,
                  )
                  .join("; ")}
              </span>
            ) : null}
          </li>
        ))}
      </ul>

      {canEdit ? (
        <>
          <h2>{t("farmTrace.admin.addTitle")}</h2>
          <NewInputForm key={added ?? "new"} lastResult={actionData?.result} />
        </>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

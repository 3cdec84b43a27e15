/**
 * /admin/inputs/:inputId — one catalogue entry (issue 12 §4): the platform admin edits it or
 * retires (reinstates) it; inspectors read it. Every change is a row of its history (who, when,
 * what changed), shown here. A retired entry is offered for no new listing or application; chains
 * that already name it keep it.
 */
import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Field, FormErrors, SubmitButton } from "~/components/forms";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { formatDateTime } from "~/inspect/format";
import { getDb } from "~/utils/db.server";
import { act, idParam, load } from "~/utils/http.server";
import { requireRole } from "~/utils/session.server";
import { getAgriInputWithHistory } from "~/traceability.server";
import { editCatalogueEntry, retireCatalogueEntry } from "~/market.server";
import { CatalogueEditSchema, CatalogueRetireSchema } from "~/inputs-market/schemas";
import { CATALOGUE_ERROR_FIELD, TOXICITY_CLASSES } from "~/traceability-ui/schemas";

export const meta: MetaFunction = () => [{ title: "投入品目录条目 · 村品" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "platform_admin", "inspector");
  const id = idParam(params.inputId);
  const { entry, history } = await load(() => getAgriInputWithHistory(getDb(), user, id));
  return { entry, history, canEdit: user.roles.includes("platform_admin") };
}

export async function action({ request, params }: ActionFunctionArgs) {
  // Inspectors read the catalogue; only the platform admin changes it.
  const user = await requireRole(request, "platform_admin");
  const id = idParam(params.inputId);
  const formData = await request.formData();
  const db = getDb();
  if (formData.get("intent") === "edit") {
    const submission = parseWithZod(formData, { schema: CatalogueEditSchema });
    if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
    const v = submission.value;
    return act(
      () => {
        editCatalogueEntry(db, user, id, {
          nameZh: v.nameZh,
          nameEn: v.nameEn,
          registrationNo: v.registrationNo ?? null,
          activeIngredient: v.activeIngredient ?? null,
          maker: v.maker ?? null,
          toxicityClass: v.toxicityClass ?? null,
        });
        return redirect(`/admin/inputs/${id}?saved=edit`);
      },
      { request, submission, fieldOf: CATALOGUE_ERROR_FIELD },
    );
  }
  const submission = parseWithZod(formData, { schema: CatalogueRetireSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const intent = submission.value.intent;
  return act(
    () => {
      retireCatalogueEntry(db, user, id, intent === "retire");
      return redirect(`/admin/inputs/${id}?saved=${intent}`);
    },
    { request, submission },
  );
}

export default function AgriInputRoute() {
  const t = useT();
  const locale = useLocale();
  const { entry, history, canEdit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as { result?: SubmissionResult<string[]> } | undefined;
  const [params] = useSearchParams();
  const saved = params.get("saved");
  const [form, fields] = useForm({
    id: `edit-input-${entry.id}`,
    lastResult: actionData?.result,
    defaultValue: {
      intent: "edit",
      nameZh: entry.nameZh,
      nameEn: entry.nameEn,
      registrationNo: entry.registrationNo ?? "",
      activeIngredient: entry.activeIngredient ?? "",
      maker: entry.maker ?? "",
      toxicityClass: entry.toxicityClass ?? "",
    },
    constraint: getZodConstraint(CatalogueEditSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CatalogueEditSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onBlur",
  });
  return (
    <section className="page">
      <p>
        <Link to={`/admin/inputs?kind=${entry.kind}#input-${entry.id}`}>← {t("farmTrace.admin.title")}</Link>
      </p>
      <h1>
        {entry.retiredAt ? <span className="badge danger">{t("inputsMarket.retired")}</span> : null} {pick(locale, entry.nameZh, entry.nameEn)}
      </h1>
      <p className="meta">
        {t(`farmTrace.agriKind.${entry.kind}`)}
        {entry.registrationNo ? ` · ${entry.registrationNo}` : ""}
        {entry.banned ? ` · ${t("farmTrace.banned")}` : ""}
      </p>
      {saved ? (
        <p className="notice" role="status">
          {t(
            saved === "retire"
              ? "inputsMarket.catalogue.retiredDone"
              : saved === "reinstate"
                ? "inputsMarket.catalogue.reinstated"
                : "inputsMarket.catalogue.saved",
          )}
        </p>
      ) : null}
      {canEdit ? (
        <>
          <h2>{t("inputsMarket.catalogue.edit")}</h2>
          <Form method="post" className="form" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="edit" />
            <FormErrors id={form.errorId} errors={form.errors} />
            <Field field={fields.nameZh} label={t("farmTrace.admin.nameZh")}>
              <input {...getInputProps(fields.nameZh, { type: "text" })} />
            </Field>
            <Field field={fields.nameEn} label={t("farmTrace.admin.nameEn")}>
              <input {...getInputProps(fields.nameEn, { type: "text" })} />
            </Field>
            <Field field={fields.registrationNo} label={t("farmTrace.field.registrationNo")}>
              <input {...getInputProps(fields.registrationNo, { type: "text" })} autoComplete="off" />
            </Field>
            <Field field={fields.activeIngredient} label={t("farmTrace.field.activeIngredient")}>
              <input {...getInputProps(fields.activeIngredient, { type: "text" })} />
            </Field>
            {entry.kind === "pesticide" ? (
              <Field field={fields.toxicityClass} label={t("farmTrace.admin.toxicity")}>
                <select {...getSelectProps(fields.toxicityClass)}>
                  <option value="">{t("farmTrace.choose")}</option>
                  {TOXICITY_CLASSES.map((c) => (
                    <option key={c} value={c}>
                      {t(`trace.toxicity.${c}`)}
                    </option>
                  ))}
                </select>
              </Field>
            ) : null}
            <Field field={fields.maker} label={t("farmTrace.admin.maker")}>
              <input {...getInputProps(fields.maker, { type: "text" })} />
            </Field>
            <SubmitButton className="primary" name="intent" value="edit">
              {t("inputsMarket.catalogue.save")}
            </SubmitButton>
          </Form>
          <Form method="post" className="form">
            <p className="hint">{t(entry.retiredAt ? "inputsMarket.catalogue.reinstateHint" : "inputsMarket.catalogue.retireHint")}</p>
            <SubmitButton name="intent" value={entry.retiredAt ? "reinstate" : "retire"} className={entry.retiredAt ? undefined : "danger"}>
              {t(entry.retiredAt ? "inputsMarket.catalogue.reinstate" : "inputsMarket.catalogue.retire")}
            </SubmitButton>
          </Form>
        </>
      ) : (
        <p className="hint">{t("inputsMarket.catalogue.readOnly")}</p>
      )}
      <h2>{t("inputsMarket.catalogue.history")}</h2>
      {history.length === 0 ? (
        <p className="empty">{t("inputsMarket.catalogue.noHistory")}</p>
      ) : (
        <ul className="list" data-testid="input-history">
          {history.map((h) => (
            <li key={h.id}>
              {formatDateTime(h.at, locale)} · {h.editedBy} · {t(`inputsMarket.catalogue.action.${h.action}` as "inputsMarket.catalogue.action.edit")}
              {h.action === "edit"
                ? `: ${Object.entries(h.changes)
                    .map(([k, [a, b]]) => `${k}: ${a ?? "—"} → ${b ?? "—"}`)
                    .join("; ")}`
                : ""}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

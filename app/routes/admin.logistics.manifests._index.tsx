/**
 * /admin/logistics/manifests?date=YYYY-MM-DD — the day's joint-delivery manifests (共同配送单) with
 * joint against separate kilometres; POST builds (or rebuilds) the day's manifests. Platform admins.
 */
import { shanghaiDate, shanghaiDayRange } from "../../core/clock";
import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError, FormErrors } from "~/components/forms";
import { useT } from "~/i18n/react";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";
import { buildManifestsAs, listManifests } from "~/logistics.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "logisticsRoutes.title");

const DateSchema = z
  .string({ required_error: "logisticsRoutes.error.date" })
  .trim()
  .refine((v) => shanghaiDayRange(v) !== null, "logisticsRoutes.error.date");
const FilterSchema = z.object({ date: DateSchema.optional() });
const BuildSchema = z.object({ date: DateSchema });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "platform_admin");
  const url = new URL(request.url);
  const today = shanghaiDate(Date.now());
  const raw = url.searchParams.get("date");
  const parsed = FilterSchema.safeParse({ date: raw === null || raw === "" ? undefined : raw });
  const built = Number(url.searchParams.get("built"));
  if (!parsed.success) {
    // Bad filter: say so, show nothing (the form keeps what was typed).
    return data({ today, dateInput: raw ?? "", dateError: "logisticsRoutes.error.date", list: null, built: null }, { status: 400 });
  }
  const date = parsed.data.date ?? today;
  return {
    today,
    dateInput: date,
    dateError: null,
    list: listManifests(getDb(), user, { date }),
    built: Number.isInteger(built) && url.searchParams.has("built") ? built : null,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "platform_admin");
  const submission = parseWithZod(await request.formData(), { schema: BuildSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const made = buildManifestsAs(getDb(), user, submission.value.date);
  return redirect(`/admin/logistics/manifests?date=${submission.value.date}&built=${made.length}`);
}

type ActionData = { result: SubmissionResult<string[]> };

const km = (m: number) => (m / 1000).toFixed(1);

export default function ManifestsRoute() {
  const t = useT();
  const { today, dateInput, dateError, list, built } = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionData>();
  const [form, fields] = useForm({ id: "build-manifests", lastResult: actionData?.result });
  const date = list?.date ?? today;
  return (
    <section className="manifests-page">
      <h1>{t("logisticsRoutes.title")}</h1>
      <p className="hint">{t("logisticsRoutes.lead")}</p>

      <Form method="get" className="filters form" aria-label={t("logisticsRoutes.date")}>
        <div className="field">
          <label htmlFor="manifest-date">{t("logisticsRoutes.date")}</label>
          <input
            id="manifest-date"
            name="date"
            type="date"
            defaultValue={dateInput}
            aria-invalid={dateError ? true : undefined}
            aria-describedby={dateError ? "manifest-date-error" : undefined}
          />
          <FieldError id="manifest-date-error" errors={dateError ? [dateError] : null} />
        </div>
        <div className="button-row">
          <button type="submit" className="button secondary">
            {t("logisticsRoutes.show")}
          </button>
        </div>
      </Form>

      {list ? (
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <input type="hidden" name="date" value={date} />
          <FieldError id={fields.date.errorId} errors={fields.date.errors} />
          <div className="button-row">
            <button type="submit" className="primary">
              {date === today ? t("logisticsRoutes.buildToday") : t("logisticsRoutes.buildFor", { date })}
            </button>
          </div>
          <p className="hint">{t("logisticsRoutes.buildHint")}</p>
        </Form>
      ) : null}

      {built !== null ? (
        <p className="notice" role="status">
          {t("logisticsRoutes.built", { count: built })}
        </p>
      ) : null}

      {list && list.manifests.length === 0 ? <p className="panel">{t("logisticsRoutes.empty")}</p> : null}
      {list && list.manifests.length > 0 ? (
        <>
          <p className="panel" data-testid="manifest-totals">
            {t("logisticsRoutes.summary", { joint: km(list.totals.lengthM), separate: km(list.totals.separateLengthM), saving: list.totals.savingPercent })}
          </p>
          <div className="table-wrap">
            <table className="manifest-list">
              <thead>
                <tr>
                  <th>{t("logisticsRoutes.col.route")}</th>
                  <th>{t("logisticsRoutes.col.stopsParcels")}</th>
                  <th>{t("logisticsRoutes.col.jointSeparate")}</th>
                  <th>{t("logisticsRoutes.col.saving")}</th>
                </tr>
              </thead>
              <tbody>
                {list.manifests.map((m) => (
                  <tr key={m.id} data-testid="manifest-row">
                    <td>
                      <Link to={`/admin/logistics/manifests/${m.id}`}>{m.routeName}</Link>
                      <div className="meta">
                        {m.depotName} · {t("logisticsRoutes.producerCount", { count: m.producerCount })}
                      </div>
                    </td>
                    <td>
                      {m.stopCount} / {m.parcelCount}
                    </td>
                    <td>
                      {km(m.lengthM)} / {km(m.separateLengthM)}
                    </td>
                    <td>{t("logisticsRoutes.percent", { value: m.savingPercent })}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t("logisticsRoutes.total")}</th>
                  <td>
                    {list.totals.stops} / {list.totals.parcels}
                  </td>
                  <td>
                    {km(list.totals.lengthM)} / {km(list.totals.separateLengthM)}
                  </td>
                  <td>{t("logisticsRoutes.percent", { value: list.totals.savingPercent })}</td>
                </tr>
              </tfoot>
            </table>
          </div>
          <p className="hint">{t("logisticsRoutes.separateHint")}</p>
        </>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

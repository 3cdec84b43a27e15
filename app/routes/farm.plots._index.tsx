import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError, FormErrors, FormToken, SubmitButton } from "~/components/forms";
import { formTokenOf, newFormToken } from "~/kernel.server";
import { pick, type MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import { actorPlots, actorProducers, createPlot, retirePlot, updatePlot } from "~/traceability.server";
import { z } from "zod";
import { act } from "~/utils/http.server";
import { PlotSchema } from "~/traceability-ui/schemas";
import traceStyles from "~/traceability-ui/trace-ui.css";

export const meta: MetaFunction = () => [{ title: "地块 · 村品" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: traceStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const producers = actorProducers(db, user);
  if (producers.length === 0) throw redirect("/farm/producers/new");
  return { producers, plots: actorPlots(db, user), formToken: newFormToken() };
}

const RULE_FIELD: Record<string, string> = {
  "trace.error.plotName": "name",
  "trace.error.plotNameTaken": "name",
  "trace.error.plotArea": "areaMu",
  "trace.error.plotCoordinates": "lat",
};

const optionalNumber = (min: number, max: number, message: string) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? Number(v.trim()) : v),
    z.number({ invalid_type_error: message }).min(min, message).max(max, message).optional(),
  );
const plotId = z.coerce.number().int().positive().max(2_147_483_647);
/** Edit (name, area, position) or retire one plot; the domain checks the plot is the actor's. */
const PlotChangeSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("edit"),
    plotId,
    name: z.string().trim().min(1, "farmTrace.plot.name.required").max(40, "farmTrace.plot.name.required"),
    areaMu: optionalNumber(0.0001, 999_999, "trace.error.plotArea"),
    lat: optionalNumber(-90, 90, "farmTrace.plot.lat.invalid"),
    lng: optionalNumber(-180, 180, "farmTrace.plot.lng.invalid"),
  }),
  z.object({ intent: z.literal("retire"), plotId }),
]);

type ChangeData = { changeError: string; plotId?: number; params?: Record<string, string | number> };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent === "edit" || intent === "retire") {
    const parsed = PlotChangeSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return data<ChangeData>({ changeError: parsed.error.issues[0]?.message ?? "trace.error.plotName" }, { status: 400 });
    const change = parsed.data;
    const reply = (refusal: { messageKey: string; params?: Record<string, string | number> }): ChangeData => ({
      changeError: refusal.messageKey,
      params: refusal.params,
      plotId: change.plotId,
    });
    return act(
      () => {
        if (change.intent === "retire") retirePlot(getDb(), user, change.plotId);
        else updatePlot(getDb(), user, change.plotId, { name: change.name, areaMu: change.areaMu ?? null, lat: change.lat ?? null, lng: change.lng ?? null });
        return redirect(`/farm/plots?notice=${change.intent === "retire" ? "retired" : "updated"}`);
      },
      { request, reply },
    );
  }
  const submission = parseWithZod(formData, { schema: PlotSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const value = submission.value;
  if (!user.producerIds.includes(value.producerId)) {
    return data({ result: submission.reply({ fieldErrors: { producerId: ["farm.producer.notYours"] } }) }, { status: 400 });
  }
  return act(
    () => {
      createPlot(
        getDb(),
        user,
        { producerId: value.producerId, name: value.name, areaMu: value.areaMu ?? null, lat: value.lat ?? null, lng: value.lng ?? null },
        formTokenOf(formData),
      );
      return redirect("/farm/plots?notice=created");
    },
    { request, submission, fieldOf: RULE_FIELD },
  );
}

type ActionData = { result?: SubmissionResult<string[]>; changeError?: string; params?: Record<string, string | number> };

/** Fills latitude and longitude from the phone's position; shown only when JavaScript and geolocation exist. */
function UseMyLocation({ latId, lngId }: { latId: string; lngId: string }) {
  const t = useT();
  const [supported, setSupported] = useState(false);
  const [state, setState] = useState<"idle" | "busy" | "failed">("idle");
  useEffect(() => setSupported(typeof navigator !== "undefined" && "geolocation" in navigator), []);
  if (!supported) return null;
  return (
    <div className="tf-geo">
      <button
        type="button"
        className="button secondary"
        disabled={state === "busy"}
        onClick={() => {
          setState("busy");
          navigator.geolocation.getCurrentPosition(
            (pos) => {
              const lat = document.getElementById(latId) as HTMLInputElement | null;
              const lng = document.getElementById(lngId) as HTMLInputElement | null;
              if (lat) lat.value = pos.coords.latitude.toFixed(6);
              if (lng) lng.value = pos.coords.longitude.toFixed(6);
              setState("idle");
            },
            () => setState("failed"),
            { enableHighAccuracy: true, timeout: 15_000 },
          );
        }}
      >
        📍 {state === "busy" ? t("farmTrace.plot.locating") : t("farmTrace.plot.useLocation")}
      </button>
      {state === "failed" ? <p className="hint">{t("farmTrace.plot.locationFailed")}</p> : null}
    </div>
  );
}

export default function PlotsRoute() {
  const t = useT();
  const locale = useLocale();
  const { producers, plots, formToken } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    id: "new-plot",
    lastResult: actionData?.result,
    defaultValue: { producerId: producers.length === 1 ? producers[0].id : undefined },
    constraint: getZodConstraint(PlotSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PlotSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onBlur",
  });
  const formErrors = form.errors?.filter(Boolean) ?? [];
  const producerName = (id: number) => {
    const p = producers.find((x) => x.id === id);
    return p ? pick(locale, p.nameZh, p.nameEn) : "";
  };

  return (
    <section className="tf-page">
      <p>
        <Link to="/farm/batches">← {t("farmTrace.batches.title")}</Link>
      </p>
      <h1>{t("farmTrace.plots.title")}</h1>
      {searchParams.get("notice") === "created" && !actionData ? (
        <p className="notice" role="status">
          {t("farmTrace.notice.plotCreated")}
        </p>
      ) : null}
      {["updated", "retired"].includes(searchParams.get("notice") ?? "") && !actionData ? (
        <p className="notice" role="status">
          {t(searchParams.get("notice") === "retired" ? "plots.notice.retired" : "plots.notice.updated")}
        </p>
      ) : null}
      {actionData?.changeError ? (
        <p className="form-error" role="alert">
          {t.has(actionData.changeError) ? t(actionData.changeError as MessageKey, actionData.params) : actionData.changeError}
        </p>
      ) : null}
      {plots.length === 0 ? (
        <p className="hint">{t("farmTrace.plots.empty")}</p>
      ) : (
        <ul className="tf-list">
          {plots.map((p) => (
            <li key={p.id} className="tf-item" data-testid="plot" data-plot-id={p.id}>
              <span className="title">
                {p.name}
                {p.retiredAt != null ? (
                  <>
                    {" "}
                    <span className="badge muted">{t("plots.retired")}</span>
                  </>
                ) : null}
              </span>
              <span className="meta">
                {producers.length > 1 ? `${producerName(p.producerId)} · ` : ""}
                {p.areaMu !== null ? t("farmTrace.mu", { area: p.areaMu }) : t("farmTrace.plots.noArea")}
                {p.lat !== null && p.lng !== null ? ` · ${p.lat.toFixed(4)}, ${p.lng.toFixed(4)}` : ""}
              </span>
              {p.retiredAt == null ? (
                <details>
                  <summary style={{ minHeight: 44, display: "flex", alignItems: "center" }}>{t("plots.edit")}</summary>
                  <Form method="post" className="form">
                    <input type="hidden" name="intent" value="edit" />
                    <input type="hidden" name="plotId" value={p.id} />
                    <div className="field">
                      <label htmlFor={`plot-${p.id}-name`}>{t("farmTrace.field.plotName")}</label>
                      <input id={`plot-${p.id}-name`} name="name" defaultValue={p.name} required maxLength={40} />
                    </div>
                    <div className="field">
                      <label htmlFor={`plot-${p.id}-area`}>{t("farmTrace.field.areaMu")}</label>
                      <input id={`plot-${p.id}-area`} name="areaMu" defaultValue={p.areaMu ?? ""} inputMode="decimal" />
                    </div>
                    <div className="field-pair">
                      <div className="field">
                        <label htmlFor={`plot-${p.id}-lat`}>{t("farmTrace.field.lat")}</label>
                        <input id={`plot-${p.id}-lat`} name="lat" defaultValue={p.lat ?? ""} inputMode="decimal" />
                      </div>
                      <div className="field">
                        <label htmlFor={`plot-${p.id}-lng`}>{t("farmTrace.field.lng")}</label>
                        <input id={`plot-${p.id}-lng`} name="lng" defaultValue={p.lng ?? ""} inputMode="decimal" />
                      </div>
                    </div>
                    <button type="submit" className="primary" style={{ minHeight: 44 }}>
                      {t("plots.saveEdit")}
                    </button>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="intent" value="retire" />
                    <input type="hidden" name="plotId" value={p.id} />
                    <p className="hint">{t("plots.retiredHint")}</p>
                    <button type="submit" className="secondary" style={{ minHeight: 44 }}>
                      {t("plots.retire")}
                    </button>
                  </Form>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
      )}

      <h2>{t("farmTrace.plots.add")}</h2>
      <Form method="post" className="form" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={formErrors} />
        <FormToken token={formToken} />
        {producers.length === 1 ? (
          <input type="hidden" name={fields.producerId.name} value={producers[0].id} />
        ) : (
          <div className="field">
            <label htmlFor={fields.producerId.id}>{t("farm.field.producer")}</label>
            <select {...getSelectProps(fields.producerId)}>
              <option value="">{t("farmTrace.choose")}</option>
              {producers.map((p) => (
                <option key={p.id} value={p.id}>
                  {pick(locale, p.nameZh, p.nameEn)}
                </option>
              ))}
            </select>
          </div>
        )}
        <FieldError id={fields.producerId.errorId} errors={fields.producerId.errors} />
        <div className="field">
          <label htmlFor={fields.name.id}>{t("farmTrace.field.plotName")}</label>
          <input {...getInputProps(fields.name, { type: "text" })} aria-describedby={`${fields.name.id}-hint`} />
          <p className="hint" id={`${fields.name.id}-hint`}>
            {t("farmTrace.field.plotNameHint")}
          </p>
          <FieldError id={fields.name.errorId} errors={fields.name.errors} />
        </div>
        <div className="field">
          <label htmlFor={fields.areaMu.id}>{t("farmTrace.field.areaMu")}</label>
          <input {...getInputProps(fields.areaMu, { type: "text" })} inputMode="decimal" autoComplete="off" />
          <FieldError id={fields.areaMu.errorId} errors={fields.areaMu.errors} />
        </div>
        <fieldset>
          <legend>{t("farmTrace.field.coordinates")}</legend>
          <p className="hint">{t("farmTrace.field.coordinatesHint")}</p>
          <div className="field-pair">
            <div className="field">
              <label htmlFor={fields.lat.id}>{t("farmTrace.field.lat")}</label>
              <input {...getInputProps(fields.lat, { type: "text" })} inputMode="decimal" autoComplete="off" placeholder="35.7791" />
              <FieldError id={fields.lat.errorId} errors={fields.lat.errors} />
            </div>
            <div className="field">
              <label htmlFor={fields.lng.id}>{t("farmTrace.field.lng")}</label>
              <input {...getInputProps(fields.lng, { type: "text" })} inputMode="decimal" autoComplete="off" placeholder="109.4526" />
              <FieldError id={fields.lng.errorId} errors={fields.lng.errors} />
            </div>
          </div>
          <UseMyLocation latId={fields.lat.id} lngId={fields.lng.id} />
        </fieldset>
        <div className="tf-submit">
          <SubmitButton className="primary">{t("farmTrace.plots.save")}</SubmitButton>
        </div>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

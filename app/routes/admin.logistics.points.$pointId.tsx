/**
 * /admin/logistics/points/:pointId — a platform admin edits a delivery point, its slots and its
 * operators (logistics/points-admin.ts). Several plain POST forms on one page, told apart by
 * `intent`; each succeeds with a redirect back here (?notice=…) and fails with 400 and its errors
 * next to the form that was sent. Works without JavaScript and at 360 px.
 */
import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError, FormErrors, FormToken, SubmitButton } from "~/components/forms";
import { formTokenOf, newFormToken } from "~/kernel.server";
import { useT } from "~/i18n/react";
import { PointForm, pointInputFromForm, POINT_RULE_FIELD } from "~/logistics-ui/point-form";
import { AddOperatorSchema, AddSlotsSchema, PointSchema, RemoveOperatorSchema, SlotServiceSchema } from "~/logistics-ui/point-schemas";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";
import { act, formReply, idParam, load } from "~/utils/http.server";
import { SIZES, SLOTS_PER_CALL } from "../../logistics/point-rules";
import {
  addOperator,
  addSlots,
  deleteSlot,
  lockerDeviceToken,
  placeOptions,
  pointForAdmin,
  removeOperator,
  setSlotInService,
  slotPointId,
  updatePoint,
} from "~/logistics.server";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, "pointsAdmin.editTitle", { name: (data as { view?: { point: { name: string } } } | undefined)?.view?.point.name ?? "" });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "platform_admin");
  const pointId = idParam(params.pointId);
  const db = getDb();
  return load(() => {
    const view = pointForAdmin(db, user, pointId);
    // The locker's screen is configured once with this address (the device token is its credential).
    const lockerScreen = view.point.kind === "locker" ? `/lockers/${pointId}/screen?device=${lockerDeviceToken(pointId)}` : null;
    return { view, places: placeOptions(db, user), formToken: newFormToken(), lockerScreen };
  });
}

type FormName = "point" | "addSlots" | "addOperator";
/** Typed by hand: env.d.ts does not declare the single-fetch Future flag. */
type ActionData = { form: FormName; result: SubmissionResult<string[]> } | { form: "slot" | "operator"; id: number; error: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "platform_admin");
  const pointId = idParam(params.pointId);
  const db = getDb();
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const back = (notice: string, extra = "") => redirect(`/admin/logistics/points/${pointId}?notice=${notice}${extra}`);

  if (intent === "point" || intent === "addSlots" || intent === "addOperator") {
    const schema = intent === "point" ? PointSchema : intent === "addSlots" ? AddSlotsSchema : AddOperatorSchema;
    const submission = parseWithZod(formData, { schema });
    if (submission.status !== "success") return data<ActionData>({ form: intent, result: submission.reply() }, { status: 400 });
    const field = (key: string) => (intent === "point" ? POINT_RULE_FIELD[key] : intent === "addSlots" ? "count" : "phone");
    return act(
      () => {
        if (intent === "point") {
          updatePoint(db, user, pointId, pointInputFromForm(submission.value as ReturnType<typeof PointSchema.parse>));
          return back("saved");
        }
        if (intent === "addSlots") {
          const v = submission.value as ReturnType<typeof AddSlotsSchema.parse>;
          const codes = addSlots(db, user, pointId, { size: v.size, chilled: v.chilled ?? false, count: v.count }, formTokenOf(formData));
          return back("slotsAdded", `&first=${encodeURIComponent(codes[0])}&last=${encodeURIComponent(codes[codes.length - 1])}`);
        }
        addOperator(db, user, pointId, (submission.value as ReturnType<typeof AddOperatorSchema.parse>).phone, formTokenOf(formData));
        return back("operatorAdded");
      },
      { request, fieldOf: field, reply: (refusal): ActionData => ({ form: intent, result: formReply(submission, refusal) }) },
    );
  }

  if (intent === "slotOut" || intent === "slotIn" || intent === "slotDelete") {
    const parsed = SlotServiceSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) throw new Response("error.badRequest", { status: 400 });
    const { slotId } = parsed.data;
    // A slot of another point is not this page's business.
    if (slotPointId(db, slotId) !== pointId) throw new Response("error.notFound", { status: 404 });
    return act(
      () => {
        if (intent === "slotDelete") deleteSlot(db, user, slotId);
        else setSlotInService(db, user, slotId, intent === "slotIn");
        return back(intent === "slotDelete" ? "slotDeleted" : intent === "slotIn" ? "slotIn" : "slotOut");
      },
      { request, reply: (refusal): ActionData => ({ form: "slot", id: slotId, error: refusal.messageKey }) },
    );
  }

  if (intent === "removeOperator") {
    const parsed = RemoveOperatorSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) throw new Response("error.badRequest", { status: 400 });
    const { userId } = parsed.data;
    return act(
      () => {
        removeOperator(db, user, pointId, userId);
        return back("operatorRemoved");
      },
      { request, reply: (refusal): ActionData => ({ form: "operator", id: userId, error: refusal.messageKey }) },
    );
  }

  throw new Response("error.badRequest", { status: 400 });
}

const NOTICES = ["created", "saved", "slotsAdded", "slotOut", "slotIn", "slotDeleted", "operatorAdded", "operatorRemoved"] as const;

type LoaderData = NonNullable<Awaited<ReturnType<typeof loader>>>;

function AddSlotsForm({ lastResult }: { lastResult?: SubmissionResult<string[]> }) {
  const t = useT();
  const [form, fields] = useForm({
    id: "add-slots",
    lastResult,
    defaultValue: { size: "small", count: "10" },
    constraint: getZodConstraint(AddSlotsSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddSlotsSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onBlur",
  });
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <FormErrors id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value="addSlots" />
      <div className="field-pair">
        <div className="field">
          <label htmlFor={fields.size.id}>{t("pointsAdmin.slots.size")}</label>
          <select {...getSelectProps(fields.size)}>
            {SIZES.map((s) => (
              <option key={s} value={s}>
                {t(`pointsAdmin.size.${s}`)}
              </option>
            ))}
          </select>
          <FieldError id={fields.size.errorId} errors={fields.size.errors} />
        </div>
        <div className="field">
          <label htmlFor={fields.count.id}>{t("pointsAdmin.slots.count")}</label>
          <input {...getInputProps(fields.count, { type: "number" })} inputMode="numeric" step={1} />
          <FieldError id={fields.count.errorId} errors={fields.count.errors} />
        </div>
      </div>
      <p className="hint">{t("pointsAdmin.slots.countHint", SLOTS_PER_CALL)}</p>
      <div className="field">
        <label htmlFor={fields.chilled.id}>
          <input {...getInputProps(fields.chilled, { type: "checkbox" })} /> {t("pointsAdmin.slots.chilled")}
        </label>
        <FieldError id={fields.chilled.errorId} errors={fields.chilled.errors} />
      </div>
      <div className="button-row">
        <FormToken />
        <SubmitButton className="primary">{t("pointsAdmin.slots.add")}</SubmitButton>
      </div>
    </Form>
  );
}

function AddOperatorForm({ lastResult }: { lastResult?: SubmissionResult<string[]> }) {
  const t = useT();
  const [form, fields] = useForm({
    id: "add-operator",
    lastResult,
    constraint: getZodConstraint(AddOperatorSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddOperatorSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onBlur",
  });
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <FormErrors id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value="addOperator" />
      <div className="field">
        <label htmlFor={fields.phone.id}>{t("pointsAdmin.operators.phone")}</label>
        <input {...getInputProps(fields.phone, { type: "tel" })} inputMode="tel" autoComplete="off" aria-describedby={`${fields.phone.id}-hint`} />
        <p className="hint" id={`${fields.phone.id}-hint`}>
          {t("pointsAdmin.operators.phoneHint")}
        </p>
        <FieldError id={fields.phone.errorId} errors={fields.phone.errors} />
      </div>
      <div className="button-row">
        <FormToken />
        <SubmitButton className="primary">{t("pointsAdmin.operators.add")}</SubmitButton>
      </div>
    </Form>
  );
}

export default function PointAdminRoute() {
  const t = useT();
  const { view, places } = useLoaderData<typeof loader>() as LoaderData;
  const { lockerScreen } = useLoaderData<typeof loader>() as { lockerScreen: string | null };
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  const [searchParams] = useSearchParams();
  const notice = actionData ? undefined : NOTICES.find((n) => n === searchParams.get("notice"));
  const { point, slotGroups, operators } = view;
  const resultOf = (form: FormName) => (actionData && actionData.form === form && "result" in actionData ? actionData.result : undefined);
  const errorOf = (form: "slot" | "operator", id: number) =>
    actionData && actionData.form === form && "error" in actionData && actionData.id === id ? actionData.error : null;
  const say = (key: string) => (t.has(key) ? t(key) : key);
  const totals = slotGroups.reduce(
    (a, g) => ({ total: a.total + g.total, free: a.free + g.free, occupied: a.occupied + g.occupied, out: a.out + g.outOfService }),
    {
      total: 0,
      free: 0,
      occupied: 0,
      out: 0,
    },
  );

  return (
    <section className="point-admin">
      <p>
        <Link to="/admin/logistics">← {t("pointsAdmin.backToNetwork")}</Link>
      </p>
      <h1>
        {point.name} {point.active ? null : <span className="badge muted">{t("networkAdmin.inactive")}</span>}
      </h1>
      <p className="meta">
        {t(`networkAdmin.kind.${point.kind}`)} · {point.address}
      </p>
      {lockerScreen ? (
        <p className="meta" data-testid="locker-screen">
          {t("parcels.locker.deviceToken")}:{" "}
          <a href={lockerScreen} className="mono">
            {lockerScreen}
          </a>
        </p>
      ) : null}
      {notice ? (
        <p className="notice" role="status">
          {t(`pointsAdmin.notice.${notice}`, { first: searchParams.get("first") ?? "", last: searchParams.get("last") ?? "" })}
        </p>
      ) : null}

      <h2 id="slots">{t("pointsAdmin.slots.heading")}</h2>
      <p data-testid="slot-totals">{t("pointsAdmin.slots.totals", totals)}</p>
      {slotGroups.length === 0 ? <p className="panel">{t("pointsAdmin.slots.empty")}</p> : null}
      {slotGroups.map((g) => (
        <details key={`${g.chilled}-${g.size}`} className="panel slot-group" data-size={g.size} data-chilled={g.chilled ? "1" : "0"}>
          <summary>
            <strong>
              {t(`pointsAdmin.size.${g.size}`)}
              {g.chilled ? ` · ${t("pointsAdmin.slots.chilledShort")}` : ""}
            </strong>{" "}
            <span data-testid="group-counts">
              {t("pointsAdmin.slots.groupCounts", { total: g.total, free: g.free, occupied: g.occupied, out: g.outOfService })}
            </span>
          </summary>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t("pointsAdmin.slots.code")}</th>
                  <th>{t("pointsAdmin.slots.state")}</th>
                  <th>{t("pointsAdmin.slots.action")}</th>
                </tr>
              </thead>
              <tbody>
                {g.slots.map((s) => {
                  const error = errorOf("slot", s.id);
                  return (
                    <tr key={s.id} data-slot-code={s.code}>
                      <td className="mono">{s.code}</td>
                      <td>
                        {s.outOfService ? (
                          <span className="badge muted">{t("pointsAdmin.slots.out")}</span>
                        ) : s.occupiedBy ? (
                          <span className="badge warn">{t("pointsAdmin.slots.occupied", { parcel: s.occupiedBy })}</span>
                        ) : (
                          <span className="badge">{t("pointsAdmin.slots.free")}</span>
                        )}
                        {error ? (
                          <p className="field-error" role="alert">
                            {say(error)}
                          </p>
                        ) : null}
                      </td>
                      <td>
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="slotId" value={s.id} />
                          <button type="submit" name="intent" value={s.outOfService ? "slotIn" : "slotOut"} className="button secondary">
                            {s.outOfService ? t("pointsAdmin.slots.putIn") : t("pointsAdmin.slots.takeOut")}
                          </button>{" "}
                          {s.everUsed ? null : (
                            <button type="submit" name="intent" value="slotDelete" className="button secondary">
                              {t("pointsAdmin.slots.delete")}
                            </button>
                          )}
                        </Form>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </details>
      ))}
      <p className="hint">{t("pointsAdmin.slots.rules")}</p>
      <h3>{t("pointsAdmin.slots.addHeading")}</h3>
      <AddSlotsForm lastResult={resultOf("addSlots")} />

      <h2 id="operators">{t("pointsAdmin.operators.heading")}</h2>
      {operators.length === 0 ? (
        <p className="panel">{point.kind === "locker" ? t("pointsAdmin.operators.noneLocker") : t("pointsAdmin.operators.none")}</p>
      ) : (
        <ul className="operator-list">
          {operators.map((o) => {
            const error = errorOf("operator", o.id);
            return (
              <li key={o.id} data-operator-id={o.id}>
                <Form method="post" className="inline-form">
                  <span>
                    {o.displayName} <span className="meta">{o.phoneMasked}</span>
                  </span>{" "}
                  <input type="hidden" name="userId" value={o.id} />
                  <button type="submit" name="intent" value="removeOperator" className="button secondary">
                    {t("pointsAdmin.operators.remove")}
                  </button>
                </Form>
                {error ? (
                  <p className="field-error" role="alert">
                    {say(error)}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      <AddOperatorForm lastResult={resultOf("addOperator")} />

      <h2 id="details">{t("pointsAdmin.editHeading")}</h2>
      <PointForm
        id="point-edit"
        lastResult={resultOf("point")}
        places={places}
        defaultValue={{
          kind: point.kind,
          name: point.name,
          address: point.address,
          county: point.countyId,
          township: point.township,
          village: point.villageId,
          lat: point.lat,
          lng: point.lng,
          parcelCapacity: point.parcelCapacity,
          openingHours: point.openingHours,
          holdingDaysFresh: point.holdingDaysFresh,
          holdingDaysOther: point.holdingDaysOther,
          route: point.courierRouteId,
          active: point.active,
        }}
        submitLabel={t("pointsAdmin.save")}
        showActive
      />
      {view.parcelsHeld > 0 ? <p className="hint">{t("pointsAdmin.parcelsHeld", { count: view.parcelsHeld })}</p> : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

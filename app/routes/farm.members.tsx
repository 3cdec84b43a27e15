import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { shanghaiDate } from "../../core/clock";
import { COOP_MEMBER_ROLES } from "../../db/enums";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError, FormErrors, FormToken, SubmitButton } from "~/components/forms";
import { forbidden, act } from "~/utils/http.server";
import { formTokenOf, newFormToken } from "~/kernel.server";
import { changeCoopMemberRole, inviteCoopMember, listCoopMembers, managedCooperatives, removeCoopMember } from "~/market.server";
import { pick, type MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import { InviteMemberSchema, MemberChangeSchema } from "~/coop/schemas";

export const meta: MetaFunction = () => [{ title: "合作社社员 · 村品" }];

/**
 * The cooperative's member households (issue 12 §3): owners and managers only. Members, other
 * farmers and other cooperatives' admins get 403 here, and the domain checks again on every write.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const coops = managedCooperatives(db, user);
  if (!coops.length) forbidden();
  return {
    coops: coops.map((c) => ({
      id: c.id,
      nameZh: c.nameZh,
      nameEn: c.nameEn,
      members: listCoopMembers(db, user, c.id).map((m) => ({ ...m, invitedOn: shanghaiDate(m.invitedAt) })),
    })),
    formToken: newFormToken(),
  };
}

const RULE_FIELD: Record<string, string> = {
  "coop.error.phoneInvalid": "phone",
  "coop.error.alreadyInvited": "phone",
  "coop.error.isManager": "phone",
  "coop.error.householdName": "householdName",
  "coop.error.role": "role",
};

type ActionData = { result?: SubmissionResult<string[]>; changeError?: string; memberId?: number; params?: Record<string, string | number> };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  if (!managedCooperatives(db, user).length) forbidden();
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent === "role" || intent === "remove") {
    const parsed = MemberChangeSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return data<ActionData>({ changeError: parsed.error.issues[0]?.message ?? "error.badRequest" }, { status: 400 });
    const change = parsed.data;
    return act(
      () => {
        if (change.intent === "role") changeCoopMemberRole(db, user, change.memberId, change.role);
        else removeCoopMember(db, user, change.memberId);
        return redirect(`/farm/members?notice=${change.intent === "role" ? "roleChanged" : "removed"}`);
      },
      { request, reply: (refusal): ActionData => ({ changeError: refusal.messageKey, params: refusal.params, memberId: change.memberId }) },
    );
  }
  const submission = parseWithZod(formData, { schema: InviteMemberSchema });
  if (submission.status !== "success") return data<ActionData>({ result: submission.reply() }, { status: 400 });
  const value = submission.value;
  return act(
    () => {
      inviteCoopMember(
        db,
        user,
        { producerId: value.producerId, phone: value.phone, householdName: value.householdName, role: value.role },
        formTokenOf(formData),
      );
      return redirect("/farm/members?notice=invited");
    },
    { request, submission, fieldOf: RULE_FIELD },
  );
}

const NOTICES = { invited: "coop.members.invited", roleChanged: "coop.members.roleChanged", removed: "coop.members.removed" } as const;
const STATUS_BADGE: Record<string, string> = { active: "badge", invited: "badge warn", declined: "badge muted", removed: "badge muted" };

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type MemberView = LoaderData["coops"][number]["members"][number];

function MemberItem({ m, actionData }: { m: MemberView; actionData?: ActionData }) {
  const t = useT();
  const live = m.status === "invited" || m.status === "active";
  const error = actionData?.memberId === m.id && actionData.changeError ? actionData.changeError : null;
  return (
    <li className="panel" data-member={m.id}>
      <p>
        <strong>{m.householdName}</strong> <span className={STATUS_BADGE[m.status] ?? "badge muted"}>{t(`coop.status.${m.status}` as MessageKey)}</span>{" "}
        <span className="badge muted">{t(`coop.role.${m.role}` as MessageKey)}</span>
      </p>
      <p className="meta">
        <span className="mono">{m.phone}</span> · {m.displayName ? t("coop.members.account", { name: m.displayName }) : t("coop.members.noAccount")} ·{" "}
        {t("coop.members.invitedOn", { date: m.invitedOn })} · {t("coop.members.lots", { count: m.batchCount })}
      </p>
      {live ? (
        <div className="member-actions">
          <Form method="post" className="form inline">
            <input type="hidden" name="intent" value="role" />
            <input type="hidden" name="memberId" value={m.id} />
            <label htmlFor={`role-${m.id}`}>{t("coop.members.field.role")}</label>
            <select id={`role-${m.id}`} name="role" defaultValue={m.role}>
              {COOP_MEMBER_ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`coop.role.${r}`)}
                </option>
              ))}
            </select>
            <button type="submit" className="button secondary">
              {t("coop.members.changeRole")}
            </button>
          </Form>
          <Form method="post" className="form inline">
            <input type="hidden" name="intent" value="remove" />
            <input type="hidden" name="memberId" value={m.id} />
            <button type="submit" className="button danger" aria-describedby={`remove-hint-${m.id}`}>
              {m.status === "invited" ? t("coop.members.withdraw") : t("coop.members.remove")}
            </button>
            <span className="hint" id={`remove-hint-${m.id}`}>
              {t("coop.members.removeHint")}
            </span>
          </Form>
        </div>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {t.has(error) ? t(error as MessageKey, actionData?.params) : error}
        </p>
      ) : null}
    </li>
  );
}

export default function FarmMembersRoute() {
  const t = useT();
  const locale = useLocale();
  const { coops } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [searchParams] = useSearchParams();
  const notice = searchParams.get("notice");
  const [form, fields] = useForm({
    id: "invite-member",
    lastResult: actionData?.result,
    defaultValue: { producerId: String(coops[0]?.id ?? ""), role: "member_farmer" },
    constraint: getZodConstraint(InviteMemberSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: InviteMemberSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onBlur",
  });
  return (
    <section>
      <p>
        <Link to="/farm">← {t("farm.backToFarm")}</Link>
      </p>
      <h1>{t("coop.members.title")}</h1>
      <p className="hint">{t("coop.members.lead")}</p>
      {notice && notice in NOTICES && !actionData ? (
        <p className="notice" role="status">
          {t(NOTICES[notice as keyof typeof NOTICES])}
        </p>
      ) : null}

      <h2>{t("coop.members.invite.title")}</h2>
      <Form method="post" className="form" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <FormToken />
        <input type="hidden" name="intent" value="invite" />
        {coops.length > 1 ? (
          <div className="field">
            <label htmlFor={fields.producerId.id}>{t("farmTrace.field.producer")}</label>
            <select {...getSelectProps(fields.producerId)}>
              {coops.map((c) => (
                <option key={c.id} value={c.id}>
                  {pick(locale, c.nameZh, c.nameEn)}
                </option>
              ))}
            </select>
            <FieldError id={fields.producerId.errorId} errors={fields.producerId.errors} />
          </div>
        ) : (
          <input type="hidden" name={fields.producerId.name} value={coops[0].id} />
        )}
        <div className="field">
          <label htmlFor={fields.phone.id}>{t("coop.members.field.phone")}</label>
          <input {...getInputProps(fields.phone, { type: "tel" })} inputMode="numeric" autoComplete="off" />
          <FieldError id={fields.phone.errorId} errors={fields.phone.errors} />
        </div>
        <div className="field">
          <label htmlFor={fields.householdName.id}>{t("coop.members.field.household")}</label>
          <input {...getInputProps(fields.householdName, { type: "text" })} aria-describedby={`${fields.householdName.id}-hint`} />
          <p className="hint" id={`${fields.householdName.id}-hint`}>
            {t("coop.members.field.householdHint")}
          </p>
          <FieldError id={fields.householdName.errorId} errors={fields.householdName.errors} />
        </div>
        <fieldset className="field">
          <legend>{t("coop.members.field.role")}</legend>
          {COOP_MEMBER_ROLES.map((r) => (
            <label key={r} className="choice">
              <input type="radio" name={fields.role.name} value={r} defaultChecked={fields.role.initialValue === r} />
              {t(`coop.role.${r}`)} <span className="hint">{t(`coop.roleHint.${r}`)}</span>
            </label>
          ))}
          <FieldError id={fields.role.errorId} errors={fields.role.errors} />
        </fieldset>
        <SubmitButton className="primary">{t("coop.members.invite.submit")}</SubmitButton>
      </Form>

      {coops.map((c) => {
        const live = c.members.filter((m) => m.status === "invited" || m.status === "active");
        const past = c.members.filter((m) => m.status !== "invited" && m.status !== "active");
        return (
          <section key={c.id} aria-labelledby={`coop-${c.id}`}>
            <h2 id={`coop-${c.id}`}>
              {pick(locale, c.nameZh, c.nameEn)} · {t("coop.members.live")}
            </h2>
            {live.length === 0 ? (
              <p className="hint">{t("coop.members.empty")}</p>
            ) : (
              <ul className="member-list">
                {live.map((m) => (
                  <MemberItem key={m.id} m={m} actionData={actionData} />
                ))}
              </ul>
            )}
            {past.length ? (
              <details>
                <summary>{t("coop.members.history")}</summary>
                <ul className="member-list">
                  {past.map((m) => (
                    <MemberItem key={m.id} m={m} />
                  ))}
                </ul>
              </details>
            ) : null}
          </section>
        );
      })}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

/**
 * /account/invitations: the cooperative invitations addressed to the logged-in user's phone, with
 * accept / decline (issue 12 §3). Any account may open it: an invitee is often a brand-new account.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { pick, type MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { invitationsFor, respondToInvitation } from "~/market.server";
import { act } from "~/utils/http.server";
import { getDb } from "~/utils/db.server";
import { requireUser } from "~/utils/session.server";
import { InvitationAnswerSchema } from "~/coop/schemas";

export const meta: MetaFunction = () => [{ title: "合作社邀请 · 村品" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { invitations: invitationsFor(getDb(), user) };
}

type ActionData = { error: string; params?: Record<string, string | number> };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = InvitationAnswerSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data<ActionData>({ error: "error.badRequest" }, { status: 400 });
  const { invitationId, answer } = parsed.data;
  return act(
    () => {
      respondToInvitation(getDb(), user, invitationId, answer === "accept");
      // Accepted: straight to the farm, where the lots the household works on are listed.
      return redirect(answer === "accept" ? "/farm?joined=1" : "/account/invitations?declined=1");
    },
    { request, reply: (refusal): ActionData => ({ error: refusal.messageKey, params: refusal.params }) },
  );
}

export default function InvitationsRoute() {
  const t = useT();
  const locale = useLocale();
  const { invitations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [searchParams] = useSearchParams();
  return (
    <section>
      <h1>{t("coop.invitations.title")}</h1>
      {searchParams.get("declined") && !actionData ? (
        <p className="notice" role="status">
          {t("coop.invitations.declined")}
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="form-error" role="alert">
          {t.has(actionData.error) ? t(actionData.error as MessageKey, actionData.params) : actionData.error}
        </p>
      ) : null}
      {invitations.length === 0 ? (
        <p className="hint">
          {t("coop.invitations.empty")} <Link to="/">{t("nav.home")}</Link>
        </p>
      ) : (
        <>
          <p className="hint">{t("coop.invitations.lead")}</p>
          <ul className="member-list">
            {invitations.map((i) => (
              <li key={i.id} className="panel" data-invitation={i.id} id={`invitation-${i.id}`}>
                <p>
                  {t("coop.invitations.item", {
                    producer: pick(locale, i.producerNameZh, i.producerNameEn),
                    household: i.householdName,
                    role: t(`coop.role.${i.role}` as MessageKey),
                  })}
                </p>
                <p className="hint">{t(`coop.roleHint.${i.role}` as MessageKey)}</p>
                <Form method="post" className="form inline">
                  <input type="hidden" name="invitationId" value={i.id} />
                  <button type="submit" name="answer" value="accept" className="button primary">
                    {t("coop.invitations.accept")}
                  </button>{" "}
                  <button type="submit" name="answer" value="decline" className="button secondary">
                    {t("coop.invitations.decline")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

/** /account/notices: the logged-in user's notices (recalls now), with "mark as read". */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";

import { useLocale, useT } from "~/i18n/react";
import { formatDateTime } from "~/inspect/format";
import { listNotices, markNoticesRead } from "~/market.server";
import { withPickupCodes } from "~/logistics.server";
import { getDb } from "~/utils/db.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "我的通知 · 村品" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // Pickup codes are never stored: an arrival notice gets its code derived here, for its buyer only.
  return { notices: withPickupCodes(getDb(), user.id, listNotices(getDb(), user.id)) };
}

const MarkRead = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read"), id: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("readAll") }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = MarkRead.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ error: "error.badRequest" }, { status: 400 });
  markNoticesRead(getDb(), user.id, parsed.data.intent === "read" ? parsed.data.id : null);
  return redirect("/account/notices");
}

export default function NoticesRoute() {
  const t = useT();
  const locale = useLocale();
  const { notices } = useLoaderData<typeof loader>();
  const unread = notices.filter((n) => n.readAt == null).length;
  return (
    <section className="notices">
      <h1>{t("notices.title")}</h1>
      {notices.length === 0 ? (
        <p className="panel">{t("notices.empty")}</p>
      ) : (
        <>
          {unread > 0 ? (
            <Form method="post" className="button-row">
              <button type="submit" name="intent" value="readAll" className="button secondary">
                {t("notices.markAllRead")}
              </button>
            </Form>
          ) : null}
          <ul className="notice-list">
            {notices.map((n) => {
              const text = t.has(n.messageKey) ? t(n.messageKey, n.params) : n.messageKey;
              return (
                <li key={n.id} className={n.readAt == null ? "panel notice-item unread" : "panel notice-item"} data-kind={n.kind}>
                  <p className="meta">
                    {n.readAt == null ? <span className="badge danger">{t("notices.unread")}</span> : null}
                    {formatDateTime(n.createdAt, locale)}
                  </p>
                  <p>{text}</p>
                  <div className="button-row">
                    {n.link ? n.link.startsWith("/01/") ? <a href={n.link}>{t("notices.open")}</a> : <Link to={n.link}>{t("notices.open")}</Link> : null}
                    {n.readAt == null ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="id" value={n.id} />
                        <button type="submit" name="intent" value="read" className="link-button">
                          {t("notices.markRead")}
                        </button>
                      </Form>
                    ) : null}
                  </div>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

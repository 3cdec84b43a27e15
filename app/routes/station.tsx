/**
 * /station: the delivery point operator's pickups — prepaid orders ready for pickup, and 到站付款
 * orders whose payment the operator confirms at handover (app/orders/fulfilment.server.ts).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatFen } from "~/domain/money";
import { useT } from "~/i18n/react";
import { DomainRuleError, ForbiddenError, NotFoundError } from "~/listings/listings.server";
import { handOverAtStation, listStationOrders } from "~/orders/fulfilment.server";
import { IllegalTransitionError } from "~/orders/state";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "station.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "delivery_operator");
  return { orders: listStationOrders(getDb(), user.id) };
}

const HandOverSchema = z.object({ orderId: z.coerce.number().int().positive() });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "delivery_operator");
  const parsed = HandOverSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ ok: false as const, error: "orders.error.illegalTransition", orderId: null }, { status: 400 });
  try {
    handOverAtStation(getDb(), user, parsed.data.orderId);
    return { ok: true as const, error: null, orderId: parsed.data.orderId };
  } catch (e) {
    if (e instanceof ForbiddenError) throw new Response("error.forbidden", { status: 403 });
    if (e instanceof NotFoundError) throw new Response("error.notFound", { status: 404 });
    if (e instanceof DomainRuleError || e instanceof IllegalTransitionError) {
      return data({ ok: false as const, error: e.messageKey, orderId: parsed.data.orderId }, { status: 400 });
    }
    throw e;
  }
}

export default function StationRoute() {
  const t = useT();
  const { orders } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section>
      <h1>{t("station.title")}</h1>
      {result?.ok ? <p className="notice" role="status">{t("station.done", { id: result.orderId })}</p> : null}
      {result && !result.ok ? (
        <p className="form-error" role="alert">
          {t.has(result.error) ? t(result.error) : result.error}
        </p>
      ) : null}
      {orders.length === 0 ? <p>{t("station.none")}</p> : null}
      <ul style={{ listStyle: "none", padding: 0 }}>
        {orders.map((o) => (
          <li key={o.id} className="panel" data-testid="station-order">
            <p>
              <strong>{t("orders.orderNo", { id: o.id })}</strong> <span className="badge">{t(`orders.status.${o.status}` as const)}</span>{" "}
              {o.payAtPickup ? <span className="badge">{t("fulfilment.payAtPickup")}</span> : null}
            </p>
            <p className="meta">
              {o.pointName} · {o.contactPhone} · {t("orders.quantity")}: {o.itemCount}
            </p>
            {o.payAtPickup && o.status === "pending_payment" ? (
              <p className="price">{t("station.toCollect", { amount: formatFen(o.totalFen) })}</p>
            ) : null}
            {o.unweighed > 0 ? (
              <p className="warning">{t("station.notWeighed")}</p>
            ) : (
              <Form method="post">
                <input type="hidden" name="orderId" value={o.id} />
                <button type="submit" className="primary">
                  {o.payAtPickup && o.status === "pending_payment" ? t("station.payAndHandOver") : t("station.handOver")}
                </button>
              </Form>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

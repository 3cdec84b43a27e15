/** /farm/orders: the producer's order inbox (mobile) and packing list per delivery point. */
import { shanghaiDateTime } from "../../core/clock";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatFen } from "../../core/money";
import { useT } from "~/i18n/react";
import { printHref } from "~/components/print";
import {
  listProducerSubOrders,
  packingList,
  finalizeCatchWeight,
  listWeightLines,
  recordActualWeight,
  advanceSubOrder,
  getStripe,
  invoicesBySubOrder,
} from "~/market.server";
import { dispatchableSubOrders, dispatchSubOrder, pendingChangesForOrders, producerParcels } from "~/logistics.server";
import { logger } from "~/kernel.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";
import { act } from "~/utils/http.server";
import { subOrderProgress } from "~/logistics.server";
// ── W3: weighing (catch weight) and fulfilment steps ──
// ── end W3 ──

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "farmOrders.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const subs = listProducerSubOrders(db, user.producerIds);
  return {
    subOrders: subs.map((s) => ({ ...s, createdAtText: shanghaiDateTime(s.createdAt) })),
    // Parcels (issue 5): 发货 allocates slots; each parcel's label code and slot.
    parcels: producerParcels(
      db,
      user.producerIds,
      subs.map((s) => s.id),
    ),
    dispatchable: dispatchableSubOrders(db, user.producerIds),
    pointChanges: pendingChangesForOrders(db, [...new Set(subs.map((s) => s.orderId))]),
    invoices: invoicesBySubOrder(
      db,
      listProducerSubOrders(db, user.producerIds).map((s) => s.id),
    ), // W2
    packing: packingList(db, user.producerIds),
    progress: subOrderProgress(
      db,
      subs.map((s) => s.id),
    ),
    weightLines: listWeightLines(db, user.producerIds), // W3
  };
}

// ── W3: POST intent=weigh (lineId, actualWeightG) | in_fulfilment | ready_for_pickup (subOrderId) ──
const FarmOrderActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("weigh"), lineId: z.coerce.number().int().positive(), actualWeightG: z.coerce.number().int().positive().max(1_000_000) }),
  z.object({ intent: z.enum(["in_fulfilment", "ready_for_pickup", "dispatch"]), subOrderId: z.coerce.number().int().positive() }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const parsed = FarmOrderActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ ok: false as const, error: "fulfilment.error.weight", params: {} }, { status: 400 });
  const db = getDb();
  const { data: input } = parsed;
  return act(
    async () => {
      if (input.intent === "weigh") {
        const r = recordActualWeight(db, user, input.lineId, input.actualWeightG);
        if (r.allWeighed) {
          const orderId = db.$client.prepare(`select order_id from order_lines where id = ?`).pluck().get(input.lineId) as number;
          // Capture / refund of the difference; a Stripe failure leaves the weights saved and is retried on the next save.
          await finalizeCatchWeight(db, getStripe(), orderId).catch((err) => logger.error({ err, orderId }, "catch weight: settlement failed"));
        }
      } else if (input.intent === "dispatch") {
        const r = dispatchSubOrder(db, user, input.subOrderId);
        const notes: { key: string; params: Record<string, string | number> }[] = [];
        if (r.dispatched.length) notes.push({ key: "parcels.farm.dispatched", params: { count: r.dispatched.length } });
        if (r.waiting.length) notes.push({ key: "parcels.farm.waiting", params: { count: r.waiting.length } });
        if (r.proposal) notes.push({ key: "parcels.farm.proposed", params: { to: r.proposal.toPointName } });
        return { ok: true as const, error: null, notes };
      } else {
        advanceSubOrder(db, user, input.subOrderId, input.intent);
      }
      return { ok: true as const, error: null, notes: [] as { key: string; params: Record<string, string | number> }[] };
    },
    { request, reply: (refusal) => ({ ok: false as const, error: refusal.messageKey, params: refusal.params }) },
  );
}
// ── end W3 ──

export default function FarmOrdersRoute() {
  const t = useT();
  const { invoices, subOrders, packing, weightLines, parcels, dispatchable, pointChanges, progress } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>(); // W3
  return (
    <section>
      <p>
        <Link to="/farm">{t("farm.backToFarm")}</Link>
      </p>
      <h1>{t("farmOrders.title")}</h1>
      {/* ── W1: disputes ── */}
      <p>
        <Link to="/farm/disputes">{t("disputes.farmTitle")}</Link>
      </p>
      {/* ── end W1 ── */}
      {/* ── W3: action result + weighing ── */}
      {result?.ok ? (
        <div className="notice" role="status" data-testid="farm-result">
          {result.notes.length ? result.notes.map((n) => <p key={n.key}>{t.has(n.key) ? t(n.key, n.params) : n.key}</p>) : t("fulfilment.done")}
        </div>
      ) : null}
      {result && !result.ok ? (
        <p className="form-error" role="alert">
          {t.has(result.error) ? t(result.error) : result.error}
        </p>
      ) : null}
      {weightLines.length > 0 ? (
        <section aria-labelledby="weigh-heading">
          <h2 id="weigh-heading">{t("fulfilment.weighTitle")}</h2>
          <p className="meta">{t("fulfilment.weighHint")}</p>
          {weightLines.map((l) => (
            <Form method="post" key={l.id} className="panel form" data-testid="weigh-line">
              <p>
                <strong>{l.title}</strong> × {l.quantity} · {t("orders.orderNo", { id: l.orderId })} ·{" "}
                <span className="meta">{t("fulfilment.estimatedWeight", { grams: l.estimatedWeightG ?? 0 })}</span>
              </p>
              <p>
                {t("fulfilment.estimate")}: {formatFen(l.estimateFen)}
                {l.weighedTotalFen !== null ? (
                  <>
                    {" "}
                    · {t("fulfilment.weighed")}: <strong>{formatFen(l.weighedTotalFen)}</strong> ({l.actualWeightG} g)
                  </>
                ) : null}
              </p>
              <input type="hidden" name="intent" value="weigh" />
              <input type="hidden" name="lineId" value={l.id} />
              <div className="field">
                <label htmlFor={`w-${l.id}`}>{t("fulfilment.actualWeightG")}</label>
                <input
                  id={`w-${l.id}`}
                  name="actualWeightG"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  step={1}
                  required
                  defaultValue={l.actualWeightG ?? undefined}
                />
              </div>
              <button type="submit" className="secondary">
                {t("fulfilment.saveWeight")}
              </button>
            </Form>
          ))}
        </section>
      ) : null}
      {/* ── end W3 ── */}

      <section aria-labelledby="packing-heading">
        <h2 id="packing-heading">{t("farmOrders.packing")}</h2>
        <p className="meta">{t("farmOrders.packingHint")}</p>
        {packing.length === 0 ? <p>{t("farmOrders.noPacking")}</p> : null}
        {packing.map((g) => (
          <section key={String(g.deliveryPointId)} className="panel" data-testid="packing-group">
            <h3>{g.deliveryPointName ?? "—"}</h3>
            <ul>
              {g.lines.map((l) => (
                <li key={`${l.listingId}-${l.lotCode}`}>
                  {l.title} · <span className="mono">{l.lotCode}</span> · × <strong>{l.quantity}</strong>{" "}
                  <span className="meta">(#{l.subOrderIds.join(", #")})</span>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </section>

      <section aria-labelledby="inbox-heading">
        <h2 id="inbox-heading">{t("farmOrders.inbox")}</h2>
        {subOrders.length === 0 ? <p>{t("farmOrders.none")}</p> : null}
        <ul style={{ listStyle: "none", padding: 0 }}>
          {subOrders.map((s) => (
            <li key={s.id} className="panel" data-testid="inbox-sub-order">
              <p>
                <strong>{t("orders.subOrder", { id: s.id, producer: s.producerName })}</strong>{" "}
                <span className="badge" data-testid="sub-order-status">
                  {/* Packing is done once every parcel left the farm: the farmer reads 已发货, not 备货中. */}
                  {s.status === "in_fulfilment" && progress[s.id]?.shipped ? t("orders.status.shipped") : t(`orders.status.${s.status}` as const)}
                </span>
              </p>
              {progress[s.id]?.steps.length ? (
                <ol
                  className="meta"
                  aria-label={t("farmOrders.history")}
                  data-testid="sub-order-history"
                  style={{ display: "flex", gap: "0.75rem", flexWrap: "wrap", listStyle: "none", padding: 0 }}
                >
                  {progress[s.id].steps.map((st) => (
                    <li key={st.step}>
                      {t(`farmOrders.step.${st.step}` as const)} {shanghaiDateTime(st.at).slice(5, 16)}
                    </li>
                  ))}
                </ol>
              ) : null}
              <p className="meta">
                {s.createdAtText} · {t("orders.orderNo", { id: s.orderId })} · {s.deliveryPointName ?? "—"}
              </p>
              <p>
                {t("orders.quantity")}: {s.itemCount} · {t("orders.subtotal")}: {formatFen(s.subtotalFen)} · {t("orders.producerShare")}:{" "}
                {formatFen(s.producerShareFen)}
              </p>
              {/* ── W2: invoice ── */}
              {invoices[s.id] ? (
                <p>
                  <a href={`/orders/${s.orderId}/invoices/${invoices[s.id].id}.pdf`} download data-testid="inbox-invoice">
                    {t("invoices.download", { number: invoices[s.id].number })}
                  </a>
                </p>
              ) : null}
              {/* ── end W2 ── */}
              {/* ── W3: fulfilment steps ── */}
              {/* Parcels (issue 5): 开始备货 (optional), then 发货; arrival at the point makes it ready. */}
              {s.status === "paid" || dispatchable.includes(s.id) ? (
                <Form method="post" className="button-row">
                  <input type="hidden" name="subOrderId" value={s.id} />
                  {s.status === "paid" ? (
                    <button type="submit" name="intent" value="in_fulfilment" className="secondary">
                      {t("fulfilment.markInFulfilment")}
                    </button>
                  ) : null}
                  {dispatchable.includes(s.id) ? (
                    <button type="submit" name="intent" value="dispatch" className="primary" style={{ minHeight: "3rem" }}>
                      {t("parcels.farm.dispatch")}
                    </button>
                  ) : null}
                </Form>
              ) : s.status === "in_fulfilment" && !parcels[s.id]?.length ? (
                // An order from before parcels existed: the producer still marks it ready by hand.
                <Form method="post" className="button-row">
                  <input type="hidden" name="subOrderId" value={s.id} />
                  <button type="submit" name="intent" value="ready_for_pickup" className="primary">
                    {t("fulfilment.markReady")}
                  </button>
                </Form>
              ) : null}
              {pointChanges[s.orderId] ? <p className="warning">{t("parcels.farm.proposed", { to: pointChanges[s.orderId] })}</p> : null}
              {parcels[s.id]?.length ? (
                <ul className="meta" data-testid="farm-parcels" aria-label={t("parcels.farm.parcels")}>
                  {parcels[s.id].map((p) => (
                    <li key={p.id} data-testid="farm-parcel" data-parcel-code={p.code}>
                      <strong className="mono">{p.code}</strong> · {t(`parcels.status.${p.status}` as const)} · {p.pointName}
                      {p.slotCode ? (
                        <>
                          {" "}
                          · {t("parcels.slot")} <strong>{p.slotCode}</strong>
                        </>
                      ) : null}{" "}
                      · {t(`parcels.size.${p.size}` as const)}
                      {p.chilled ? ` · ${t("parcels.chilled")}` : ""}
                      {p.status === "dispatched" ? (
                        <>
                          {" "}
                          ·{" "}
                          <Link className="target-link" to={printHref(`/farm/parcels/${p.id}/label`)}>
                            {t("parcelLabel.printOne")}
                          </Link>
                        </>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ) : null}
              {parcels[s.id]?.some((p) => p.status === "dispatched") ? (
                <p>
                  <Link to={printHref(`/farm/sub-orders/${s.id}/labels`)}>{t("parcelLabel.printAll")}</Link>
                </p>
              ) : null}
              {/* ── end W3 ── */}
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

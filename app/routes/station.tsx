/**
 * /station: the pickup point operator's app (phone, no JavaScript needed). At the top one box: a
 * scanner (keyboard wedge) or the operator types a parcel label code + Enter → the parcel is
 * checked in (logistics/parcels.ts markParcelArrived); a scanned buyer QR (CUNPIN-PICKUP:…) fills
 * the parcel and its code in one go → hand-out. Below: expected today, waiting (with the slot and a
 * pickup-code form each; 到站付款 needs the "payment received" box), overdue, and flagged for return;
 * the recall quarantine (scanned recalled parcels: return to the producer or record destruction)
 * and cash refunds due to 到站付款 buyers of a recalled lot.
 * Several points: ?point=<id> (another operator's point is 403).
 */
import { shanghaiDateTime } from "../../core/clock";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatFen } from "../../core/money";
import { useT } from "~/i18n/react";
import { cashRefundsDue, payOutCashRefund } from "~/market.server";
import {
  disposeRecalledParcel,
  quarantineParcel,
  handOutParcel,
  markParcelArrived,
  markReturned,
  operatorParcels,
  parcelIdForOperator,
  parsePickupQrPayload,
  type OperatorParcel,
} from "~/logistics.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";
import { act, load, type Refusal } from "~/utils/http.server";
import { counterLookup, handOutBuyerParcels, type CounterLookup } from "~/logistics.server";
import type { PageHandle } from "~/root";

/** The counter works as plain HTML forms (arrive, hand out, return): no script on a station phone (root.tsx). */
export const handle: PageHandle = { hydrate: false };

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "parcels.station.title");

const PointQuery = z.object({ point: z.coerce.number().int().positive().optional() });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "delivery_operator");
  const q = PointQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!q.success) throw new Response("error.notFound", { status: 400 });
  const db = getDb();
  const view = await load(() => operatorParcels(db, user, { pointId: q.data.point }));
  const fmt = (list: OperatorParcel[]) => list.map((p) => ({ ...p, holdUntilText: p.holdUntil ? shanghaiDateTime(p.holdUntil) : null }));
  const cashRefunds = view.point ? await load(() => cashRefundsDue(db, user, view.point!.id)) : [];
  return {
    ...view,
    expected: fmt(view.expected),
    arrived: fmt(view.arrived),
    overdue: fmt(view.overdue),
    flagged: fmt(view.flagged),
    quarantined: fmt(view.quarantined),
    cashRefunds,
  };
}

const ActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("arrive"), parcelCode: z.string().trim().min(1).max(200) }),
  // The counter box: label, QR, 6-digit code or phone tail (logistics/counter.ts).
  z.object({ intent: z.literal("lookup"), point: z.coerce.number().int().positive(), parcelCode: z.string().trim().min(1).max(200) }),
  z.object({
    intent: z.literal("handoutAll"),
    point: z.coerce.number().int().positive(),
    shownParcelId: z.coerce.number().int().positive(),
    pickupCode: z
      .string()
      .trim()
      .regex(/^\d{6}$/, "parcels.error.badPickupCode"),
    confirmPayment: z.literal("on").optional(),
  }),
  z.object({
    intent: z.literal("handout"),
    parcelId: z.coerce.number().int().positive(),
    pickupCode: z
      .string()
      .trim()
      .regex(/^\d{6}$/, "parcels.error.badPickupCode"),
    confirmPayment: z.literal("on").optional(),
  }),
  z.object({ intent: z.literal("return"), parcelId: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("quarantine"), parcelId: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("recallReturn"), parcelId: z.coerce.number().int().positive() }),
  z.object({
    intent: z.literal("destroy"),
    parcelId: z.coerce.number().int().positive(),
    quantity: z.coerce
      .number({ invalid_type_error: "parcels.error.destroyQuantity" })
      .int("parcels.error.destroyQuantity")
      .min(1, "parcels.error.destroyQuantity")
      .max(100_000, "parcels.error.destroyQuantity"),
    note: z.string().trim().max(200).optional(),
  }),
  z.object({ intent: z.literal("cashRefund"), refundId: z.coerce.number().int().positive() }),
]);

type ActionResult =
  | {
      ok: true;
      message: string;
      params: Record<string, string | number>;
      parcelId: number | null;
      lookup?: CounterLookup;
      keptBack?: { code: string; reason: string }[];
    }
  | { ok: false; error: string; params: Record<string, string | number>; parcelId: number | null };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "delivery_operator");
  const form = Object.fromEntries(await request.formData());
  const parsed = ActionSchema.safeParse(form);
  const fail = (error: string, status: number, params: Record<string, string | number> = {}, parcelId: number | null = null) =>
    data<ActionResult>({ ok: false, error, params, parcelId }, { status });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]?.message;
    const parcelId = Number(form.parcelId) || null;
    const known = issue === "parcels.error.badPickupCode" || issue === "parcels.error.destroyQuantity";
    return fail(
      known
        ? issue!
        : form.intent === "arrive"
          ? "parcels.error.badParcelCode"
          : form.intent === "lookup"
            ? "parcels.error.badCounterInput"
            : "parcels.error.badPickupCode",
      400,
      {},
      parcelId,
    );
  }
  const db = getDb();
  const input = parsed.data;
  /** A refused scan, named by parcel; a code typed at the wrong point reads as unknown (the parcel's existence is not revealed). */
  const refusedFor = (parcelId: number | null) => ({
    request,
    notFound: { messageKey: "parcels.error.parcelNotFound", status: 404 },
    reply: (r: Refusal): ActionResult => ({ ok: false, error: r.messageKey, params: r.params, parcelId }),
  });
  return act(
    async () => {
      if (input.intent === "arrive") {
        // The buyer's QR in the scan box: hand-out with the code it carries.
        const qr = parsePickupQrPayload(input.parcelCode);
        if (qr) {
          const parcelId = parcelIdForOperator(db, user, qr.parcelCode);
          return act(() => {
            const r = handOutParcel(db, user, { parcelId, pickupCode: qr.code });
            return data<ActionResult>({
              ok: true,
              message: r.paidAtPickup ? "parcels.station.paidAndHandedOut" : "parcels.station.handedOut",
              params: { parcel: r.code },
              parcelId,
            });
          }, refusedFor(parcelId));
        }
        const r = markParcelArrived(db, user, input.parcelCode);
        // A recalled lot: quarantine shelf, not a slot; the buyer is not called to collect it.
        if (r.quarantined) return data<ActionResult>({ ok: true, message: "parcels.quarantine.done", params: { parcel: r.code }, parcelId: r.parcelId });
        return data<ActionResult>({
          ok: true,
          message: "parcels.station.arrivedOk",
          params: { parcel: r.code, slot: r.slotCode ?? "—", buyer: r.buyerName },
          parcelId: r.parcelId,
        });
      }
      if (input.intent === "quarantine") {
        const { code } = quarantineParcel(db, user, input.parcelId);
        return data<ActionResult>({ ok: true, message: "parcels.quarantine.done", params: { parcel: code }, parcelId: input.parcelId });
      }
      if (input.intent === "recallReturn") {
        const { code } = disposeRecalledParcel(db, user, input.parcelId, { kind: "returned" });
        return data<ActionResult>({ ok: true, message: "parcels.quarantine.returned", params: { parcel: code }, parcelId: input.parcelId });
      }
      if (input.intent === "destroy") {
        const { code } = disposeRecalledParcel(db, user, input.parcelId, { kind: "destroyed", quantity: input.quantity, note: input.note });
        return data<ActionResult>({ ok: true, message: "parcels.quarantine.destroyed", params: { parcel: code }, parcelId: input.parcelId });
      }
      if (input.intent === "cashRefund") {
        const r = payOutCashRefund(db, user, input.refundId);
        return data<ActionResult>({
          ok: true,
          message: "parcels.station.cashRefunded",
          params: { amount: formatFen(r.amountFen), orderId: r.orderId },
          parcelId: null,
        });
      }
      if (input.intent === "lookup") {
        const found = counterLookup(db, user, input.point, input.parcelCode);
        if (found.kind === "arrive") {
          const r = markParcelArrived(db, user, found.parcelCode);
          // A recalled lot: quarantine shelf, not a slot; the buyer is not called to collect it.
          if (r.quarantined) return data<ActionResult>({ ok: true, message: "parcels.quarantine.done", params: { parcel: r.code }, parcelId: r.parcelId });
          return data<ActionResult>({
            ok: true,
            message: "parcels.station.arrivedOk",
            params: { parcel: r.code, slot: r.slotCode ?? "—", buyer: r.buyerName },
            parcelId: r.parcelId,
          });
        }
        return data<ActionResult>({ ok: true, message: "", params: {}, parcelId: null, lookup: found });
      }
      if (input.intent === "handoutAll") {
        const r = handOutBuyerParcels(db, user, {
          pointId: input.point,
          pickupCode: input.pickupCode,
          confirmPayment: input.confirmPayment === "on",
          parcelId: input.shownParcelId,
        });
        return data<ActionResult>({
          ok: true,
          message: "parcels.counter.handedOutAll",
          params: { count: r.handedOut.length, slots: r.slots.join("、") || "—" },
          parcelId: null,
          keptBack: r.keptBack,
        });
      }
      if (input.intent === "handout") {
        const r = handOutParcel(db, user, { parcelId: input.parcelId, pickupCode: input.pickupCode, confirmPayment: input.confirmPayment === "on" });
        return data<ActionResult>({
          ok: true,
          message: r.paidAtPickup ? "parcels.station.paidAndHandedOut" : "parcels.station.handedOut",
          params: { parcel: r.code },
          parcelId: r.parcelId,
        });
      }
      const { code } = markReturned(db, user, input.parcelId);
      return data<ActionResult>({ ok: true, message: "parcels.station.returned", params: { parcel: code }, parcelId: input.parcelId });
    },
    refusedFor("parcelId" in input ? input.parcelId : null),
  );
}

const big = { minHeight: "3rem", fontSize: "1.1rem" } as const;

export default function StationRoute() {
  const t = useT();
  const view = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const say = (key: string, params: Record<string, string | number>) => (t.has(key) ? t(key, params) : key);
  type Row = (typeof view.arrived)[number];

  const header = (p: Row) => (
    <p>
      <strong className="mono" data-testid="parcel-code">
        {p.code}
      </strong>{" "}
      {p.slotCode ? (
        <span className="badge" data-testid="parcel-slot" style={{ fontSize: "1rem" }}>
          {t("parcels.slot")} {p.slotCode}
        </span>
      ) : null}
      <span className="badge muted">{t(`parcels.size.${p.size}` as const)}</span>
      {p.chilled ? <span className="badge">{t("parcels.chilled")}</span> : null}
    </p>
  );
  const who = (p: Row) => (
    <p className="meta">
      {t("parcels.station.buyer")}: {p.buyerName} · {p.maskedPhone} · {t("orders.orderNo", { id: p.orderId })}
      {p.holdUntilText ? <> · {t("parcels.station.holdUntil", { deadline: p.holdUntilText })}</> : null}
    </p>
  );
  const feedback = (p: Row) =>
    result && result.parcelId === p.id && !result.ok ? (
      <p className="form-error" role="alert">
        {say(result.error, result.params)}
      </p>
    ) : null;

  const pickupForm = (p: Row) =>
    p.recallHold ? (
      <>
        <p className="form-error" data-testid="recall-hold" style={{ fontWeight: 700 }}>
          {t("parcels.recallHold")}
        </p>
        <Form method="post" className="button-row">
          <input type="hidden" name="intent" value="quarantine" />
          <input type="hidden" name="parcelId" value={p.id} />
          <button type="submit" className="secondary" style={big} disabled={busy}>
            {t("parcels.quarantine.move")}
          </button>
        </Form>
      </>
    ) : p.unweighed ? (
      <p className="warning">{t("parcels.station.notWeighed")}</p>
    ) : (
      <Form method="post" className="form" data-testid="pickup-form">
        <input type="hidden" name="intent" value="handout" />
        <input type="hidden" name="parcelId" value={p.id} />
        <div className="field">
          <label htmlFor={`code-${p.id}`}>{t("parcels.station.pickupCode")}</label>
          <input
            id={`code-${p.id}`}
            name="pickupCode"
            inputMode="numeric"
            pattern="[0-9]{6}"
            maxLength={6}
            minLength={6}
            autoComplete="off"
            required
            style={{ ...big, letterSpacing: "0.3em" }}
          />
        </div>
        {p.payDueFen !== null ? (
          <label className="field" style={{ display: "flex", gap: "0.5rem", alignItems: "center", ...big }}>
            <input type="checkbox" name="confirmPayment" required style={{ width: "1.5rem", height: "1.5rem" }} />
            {t("parcels.station.confirmPaid", { amount: formatFen(p.payDueFen) })}
          </label>
        ) : null}
        {p.locked ? <p className="warning">{t("parcels.station.locked")}</p> : null}
        <button type="submit" className="primary" style={big} disabled={busy}>
          {t("parcels.station.handOut")}
        </button>
      </Form>
    );

  const section = (id: string, title: string, list: Row[], body: (p: Row) => React.ReactNode) => (
    <section aria-labelledby={id} data-testid={id}>
      <h2 id={id}>
        {title} <span className="badge muted">{list.length}</span>
      </h2>
      {list.length === 0 ? <p className="meta">{t("parcels.station.none")}</p> : null}
      <ul style={{ listStyle: "none", padding: 0, display: "grid", gap: "0.5rem" }}>
        {list.map((p) => (
          <li key={p.id} className="panel" data-testid="station-parcel" data-parcel-code={p.code}>
            {header(p)}
            {who(p)}
            {p.payDueFen !== null ? <p className="price">{t("parcels.station.payDue", { amount: formatFen(p.payDueFen) })}</p> : null}
            {feedback(p)}
            {body(p)}
          </li>
        ))}
      </ul>
    </section>
  );

  const scanError =
    result &&
    !result.ok &&
    (result.parcelId === null || ![...view.arrived, ...view.overdue, ...view.flagged, ...view.quarantined].some((p) => p.id === result.parcelId));

  return (
    <section>
      <h1>{t("parcels.station.title")}</h1>
      {view.points.length === 0 ? <p>{t("parcels.station.noPoint")}</p> : null}
      {view.points.length > 1 ? (
        <Form method="get" className="filters" style={{ display: "flex", gap: "0.5rem", alignItems: "end", flexWrap: "wrap" }}>
          <div className="field">
            <label htmlFor="point">{t("parcels.station.choosePoint")}</label>
            <select id="point" name="point" defaultValue={view.point?.id} style={big}>
              {view.points.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="secondary" style={big}>
            {t("parcels.station.switch")}
          </button>
        </Form>
      ) : null}
      {view.point ? (
        <>
          <p className="meta" data-testid="station-point">
            {view.point.name} · {view.point.address} · {view.date}
          </p>
          {/* A new key after each success: the box is empty and focused again for the next scan. */}
          <Form method="post" className="form panel" data-testid="scan-form" key={result?.ok ? `done-${result.parcelId}-${result.message}` : "scan"}>
            <input type="hidden" name="intent" value="lookup" />
            <input type="hidden" name="point" value={view.point.id} />
            <div className="field">
              <label htmlFor="parcelCode">{t("parcels.counter.label")}</label>
              <input
                id="parcelCode"
                name="parcelCode"
                // A scanner is a keyboard: it types the code and presses Enter, so the box has the focus.
                // eslint-disable-next-line jsx-a11y/no-autofocus
                autoFocus
                inputMode={"latin" as "text"}
                autoCapitalize="characters"
                autoComplete="off"
                spellCheck={false}
                required
                maxLength={200}
                style={{ ...big, textTransform: "uppercase" }}
              />
              <p className="hint">{t("parcels.counter.hint")}</p>
            </div>
            <button type="submit" className="primary" style={big} disabled={busy}>
              {t("parcels.counter.find")}
            </button>
          </Form>
          {result?.ok && result.message ? (
            <p className="notice" role="status" data-testid="station-ok">
              {say(result.message, result.params)}
            </p>
          ) : null}
          {result?.ok && result.keptBack?.length ? (
            <ul className="warning" data-testid="kept-back">
              {result.keptBack.map((k) => (
                <li key={k.code}>{t("parcels.counter.keptBack", { parcel: k.code, reason: say(k.reason, {}) })}</li>
              ))}
            </ul>
          ) : null}
          {result?.ok && result.lookup && result.lookup.kind !== "arrive" ? <CounterResult lookup={result.lookup} pointId={view.point.id} busy={busy} /> : null}
          {scanError && result && !result.ok ? (
            <p className="form-error" role="alert" data-testid="station-error">
              {say(result.error, result.params)}
            </p>
          ) : null}
          {section("expected", t("parcels.station.expected"), view.expected, () => null)}
          {section("waiting", t("parcels.station.waiting"), view.arrived, pickupForm)}
          {section("overdue", t("parcels.station.overdue"), view.overdue, pickupForm)}
          {section("flagged", t("parcels.station.flagged"), view.flagged, (p) => (
            <>
              {pickupForm(p)}
              <Form method="post" className="button-row">
                <input type="hidden" name="intent" value="return" />
                <input type="hidden" name="parcelId" value={p.id} />
                <button type="submit" className="secondary" style={big}>
                  {t("parcels.station.return")}
                </button>
              </Form>
            </>
          ))}
          {view.quarantined.length ? <p className="warning">{t("parcels.quarantine.hint")}</p> : null}
          {section("quarantine", t("parcels.quarantine.heading"), view.quarantined, (p) => (
            <>
              <p className="form-error" style={{ fontWeight: 700 }}>
                {t("parcels.recallHold")}
              </p>
              <Form method="post" className="button-row">
                <input type="hidden" name="intent" value="recallReturn" />
                <input type="hidden" name="parcelId" value={p.id} />
                <button type="submit" className="secondary" style={big} disabled={busy}>
                  {t("parcels.quarantine.return")}
                </button>
              </Form>
              <Form method="post" className="form">
                <input type="hidden" name="intent" value="destroy" />
                <input type="hidden" name="parcelId" value={p.id} />
                <div className="field">
                  <label htmlFor={`destroy-${p.id}`}>{t("parcels.quarantine.quantity")}</label>
                  <input id={`destroy-${p.id}`} name="quantity" type="number" inputMode="numeric" min={1} required style={big} />
                </div>
                <button type="submit" className="secondary" style={big} disabled={busy}>
                  {t("parcels.quarantine.destroy")}
                </button>
              </Form>
            </>
          ))}
          {view.cashRefunds.length ? (
            <section aria-labelledby="cash-refunds" data-testid="cash-refunds">
              <h2 id="cash-refunds">{t("parcels.station.cashRefunds")}</h2>
              <ul style={{ listStyle: "none", padding: 0, display: "grid", gap: "0.5rem" }}>
                {view.cashRefunds.map((r) => (
                  <li key={r.refundId} className="panel">
                    <p>
                      {t("orders.orderNo", { id: r.orderId })} · {r.buyerName} · <strong>{formatFen(r.amountFen)}</strong>
                    </p>
                    <Form method="post" className="button-row">
                      <input type="hidden" name="intent" value="cashRefund" />
                      <input type="hidden" name="refundId" value={r.refundId} />
                      <button type="submit" className="primary" style={big} disabled={busy}>
                        {t("parcels.station.cashRefundPaid", { amount: formatFen(r.amountFen) })}
                      </button>
                    </Form>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** What the counter box found: one buyer's parcels with one confirm, or the buyers behind a phone tail. */
function CounterResult({ lookup, pointId, busy }: { lookup: Exclude<CounterLookup, { kind: "arrive" }>; pointId: number; busy: boolean }) {
  const t = useT();
  const groups = lookup.kind === "tail" ? lookup.groups : [lookup.group];
  const knownCode = lookup.kind === "code" ? lookup.pickupCode : null;
  return (
    <section className="panel" data-testid="counter-result" aria-live="polite">
      {lookup.kind === "tail" ? (
        <>
          <h2>
            {groups.length
              ? t("parcels.counter.tailResults", { tail: lookup.tail, count: groups.length })
              : t("parcels.counter.tailNone", { tail: lookup.tail })}
          </h2>
          {groups.length ? <p className="meta">{t("parcels.counter.tailNeedsCode")}</p> : null}
        </>
      ) : null}
      {groups.map((g, i) => (
        <div key={i} data-testid="counter-group" style={{ marginBlock: "0.75rem" }}>
          <h3>{t("parcels.counter.buyerParcels", { buyer: g.buyerName, phone: g.maskedPhone, count: g.parcels.length })}</h3>
          <ul>
            {g.parcels.map((p) => (
              <li key={p.id} data-testid="counter-parcel" data-parcel-code={p.code}>
                <strong className="mono">{p.code}</strong> · {t("parcels.slot")} <strong>{p.slotCode ?? "—"}</strong>
                {p.recallHold ? <span className="badge danger"> {t("parcels.recallHold")}</span> : null}
              </li>
            ))}
          </ul>
          <Form method="post" className="form" data-testid="handout-all-form">
            <input type="hidden" name="intent" value="handoutAll" />
            <input type="hidden" name="point" value={pointId} />
            <input type="hidden" name="shownParcelId" value={g.parcels[0].id} />
            {knownCode ? (
              <input type="hidden" name="pickupCode" value={knownCode} />
            ) : (
              <div className="field">
                <label htmlFor={`group-code-${i}`}>{t("parcels.counter.codeForBuyer")}</label>
                <input
                  id={`group-code-${i}`}
                  name="pickupCode"
                  inputMode="numeric"
                  pattern="[0-9]{6}"
                  maxLength={6}
                  minLength={6}
                  autoComplete="off"
                  required
                  style={{ ...big, letterSpacing: "0.3em" }}
                />
              </div>
            )}
            {g.payDueFen > 0 ? (
              <label className="field" style={{ display: "flex", gap: "0.5rem", alignItems: "center", ...big }}>
                <input type="checkbox" name="confirmPayment" required style={{ width: "1.5rem", height: "1.5rem" }} />
                {t("parcels.counter.payDue", { amount: formatFen(g.payDueFen) })}
              </label>
            ) : null}
            <button type="submit" className="primary" style={big} disabled={busy}>
              {t("parcels.counter.handOutAll", { count: g.parcels.length })}
            </button>
          </Form>
        </div>
      ))}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

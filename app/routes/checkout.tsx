/**
 * /checkout: contact phone + pickup point → the core checkout (one order, one sub-order per
 * producer, stock reserved and parcels made in the same transaction) → the order's PaymentIntent →
 * /orders/:id/pay.
 *
 * The pickup point: a radio list sorted by distance (the source of truth, works without JavaScript)
 * plus, once hydrated, a Leaflet map whose markers check the same radios. Distance is measured from
 * the phone's location (?lat=&lng=), else a village chosen in a GET form (?village=), else the
 * point of the buyer's last order; without any of these the list is sorted by name and nothing is
 * proposed (see resolveOrigin). Points that cannot take this cart's parcels are shown disabled with
 * the reason; the nearest one that can is pre-selected and labelled 推荐. Only the point the buyer
 * submits is stored (with delivery_point_chosen_at), and checkout checks it again under its lock.
 */
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigate } from "@remix-run/react";
import type { LinksFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import leafletStyles from "leaflet/dist/leaflet.css";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError, FormToken, SubmitButton } from "~/components/forms";
import { formatFen } from "../../core/money";
import { normalisePhone } from "../../core/phone";
import { useLocale, useT } from "~/i18n/react";
import { pick, type MessageKey } from "~/i18n/core";
import type { Params } from "~/i18n/core";
import {
  cartFingerprint,
  getCart,
  checkout,
  PointUnavailableError,
  createPaymentIntent,
  getStripe,
  DELIVERY_FEE_FEN,
  expectedPickupDate,
} from "~/market.server";
import { checkoutPointChoices } from "~/logistics.server";
import { formTokenOf, getEnv, logger, newFormToken } from "~/kernel.server";
import type { MapPoint } from "~/components/points-map.client";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireUser } from "~/utils/session.server";
import { act, refused } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "checkout.title");

// Single fetch does not reload loaders after a 4xx action; a refused point must show its new state.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod?.toUpperCase() === "POST" ? true : defaultShouldRevalidate;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: leafletStyles }];

// Leaflet is ~150 kB: loaded only in the browser, after the page (and its list) is usable.
const PointsMap = lazy(() => import("~/components/points-map.client"));

/** The map's first view covers the points this close to the origin. */
const MAP_FIT_KM = 25;

/** An optional query number: absent or empty → undefined (z.coerce alone would make "" a 0). */
const optionalNumber = (schema: z.ZodNumber) => z.preprocess((v) => (v === "" || v === undefined ? undefined : v), z.coerce.number().pipe(schema).optional());

/** Where distances are measured from (GET): the phone's location or a chosen village. Bad values are ignored. */
const OriginQuerySchema = z.object({
  lat: optionalNumber(z.number().min(-90).max(90)),
  lng: optionalNumber(z.number().min(-180).max(180)),
  village: optionalNumber(z.number().int().positive()),
});

const CheckoutSchema = z.object({
  contactPhone: z
    .string({ required_error: "orders.error.phone" })
    .trim()
    .refine((v) => normalisePhone(v) !== null, "orders.error.phone"),
  deliveryPointId: z.coerce
    .number({ required_error: "orders.error.deliveryPoint", invalid_type_error: "orders.error.deliveryPoint" })
    .int()
    .positive("orders.error.deliveryPoint"),
  // 到站付款 (W3): a checkbox; only staffed village stations accept it (checkout enforces it).
  payAtPickup: z.literal("on").optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const cart = getCart(db, user.id);
  if (cart.lines.length === 0) throw redirect("/cart");
  const url = new URL(request.url);
  const parsed = OriginQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  const q = parsed.success ? parsed.data : {};
  const choices = checkoutPointChoices(db, user.id, {
    lat: q.lat,
    lng: q.lng,
    villageId: q.village,
    noVillage: url.searchParams.get("village") === "",
  });
  const env = getEnv();
  // The form carries the cart it shows: checkout refuses to place a cart changed since (another tab).
  return {
    cart,
    cartFingerprint: cartFingerprint(db, user.id),
    formToken: newFormToken(),
    phone: user.phone,
    ...choices,
    tileUrl: env.TILE_URL ?? null,
    tileAttribution: env.TILE_ATTRIBUTION ?? null,
    // What delivery costs (nothing today) and when the parcels can first be collected, said before paying.
    deliveryFeeFen: DELIVERY_FEE_FEN,
    pickup: expectedPickupDate(),
  };
}

/** `reasonKey` is translated and passed as the {reason} parameter. */
type CheckoutError = { key: string; params?: Params; reasonKey?: string };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: CheckoutSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply(), error: null as CheckoutError | null }, { status: 400 });
  }
  const db = getDb();
  const shown = formData.get("cartFingerprint");
  const orderId = await act(
    () =>
      checkout(db, user, {
        ...submission.value,
        payAtPickup: submission.value.payAtPickup === "on",
        formToken: formTokenOf(formData),
        cartFingerprint: typeof shown === "string" ? shown : undefined,
      }).orderId,
    {
      request,
      // The page words the message with its params (and, for a point that cannot take the parcels, why not).
      reply: ({ messageKey, params, error }) => {
        const e: CheckoutError = { key: messageKey, params };
        if (error instanceof PointUnavailableError) e.reasonKey = `pointChoice.reason.${error.reason}`;
        return { result: submission.reply(), error: e };
      },
    },
  );
  if (refused(orderId)) return orderId;
  // 到站付款: no PaymentIntent; the station's operator confirms the payment at pickup.
  if (submission.value.payAtPickup === "on") return redirect(`/orders/${orderId}`);
  // The order (and its stock reservation) exists now. A Stripe hiccup here is not fatal: the pay
  // page asks createPaymentIntent again, which reuses the order's idempotency key.
  try {
    await createPaymentIntent(db, getStripe(), orderId);
  } catch (error) {
    logger.warn({ err: error, orderId }, "checkout: PaymentIntent not created yet");
  }
  return redirect(`/orders/${orderId}/pay`);
}

export default function CheckoutRoute() {
  const t = useT();
  const locale = useLocale();
  const {
    cart,
    cartFingerprint: shownFingerprint,
    formToken,
    points,
    phone,
    origin,
    needs,
    recommendedId,
    villages,
    tileUrl,
    tileAttribution,
    deliveryFeeFen,
    pickup,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const hydrated = useHydrated();
  const [form, fields] = useForm({
    id: "checkout",
    lastResult: actionData?.result,
    constraint: getZodConstraint(CheckoutSchema),
    defaultValue: { contactPhone: phone },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CheckoutSchema }),
    shouldRevalidate: "onBlur",
  });
  // The list is the source of truth; the map only sets this. Starts on the proposed point.
  const [selectedId, setSelectedId] = useState<number | null>(recommendedId);
  // Where distances are measured from: a new origin ("使用我的位置", another village) selects the point it recommends.
  const originKey = origin.kind === "none" ? "none" : `${origin.kind}:${origin.lat},${origin.lng}`;
  const shownOrigin = useRef(originKey);
  useEffect(() => {
    if (shownOrigin.current !== originKey) {
      shownOrigin.current = originKey;
      setSelectedId(recommendedId);
      return;
    }
    // After a refusal the list is reloaded: a choice that is no longer possible falls back to the proposal.
    setSelectedId((current) => (points.some((p) => p.id === current && p.feasibility.ok) ? current : recommendedId));
  }, [points, recommendedId, originKey]);

  const error = actionData?.error;
  // With JavaScript the page is not reloaded: bring a refusal (shown at the top) into view.
  useEffect(() => {
    if (error) document.getElementById("checkout-error")?.scrollIntoView({ block: "center" });
  }, [error]);
  const reasonText = (reason: string) => t(`pointChoice.reason.${reason}` as MessageKey);
  const mapPoints: MapPoint[] = points.map((p) => ({
    id: p.id,
    lat: p.lat,
    lng: p.lng,
    name: p.name,
    feasible: p.feasibility.ok,
    recommended: p.id === recommendedId,
  }));
  const mapOrigin = origin.kind === "none" ? null : { lat: origin.lat, lng: origin.lng };
  // The map opens on what is near (points within MAP_FIT_KM and the proposed one), else on the nearest three.
  const near = points.filter((p) => p.km !== null && (p.km <= MAP_FIT_KM || p.id === recommendedId));
  const fitIds = (mapOrigin ? (near.length ? near : points.slice(0, 3)) : points).map((p) => p.id);
  const originText =
    origin.kind === "location"
      ? t("pointChoice.origin.location")
      : origin.kind === "village"
        ? t("pointChoice.origin.village", { village: pick(locale, origin.nameZh, origin.nameEn) })
        : origin.kind === "lastOrder"
          ? t("pointChoice.origin.lastOrder", { name: origin.name })
          : t("pointChoice.origin.none");

  return (
    <section>
      <h1>{t("checkout.title")}</h1>
      {error ? (
        <p className="form-error" role="alert" id="checkout-error">
          {t.has(error.key)
            ? t(error.key as MessageKey, {
                ...error.params,
                ...(error.reasonKey && t.has(error.reasonKey) ? { reason: t(error.reasonKey as MessageKey) } : {}),
              })
            : error.key}
        </p>
      ) : null}

      <section className="panel" aria-labelledby="summary-heading">
        <h2 id="summary-heading">{t("checkout.summary")}</h2>
        <ul>
          {cart.lines.map((l) => (
            <li key={`${l.listingId}-${l.variantId}`}>
              {l.title}
              {l.variantName ? ` ${l.variantName}` : ""} × {l.quantity} <span className="meta">({l.producerName})</span> — {formatFen(l.lineTotalFen)}
            </li>
          ))}
        </ul>
        <p className="meta">{t("cart.producerCount", { count: cart.producerCount })}</p>
        <dl className="kv" data-testid="delivery-terms">
          <dt>{t("checkoutDelivery.fee")}</dt>
          <dd data-testid="delivery-fee">{deliveryFeeFen === 0 ? t("checkoutDelivery.free") : formatFen(deliveryFeeFen)}</dd>
          <dt>{t("pointChoice.heading")}</dt>
          <dd>
            <span data-testid="pickup-estimate">{t("checkoutDelivery.pickup", { month: pickup.month, day: pickup.day })}</span>
            <br />
            <span className="hint">{t("checkoutDelivery.pickupWhy")}</span>
          </dd>
        </dl>
        <p className="price">
          {t("cart.total")}: {formatFen(cart.totalFen)}
        </p>
        <Link to="/cart">{t("cart.viewCart")}</Link>
      </section>

      <section aria-labelledby="point-heading">
        <h2 id="point-heading">{t("pointChoice.heading")}</h2>
        <p className="meta">{originText}</p>
        {/* Without JavaScript: choose a village (GET). With it: the phone's location as well. */}
        <Form method="get" className="form" style={{ display: "flex", flexWrap: "wrap", gap: "0.5rem", alignItems: "flex-end" }}>
          <div className="field" style={{ flex: "1 1 12rem", minWidth: 0, margin: 0 }}>
            <label htmlFor="origin-village">{t("pointChoice.village")}</label>
            <select id="origin-village" name="village" defaultValue={origin.kind === "village" ? String(origin.villageId) : ""}>
              <option value="">{t("pointChoice.villageNone")}</option>
              {villages.map((v) => (
                <option key={v.id} value={v.id}>
                  {pick(locale, v.nameZh, v.nameEn)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button secondary">
            {t("pointChoice.sortByDistance")}
          </button>
          {hydrated ? <LocateButton /> : null}
        </Form>

        {hydrated && points.length ? (
          <>
            <Suspense fallback={<div style={{ height: 260, background: "#e9ede6", borderRadius: 8, margin: "0.5rem 0" }} />}>
              <PointsMap
                // A new origin is a new map: it fits the points near where the buyer now is.
                key={originKey}
                points={mapPoints}
                fitIds={fitIds}
                selectedId={selectedId}
                onSelect={setSelectedId}
                origin={mapOrigin}
                tileUrl={tileUrl}
                tileAttribution={tileAttribution}
                ariaLabel={t("pointChoice.map")}
                titleOf={(p) => {
                  const full = points.find((x) => x.id === p.id);
                  return full && !full.feasibility.ok ? `${p.name} — ${reasonText(full.feasibility.reason)}` : p.name;
                }}
              />
            </Suspense>
            <p className="hint">{t("pointChoice.mapHint")}</p>
          </>
        ) : null}
      </section>

      <Form method="post" className="form" {...getFormProps(form)}>
        <FormToken token={formToken} />
        <input type="hidden" name="cartFingerprint" value={shownFingerprint} />
        <fieldset className="field" style={{ minWidth: 0 }}>
          <legend>{t("checkout.deliveryPoint")}</legend>
          <p className="hint">{t("pointChoice.consent")}</p>
          {needs.length ? (
            <p className="meta">
              {t("pointChoice.parcels", { count: needs.length, chilled: needs.some((n) => n.chilled) ? t("pointChoice.parcelsChilled") : "" })}
            </p>
          ) : null}
          {points.length === 0 ? <p className="warning">{t("checkout.noDeliveryPoints")}</p> : null}
          {points.length > 0 && !points.some((p) => p.feasibility.ok) ? <p className="warning">{t("pointChoice.noneFeasible")}</p> : null}
          <ul style={{ listStyle: "none", padding: 0, margin: 0 }}>
            {points.map((p) => {
              const feasible = p.feasibility.ok;
              return (
                <li key={p.id} style={{ marginBottom: "0.5rem" }}>
                  <label
                    htmlFor={`point-${p.id}`}
                    style={{
                      display: "flex",
                      gap: "0.6rem",
                      alignItems: "flex-start",
                      padding: "0.6rem",
                      border: `1px solid ${selectedId === p.id ? "#2e7d32" : "#d0d7cc"}`,
                      borderRadius: 8,
                      opacity: feasible ? 1 : 0.6,
                      cursor: feasible ? "pointer" : "not-allowed",
                      minWidth: 0,
                    }}
                  >
                    <input
                      id={`point-${p.id}`}
                      type="radio"
                      name={fields.deliveryPointId.name}
                      value={p.id}
                      checked={selectedId === p.id}
                      onChange={() => setSelectedId(p.id)}
                      disabled={!feasible}
                      required
                      style={{ marginTop: "0.3rem", width: "1.2rem", height: "1.2rem", flex: "none" }}
                    />
                    <span style={{ minWidth: 0, overflowWrap: "anywhere" }}>
                      <strong>{p.name}</strong> {p.id === recommendedId ? <span className="badge">{t("pointChoice.recommended")}</span> : null}
                      <br />
                      <span className="meta">
                        {t(`pointChoice.kind.${p.kind}`)}
                        {p.km !== null ? <> · {t("pointChoice.km", { km: p.km.toFixed(1) })}</> : null} ·{" "}
                        {p.openingHours === "24h" ? t("pointChoice.hours24") : t("pointChoice.hours", { hours: p.openingHours })}
                      </span>
                      <br />
                      <span className="meta">{p.address}</span>
                      {!p.feasibility.ok ? (
                        <>
                          <br />
                          <strong className="point-unavailable">{t("pointChoice.unavailable", { reason: reasonText(p.feasibility.reason) })}</strong>
                        </>
                      ) : null}
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
          <FieldError id={fields.deliveryPointId.errorId} errors={fields.deliveryPointId.errors} />
        </fieldset>
        <div className="field">
          <label htmlFor={fields.contactPhone.id}>{t("checkout.contactPhone")}</label>
          <input {...getInputProps(fields.contactPhone, { type: "tel" })} autoComplete="tel" inputMode="tel" />
          <p className="hint">{t("checkout.contactPhoneHint")}</p>
          <FieldError id={fields.contactPhone.errorId} errors={fields.contactPhone.errors} />
        </div>
        {/* W3: pay at pickup (到站付款), offered when a staffed village station is listed */}
        {points.some((p) => p.payAtPickup) ? (
          <div className="field">
            <label>
              <input type="checkbox" name={fields.payAtPickup.name} /> {t("fulfilment.payAtPickup")}
            </label>
            <p className="hint">{t("fulfilment.payAtPickupHint")}</p>
          </div>
        ) : null}
        <div className="button-row">
          <SubmitButton className="primary">
            {t("checkout.placeOrder")} · {formatFen(cart.totalFen)}
          </SubmitButton>
        </div>
      </Form>
    </section>
  );
}

/** True once React runs in the browser (the map and the location button need it). */
function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/** Asks the phone for its position and reloads the list sorted from there (?lat=&lng=). */
function LocateButton() {
  const t = useT();
  const navigate = useNavigate();
  const [state, setState] = useState<"idle" | "locating" | "failed">("idle");
  return (
    <>
      <button
        type="button"
        className="button secondary"
        disabled={state === "locating"}
        onClick={() => {
          if (!("geolocation" in navigator)) return setState("failed");
          setState("locating");
          navigator.geolocation.getCurrentPosition(
            (pos) => {
              setState("idle");
              navigate(`?lat=${pos.coords.latitude.toFixed(5)}&lng=${pos.coords.longitude.toFixed(5)}`, { replace: true, preventScrollReset: true });
            },
            () => setState("failed"),
            { enableHighAccuracy: false, timeout: 10_000, maximumAge: 300_000 },
          );
        }}
      >
        {state === "locating" ? t("pointChoice.locating") : t("pointChoice.useMyLocation")}
      </button>
      {state === "failed" ? (
        <p className="warning" role="status" style={{ flexBasis: "100%" }}>
          {t("pointChoice.locationFailed")}
        </p>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

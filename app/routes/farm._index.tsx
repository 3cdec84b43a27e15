import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { fenToYuanInput, formatFen } from "../../core/money";
import { pick, type MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { bulkUpdatePriceStock, copyListing, getFarmOverview, householdsOfUser, invitationsFor, managedCooperatives, photoUrl } from "~/market.server";
import { listActorBatches } from "~/traceability.server";
import { BulkPriceStockSchema, CopyListingSchema } from "~/listings/schemas";
import { act } from "~/utils/http.server";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import type { PageHandle } from "~/root";

/** An overview of links and figures: plain HTML, no script on a farmer's phone (root.tsx). */
export const handle: PageHandle = { hydrate: false };

export const meta: MetaFunction = () => [{ title: "我的农场 · 村品" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const { producers, listings } = getFarmOverview(db, user);
  // Cooperative member households (issue 12 §3): the lots the user works on as a member, open invitations.
  const households = householdsOfUser(db, user);
  return {
    households,
    memberLots: households.length
      ? listActorBatches(db, user)
          .filter((b) => b.viaHousehold)
          .slice(0, 50)
          .map((b) => ({
            id: b.id,
            lotCode: b.lotCode,
            status: b.status,
            productNameZh: b.productNameZh,
            productNameEn: b.productNameEn,
            householdName: b.householdName,
          }))
      : [],
    invitationCount: invitationsFor(db, user).length,
    managesCoop: managedCooperatives(db, user).length > 0,
    producers,
    listings: listings.map(({ photoKey, ...l }) => ({
      ...l,
      photoUrl: photoKey ? photoUrl(photoKey) : null,
      lowStock: l.status === "published" && l.stock <= l.lowStockThreshold,
      priceInput: fenToYuanInput(l.priceFen),
    })),
  };
}

type ActionData = { error: string | null; params?: Record<string, string | number>; rowErrors?: Record<number, string> };

/** Copy a listing (intent=copy) or save the bulk price/stock table (intent=bulk). Owner-only: the domain checks every listing. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const formData = await request.formData();
  const db = getDb();
  const reply = (refusal: { messageKey: string; params?: Record<string, string | number> }): ActionData => ({
    error: refusal.messageKey,
    params: refusal.params,
  });
  if (formData.get("intent") === "copy") {
    const parsed = CopyListingSchema.safeParse({ intent: "copy", listingId: Number(formData.get("listingId")) });
    if (!parsed.success) return data<ActionData>({ error: "farm.listing.invalid" }, { status: 400 });
    return act(() => redirect(`/farm/listings/${copyListing(db, user, parsed.data.listingId)}/edit?notice=copied`), { request, reply });
  }
  const submission = parseWithZod(formData, { schema: BulkPriceStockSchema });
  if (submission.status !== "success") {
    // Which rows are wrong: "rows[3].price" → row 3 gets its message.
    const rowErrors: Record<number, string> = {};
    for (const [name, messages] of Object.entries(submission.error ?? {})) {
      const m = /^rows\[(\d+)\]/.exec(name);
      if (m && messages?.length) rowErrors[Number(m[1])] = messages[0];
    }
    return data<ActionData>({ error: "bulk.error.invalid", rowErrors }, { status: 400 });
  }
  return act(
    () => {
      const count = bulkUpdatePriceStock(
        db,
        user,
        submission.value.rows.map((r) => ({ listingId: r.listingId, priceFen: r.price, stock: r.stock })),
      );
      return redirect(`/farm?bulk=${count}`);
    },
    { request, reply },
  );
}

const STATUS_BADGE = { published: "badge", paused: "badge warn", draft: "badge muted", recalled: "badge danger" } as const;
const PRODUCER_BADGE: Record<string, string> = {
  valid: "badge",
  approved: "badge",
  pending_review: "badge warn",
  rejected: "badge muted",
};

export default function FarmRoute() {
  const t = useT();
  const locale = useLocale();
  const { producers, listings, households, memberLots, invitationCount, managesCoop } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [searchParams] = useSearchParams();
  const registered = searchParams.get("registered");
  const bulkSaved = searchParams.get("bulk");

  return (
    <section>
      <h1>{t("farm.title")}</h1>
      {registered === "valid" ? (
        <p className="notice" role="status">
          {t("farm.notice.producerRegistered")}
        </p>
      ) : registered === "pending_review" ? (
        <p className="warning" role="status">
          {t("farm.notice.producerPending")}
        </p>
      ) : null}
      {bulkSaved !== null && !actionData ? (
        <p className="notice" role="status">
          {t("bulk.saved", { count: Number(bulkSaved) || 0 })}
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="form-error" role="alert">
          {t.has(actionData.error) ? t(actionData.error as MessageKey, actionData.params) : actionData.error}
        </p>
      ) : null}

      {searchParams.get("joined") ? (
        <p className="notice" role="status">
          {t("coop.invitations.accepted")}
        </p>
      ) : null}
      {invitationCount > 0 ? (
        <p className="warning" role="status">
          {t("coop.invitations.banner", { count: invitationCount })} <Link to="/account/invitations">{t("coop.invitations.open")}</Link>
        </p>
      ) : null}
      {households.length > 0 ? (
        <section className="panel" aria-labelledby="member-lots">
          <h2 id="member-lots">{t("coop.farm.myLots")}</h2>
          <p className="meta">
            {households
              .map((h) =>
                t("coop.farm.household", {
                  producer: pick(locale, h.producerNameZh, h.producerNameEn),
                  household: h.householdName,
                  role: t(`coop.role.${h.role}` as MessageKey),
                }),
              )
              .join("；")}
          </p>
          {memberLots.length === 0 ? (
            <p className="hint">{t("coop.farm.noLots")}</p>
          ) : (
            <ul className="member-lots">
              {memberLots.map((lot) => (
                <li key={lot.id}>
                  <Link to={`/farm/batches/${lot.id}`}>
                    {pick(locale, lot.productNameZh, lot.productNameEn)} · {t("farmTrace.lotLabel", { lot: lot.lotCode })}
                    {lot.householdName ? ` · ${lot.householdName}` : ""}
                  </Link>{" "}
                  <span className="badge muted">{t(`farmTrace.status.${lot.status}` as MessageKey)}</span>
                </li>
              ))}
            </ul>
          )}
          <p>
            <Link to="/farm/batches">{t("coop.farm.allLots")}</Link>
          </p>
        </section>
      ) : null}
      {managesCoop ? (
        <p>
          <Link to="/farm/members" className="button secondary">
            {t("coop.farm.manageMembers")}
          </Link>
        </p>
      ) : null}

      {producers.length === 0 ? (
        <div className="panel">
          <h2>{t("farm.noProducerTitle")}</h2>
          <p>{t("farm.noProducer")}</p>
          <Link to="/farm/producers/new" className="button">
            {t("farm.registerProducer")}
          </Link>
        </div>
      ) : (
        <>
          <div className="button-row">
            <Link to="/farm/listings/new" className="button">
              ＋ {t("farm.newListing")}
            </Link>
            <Link to="/farm/orders" className="button secondary">
              {t("farmOrders.title")}
            </Link>
            <Link to="/farm/batches" className="button secondary">
              {t("farmTrace.batches.title")}
            </Link>
            <Link to="/farm/plots" className="button secondary">
              {t("farmTrace.plots.title")}
            </Link>
            <Link to="/farm/inputs" className="button secondary">
              {t("inputsMarket.stock.title")}
            </Link>
            <Link to="/farm/producers/new" className="button secondary">
              {t("farm.registerProducer")}
            </Link>
          </div>
          {producers.map((producer) => {
            const own = listings.filter((l) => l.producerId === producer.id);
            return (
              <section key={producer.id} className="farm-producer" aria-labelledby={`producer-${producer.id}`}>
                <h2 id={`producer-${producer.id}`}>
                  {pick(locale, producer.nameZh, producer.nameEn)}{" "}
                  <span className={PRODUCER_BADGE[producer.creditCodeStatus] ?? "badge muted"}>
                    {t(`farm.producerStatus.${producer.creditCodeStatus}` as MessageKey)}
                  </span>
                </h2>
                <p className="meta">
                  {t(`producerKind.${producer.kind}` as MessageKey)} · {t("farm.listingCount", { count: own.length })}
                </p>
                {producer.creditCodeStatus === "rejected" ? <p className="warning">{t("farm.producerStatus.rejectedHint")}</p> : null}
                <p>
                  <Link to={`/farm/producers/${producer.id}/verification`} className="button secondary">
                    {t("verification.link")}
                  </Link>
                </p>
                {own.length === 0 ? (
                  <p className="hint">{t("farm.noListings")}</p>
                ) : (
                  <ul className="farm-listings">
                    {own.map((l) => (
                      <li key={l.id} className="farm-listing">
                        {l.photoUrl ? (
                          <img src={l.photoUrl} alt="" width={96} height={72} loading="lazy" />
                        ) : (
                          <span className="farm-listing-nophoto">{t("farm.noPhoto")}</span>
                        )}
                        <div className="farm-listing-body">
                          <div className="title">{l.title}</div>
                          <div>
                            <span className={STATUS_BADGE[l.status]}>{t(`status.${l.status}`)}</span>
                            <span className="price">{t("price.per", { price: formatFen(l.priceFen), unit: t(`unit.${l.unit}`) })}</span>
                          </div>
                          <div className="meta">
                            {t(`category.${l.categorySlug}` as MessageKey)} · {l.productName} · {t("farm.stockLabel", { stock: l.stock })}
                            {l.packedQuantity != null ? ` · ${t("lowStock.packed", { quantity: l.packedQuantity })}` : ""}
                            {l.lowStock ? (
                              <>
                                {" "}
                                <span className="badge danger" data-testid="low-stock">
                                  {t("lowStock.badge")}
                                </span>
                              </>
                            ) : null}
                          </div>
                        </div>
                        <div className="farm-listing-actions">
                          <Link to={`/farm/listings/${l.id}/edit`} className="button secondary">
                            {t("farm.edit")}
                          </Link>
                          <Form method="post">
                            <input type="hidden" name="intent" value="copy" />
                            <input type="hidden" name="listingId" value={l.id} />
                            <button type="submit" className="secondary" style={{ minHeight: 44 }}>
                              {t("listingCopy.button")}
                            </button>
                          </Form>
                          {l.status === "published" ? <Link to={`/listings/${l.id}`}>{t("farm.view")}</Link> : null}
                        </div>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            );
          })}
          {listings.length ? <BulkEdit listings={listings} rowErrors={actionData?.rowErrors ?? {}} /> : null}
        </>
      )}
    </section>
  );
}

type BulkListing = { id: number; title: string; priceInput: string; stock: number; hasVariants: number; lowStock: boolean };

/** One row per listing; every row is sent, and the domain saves the changed ones in one transaction. */
function BulkEdit({ listings, rowErrors }: { listings: BulkListing[]; rowErrors: Record<number, string> }) {
  const t = useT();
  let row = -1;
  return (
    <section aria-labelledby="bulk-heading" className="panel">
      <h2 id="bulk-heading">{t("bulk.title")}</h2>
      <p className="hint">{t("bulk.hint")}</p>
      <Form method="post" data-testid="bulk-form">
        <input type="hidden" name="intent" value="bulk" />
        <div className="table-wrap">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">{t("bulk.listing")}</th>
                <th scope="col">{t("bulk.price")}</th>
                <th scope="col">{t("bulk.stock")}</th>
              </tr>
            </thead>
            <tbody>
              {listings.map((l) => {
                if (l.hasVariants) {
                  return (
                    <tr key={l.id}>
                      <td>{l.title}</td>
                      <td colSpan={2}>
                        <Link to={`/farm/listings/${l.id}/edit#variants`}>{t("bulk.hasVariantsRow")}</Link>
                      </td>
                    </tr>
                  );
                }
                row++;
                const error = rowErrors[row];
                return (
                  <tr key={l.id} data-testid="bulk-row" data-listing-id={l.id} className={error ? "row-error" : undefined}>
                    <td>
                      <input type="hidden" name={`rows[${row}].listingId`} value={l.id} />
                      {l.title}
                      {error ? (
                        <p className="form-error" role="alert">
                          {t.has(error) ? t(error as MessageKey) : error}
                        </p>
                      ) : null}
                    </td>
                    <td data-label={t("bulk.price")}>
                      <input
                        name={`rows[${row}].price`}
                        defaultValue={l.priceInput}
                        inputMode="decimal"
                        aria-label={`${l.title} ${t("bulk.price")}`}
                        style={{ width: "7em", minHeight: 44 }}
                      />
                    </td>
                    <td data-label={t("bulk.stock")}>
                      <input
                        name={`rows[${row}].stock`}
                        defaultValue={l.stock}
                        inputMode="numeric"
                        aria-label={`${l.title} ${t("bulk.stock")}`}
                        style={{ width: "6em", minHeight: 44 }}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <button type="submit" className="primary" style={{ minHeight: 44 }}>
          {t("bulk.save")}
        </button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

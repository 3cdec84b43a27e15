import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { ListingStatus } from "../../db/schema";
import { categories } from "~/utils/schema.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { fenToYuanInput } from "../../core/money";
import {
  getListingForEdit,
  listVariants,
  movePhoto,
  setListingStatus,
  setListingVariants,
  updateListing,
  MAX_PHOTOS_PER_LISTING,
  photoUrl,
} from "~/market.server";
import { getEnv } from "~/kernel.server";
import { type MessageKey } from "~/i18n/core";
import { useT } from "~/i18n/react";
import { ListingForm } from "~/listings/form";
import { EditListingSchema, ListingStatusSchema, PhotoMoveSchema, STATUS_INTENTS, VariantsSchema, listingFieldsOf } from "~/listings/schemas";
import { parseWithZod as parseTool } from "@conform-to/zod";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import { filesOf, parseUploadForm, stagePhotos, uploadTooLargeResult } from "~/utils/upload.server";
import { act, formReply, idParam, load, refused, type Refusal } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "编辑商品 · 村品" }];

const RULE_FIELD: Record<string, string> = {
  "farm.publishNeedsPhoto": "photos",
  "farm.publishNeedsPrice": "price",
  "farm.unknownCategory": "category",
  "inputsMarket.error.categoryFixed": "category",
  "inputsMarket.error.productFixed": "productName",
  "inputsMarket.error.licensedInputs": "title",
};
const INTENT_STATUS: Record<(typeof STATUS_INTENTS)[number], ListingStatus> = {
  publish: "published",
  pause: "paused",
  draft: "draft",
};
const NOTICES = ["created", "saved", "published", "paused", "draft", "copied", "variants", "photos"] as const;
const PHOTO_MOVES = { photo_cover: "cover", photo_up: "up", photo_down: "down" } as const;

/** The listing with its product, certifications and photos, if this user may edit it (else 403/404). */
function loadForEdit(db: Db, user: Parameters<typeof getListingForEdit>[1], listingId: number) {
  return load(() => getListingForEdit(db, user, listingId));
}

/** The traceability gate's refusal as the page shows it: which lots block publishing, and why. */
function gateOf(refusal: Refusal) {
  return {
    lines: refusal.blockerLines ?? [],
    lots: (refusal.blockers ?? []).filter((b) => b.batchId > 0).map((b) => ({ batchId: b.batchId, lotCode: b.lotCode })),
  };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const { listing, product, certifications, photos } = await loadForEdit(db, user, idParam(params.listingId));
  const category = db.select({ slug: categories.slug }).from(categories).where(eq(categories.id, listing.categoryId)).get();
  return {
    listing: { id: listing.id, status: listing.status, title: listing.title },
    defaultValue: {
      category: category?.slug,
      productName: product.nameZh,
      title: listing.title,
      description: listing.description,
      unit: listing.unit,
      price: fenToYuanInput(listing.priceFen),
      stock: listing.stock,
      certifications,
      chilled: listing.storage === "chilled",
      packageVolumeCm3: listing.packageVolumeCm3 ?? undefined,
    },
    photos: photos.map((p) => ({ id: p.id, url: photoUrl(p.fileKey), width: p.width, height: p.height })),
    variants: listVariants(db, listing.id).map((v) => ({ ...v, price: fenToYuanInput(v.priceFen) })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const listingId = idParam(params.listingId);
  // Ownership first: nothing from a stranger is even parsed.
  const current = await loadForEdit(db, user, listingId);

  const upload = await act(() => parseUploadForm(request), { request, reply: () => ({ result: uploadTooLargeResult(), statusError: null }) });
  if (refused(upload)) return upload;

  const intent = upload.formData.get("intent");
  // The photo order forms: make cover, move up or down.
  if (typeof intent === "string" && intent in PHOTO_MOVES) {
    const parsed = parseTool(upload.formData, { schema: PhotoMoveSchema });
    if (parsed.status !== "success") return data({ result: null, statusError: "farm.photo.invalid" }, { status: 400 });
    const moved = await act(() => movePhoto(db, user, listingId, parsed.value.photoId, PHOTO_MOVES[parsed.value.intent]), {
      request,
      notFound: { messageKey: "farm.photo.invalid", status: 400 },
      reply: (refusal) => ({ result: null, statusError: refusal.messageKey }),
    });
    if (refused(moved)) return moved;
    return redirect(`/farm/listings/${listingId}/edit?notice=photos#photo-order`);
  }
  // The variants form: sizes or weights, each with price and stock.
  if (intent === "variants") {
    const parsed = parseTool(upload.formData, { schema: VariantsSchema });
    if (parsed.status !== "success") {
      const first = Object.values(parsed.error ?? {}).flat()[0] ?? "variants.error.row";
      return data({ result: null, statusError: null, variantsError: first }, { status: 400 });
    }
    const saved = await act(() => setListingVariants(db, user, listingId, parsed.value.variants), {
      request,
      reply: (refusal) => ({ result: null, statusError: null, variantsError: refusal.messageKey, variantsParams: refusal.params }),
    });
    if (refused(saved)) return saved;
    return redirect(`/farm/listings/${listingId}/edit?notice=variants#variants`);
  }
  // The status form: publish / pause / back to draft.
  if (typeof intent === "string" && (STATUS_INTENTS as readonly string[]).includes(intent)) {
    const parsed = ListingStatusSchema.parse({ intent });
    const changed = await act(() => setListingStatus(db, user, listingId, INTENT_STATUS[parsed.intent]), {
      request,
      // The traceability gate: say which lots and records block publishing, and why.
      reply: (refusal) =>
        refusal.kind === "blocked"
          ? { result: null, statusError: refusal.messageKey, gate: gateOf(refusal) }
          : { result: null, statusError: refusal.messageKey },
    });
    if (refused(changed)) return changed;
    return redirect(`/farm/listings/${listingId}/edit?notice=${INTENT_STATUS[parsed.intent]}`);
  }

  const submission = parseWithZod(upload.formData, { schema: EditListingSchema });
  const oversize = upload.oversizeFields.includes("photos") ? ["photo.tooLarge"] : [];
  if (submission.status !== "success" || oversize.length) {
    const photoErrors = [...((submission.status === "error" ? submission.error?.photos : undefined) ?? []), ...oversize];
    return data({ result: submission.reply(photoErrors.length ? { fieldErrors: { photos: photoErrors } } : undefined), statusError: null }, { status: 400 });
  }
  const value = submission.value;
  const category = db.select({ id: categories.id }).from(categories).where(eq(categories.slug, value.category)).get();
  if (!category) {
    return data({ result: submission.reply({ fieldErrors: { category: ["farm.unknownCategory"] } }), statusError: null }, { status: 400 });
  }
  const newFiles = filesOf(upload.formData, "photos");
  const removePhotoIds = value.removePhotoIds.filter((id) => current.photos.some((p) => p.id === id));
  if (current.photos.length - removePhotoIds.length + newFiles.length > MAX_PHOTOS_PER_LISTING) {
    return data({ result: submission.reply({ fieldErrors: { photos: ["photo.tooMany"] } }), statusError: null }, { status: 400 });
  }

  /** A refusal on the form: the message on its field (or the form), no status error. */
  const onForm = (refusal: Refusal) => ({ result: formReply(submission, refusal), statusError: null });
  const staged = await act(() => stagePhotos(newFiles, getEnv().UPLOAD_DIR), { request, reply: onForm });
  if (refused(staged)) return staged;
  const save = () =>
    db.transaction(() => {
      updateListing(db, user, listingId, listingFieldsOf(value, category.id), { addPhotos: staged.photos, removePhotoIds });
      if (value.intent === "save_publish") setListingStatus(db, user, listingId, "published");
    });
  const saved = await act(save, {
    request,
    fieldOf: RULE_FIELD,
    onError: () => staged.discard(),
    // "Save and publish" refused by the traceability gate: nothing was saved; same answer as the publish button.
    reply: (refusal) => (refusal.kind === "blocked" ? { result: submission.reply(), statusError: refusal.messageKey, gate: gateOf(refusal) } : onForm(refusal)),
  });
  if (refused(saved)) return saved;
  await staged.commit();
  return redirect(`/farm/listings/${listingId}/edit?notice=${value.intent === "save_publish" ? "published" : "saved"}`);
}

/** What the action returns with `data()` (typed by hand: env.d.ts does not declare the single-fetch Future flag). */
type ActionData = {
  result: SubmissionResult<string[]> | null;
  statusError: string | null;
  gate?: { lines: string[]; lots: { batchId: number; lotCode: string }[] };
  variantsError?: string;
  variantsParams?: Record<string, string | number>;
};

export default function EditListingRoute() {
  const t = useT();
  const { listing, defaultValue, photos, variants } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  const [searchParams] = useSearchParams();
  const notice = searchParams.get("notice");
  const shownNotice = actionData ? null : NOTICES.find((n) => n === notice);
  const statusError = actionData?.statusError;

  return (
    <section>
      <p>
        <Link to="/farm">← {t("farm.backToFarm")}</Link>
      </p>
      <h1>{t("farm.editListingTitle")}</h1>
      {shownNotice ? (
        <p className="notice" role="status">
          {t(`farm.notice.${shownNotice}`)}
        </p>
      ) : null}

      <div className="panel status-panel">
        <h2>{t("farm.statusTitle")}</h2>
        <p>
          {t("farm.statusNow")}
          <span className={listing.status === "published" ? "badge" : listing.status === "paused" ? "badge warn" : "badge muted"}>
            {t(`status.${listing.status}`)}
          </span>
          {listing.status === "published" ? (
            <>
              {" "}
              <Link to={`/listings/${listing.id}`}>{t("farm.view")}</Link>
            </>
          ) : null}
        </p>
        {statusError ? (
          <p className="form-error" role="alert">
            {t.has(statusError) ? t(statusError as MessageKey) : statusError}
          </p>
        ) : null}
        {actionData?.gate ? (
          <div className="warning" id="publish-blockers">
            <ul>
              {actionData.gate.lines.map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
            <p className="hint">{t("trace.blocked.hint")}</p>
            {actionData.gate.lots.length ? (
              <p className="button-row">
                {actionData.gate.lots.map((l) => (
                  <Link key={l.batchId} className="button secondary" to={`/farm/batches/${l.batchId}`}>
                    {l.lotCode}
                  </Link>
                ))}
              </p>
            ) : (
              <p>
                <Link to="/farm/batches/new">{t("trace.blocked.createLot")}</Link>
              </p>
            )}
          </div>
        ) : null}
        <Form method="post" className="button-row">
          {listing.status !== "published" ? (
            <button type="submit" name="intent" value="publish" className="primary">
              {t("farm.publish")}
            </button>
          ) : null}
          {listing.status === "published" ? (
            <button type="submit" name="intent" value="pause" className="button secondary">
              {t("farm.pause")}
            </button>
          ) : null}
          {listing.status !== "draft" ? (
            <button type="submit" name="intent" value="draft" className="button secondary">
              {t("farm.backToDraft")}
            </button>
          ) : null}
        </Form>
      </div>

      <ListingForm
        // A new key after each save resets the form to the saved values.
        key={`${listing.id}-${photos.map((p) => p.id).join(",")}-${notice ?? ""}`}
        mode="edit"
        lastResult={actionData?.result}
        defaultValue={defaultValue}
        photos={photos}
        offerPublish={listing.status !== "published"}
      />

      {photos.length > 1 ? (
        <section className="panel" id="photo-order" aria-labelledby="photo-order-heading">
          <h2 id="photo-order-heading">{t("photoOrder.title")}</h2>
          <p className="hint">{t("photoOrder.hint")}</p>
          <ol style={{ listStyle: "none", padding: 0, display: "grid", gap: "0.5rem" }} data-testid="photo-order">
            {photos.map((p, i) => (
              <li key={p.id} data-photo-id={p.id} style={{ display: "flex", gap: "0.5rem", alignItems: "center", flexWrap: "wrap" }}>
                <img src={p.url} alt="" width={72} height={54} loading="lazy" style={{ objectFit: "cover" }} />
                {i === 0 ? <span className="badge">{t("photoOrder.cover")}</span> : null}
                <Form method="post" className="button-row" style={{ flexWrap: "wrap" }}>
                  <input type="hidden" name="photoId" value={p.id} />
                  {i > 0 ? (
                    <button type="submit" name="intent" value="photo_cover" className="secondary" style={{ minHeight: 44 }}>
                      {t("photoOrder.makeCover")}
                    </button>
                  ) : null}
                  {i > 0 ? (
                    <button type="submit" name="intent" value="photo_up" className="secondary" style={{ minHeight: 44 }}>
                      {t("photoOrder.up")}
                    </button>
                  ) : null}
                  {i < photos.length - 1 ? (
                    <button type="submit" name="intent" value="photo_down" className="secondary" style={{ minHeight: 44 }}>
                      {t("photoOrder.down")}
                    </button>
                  ) : null}
                </Form>
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      <section className="panel" id="variants" aria-labelledby="variants-heading">
        <h2 id="variants-heading">{t("variants.title")}</h2>
        <p className="hint">{t("variants.hint")}</p>
        {actionData?.variantsError ? (
          <p className="form-error" role="alert">
            {t.has(actionData.variantsError) ? t(actionData.variantsError as MessageKey, actionData.variantsParams) : actionData.variantsError}
          </p>
        ) : null}
        <Form method="post" key={variants.map((v) => `${v.id}:${v.price}:${v.stock}`).join(",")} data-testid="variants-form">
          <input type="hidden" name="intent" value="variants" />
          <div className="table-wrap">
            <table className="stack-table">
              <thead>
                <tr>
                  <th scope="col">{t("variants.name")}</th>
                  <th scope="col">{t("variants.price")}</th>
                  <th scope="col">{t("variants.stock")}</th>
                </tr>
              </thead>
              <tbody>
                {/* The current sizes and three empty rows to add more (no JavaScript needed). */}
                {[...variants, ...Array.from({ length: 3 }, () => null)].map((v, i) => (
                  <tr key={v ? v.id : `new-${i}`}>
                    <td data-label={t("variants.name")}>
                      <input
                        name={`variants[${i}].name`}
                        defaultValue={v?.name ?? ""}
                        maxLength={20}
                        aria-label={`${t("variants.name")} ${i + 1}`}
                        style={{ minHeight: 44, width: "8em" }}
                      />
                    </td>
                    <td data-label={t("variants.price")}>
                      <input
                        name={`variants[${i}].price`}
                        defaultValue={v?.price ?? ""}
                        inputMode="decimal"
                        aria-label={`${t("variants.price")} ${i + 1}`}
                        style={{ minHeight: 44, width: "6em" }}
                      />
                    </td>
                    <td data-label={t("variants.stock")}>
                      <input
                        name={`variants[${i}].stock`}
                        defaultValue={v?.stock ?? ""}
                        inputMode="numeric"
                        aria-label={`${t("variants.stock")} ${i + 1}`}
                        style={{ minHeight: 44, width: "5em" }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <button type="submit" className="primary" style={{ minHeight: 44 }}>
            {t("variants.save")}
          </button>
        </Form>
      </section>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

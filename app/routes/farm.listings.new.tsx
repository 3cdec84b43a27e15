import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { eq } from "drizzle-orm";
import { categories } from "~/utils/schema.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { ListingForm } from "~/listings/form";
import { createListing, setListingStatus, getFarmOverview } from "~/market.server";
import { earlierSubmission, formTokenOf, getEnv, newFormToken } from "~/kernel.server";
import { NewListingSchema, listingFieldsOf } from "~/listings/schemas";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import { filesOf, parseUploadForm, stagePhotos } from "~/utils/upload.server";
import { act, formReply, refused } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "发布新商品 · 村品" }];

/** Which form field a domain rule's message belongs next to. */
const RULE_FIELD: Record<string, string> = {
  "farm.publishNeedsPhoto": "photos",
  "farm.publishNeedsPrice": "price",
  "farm.unknownCategory": "category",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const { producers } = getFarmOverview(getDb(), user);
  if (producers.length === 0) throw redirect("/farm/producers/new");
  return { producers: producers.map((p) => ({ id: p.id, nameZh: p.nameZh, nameEn: p.nameEn })), formToken: newFormToken() };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const upload = await act(() => parseUploadForm(request), { request });
  if (refused(upload)) return upload;
  const submission = parseWithZod(upload.formData, { schema: NewListingSchema });
  const oversize = upload.oversizeFields.includes("photos") ? ["photo.tooLarge"] : [];
  if (submission.status !== "success" || oversize.length) {
    const photoErrors = [...((submission.status === "error" ? submission.error?.photos : undefined) ?? []), ...oversize];
    return data({ result: submission.reply(photoErrors.length ? { fieldErrors: { photos: photoErrors } } : undefined) }, { status: 400 });
  }
  const value = submission.value;
  // A forged producer id never reaches the database: the domain refuses it too, but say so here.
  if (!user.producerIds.includes(value.producerId)) {
    return data({ result: submission.reply({ fieldErrors: { producerId: ["farm.producer.notYours"] } }) }, { status: 400 });
  }
  const db = getDb();
  const formToken = formTokenOf(upload.formData);
  // This form was sent before (a double tap): the listing exists; go where the first one went.
  const prior = earlierSubmission<number>(db, { actorId: user.id, token: formToken, kind: "listing" });
  if (prior) return redirect(`/farm/listings/${prior.result}/edit?notice=${value.intent === "save_publish" ? "published" : "created"}`);
  const category = db.select({ id: categories.id }).from(categories).where(eq(categories.slug, value.category)).get();
  if (!category) {
    return data({ result: submission.reply({ fieldErrors: { category: ["farm.unknownCategory"] } }) }, { status: 400 });
  }

  const staged = await act(() => stagePhotos(filesOf(upload.formData, "photos"), getEnv().UPLOAD_DIR), { request, submission });
  if (refused(staged)) return staged;

  // One transaction: "save and publish" that fails to publish stores nothing.
  const save = () =>
    db.transaction(() => {
      const id = createListing(db, user, { producerId: value.producerId, ...listingFieldsOf(value, category.id) }, staged.photos, formToken);
      if (value.intent === "save_publish") setListingStatus(db, user, id, "published");
      return id;
    });
  const listingId = await act(save, {
    request,
    submission,
    fieldOf: RULE_FIELD,
    onError: () => staged.discard(),
    // The traceability gate: a new listing has no lot yet, so "save and publish" names what is
    // missing and stores nothing; "save as draft", then link a lot from its lot page.
    reply: (refusal) => ({ result: formReply(submission, refusal, refusal.kind === "blocked" ? ["trace.blocked.saveDraftFirst"] : []) }),
  });
  if (refused(listingId)) return listingId;
  await staged.commit();
  return redirect(`/farm/listings/${listingId}/edit?notice=${value.intent === "save_publish" ? "published" : "created"}`);
}

/** What the action returns with `data()` (typed by hand: env.d.ts does not declare the single-fetch Future flag). */
type ActionData = { result: SubmissionResult<string[]> };

export default function NewListingRoute() {
  const t = useT();
  const locale = useLocale();
  const { producers, formToken } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  return (
    <section>
      <p>
        <Link to="/farm">← {t("farm.backToFarm")}</Link>
      </p>
      <h1>{t("farm.newListingTitle")}</h1>
      <ListingForm
        mode="new"
        lastResult={actionData?.result}
        producers={producers.map((p) => ({ id: p.id, name: pick(locale, p.nameZh, p.nameEn) }))}
        defaultValue={{ producerId: producers.length === 1 ? producers[0].id : undefined, unit: "jin", stock: 0 }}
        offerPublish
        formToken={formToken}
      />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

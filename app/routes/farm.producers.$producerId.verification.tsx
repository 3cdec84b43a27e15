/**
 * /farm/producers/:producerId/verification — the producer's business licence photo and legal
 * representative (issue 12 §2). The owner submits them (multipart, works without JavaScript; the
 * photo is checked by content and size like listing photos); members see the status and the
 * platform's decision history. Only a platform admin decides (/admin/producers).
 */
import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError, FormErrors, SubmitButton } from "~/components/forms";
import { DecisionHistory } from "~/credit-ui/decision-history";
import { SubmitLicenceSchema } from "~/credit-ui/schemas";
import { useLocale, useT } from "~/i18n/react";
import { getEnv } from "~/kernel.server";
import { getOwnVerification, submitLicence } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { act, load, refused } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";
import { filesOf, parseUploadForm, stagePhotos } from "~/utils/upload.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "verification.title");

const ParamsSchema = z.object({ producerId: z.coerce.number().int().positive().max(2_147_483_647) });

async function context(request: Request, params: LoaderFunctionArgs["params"]) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const parsed = ParamsSchema.safeParse(params);
  if (!parsed.success) throw new Response("error.notFound", { status: 404 });
  return { user, producerId: parsed.data.producerId };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, producerId } = await context(request, params);
  return load(() => getOwnVerification(getDb(), user, producerId));
}

type ActionData = { result: SubmissionResult<string[]> };

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, producerId } = await context(request, params);
  // Ownership first: nobody else's upload is even parsed.
  await load(() => getOwnVerification(getDb(), user, producerId));
  const upload = await act(() => parseUploadForm(request), { request });
  if (refused(upload)) return upload;
  const submission = parseWithZod(upload.formData, { schema: SubmitLicenceSchema });
  const files = filesOf(upload.formData, "licence");
  const licenceErrors = upload.oversizeFields.includes("licence") ? ["photo.tooLarge"] : files.length !== 1 ? ["verification.error.licencePhoto"] : [];
  if (submission.status !== "success" || licenceErrors.length) {
    return data({ result: submission.reply({ fieldErrors: { licence: licenceErrors } }) }, { status: 400 });
  }
  const staged = await act(() => stagePhotos(files, getEnv().UPLOAD_DIR), { request, submission, fieldOf: () => "licence" });
  if (refused(staged)) return staged;
  const done = await act(
    () => {
      submitLicence(getDb(), user, producerId, { licenceFileKey: staged.photos[0].fileKey, legalRepName: submission.value.legalRepName });
      return redirect(`/farm/producers/${producerId}/verification?submitted=1`);
    },
    { request, submission, onError: () => staged.discard() },
  );
  if (refused(done)) return done;
  await staged.commit();
  return done;
}

export default function VerificationRoute() {
  const t = useT();
  const locale = useLocale();
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    id: "licence",
    lastResult: actionData?.result,
    constraint: getZodConstraint(SubmitLicenceSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SubmitLicenceSchema }),
    shouldRevalidate: "onBlur",
  });
  const v = d.verification;
  return (
    <article>
      <p>
        <Link to="/farm">{d.name}</Link>
      </p>
      <h1>{t("verification.title")}</h1>
      <p className="hint">{t("verification.intro")}</p>
      {searchParams.get("submitted") && !actionData ? (
        <p className="notice" role="status">
          {t("verification.submitted")}
        </p>
      ) : null}
      <dl className="kv">
        <dt>{t("verification.status")}</dt>
        <dd data-testid="licence-status">{t(`verification.status.${v.licenceStatus}` as const)}</dd>
        <dt>{t("credit.legalRep")}</dt>
        <dd>{v.legalRepName ?? "—"}</dd>
        {v.licencePhotoUrl ? (
          <>
            <dt>{t("verification.licencePhoto")}</dt>
            <dd>
              <a href={v.licencePhotoUrl}>
                <img src={v.licencePhotoUrl} alt={t("verification.licencePhoto")} width={160} height={120} style={{ objectFit: "contain" }} />
              </a>
            </dd>
          </>
        ) : null}
        {v.povertyAlleviation ? (
          <>
            <dt>{t("adminCredit.poverty")}</dt>
            <dd>
              <span className="badge poverty">{t("credit.povertyBadge")}</span>
            </dd>
          </>
        ) : null}
      </dl>
      {v.licenceStatus === "approved" ? null : d.isOwner ? (
        <Form method="post" encType="multipart/form-data" className="form" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <div className="field">
            <label htmlFor={fields.legalRepName.id}>{t("verification.legalRep")}</label>
            <input {...getInputProps(fields.legalRepName, { type: "text" })} defaultValue={v.legalRepName ?? ""} maxLength={40} autoComplete="name" />
            <FieldError id={fields.legalRepName.errorId} errors={fields.legalRepName.errors} />
          </div>
          <div className="field">
            <label htmlFor="licence-photo">{t("verification.licencePhoto")}</label>
            <input id="licence-photo" type="file" name="licence" accept="image/*" aria-describedby={fields.licence.errorId} />
            <FieldError id={fields.licence.errorId} errors={fields.licence.errors} />
          </div>
          <SubmitButton className="primary">{t("verification.submit")}</SubmitButton>
        </Form>
      ) : (
        <p className="hint">{t("verification.ownerOnly")}</p>
      )}
      <h2>{t("verification.history")}</h2>
      <DecisionHistory decisions={d.decisions} locale={locale} />
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

/**
 * /admin/logistics/points/new — a platform admin adds a delivery point (no slots yet: they are
 * added on the point's page, where the admin lands next). Guard → zod → createPoint → redirect.
 */
import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/react";
import { PointForm, pointInputFromForm, POINT_RULE_FIELD } from "~/logistics-ui/point-form";
import { PointSchema } from "~/logistics-ui/point-schemas";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";
import { act } from "~/utils/http.server";
import { createPoint, placeOptions } from "~/logistics.server";
import { formTokenOf, newFormToken } from "~/kernel.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "pointsAdmin.newTitle");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "platform_admin");
  return { places: placeOptions(getDb(), user), formToken: newFormToken() };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "platform_admin");
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: PointSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const value = submission.value;
  return act(
    () => {
      const pointId = createPoint(getDb(), user, pointInputFromForm(value), formTokenOf(formData));
      return redirect(`/admin/logistics/points/${pointId}?notice=created`);
    },
    { request, submission, fieldOf: POINT_RULE_FIELD },
  );
}

/** Typed by hand: env.d.ts does not declare the single-fetch Future flag. */
type ActionData = { result: SubmissionResult<string[]> };

export default function NewPointRoute() {
  const t = useT();
  const { places } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  return (
    <section>
      <p>
        <Link to="/admin/logistics">← {t("pointsAdmin.backToNetwork")}</Link>
      </p>
      <h1>{t("pointsAdmin.newTitle")}</h1>
      <p className="hint">{t("pointsAdmin.newIntro")}</p>
      <PointForm
        id="point-new"
        lastResult={actionData?.result}
        places={places}
        defaultValue={{ kind: "village_station", openingHours: "08:00-20:00", holdingDaysFresh: 3, holdingDaysOther: 7, active: true }}
        submitLabel={t("pointsAdmin.create")}
        showActive={false}
      />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

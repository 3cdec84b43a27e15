import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { hasOpenInvitation, login } from "~/market.server";
import { LoginSchema } from "~/auth/schemas";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError } from "~/components/forms";
import { useT } from "~/i18n/react";
import { mergeGuestCartAtLogin } from "~/utils/cart-cookie.server";
import { getDb } from "~/utils/db.server";
import { getClientIp, getOptionalUser, safeRedirect, startSession } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "登录 · 村品" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getOptionalUser(request)) throw redirect("/");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: LoginSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  }
  const { phone, password, redirectTo } = submission.value;
  const result = await login(getDb(), { phone, password, ip: getClientIp(request) });
  if (!result.ok) {
    const message = result.reason === "throttled" ? `auth.throttled|${Math.ceil(result.retryAfterMs / 60000)}` : "auth.badCredentials";
    return data({ result: submission.reply({ formErrors: [message], hideFields: ["password"] }) }, { status: result.reason === "throttled" ? 429 : 400 });
  }
  // The guest's cart (cookie) joins the buyer's saved cart: a cart survives login.
  return mergeGuestCartAtLogin(request, result.userId, await startSession(result.userId, afterLogin(result.userId, safeRedirect(redirectTo))));
}

export default function LoginRoute() {
  const t = useT();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    id: "login",
    lastResult: actionData?.result,
    constraint: getZodConstraint(LoginSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
    shouldRevalidate: "onBlur",
  });
  const formError = form.errors?.[0];
  let formErrorText: string | null = null;
  if (formError?.startsWith("auth.throttled|")) formErrorText = t("auth.throttled", { minutes: formError.split("|")[1] });
  else if (formError === "auth.badCredentials") formErrorText = t("auth.badCredentials");
  return (
    <section>
      <h1>{t("auth.loginTitle")}</h1>
      <Form method="post" className="form" {...getFormProps(form)}>
        {formErrorText ? (
          <p className="form-error" role="alert" id={form.errorId}>
            {formErrorText}
          </p>
        ) : null}
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/"} />
        <div className="field">
          <label htmlFor={fields.phone.id}>{t("auth.phone")}</label>
          <input {...getInputProps(fields.phone, { type: "tel" })} autoComplete="tel" inputMode="tel" />
          <FieldError id={fields.phone.errorId} errors={fields.phone.errors} />
        </div>
        <div className="field">
          <label htmlFor={fields.password.id}>{t("auth.password")}</label>
          <input {...getInputProps(fields.password, { type: "password" })} autoComplete="current-password" />
          <FieldError id={fields.password.errorId} errors={fields.password.errors} />
        </div>
        <div className="button-row">
          <button type="submit" className="primary">
            {t("nav.login")}
          </button>
        </div>
        <p>
          {t("auth.noAccount")}{" "}
          <Link to={`/signup${searchParams.get("redirectTo") ? `?redirectTo=${encodeURIComponent(searchParams.get("redirectTo")!)}` : ""}`}>
            {t("nav.signup")}
          </Link>
        </p>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

/** A cooperative's invitation waiting for this phone is shown first (issue 12 §3), unless a page was asked for. */
function afterLogin(userId: number, to: string): string {
  return to === "/" && hasOpenInvitation(getDb(), userId) ? "/account/invitations" : to;
}

import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { hasOpenInvitation, PhoneTakenError, signUp } from "~/market.server";
import { SignupSchema } from "~/auth/schemas";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError } from "~/components/forms";
import { useT } from "~/i18n/react";
import { getDb } from "~/utils/db.server";
import { getClientIp, getOptionalUser, safeRedirect, startSession } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "注册 · 村品" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getOptionalUser(request)) throw redirect("/");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: SignupSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["password", "passwordConfirm"] }) }, { status: 400 });
  }
  const { phone, password, displayName, redirectTo } = submission.value;
  try {
    const result = await signUp(getDb(), { phone, password, displayName, ip: getClientIp(request) });
    if (!result.ok) {
      return data(
        {
          result: submission.reply({
            formErrors: [`auth.signupThrottled|${Math.ceil(result.retryAfterMs / 60000)}`],
            hideFields: ["password", "passwordConfirm"],
          }),
        },
        { status: 429 },
      );
    }
    return startSession(result.userId, afterLogin(result.userId, safeRedirect(redirectTo)));
  } catch (error) {
    if (error instanceof PhoneTakenError) {
      return data({ result: submission.reply({ fieldErrors: { phone: ["auth.phoneTaken"] }, hideFields: ["password", "passwordConfirm"] }) }, { status: 400 });
    }
    throw error;
  }
}

export default function SignupRoute() {
  const t = useT();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    id: "signup",
    lastResult: actionData?.result,
    constraint: getZodConstraint(SignupSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignupSchema }),
    shouldRevalidate: "onBlur",
  });
  const formError = form.errors?.[0];
  const formErrorText = formError?.startsWith("auth.signupThrottled|") ? t("auth.signupThrottled", { minutes: formError.split("|")[1] }) : null;
  return (
    <section>
      <h1>{t("auth.signupTitle")}</h1>
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
          <label htmlFor={fields.displayName.id}>{t("auth.displayName")}</label>
          <input {...getInputProps(fields.displayName, { type: "text" })} autoComplete="nickname" />
          <FieldError id={fields.displayName.errorId} errors={fields.displayName.errors} />
        </div>
        <div className="field">
          <label htmlFor={fields.password.id}>{t("auth.password")}</label>
          <input {...getInputProps(fields.password, { type: "password" })} autoComplete="new-password" />
          <FieldError id={fields.password.errorId} errors={fields.password.errors} />
        </div>
        <div className="field">
          <label htmlFor={fields.passwordConfirm.id}>{t("auth.passwordConfirm")}</label>
          <input {...getInputProps(fields.passwordConfirm, { type: "password" })} autoComplete="new-password" />
          <FieldError id={fields.passwordConfirm.errorId} errors={fields.passwordConfirm.errors} />
        </div>
        <div className="button-row">
          <button type="submit" className="primary">
            {t("nav.signup")}
          </button>
        </div>
        <p>
          {t("auth.haveAccount")} <Link to="/login">{t("nav.login")}</Link>
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

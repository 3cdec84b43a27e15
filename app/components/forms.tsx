/** Form pieces shared by every form: labelled fields and errors translated from zod message keys. */
import type { FieldMetadata } from "@conform-to/react";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState, type ButtonHTMLAttributes, type ReactNode } from "react";
import { useT } from "~/i18n/react";

export function FieldError({ id, errors }: { id?: string; errors?: string[] | null }) {
  const t = useT();
  if (!errors?.length) return null;
  return (
    <ul id={id} className="field-error" role="alert">
      {errors.map((e) => (
        <li key={e}>{t.has(e) ? t(e) : e}</li>
      ))}
    </ul>
  );
}

/** The form's own errors (not tied to a field), plus an optional already-translated message. */
export function FormErrors({ id, errors, extra }: { id?: string; errors?: string[] | null; extra?: string | null }) {
  const t = useT();
  const all = [...(errors ?? []).filter(Boolean).map((e) => (t.has(e) ? t(e) : e)), ...(extra ? [extra] : [])];
  if (!all.length) return null;
  return (
    <div className="form-error" role="alert" id={id}>
      {all.map((e) => (
        <p key={e}>{e}</p>
      ))}
    </div>
  );
}

/** A labelled control with its hint and translated field errors. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function Field({ field, label, hint, children }: { field: FieldMetadata<any>; label: string; hint?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      {children}
      {hint ? (
        <p className="hint" id={`${field.id}-hint`}>
          {hint}
        </p>
      ) : null}
      <FieldError id={field.errorId} errors={field.errors} />
    </div>
  );
}

/** The one-time token of a create form (core/once.ts), rendered by the page's loader (default: its `formToken`). */
export function FormToken({ token }: { token?: string }) {
  const data = useLoaderData() as { formToken?: string } | undefined;
  const value = token ?? data?.formToken;
  return value ? <input type="hidden" name="formToken" value={value} /> : null;
}

/**
 * A form's submit button that shows a pending state and is disabled while a submission of the
 * page is on its way (and while its result loads), so a second tap sends nothing. Without
 * JavaScript it is a plain submit button (the one-time token guards the server side either way).
 * `pending`: pass a fetcher's state for a fetcher form.
 */
export function SubmitButton({
  children,
  pending: pendingProp,
  pendingLabel,
  disabled,
  onClick,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { pending?: boolean; pendingLabel?: ReactNode }) {
  const t = useT();
  const navigation = useNavigation();
  const posting = navigation.state !== "idle" && navigation.formMethod !== undefined && navigation.formMethod.toUpperCase() !== "GET";
  const pending = pendingProp ?? posting;
  // Only the button that was pressed says so; the page's other submit buttons are just disabled.
  const [pressed, setPressed] = useState(false);
  useEffect(() => {
    if (!pending) setPressed(false);
  }, [pending]);
  return (
    <button
      type="submit"
      {...props}
      disabled={disabled || pending}
      aria-busy={pending && pressed ? true : undefined}
      onClick={(event) => {
        setPressed(true);
        onClick?.(event);
      }}
    >
      {pending && pressed ? (pendingLabel ?? t("form.pending")) : children}
    </button>
  );
}

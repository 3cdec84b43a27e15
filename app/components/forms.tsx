/** Form pieces shared by every form: labelled fields and errors translated from zod message keys. */
import type { FieldMetadata } from "@conform-to/react";
import type { ReactNode } from "react";
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

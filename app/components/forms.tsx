/** Small form pieces shared by every form: field errors translated from zod message keys. */
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

/** The rating form (1–5 stars, text, up to 3 photos): a plain multipart POST to /orders/:orderId/sub/:subOrderId/rate. */
import { getFormProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import { FieldError, FormErrors, FormToken, SubmitButton } from "~/components/forms";
import { useT } from "~/i18n/react";
import { RatingSchema } from "~/orders-ui/after-sale-schemas";

export function RatingForm({ orderId, subOrderId, lastResult }: { orderId: number; subOrderId: number; lastResult?: SubmissionResult<string[]> }) {
  const t = useT();
  const [form, fields] = useForm({
    id: `rate-${subOrderId}`,
    lastResult,
    constraint: getZodConstraint(RatingSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RatingSchema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <Form
      method="post"
      encType="multipart/form-data"
      action={`/orders/${orderId}/sub/${subOrderId}/rate`}
      className="form"
      {...getFormProps(form)}
      data-testid="rating-form"
    >
      <FormErrors id={form.errorId} errors={form.errors} />
      <fieldset className="field">
        <legend>{t("ratings.starsLabel")}</legend>
        <div className="chips">
          {[5, 4, 3, 2, 1].map((n) => (
            <label key={n}>
              <input type="radio" name={fields.stars.name} value={n} defaultChecked={n === 5} /> {t("ratings.star", { n })}
            </label>
          ))}
        </div>
        <FieldError id={fields.stars.errorId} errors={fields.stars.errors} />
      </fieldset>
      <div className="field">
        <label htmlFor={fields.body.id}>{t("ratings.bodyLabel")}</label>
        <textarea {...getTextareaProps(fields.body)} rows={2} />
        <FieldError id={fields.body.errorId} errors={fields.body.errors} />
      </div>
      <div className="field">
        <label htmlFor={`rate-photos-${subOrderId}`}>{t("ratings.photosLabel")}</label>
        <input id={`rate-photos-${subOrderId}`} type="file" name="photos" accept="image/*" multiple aria-describedby={fields.photos.errorId} />
        <FieldError id={fields.photos.errorId} errors={fields.photos.errors} />
      </div>
      <FormToken />
      <SubmitButton className="secondary button">{t("ratings.submit")}</SubmitButton>
    </Form>
  );
}

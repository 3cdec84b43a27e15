/**
 * The listing form, shared by /farm/listings/new and /farm/listings/:id/edit.
 * A plain multipart POST (works without JavaScript); Conform adds instant field errors when
 * JavaScript runs. One column, big touch targets, usable at 360 px.
 */
import { getCollectionProps, getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import { FieldError, FormErrors, FormToken, SubmitButton } from "~/components/forms";

import { useT } from "~/i18n/react";
import {
  CATEGORY_SLUGS,
  CERTIFICATION_KINDS,
  EditListingSchema,
  MAX_PACKAGE_VOLUME_CM3,
  MAX_PHOTOS,
  MIN_PACKAGE_VOLUME_CM3,
  NewListingSchema,
  UNITS,
} from "./schemas";
import type { z } from "zod";

/** Every field of either form; the producer exists only on new listings, photo removal only on edit. */
type ListingFormShape = z.input<typeof NewListingSchema> & z.input<typeof EditListingSchema>;
type ListingFormValue = z.output<typeof NewListingSchema> | z.output<typeof EditListingSchema>;

export type ListingFormDefaults = {
  producerId?: number;
  category?: (typeof CATEGORY_SLUGS)[number];
  productName?: string;
  title?: string;
  description?: string;
  unit?: (typeof UNITS)[number];
  price?: string;
  stock?: number;
  certifications?: (typeof CERTIFICATION_KINDS)[number][];
  chilled?: boolean;
  packageVolumeCm3?: number;
};

export type ListingFormPhoto = { id: number; url: string; width: number; height: number };

type Props = {
  mode: "new" | "edit";
  lastResult?: SubmissionResult<string[]> | null;
  /** The producers the user belongs to (new listings only); the select is hidden when there is one. */
  producers?: { id: number; name: string }[];
  defaultValue: ListingFormDefaults;
  /** Current photos of the listing (edit only), each with a "remove" checkbox. */
  photos?: ListingFormPhoto[];
  /** Offer "save and publish" (new listings, and drafts or paused listings on edit). */
  offerPublish: boolean;
  /** The one-time token of a new-listing form (core/once.ts). */
  formToken?: string;
};

export function ListingForm({ mode, lastResult, producers = [], defaultValue, photos = [], offerPublish, formToken }: Props) {
  const t = useT();
  const schema = mode === "new" ? NewListingSchema : EditListingSchema;
  const [form, fields] = useForm<ListingFormShape, ListingFormValue>({
    id: `listing-${mode}`,
    lastResult,
    defaultValue: {
      ...defaultValue,
      stock: defaultValue.stock === undefined ? undefined : String(defaultValue.stock),
      chilled: defaultValue.chilled ? "on" : undefined,
      packageVolumeCm3: defaultValue.packageVolumeCm3 === undefined ? undefined : String(defaultValue.packageVolumeCm3),
    },
    constraint: getZodConstraint(schema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onBlur",
  });
  const producerField = mode === "new" ? fields.producerId : undefined;
  const formErrors = form.errors?.filter(Boolean) ?? [];

  return (
    <Form method="post" encType="multipart/form-data" className="form listing-form" {...getFormProps(form)}>
      <FormErrors id={form.errorId} errors={formErrors} />
      {formToken ? <FormToken token={formToken} /> : null}

      {mode === "new" && producerField ? (
        producers.length === 1 ? (
          <input type="hidden" name={producerField.name} value={producers[0].id} />
        ) : (
          <div className="field">
            <label htmlFor={producerField.id}>{t("farm.field.producer")}</label>
            <select {...getSelectProps(producerField)}>
              <option value="">{t("farm.choose")}</option>
              {producers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            <FieldError id={producerField.errorId} errors={producerField.errors} />
          </div>
        )
      ) : null}
      {mode === "new" && producers.length === 1 && producerField?.errors ? <FieldError id={producerField.errorId} errors={producerField.errors} /> : null}

      <div className="field">
        <label htmlFor={fields.category.id}>{t("farm.field.category")}</label>
        <select {...getSelectProps(fields.category)}>
          <option value="">{t("farm.choose")}</option>
          {CATEGORY_SLUGS.map((slug) => (
            <option key={slug} value={slug}>
              {t(`category.${slug}`)}
            </option>
          ))}
        </select>
        <FieldError id={fields.category.errorId} errors={fields.category.errors} />
      </div>

      <div className="field">
        <label htmlFor={fields.productName.id}>{t("farm.field.productName")}</label>
        <input {...getInputProps(fields.productName, { type: "text" })} aria-describedby={`${fields.productName.id}-hint`} />
        <p className="hint" id={`${fields.productName.id}-hint`}>
          {t("farm.field.productNameHint")}
        </p>
        <FieldError id={fields.productName.errorId} errors={fields.productName.errors} />
      </div>

      <div className="field">
        <label htmlFor={fields.title.id}>{t("farm.field.title")}</label>
        <input {...getInputProps(fields.title, { type: "text" })} aria-describedby={`${fields.title.id}-hint`} />
        <p className="hint" id={`${fields.title.id}-hint`}>
          {t("farm.field.titleHint")}
        </p>
        <FieldError id={fields.title.errorId} errors={fields.title.errors} />
      </div>

      <div className="field">
        <label htmlFor={fields.description.id}>{t("farm.field.description")}</label>
        <textarea {...getTextareaProps(fields.description)} rows={5} />
        <FieldError id={fields.description.errorId} errors={fields.description.errors} />
      </div>

      <div className="field-pair">
        <div className="field">
          <label htmlFor={fields.price.id}>{t("farm.field.price")}</label>
          <input
            {...getInputProps(fields.price, { type: "text" })}
            inputMode="decimal"
            autoComplete="off"
            placeholder="12.5"
            aria-describedby={`${fields.price.id}-hint`}
          />
          <p className="hint" id={`${fields.price.id}-hint`}>
            {t("farm.field.priceHint")}
          </p>
          <FieldError id={fields.price.errorId} errors={fields.price.errors} />
        </div>
        <div className="field">
          <label htmlFor={fields.unit.id}>{t("farm.field.unit")}</label>
          <select {...getSelectProps(fields.unit)}>
            <option value="">{t("farm.choose")}</option>
            {UNITS.map((unit) => (
              <option key={unit} value={unit}>
                {t(`unit.${unit}`)}
              </option>
            ))}
          </select>
          <FieldError id={fields.unit.errorId} errors={fields.unit.errors} />
        </div>
      </div>

      <div className="field">
        <label htmlFor={fields.stock.id}>{t("farm.field.stock")}</label>
        <input {...getInputProps(fields.stock, { type: "number" })} inputMode="numeric" step={1} />
        <FieldError id={fields.stock.errorId} errors={fields.stock.errors} />
      </div>

      {/* Logistics: which slot the parcels need (chilled) and how big they are (volume per unit). */}
      <div className="field">
        <label htmlFor={fields.chilled.id}>
          <input {...getInputProps(fields.chilled, { type: "checkbox" })} aria-describedby={`${fields.chilled.id}-hint`} /> {t("listingPack.chilled")}
        </label>
        <p className="hint" id={`${fields.chilled.id}-hint`}>
          {t("listingPack.chilledHint")}
        </p>
        <FieldError id={fields.chilled.errorId} errors={fields.chilled.errors} />
      </div>

      <div className="field">
        <label htmlFor={fields.packageVolumeCm3.id}>{t("listingPack.volume")}</label>
        <input
          {...getInputProps(fields.packageVolumeCm3, { type: "number" })}
          inputMode="numeric"
          step={1}
          aria-describedby={`${fields.packageVolumeCm3.id}-hint`}
        />
        <p className="hint" id={`${fields.packageVolumeCm3.id}-hint`}>
          {t("listingPack.volumeHint", { min: MIN_PACKAGE_VOLUME_CM3, max: MAX_PACKAGE_VOLUME_CM3 })}
        </p>
        <FieldError id={fields.packageVolumeCm3.errorId} errors={fields.packageVolumeCm3.errors} />
      </div>

      <fieldset>
        <legend>{t("farm.field.certifications")}</legend>
        <div className="checks big-checks">
          {getCollectionProps(fields.certifications, { type: "checkbox", options: [...CERTIFICATION_KINDS] }).map((props) => (
            <label key={props.id} htmlFor={props.id}>
              <input {...props} />
              {t(`cert.${props.value as (typeof CERTIFICATION_KINDS)[number]}`)}
            </label>
          ))}
        </div>
        <FieldError id={fields.certifications.errorId} errors={fields.certifications.errors} />
      </fieldset>

      <fieldset>
        <legend>{t("farm.field.photos")}</legend>
        {photos.length ? (
          <>
            <p className="hint">{t("farm.currentPhotos")}</p>
            <ul className="photo-edit-list">
              {photos.map((photo) => (
                <li key={photo.id}>
                  <img src={photo.url} alt="" width={photo.width} height={photo.height} loading="lazy" />
                  <label>
                    <input type="checkbox" name={fields.removePhotoIds.name} value={photo.id} />
                    {t("farm.removePhoto")}
                  </label>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {/* Two inputs: `capture` opens the camera directly but then hides the album on most phones. */}
        <label className="file-button" htmlFor={`${fields.photos.id}-camera`}>
          {t("farm.takePhoto")}
        </label>
        <input
          id={`${fields.photos.id}-camera`}
          type="file"
          name={fields.photos.name}
          accept="image/*"
          capture="environment"
          multiple
          aria-describedby={`${fields.photos.id}-hint ${fields.photos.errorId}`}
        />
        <label className="file-button" htmlFor={`${fields.photos.id}-album`}>
          {t("farm.chooseFromAlbum")}
        </label>
        <input
          id={`${fields.photos.id}-album`}
          type="file"
          name={fields.photos.name}
          accept="image/*"
          multiple
          aria-describedby={`${fields.photos.id}-hint ${fields.photos.errorId}`}
        />
        <p className="hint" id={`${fields.photos.id}-hint`}>
          {t("farm.field.photosHint", { max: MAX_PHOTOS })}
        </p>
        <FieldError id={fields.photos.errorId} errors={fields.photos.errors} />
      </fieldset>

      <div className="button-row sticky-actions">
        <SubmitButton name="intent" value="save" className={offerPublish ? "button secondary" : "primary"}>
          {mode === "new" ? t("farm.saveDraft") : t("farm.save")}
        </SubmitButton>
        {offerPublish ? (
          <SubmitButton name="intent" value="save_publish" className="primary">
            {t("farm.saveAndPublish")}
          </SubmitButton>
        ) : null}
      </div>
    </Form>
  );
}

/**
 * Records one event on a lot: GET shows the form for <type>, POST validates it (400 with
 * translated field errors, nothing stored) and appends it to the lot's signed chain through
 * recordEvent, then returns to the lot page. Only members of the lot's producer (403).
 */
import type { AuthUser } from "../../market/accounts/accounts";
import { occurredAtOf } from "../../core/clock";
import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { formTokenOf, getEnv, newFormToken } from "~/kernel.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { pick, type Locale, type MessageKey } from "~/i18n/core";
import { translate, getLocale } from "~/utils/i18n.server";
import { useLocale, useT } from "~/i18n/react";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import { getFarmInputStock, recordApplicationFromStock } from "~/market.server";
import { StockUseSchema } from "~/inputs-market/schemas";
import { filesOf, parseUploadForm, stagePhotos, uploadTooLargeResult } from "~/utils/upload.server";
import {
  getFarmBatch,
  producerOrigin,
  type FarmBatch,
  listAgriInputs,
  lotCompliance,
  recordEvent,
  validateRegistrationNo,
  validateFertilizerRegistrationNo,
  type NewProducerEvent,
} from "~/traceability.server";
import { BlockersList, FindingsPanel } from "~/traceability-ui/components";
import {
  CorrectionForm,
  EVENT_TITLE_KEYS,
  HarvestForm,
  InputApplicationForm,
  InspectionForm,
  PackingForm,
  ShippingForm,
  type CatalogueGroup,
  type CropChoices,
  type FormResult,
} from "~/traceability-ui/event-forms";
import { act, idParam, load, refused, type Refusal } from "~/utils/http.server";
import { blockerViews, findingViews, lotView, type BlockerView } from "~/traceability-ui/lot-view.server";
import { type AGRI_INPUT_KINDS, EVENT_SCHEMAS, isEventFormType, type EventFormType } from "~/traceability-ui/schemas";
import traceStyles from "~/traceability-ui/trace-ui.css";
import type { Db } from "../../db/client";
import { users } from "~/utils/schema.server";
import { eq } from "drizzle-orm";
import { cropDisplay, CROP_GROUPS, CROPS, cropTerms, findCrop, INPUT_KINDS_FOR_LOT, lotKindOf, type LotKind } from "../../traceability/crops";
import type { PayloadOf } from "../../traceability/types";
import type { z } from "zod";

export const meta: MetaFunction = () => [{ title: "记录 · 批次溯源 · 村品" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: traceStyles }];

function typeParam(value: string | undefined): EventFormType {
  if (!isEventFormType(value)) throw new Response("error.notFound", { status: 404 });
  return value;
}

function loadBatch(db: Db, user: AuthUser, batchId: number): Promise<FarmBatch> {
  return load(() => getFarmBatch(db, user, batchId));
}

const INPUT_KIND_OF: Record<(typeof AGRI_INPUT_KINDS)[number], PayloadOf<"input_application">["inputKind"]> = {
  seed: "other",
  fertilizer: "fertilizer",
  pesticide: "pesticide",
  veterinary_drug: "veterinary_drug",
  feed: "feed",
};

/** Drops undefined and empty values: the payload schemas are strict and the hash covers every key. */
function compact<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== "" && v !== null)) as T;
}

/** Catalogue kinds a lot takes: crops get pesticides, fertilisers and seeds; animals veterinary drugs and feed. */
const CATALOGUE_KINDS_FOR_LOT: Record<LotKind, readonly (typeof AGRI_INPUT_KINDS)[number][]> = {
  crop: ["pesticide", "fertilizer", "seed"],
  animal: ["veterinary_drug", "feed"],
};

type CatalogueItem = ReturnType<typeof listAgriInputs>[number];

/** The catalogue's registered use of a pesticide on this lot's crop: the longest interval of its rows for the crop. */
function catalogueUse(item: CatalogueItem, terms: Set<string>): { target: string; days: number; max: number | null } | null {
  const rows = item.intervals.filter((iv) => iv.intervalDays !== null && terms.has(iv.target));
  if (rows.length === 0) return null;
  const longest = rows.reduce((a, b) => (b.intervalDays! > a.intervalDays! ? b : a));
  const maxes = rows.map((r) => r.maxApplications).filter((m): m is number => m !== null);
  return { target: longest.target, days: longest.intervalDays!, max: maxes.length ? Math.min(...maxes) : null };
}

/** Catalogue entries this lot may take, grouped by kind, each with its registered use (or withdrawal period) for this lot's crop. */
function catalogueFor(db: Db, batch: FarmBatch, locale: Locale): CatalogueGroup[] {
  const terms = cropTerms(batch.crop, batch.categorySlug);
  const all = listAgriInputs(db);
  return CATALOGUE_KINDS_FOR_LOT[lotKindOf(batch.categorySlug)]
    .map((kind) => ({
      kind,
      items: all
        // A retired entry is offered for no new application (issue 12 §4); chains that name it keep it.
        .filter((i) => i.kind === kind && i.retiredAt === null)
        .map((i) => {
          const use = kind === "pesticide" ? catalogueUse(i, terms) : null;
          const withdrawal =
            kind === "veterinary_drug"
              ? Math.max(-1, ...i.intervals.filter((iv) => terms.has(iv.target) && iv.intervalDays !== null).map((iv) => iv.intervalDays!))
              : -1;
          const crop = use ? cropDisplay(use.target) : null;
          return {
            id: i.id,
            label: `${pick(locale, i.nameZh, i.nameEn)}${i.registrationNo ? ` ${i.registrationNo}` : ""}`,
            banned: i.banned,
            highlyToxic: i.toxicityClass === "highly_toxic" || i.toxicityClass === "extremely_toxic",
            use:
              use && crop
                ? translate(locale, "farmTrace.input.catalogueUse", { crop: pick(locale, crop.zh, crop.en), days: use.days })
                : withdrawal >= 0
                  ? translate(locale, "farmTrace.input.withdrawalDays", { days: withdrawal })
                  : null,
            noUse: kind === "pesticide" && !use,
          };
        }),
    }))
    .filter((g) => g.items.length > 0);
}

/** Label crops the farmer can pick: this lot's crop first, plant crop groups, then every plant crop. */
function cropChoicesFor(batch: FarmBatch, locale: Locale): CropChoices | null {
  if (lotKindOf(batch.categorySlug) !== "crop") return null;
  const label = (term: string) => {
    const d = cropDisplay(term);
    return pick(locale, d.zh, d.en);
  };
  const own = batch.crop ? (findCrop(batch.crop)?.key ?? batch.crop) : null;
  return {
    lotCrop: own ? { value: own, label: label(own) } : null,
    groups: Object.keys(CROP_GROUPS).map((g) => ({ value: g, label: label(g) })),
    crops: Object.entries(CROPS)
      .filter(([, c]) => !c.terms.some((t) => t === "meat animals" || t === "aquatic animals") && c.en !== "eggs" && c.en !== "milk")
      .map(([key]) => ({ value: key, label: label(key) })),
  };
}

function certificateDefaults(db: Db, batch: FarmBatch, user: AuthUser) {
  const phone = db.select({ phone: users.phone }).from(users).where(eq(users.id, user.id)).get()?.phone ?? "";
  return {
    productName: batch.productNameZh,
    quantity: batch.quantity,
    unit: batch.unit ?? "jin",
    origin: producerOrigin(db, batch.producerId),
    entityName: batch.producerNameZh,
    // A member household packs for the cooperative: its own phone is not offered for the public certificate.
    entityContact: batch.producerContact ?? (batch.managed ? phone : ""),
  };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const batchId = idParam(params.batchId);
  const type = typeParam(params.type);
  const batch = await loadBatch(db, user, batchId);
  if (batch.status === "recalled") throw redirect(`/farm/batches/${batchId}`);
  const locale = getLocale(request);
  const base = {
    type,
    formToken: newFormToken(),
    batch: { id: batch.id, lotCode: batch.lotCode, gtin: batch.gtin, productNameZh: batch.productNameZh, productNameEn: batch.productNameEn, unit: batch.unit },
  };
  switch (type) {
    case "input_application": {
      // From the farm's input stock (/farm/inputs): the stock row of this lot's farm, the input preset.
      const stockParam = Number(new URL(request.url).searchParams.get("stock")) || null;
      const stock = stockParam ? await load(() => getFarmInputStock(db, user, stockParam)) : null;
      if (stock && stock.producerId !== batch.producerId) throw new Response("error.notFound", { status: 404 });
      return {
        ...base,
        fromStock: stock
          ? { id: stock.id, agriInputId: stock.agriInputId, label: pick(locale, stock.nameZh, stock.nameEn), left: stock.quantity, unit: stock.unit }
          : null,
        catalogue: catalogueFor(db, batch, locale),
        inputKinds: INPUT_KINDS_FOR_LOT[lotKindOf(batch.categorySlug)],
        cropChoices: cropChoicesFor(batch, locale),
      };
    }
    case "packing": {
      // What still blocks packing once the certificate is there (the certificate itself is this form).
      const open = lotCompliance(db, batchId).filter((f) => f.code !== "missing_certificate");
      return { ...base, cert: certificateDefaults(db, batch, user), openFindings: findingViews(open, locale) };
    }
    case "correction": {
      const view = lotView(db, batchId, locale);
      const events = view.timeline
        .filter((e) => e.type !== "correction" && !e.retracted && e.type !== "arrival" && e.type !== "pickup" && e.type !== "recall")
        .map((e) => ({
          seq: e.seq,
          label: `${translate(locale, "farmTrace.recordNo", { seq: e.seq })} · ${translate(locale, `farmTrace.event.${e.type}` as MessageKey)} · ${e.correctedDate ?? e.date}${typeof e.payload.productName === "string" ? ` · ${e.payload.productName}` : ""}`,
        }));
      const seq = Number(new URL(request.url).searchParams.get("seq")) || null;
      return { ...base, events, seq: events.some((e) => e.seq === seq) ? seq : null };
    }
    default:
      return base;
  }
}

type ActionData = { result: SubmissionResult<string[]> | null; formError: string | null; blockers: BlockerView[] | null };
const reply400 = (result: SubmissionResult<string[]> | null, formError: string | null = null, blockers: BlockerView[] | null = null, status = 400) =>
  data<ActionData>({ result, formError, blockers }, { status });

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const batchId = idParam(params.batchId);
  const type = typeParam(params.type);
  // Membership first: nothing from a stranger is even parsed.
  const batch = await loadBatch(db, user, batchId);
  const locale = getLocale(request);

  const upload = await act(() => parseUploadForm(request), {
    request,
    reply: (): ActionData => ({ result: uploadTooLargeResult(), formError: null, blockers: null }),
  });
  if (refused(upload)) return upload;
  const { formData, oversizeFields: oversize } = upload;

  const schema = EVENT_SCHEMAS[type] as z.ZodTypeAny;
  const submission = parseWithZod(formData, { schema });
  if (submission.status !== "success") return reply400(submission.reply());
  /** A refusal: the gate's blocking lots, a message on its field, or the form's message. */
  const reply = (refusal: Refusal): ActionData => {
    if (refusal.kind === "blocked") return { result: submission.reply(), formError: null, blockers: blockerViews(refusal.blockers ?? [], locale) };
    if (refusal.field) return { result: submission.reply({ fieldErrors: { [refusal.field]: [refusal.text] } }), formError: null, blockers: null };
    return { result: submission.reply(), formError: refusal.text, blockers: null };
  };
  const now = Date.now();
  // One schema per event type (EventSchemas): each case below reads the fields its own schema validated.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const v = submission.value as Record<string, any>;
  const occurredAt = type === "correction" ? now : occurredAtOf(v.date, now);

  // An application from the farm's input stock: which row and how much comes off it (same transaction as the event).
  let stockUse: { stockId: number; quantity: number } | null = null;
  if (type === "input_application" && formData.get("stockId") !== null) {
    const use = parseWithZod(formData, { schema: StockUseSchema });
    if (use.status !== "success") {
      return reply400(submission.reply({ fieldErrors: { usedQuantity: use.error?.usedQuantity ?? ["inputsMarket.error.quantity"] } }));
    }
    stockUse = { stockId: use.value.stockId, quantity: use.value.usedQuantity };
  }

  let event: NewProducerEvent;
  let staged: Awaited<ReturnType<typeof stagePhotos>> | null = null;
  switch (type) {
    case "input_application": {
      const lotKind = lotKindOf(batch.categorySlug);
      let fromCatalogue: CatalogueItem | undefined;
      if (v.inputId !== undefined) {
        fromCatalogue = listAgriInputs(db).find((i) => i.id === v.inputId);
        if (!fromCatalogue || fromCatalogue.retiredAt !== null) return reply400(submission.reply({ fieldErrors: { inputId: ["farmTrace.input.unknown"] } }));
        // Only inputs for the lot's kind: no veterinary drug on an apple lot, no pesticide on a pig.
        if (!CATALOGUE_KINDS_FOR_LOT[lotKind].includes(fromCatalogue.kind))
          return reply400(submission.reply({ fieldErrors: { inputId: ["farmTrace.input.wrongKind"] } }));
      }
      const inputKind = fromCatalogue ? INPUT_KIND_OF[fromCatalogue.kind] : (v.inputKind as PayloadOf<"input_application">["inputKind"]);
      if (!INPUT_KINDS_FOR_LOT[lotKind].includes(inputKind)) return reply400(submission.reply({ fieldErrors: { inputKind: ["farmTrace.input.wrongKind"] } }));
      let registrationNo: string | undefined = fromCatalogue?.registrationNo ?? v.registrationNo;
      if (!fromCatalogue && registrationNo && inputKind === "pesticide") {
        const check = validateRegistrationNo(registrationNo, { at: occurredAt });
        if (!check.ok) return reply400(submission.reply({ fieldErrors: { registrationNo: [`farmTrace.regno.${check.reason}`] } }));
        registrationNo = check.normalised;
      }
      if (!fromCatalogue && registrationNo && inputKind === "fertilizer") {
        const check = validateFertilizerRegistrationNo(registrationNo);
        if (!check.ok) return reply400(submission.reply({ fieldErrors: { registrationNo: [`trace.fertregno.${check.reason}`] } }));
        registrationNo = check.normalised;
      }
      // The registered use: what the farmer copied from the label (declared), else the catalogue's use for this crop.
      let use: Pick<PayloadOf<"input_application">, "registeredCrop" | "labelIntervalDays" | "labelMaxApplications" | "intervalSource"> = {};
      if (inputKind === "pesticide") {
        if (v.registeredCrop) {
          use = {
            registeredCrop: v.registeredCrop,
            labelIntervalDays: v.labelIntervalDays,
            labelMaxApplications: v.labelMaxApplications,
            intervalSource: "declared",
          };
        } else {
          const known = fromCatalogue ? catalogueUse(fromCatalogue, cropTerms(batch.crop, batch.categorySlug)) : null;
          if (!known) {
            return reply400(
              submission.reply({
                fieldErrors: { registeredCrop: ["farmTrace.input.registeredCrop.required"], labelIntervalDays: ["farmTrace.input.labelInterval.required"] },
              }),
            );
          }
          use = { registeredCrop: known.target, labelIntervalDays: known.days, labelMaxApplications: known.max ?? undefined, intervalSource: "catalogue" };
        }
      }
      const labelFiles = filesOf(formData, "labelPhoto");
      if (oversize.includes("labelPhoto")) return reply400(submission.reply({ fieldErrors: { labelPhoto: ["photo.tooLarge"] } }));
      if (labelFiles.length > 0 && inputKind === "pesticide") {
        const labelPhoto = await act(() => stagePhotos(labelFiles.slice(0, 1), getEnv().UPLOAD_DIR), {
          request,
          reply,
          fieldOf: () => "labelPhoto",
        });
        if (refused(labelPhoto)) return labelPhoto;
        staged = labelPhoto;
      }
      const toxicity = fromCatalogue?.toxicityClass;
      event = {
        type,
        occurredAt,
        payload: compact({
          inputKind,
          productName: fromCatalogue ? fromCatalogue.nameZh : v.productName,
          activeIngredient: fromCatalogue?.activeIngredient ?? v.activeIngredient,
          registrationNo,
          dose: v.dose,
          areaMu: v.areaMu,
          method: v.method,
          ...use,
          labelPhoto: staged?.photos[0]?.fileKey,
          toxicityClass: toxicity ?? undefined,
        }),
      };
      break;
    }
    case "harvest":
      event = { type, occurredAt, payload: compact({ quantity: v.quantity, unit: v.unit, lotCode: batch.lotCode, gtin: batch.gtin ?? undefined }) };
      break;
    case "inspection": {
      const files = filesOf(formData, "photo");
      if (oversize.includes("photo")) return reply400(submission.reply({ fieldErrors: { photo: ["photo.tooLarge"] } }));
      const inspectionPhoto = await act(() => stagePhotos(files.slice(0, 1), getEnv().UPLOAD_DIR), {
        request,
        reply,
        fieldOf: () => "photo",
      });
      if (refused(inspectionPhoto)) return inspectionPhoto;
      staged = inspectionPhoto;
      const photo = staged.photos[0];
      event = {
        type,
        occurredAt,
        payload: compact({ result: v.result, kind: v.kind, inspector: v.inspector, reportNo: v.reportNo, notes: v.notes, certificatePhoto: photo?.fileKey }),
      };
      break;
    }
    case "packing":
      event = {
        type,
        occurredAt,
        payload: compact({
          quantity: v.certQuantity,
          unit: v.certUnit,
          packageCount: v.packageCount,
          certificate: {
            productName: v.certProductName,
            quantity: v.certQuantity,
            unit: v.certUnit,
            origin: v.certOrigin,
            issuedAt: occurredAt,
            entityName: v.certEntityName,
            entityContact: v.certEntityContact,
            commitment: { noBannedOrRestrictedInputs: true, intervalsObserved: true, residueStandardsMet: true },
          },
        }),
      };
      break;
    case "shipping":
      event = { type, occurredAt, payload: compact({ carrier: v.carrier, trackingNo: v.trackingNo, destination: v.destination, orderId: v.orderId }) };
      break;
    case "correction": {
      // One evidence photo (a receipt, the label, a lab report) for the inspector who reviews it.
      const files = filesOf(formData, "evidencePhoto");
      if (oversize.includes("evidencePhoto")) return reply400(submission.reply({ fieldErrors: { evidencePhoto: ["photo.tooLarge"] } }));
      const evidence = await act(() => stagePhotos(files.slice(0, 1), getEnv().UPLOAD_DIR), {
        request,
        reply,
        fieldOf: () => "evidencePhoto",
      });
      if (refused(evidence)) return evidence;
      staged = evidence;
      const evidencePhoto = staged.photos[0]?.fileKey;
      event = {
        type,
        occurredAt: now,
        correctsSeq: v.seq,
        payload: compact(
          v.action === "retract"
            ? { reason: v.reason, retract: true as const, evidencePhoto }
            : { reason: v.reason, occurredAt: occurredAtOf(v.newDate, now), evidencePhoto },
        ),
      };
      break;
    }
  }

  const recorded = await act(
    () =>
      stockUse
        ? recordApplicationFromStock(db, user, { ...stockUse, batchId, inputId: v.inputId }, event, formTokenOf(formData))
        : recordEvent(db, user, batchId, event, formTokenOf(formData)),
    {
      request,
      fieldOf: {
        "trace.error.correctionTarget": "seq",
        "inputsMarket.error.notEnough": "usedQuantity",
        "inputsMarket.error.retiredInput": "inputId",
        "inputsMarket.error.expired": "usedQuantity",
        "inputsMarket.error.voidedStock": "usedQuantity",
        "inputsMarket.error.stockInput": "inputId",
      },
      onError: () => staged?.discard(),
      reply,
    },
  );
  if (refused(recorded)) return recorded;
  await staged?.commit();
  if (stockUse) return redirect(`/farm/inputs?used=${stockUse.stockId}`);
  return redirect(`/farm/batches/${batchId}?recorded=${type}`);
}

export default function RecordEventRoute() {
  const t = useT();
  const locale = useLocale();
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  const { type, batch } = loaderData;
  const lastResult = actionData?.result as FormResult;
  const formError = actionData?.formError ?? null;

  let form;
  switch (type) {
    case "input_application":
      form =
        "catalogue" in loaderData ? (
          <InputApplicationForm
            lastResult={lastResult}
            formError={formError}
            catalogue={loaderData.catalogue}
            inputKinds={loaderData.inputKinds}
            cropChoices={loaderData.cropChoices}
            fromStock={loaderData.fromStock}
          />
        ) : null;
      break;
    case "harvest":
      form = <HarvestForm lastResult={lastResult} formError={formError} lotCode={batch.lotCode} gtin={batch.gtin} defaultUnit={batch.unit ?? "jin"} />;
      break;
    case "inspection":
      form = <InspectionForm lastResult={lastResult} formError={formError} />;
      break;
    case "packing":
      form = "cert" in loaderData ? <PackingForm lastResult={lastResult} formError={formError} cert={loaderData.cert} /> : null;
      break;
    case "shipping":
      form = <ShippingForm lastResult={lastResult} formError={formError} />;
      break;
    case "correction":
      form = (
        <CorrectionForm
          lastResult={lastResult}
          formError={formError}
          events={"events" in loaderData ? loaderData.events : []}
          seq={"seq" in loaderData ? loaderData.seq : null}
        />
      );
      break;
  }

  return (
    <section className="tf-page">
      <p>
        <Link to={`/farm/batches/${batch.id}`}>
          ← {pick(locale, batch.productNameZh, batch.productNameEn)} · {batch.lotCode}
        </Link>
      </p>
      <h1>{t(EVENT_TITLE_KEYS[type])}</h1>
      <p className="hint">{t(`farmTrace.form.${type}.lead`)}</p>
      {actionData?.blockers?.length ? (
        <>
          <p className="form-error" role="alert">
            {t("trace.blocked.packingTitle")}
          </p>
          <BlockersList blockers={actionData.blockers} />
        </>
      ) : "openFindings" in loaderData && loaderData.openFindings.length ? (
        <FindingsPanel findings={loaderData.openFindings} batchId={batch.id} title={t("trace.blocked.packingTitle")} />
      ) : null}
      {form}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

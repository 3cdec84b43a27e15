/**
 * Pieces of the farmer's lot pages: verification badge, compliance findings, the big
 * "record the next step" buttons, the timeline and the blockers list on the listing page.
 * Server-made texts (findings, verification) arrive already in the viewer's language.
 */
import { shanghaiDate } from "../../core/clock";
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { pick, type MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { cropDisplay, CROPS, labelCropTerm } from "../../traceability/crops";
import type { EventFormType } from "./schemas";

export type VerificationProps = { ok: boolean; checked: number; message: string } | null;

export function VerifyBadge({ verification }: { verification: VerificationProps }) {
  const t = useT();
  if (!verification || verification.checked === 0) return <span className="tf-verify none">{t("farmTrace.verify.empty")}</span>;
  return (
    <span className={verification.ok ? "tf-verify" : "tf-verify bad"} title={verification.message}>
      {verification.ok ? t("farmTrace.verify.ok", { count: verification.checked }) : t("farmTrace.verify.bad")}
    </span>
  );
}

export type FindingProps = { seq: number | null; text: string };

/** The lot's blocking findings, each linking to the event it is about. */
export function FindingsPanel({ findings, batchId, title }: { findings: FindingProps[]; batchId?: number; title?: string }) {
  const t = useT();
  if (findings.length === 0) {
    return (
      <p className="notice tf-findings" role="status">
        {t("farmTrace.compliance.ok")}
      </p>
    );
  }
  return (
    <section className="tf-findings blocked" aria-labelledby="tf-findings-title" role="alert">
      <h2 id="tf-findings-title">{title ?? t("farmTrace.compliance.blocked")}</h2>
      <ul>
        {findings.map((f, i) => (
          <li key={i}>
            {f.text}{" "}
            {f.seq !== null ? (
              <a href={`${batchId ? `/farm/batches/${batchId}` : ""}#event-${f.seq}`}>{t("farmTrace.compliance.seeRecord", { seq: f.seq })}</a>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

export type BlockerProps = { batchId: number; lotCode: string; items: FindingProps[] };

/** Why a listing cannot be published: per lot, each finding with a link to the blocking event. */
export function BlockersList({ blockers }: { blockers: BlockerProps[] }) {
  const t = useT();
  if (!blockers.length) return null;
  return (
    <section className="tf-findings blocked" role="alert" aria-labelledby="tf-blockers-title" id="blockers">
      <h2 id="tf-blockers-title">{t("farmTrace.blockers.title")}</h2>
      {blockers.map((b) => (
        <div key={b.batchId}>
          {b.batchId > 0 ? (
            <p>
              <Link to={`/farm/batches/${b.batchId}`}>{t("farmTrace.blockers.lot", { lot: b.lotCode })}</Link>
            </p>
          ) : null}
          <ul>
            {b.items.map((f, i) => (
              <li key={i}>
                {f.text}{" "}
                {f.seq !== null && b.batchId > 0 ? (
                  <Link to={`/farm/batches/${b.batchId}#event-${f.seq}`}>{t("farmTrace.compliance.seeRecord", { seq: f.seq })}</Link>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ))}
      <p>
        {t("farmTrace.blockers.hint")} <Link to="/farm/batches">{t("farmTrace.batches.title")} →</Link>
      </p>
    </section>
  );
}

/** Big buttons for the next record; the likely next step is highlighted. */
export function EventButtons({ batchId, next, hasEvents }: { batchId: number; next: EventFormType | null; hasEvents: boolean }) {
  const t = useT();
  const types: EventFormType[] = ["input_application", "harvest", "inspection", "packing", "shipping", "correction"];
  return (
    <ul className="tf-event-buttons">
      {types
        .filter((type) => type !== "correction" || hasEvents)
        .map((type) => (
          <li key={type}>
            <Link to={`/farm/batches/${batchId}/events/${type}`} className={type === next ? "next" : undefined}>
              {t(`farmTrace.button.${type}`)}
              <small>{t(`farmTrace.button.${type}.hint`)}</small>
            </Link>
          </li>
        ))}
    </ul>
  );
}

export type TimelineItemProps = {
  seq: number;
  type: string;
  date: string;
  correctedDate: string | null;
  payload: Record<string, unknown>;
  correctsSeq: number | null;
  correctedBy: number[];
  retracted: boolean;
  correctionStatus?: "applied" | "pending" | "accepted" | "rejected" | null;
  review?: { correctionSeq: number; decision: "accepted" | "rejected"; note: string } | null;
  findings: string[];
};

function useRows() {
  const t = useT();
  const locale = useLocale();
  const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : null);
  const unit = (v: unknown) => (typeof v === "string" && t.has(`unit.${v}`) ? t(`unit.${v}` as MessageKey) : str(v));
  const label = (prefix: string, v: unknown) => (typeof v === "string" && t.has(`${prefix}.${v}`) ? t(`${prefix}.${v}` as MessageKey) : str(v));
  const crop = (v: unknown) => {
    if (typeof v !== "string") return null;
    const c = CROPS[v];
    return c ? pick(locale, c.zh, c.en) : v;
  };
  return (item: TimelineItemProps): [string, ReactNode][] => {
    const p = item.payload;
    const rows: [string, ReactNode | null][] = [];
    const add = (key: MessageKey, value: ReactNode | null) => rows.push([t(key), value]);
    switch (item.type) {
      case "planting":
        add("farmTrace.field.crop", crop(p.crop));
        add("farmTrace.field.variety", str(p.variety));
        add("farmTrace.field.plot", str(p.plot));
        add("farmTrace.field.areaMu", p.areaMu !== undefined ? t("farmTrace.mu", { area: String(p.areaMu) }) : null);
        break;
      case "input_application":
        add("farmTrace.field.input", str(p.productName));
        add("farmTrace.field.inputKind", label("farmTrace.inputKind", p.inputKind));
        add("farmTrace.field.activeIngredient", str(p.activeIngredient));
        add("farmTrace.field.registrationNo", str(p.registrationNo));
        add("farmTrace.field.dose", str(p.dose));
        add("farmTrace.field.method", label("farmTrace.method", p.method));
        // The registered use the record relies on; a declared one says so.
        const labelCrop = typeof p.registeredCrop === "string" ? cropDisplay(labelCropTerm(p.registeredCrop)) : null;
        add(
          "farmTrace.field.registeredCrop",
          labelCrop
            ? `${pick(locale, labelCrop.zh, labelCrop.en)}${p.intervalSource === "declared" ? (locale === "zh" ? `（${t("farmTrace.input.declared")}）` : ` (${t("farmTrace.input.declared")})`) : ""}`
            : null,
        );
        add("farmTrace.field.labelIntervalDays", str(p.labelIntervalDays));
        add("farmTrace.field.labelMaxApplications", str(p.labelMaxApplications));
        if (str(p.labelPhoto)) {
          add(
            "farmTrace.field.labelPhoto",
            <a href={`/uploads/${str(p.labelPhoto)}`}>
              <img className="tf-photo" src={`/uploads/${str(p.labelPhoto)}`} alt={t("farmTrace.field.labelPhoto")} loading="lazy" />
            </a>,
          );
        }
        break;
      case "harvest":
        add("farmTrace.field.quantity", p.quantity !== undefined ? `${str(p.quantity)} ${unit(p.unit) ?? ""}` : null);
        add("farmTrace.field.lotCode", str(p.lotCode));
        add("farmTrace.field.gtin", str(p.gtin));
        break;
      case "inspection": {
        add("farmTrace.field.inspectionKind", label("farmTrace.inspectionKind", p.kind));
        add("farmTrace.field.result", p.result === "pass" ? `✓ ${t("farmTrace.result.pass")}` : p.result === "fail" ? `✗ ${t("farmTrace.result.fail")}` : null);
        add("farmTrace.field.lab", str(p.inspector));
        add("farmTrace.field.reportNo", str(p.reportNo));
        add("farmTrace.field.notes", str(p.notes));
        const photo = str(p.certificatePhoto);
        if (photo) {
          add(
            "farmTrace.field.certificatePhoto",
            <a href={`/uploads/${photo}`}>
              <img className="tf-photo" src={`/uploads/${photo}`} alt={t("farmTrace.field.certificatePhoto")} loading="lazy" />
            </a>,
          );
        }
        break;
      }
      case "packing": {
        add("farmTrace.field.packageCount", str(p.packageCount));
        add("farmTrace.field.quantity", p.quantity !== undefined ? `${str(p.quantity)} ${unit(p.unit) ?? ""}` : null);
        const c = p.certificate as Record<string, unknown> | undefined;
        if (c) {
          const commitment = c.commitment as Record<string, boolean> | undefined;
          const allCommitted = Boolean(commitment && commitment.noBannedOrRestrictedInputs && commitment.intervalsObserved && commitment.residueStandardsMet);
          add("farmTrace.cert.title", allCommitted ? `✓ ${t("farmTrace.cert.issued")}` : t("farmTrace.cert.incomplete"));
          add("farmTrace.cert.productName", str(c.productName));
          add("farmTrace.cert.quantity", `${str(c.quantity) ?? ""} ${unit(c.unit) ?? ""}`);
          add("farmTrace.cert.origin", str(c.origin));
          add("farmTrace.cert.entityName", str(c.entityName));
          add("farmTrace.cert.entityContact", str(c.entityContact));
          add("farmTrace.cert.issuedAt", typeof c.issuedAt === "number" ? shanghaiDate(c.issuedAt) : null);
        }
        break;
      }
      case "shipping":
        add("farmTrace.field.carrier", str(p.carrier));
        add("farmTrace.field.trackingNo", str(p.trackingNo));
        add("farmTrace.field.destination", str(p.destination));
        add("farmTrace.field.orderId", str(p.orderId));
        break;
      case "arrival":
      case "pickup":
        add("farmTrace.field.receivedBy", str(p.receivedBy));
        add("farmTrace.field.pickupPoint", str(p.pickupPoint));
        add("farmTrace.field.orderId", str(p.orderId));
        break;
      case "correction":
        add("farmTrace.field.corrects", item.correctsSeq !== null ? t("farmTrace.recordNo", { seq: item.correctsSeq }) : null);
        add("farmTrace.field.reason", str(p.reason));
        add(
          "farmTrace.field.change",
          p.retract
            ? t("farmTrace.correction.retracted")
            : typeof p.occurredAt === "number"
              ? t("farmTrace.correction.redatedTo", { date: shanghaiDate(p.occurredAt) })
              : p.replacement
                ? t("farmTrace.correction.replaced")
                : null,
        );
        if (str(p.evidencePhoto)) {
          add(
            "farmTrace.field.evidencePhoto",
            <a href={`/uploads/${str(p.evidencePhoto)}`}>
              <img className="tf-photo" src={`/uploads/${str(p.evidencePhoto)}`} alt={t("farmTrace.field.evidencePhoto")} loading="lazy" />
            </a>,
          );
        }
        break;
      case "recall":
        add("farmTrace.field.reason", str(p.reason));
        add("farmTrace.field.scope", str(p.scope));
        break;
      case "correction_review":
        if (item.review)
          add(
            "farmTrace.field.reason",
            t("farmTrace.review", {
              seq: item.review.correctionSeq,
              decision: t(`farmTrace.correctionStatus.${item.review.decision}` as MessageKey),
              note: item.review.note,
            }),
          );
        break;
    }
    return rows.filter((r): r is [string, ReactNode] => r[1] !== null && r[1] !== "");
  };
}

const CORRECTABLE = new Set(["planting", "input_application", "harvest", "inspection", "packing", "shipping"]);

/** The lot's records, oldest first; with `batchId`, each producer record links to its correction form. */
export function Timeline({ items, batchId }: { items: TimelineItemProps[]; batchId?: number }) {
  const t = useT();
  const rowsOf = useRows();
  if (!items.length) return <p className="hint">{t("farmTrace.timeline.empty")}</p>;
  return (
    <ol className="tf-timeline">
      {items.map((item) => {
        const rows = rowsOf(item);
        const classes = [item.findings.length ? "has-finding" : "", item.retracted ? "retracted" : "", item.type === "correction" ? "correction" : ""]
          .filter(Boolean)
          .join(" ");
        return (
          <li key={item.seq} id={`event-${item.seq}`} className={classes || undefined}>
            <div className="tf-event-head">
              <strong>{t.has(`farmTrace.event.${item.type}`) ? t(`farmTrace.event.${item.type}` as MessageKey) : item.type}</strong>
              <span className="meta">{t("farmTrace.recordNo", { seq: item.seq })}</span>
              <span className="meta">
                {item.correctedDate ? (
                  <>
                    <s>{item.date}</s> → {item.correctedDate}
                  </>
                ) : (
                  item.date
                )}
              </span>
              {item.retracted ? <span className="badge muted">{t("farmTrace.timeline.retracted")}</span> : null}
              {item.correctionStatus && item.correctionStatus !== "applied" ? (
                <span className={item.correctionStatus === "accepted" ? "badge muted" : "badge warn"} data-correction-status={item.correctionStatus}>
                  {t(`farmTrace.correctionStatus.${item.correctionStatus}` as MessageKey)}
                </span>
              ) : null}
              {item.correctedBy.length && !item.retracted ? (
                <span className="badge warn">{t("farmTrace.timeline.corrected", { seqs: item.correctedBy.join(", ") })}</span>
              ) : null}
            </div>
            {rows.length ? (
              <dl className="tf-event-body">
                {rows.map(([k, v], i) => (
                  <div key={i} style={{ display: "contents" }}>
                    <dt>{k}</dt>
                    <dd>{v}</dd>
                  </div>
                ))}
              </dl>
            ) : null}
            {item.findings.map((f, i) => (
              <p key={i} className="tf-event-finding">
                ⚠ {f}
              </p>
            ))}
            {batchId && CORRECTABLE.has(item.type) && !item.retracted ? (
              <p className="meta" style={{ margin: "0.25rem 0 0" }}>
                <Link className="target-link" to={`/farm/batches/${batchId}/events/correction?seq=${item.seq}`}>
                  {t("farmTrace.timeline.correctThis")}
                </Link>
              </p>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

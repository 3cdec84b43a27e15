/**
 * Printable lot label, 60 × 40 mm (@page size): product, lot, producer, the 承诺达标合格证 fields
 * and the lot's QR code (GS1 Digital Link). GET /label/01/<GTIN-14>/10/<lot>.
 */
import { shanghaiDate } from "../../core/clock";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { pick, type MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { PrintLink, usePrintOnLoad } from "~/components/print";
import labelStyles from "~/styles/label.css";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { decodeLotParam, getLabel, tracePath } from "~/traceability.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: labelStyles }];

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? pageTitle(matches, "traceLabel.title", { lot: data.label.lot.lotCode }) : pageTitle(matches, "error.notFound");

export async function loader({ params }: LoaderFunctionArgs) {
  const label = getLabel(getDb(), params.gtin ?? "", decodeLotParam(params.lot ?? ""));
  if (!label) throw new Response("tracePage.notFound", { status: 404 });
  return { label, path: tracePath(label.lot.gtin, label.lot.lotCode) };
}

export default function LabelRoute() {
  const t = useT();
  const locale = useLocale();
  const { label, path } = useLoaderData<typeof loader>();
  usePrintOnLoad();
  const { lot, product, producer, certificate: cert, origin } = label;
  const place = [origin.province, origin.county, origin.village?.name]
    .filter(Boolean)
    .map((n) => pick(locale, n!.zh, n!.en))
    .join("");
  return (
    <section className="label-sheet">
      <h1 className="sr-only">{t("traceLabel.title", { lot: lot.lotCode })}</h1>
      <p className="hint">{t("traceLabel.lead")}</p>
      <div className="lot-label" data-testid="lot-label">
        <div className="l-title">{cert ? t("traceLabel.certTitle") : pick(locale, product.name.zh, product.name.en)}</div>
        <dl>
          <dt>{t("trace.cert.productName")}</dt>
          <dd>{cert?.productName ?? pick(locale, product.name.zh, product.name.en)}</dd>
          {cert ? (
            <>
              <dt>{t("traceLabel.quantity")}</dt>
              <dd>
                {cert.quantity} {t(`unit.${cert.unit}` as MessageKey)}
              </dd>
            </>
          ) : null}
          <dt>{t("traceLabel.origin")}</dt>
          <dd>{cert?.origin ?? place}</dd>
          <dt>{t("traceLabel.producer")}</dt>
          <dd>{cert?.entityName ?? pick(locale, producer.name.zh, producer.name.en)}</dd>
          {cert ? (
            <>
              <dt>{t("traceLabel.contact")}</dt>
              <dd>{cert.entityContact}</dd>
              <dt>{t("traceLabel.issued")}</dt>
              <dd>{shanghaiDate(cert.issuedAt)}</dd>
            </>
          ) : null}
          <dt>{t("tracePage.lot")}</dt>
          <dd className="mono">{lot.lotCode}</dd>
        </dl>
        <div className="l-qr">
          <img src={`/qr${path}.svg`} alt={t("tracePage.qrAlt", { lot: lot.lotCode })} width={72} height={72} />
          <span className="l-lot">(01){lot.gtin}</span>
        </div>
        {cert ? <div className="l-commit">{t("traceLabel.commitShort")}</div> : null}
      </div>
      <p className="label-actions button-row">
        <PrintLink>{t("traceLabel.print")}</PrintLink>
        <a href={path}>{t("tracePage.timeline")}</a>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

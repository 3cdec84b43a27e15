/** The whole message catalogue, both locales (server side; the browser loads one locale as a script, see core.ts). */
/**
 * Translation: Simplified Chinese first, English second. This module holds the whole catalogue and
 * is for server code; components use ./react (messages of one locale from the root loader) and ./core.
 * Messages live in one file per feature under ./messages; keys are checked at compile time.
 */
import * as common from "./messages/common";
import * as auth from "./messages/auth";
import * as storefront from "./messages/storefront";
import * as farm from "./messages/farm";
import * as admin from "./messages/admin";
import * as traceRecall from "./messages/trace-recall";
import * as trace from "./messages/trace";
import * as orders from "./messages/orders";
import * as afterSale from "./messages/after-sale";
import * as fulfilment from "./messages/fulfilment";
import * as invoices from "./messages/invoices";
import * as logisticsNetwork from "./messages/logistics-network";
import * as logisticsParcels from "./messages/logistics-parcels";
import * as logisticsRoutes from "./messages/logistics-routes";
import * as logisticsAdmin from "./messages/logistics-admin";
import * as logisticsLabels from "./messages/logistics-labels";
import * as logisticsPoints from "./messages/logistics-points";
import * as sellerTools from "./messages/seller-tools";
import * as inputsMarket from "./messages/inputs-market";
import * as coopMembers from "./messages/coop-members";
import * as statistics from "./messages/statistics";
import * as credit from "./messages/credit";

import type { Locale } from "./format";

const zh = {
  ...common.zh,
  ...auth.zh,
  ...storefront.zh,
  ...farm.zh,
  ...admin.zh,
  ...traceRecall.zh,
  ...trace.zh,
  ...orders.zh,
  ...afterSale.zh,
  ...fulfilment.zh,
  ...invoices.zh,
  ...logisticsNetwork.zh,
  ...logisticsParcels.zh,
  ...logisticsRoutes.zh,
  ...logisticsAdmin.zh,
  ...logisticsLabels.zh,
  ...logisticsPoints.zh,
  ...sellerTools.zh,
  ...inputsMarket.zh,
  ...coopMembers.zh,
  ...statistics.zh,
  ...credit.zh,
};
const en: Record<keyof typeof zh, string> = {
  ...common.en,
  ...auth.en,
  ...storefront.en,
  ...farm.en,
  ...admin.en,
  ...traceRecall.en,
  ...trace.en,
  ...orders.en,
  ...afterSale.en,
  ...fulfilment.en,
  ...invoices.en,
  ...logisticsNetwork.en,
  ...logisticsParcels.en,
  ...logisticsRoutes.en,
  ...logisticsAdmin.en,
  ...logisticsLabels.en,
  ...logisticsPoints.en,
  ...sellerTools.en,
  ...inputsMarket.en,
  ...coopMembers.en,
  ...statistics.en,
  ...credit.en,
};

export type MessageKey = keyof typeof zh;
export const messages: Record<Locale, Record<MessageKey, string>> = { zh, en };

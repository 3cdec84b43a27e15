/** Forms of the inputs market (issue 12 §4): one zod schema per form. Plain module (browser-safe). */
import { z } from "zod";
import { isRealIsoDate } from "../../core/clock";
import { PriceField, StockField, UNITS } from "../listings/schemas";

const text = (max: number) =>
  z.string({ required_error: "inputsMarket.error.required" }).trim().min(1, "inputsMarket.error.required").max(max, "inputsMarket.error.tooLong");
const optionalText = (max: number) => z.string().trim().max(max, "inputsMarket.error.tooLong").optional();
const day = z.string({ required_error: "inputsMarket.error.dates" }).refine(isRealIsoDate, "inputsMarket.error.dates");

export const InputListingSchema = z.object({
  producerId: z.number({ required_error: "inputsMarket.error.required", invalid_type_error: "inputsMarket.error.required" }).int().positive(),
  agriInputId: z.number({ required_error: "inputsMarket.error.chooseInput", invalid_type_error: "inputsMarket.error.chooseInput" }).int().positive(),
  registrationNo: optionalText(60),
  makerLotNo: text(20),
  producedOn: day,
  expiresOn: day,
  title: optionalText(60),
  unit: z.enum(UNITS, { errorMap: () => ({ message: "farm.unit.required" }) }),
  price: PriceField,
  stock: StockField,
});

/** The used quantity of a stock row, in the stock's unit (a phone may type 0.5). */
export const StockUseSchema = z.object({
  stockId: z.number({ invalid_type_error: "inputsMarket.error.quantity" }).int().positive(),
  usedQuantity: z
    .number({ required_error: "inputsMarket.error.quantity", invalid_type_error: "inputsMarket.error.quantity" })
    .positive("inputsMarket.error.quantity")
    .max(1_000_000, "inputsMarket.error.quantity"),
});

export const InputTraceSearchSchema = z.object({ q: z.string().trim().max(60).optional() });

export const CatalogueEditSchema = z.object({
  intent: z.literal("edit"),
  nameZh: text(100),
  nameEn: optionalText(100),
  registrationNo: optionalText(60),
  activeIngredient: optionalText(100),
  maker: optionalText(100),
  toxicityClass: z.enum(["extremely_toxic", "highly_toxic", "moderately_toxic", "low_toxic", "slightly_toxic"]).optional(),
});
export const CatalogueRetireSchema = z.object({ intent: z.enum(["retire", "reinstate"]) });

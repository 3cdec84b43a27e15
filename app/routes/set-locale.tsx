import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { LOCALES } from "~/i18n/core";
import { safeRedirect } from "~/utils/session.server";

const SetLocaleSchema = z.object({ locale: z.enum(LOCALES), redirectTo: z.string().optional() });

/** The language switch: a plain form post, so it works without JavaScript. */
export async function action({ request }: ActionFunctionArgs) {
  const parsed = SetLocaleSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) throw new Response("error.badRequest", { status: 400 });
  return redirect(safeRedirect(parsed.data.redirectTo), {
    headers: { "Set-Cookie": `lng=${parsed.data.locale}; Path=/; Max-Age=31536000; SameSite=Lax` },
  });
}

export async function loader() {
  return redirect("/");
}
